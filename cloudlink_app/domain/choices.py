"""The fixed lists of the Customer step: countries, business types, languages, roles.

Labels live in messages.CATALOG (so they are translated like every other text); the
English tuples below are read from it rather than written twice.
"""

from __future__ import annotations

import functools
import unicodedata

import pycountry

from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.messages import CATALOG

_BUSINESS_TYPE_KEYS = (
    "agriculture",
    "construction",
    "education",
    "energy",
    "finance",
    "government",
    "healthcare",
    "hospitality",
    "information_technology",
    "manufacturing",
    "media",
    "non_profit",
    "professional_services",
    "real_estate",
    "retail",
    "transport",
    "other",
)
_LANGUAGE_CODES = ("en", "nl", "fr", "de", "es", "it", "pt", "pl", "sv", "da")

BUSINESS_TYPES: tuple[tuple[str, str], ...] = tuple(
    (key, CATALOG["en"][f"business_type.{key}"]) for key in _BUSINESS_TYPE_KEYS
)
DEFAULT_LANGUAGES: tuple[tuple[str, str], ...] = tuple(
    (code, CATALOG["en"][f"language.{code}"]) for code in _LANGUAGE_CODES
)


def business_type_options(lang: str = "en") -> list[tuple[str, str]]:
    """Business types as (key, label in ``lang``), "Other" last."""
    return [(key, t(f"business_type.{key}", lang)) for key in _BUSINESS_TYPE_KEYS]


def language_options(lang: str = "en") -> list[tuple[str, str]]:
    """Default languages as (code, name in ``lang``)."""
    return [(code, t(f"language.{code}", lang)) for code in _LANGUAGE_CODES]


def role_options(lang: str = "en") -> list[tuple[str, str]]:
    """Support contact roles as (key, label in ``lang``)."""
    return [(role, t(f"role.{role}", lang)) for role in forms.ROLES]


def countries() -> list[tuple[str, str]]:
    """ISO 3166-1 countries as (alpha-2 code, English name), sorted by name."""
    return list(_countries())


@functools.cache
def country_codes() -> frozenset[str]:
    """The alpha-2 codes of countries()."""
    return frozenset(code for code, _ in _countries())


@functools.cache
def _countries() -> tuple[tuple[str, str], ...]:
    # common_name where pycountry has one: "Taiwan" rather than "Taiwan, Province of
    # China", the name people look for in the list.
    named = (
        (country.alpha_2, getattr(country, "common_name", country.name))
        for country in pycountry.countries
    )
    return tuple(sorted(named, key=lambda item: _sort_key(item[1])))


def _sort_key(name: str) -> str:
    # Accents must not send "Åland Islands" to the end of the list.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
