"""The fixed lists of the Customer step: countries, business types, languages, roles.

Labels live in the catalogs (so they are translated like every other text); the
English tuples below are read from them (``t``) rather than written twice. Countries
are named by pycountry's own translations.
"""

from __future__ import annotations

import functools
import gettext
import unicodedata

import pycountry

from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES, t

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
    (key, t(f"business_type.{key}", DEFAULT_LANGUAGE)) for key in _BUSINESS_TYPE_KEYS
)
DEFAULT_LANGUAGES: tuple[tuple[str, str], ...] = tuple(
    (code, t(f"language.{code}", DEFAULT_LANGUAGE)) for code in _LANGUAGE_CODES
)


def business_type_options(lang: str = "en") -> list[tuple[str, str]]:
    """Business types as (key, label in ``lang``), sorted by label in that language
    (the English order is the keys' order above), "Other" last."""
    labelled = [(key, t(f"business_type.{key}", lang)) for key in _BUSINESS_TYPE_KEYS]
    *named, other = labelled
    return [*sorted(named, key=lambda item: (_sort_key(item[1]), item[1])), other]


def language_options(lang: str = "en") -> list[tuple[str, str]]:
    """Default languages as (code, name in ``lang``), in the same order in every
    language: English and Dutch first, the most asked for."""
    return [(code, t(f"language.{code}", lang)) for code in _LANGUAGE_CODES]


def role_options(lang: str = "en") -> list[tuple[str, str]]:
    """Support contact roles as (key, label in ``lang``)."""
    return [(role, t(f"role.{role}", lang)) for role in forms.ROLES]


def countries() -> list[tuple[str, str]]:
    """ISO 3166-1 countries as (alpha-2 code, English name), sorted by name."""
    return country_options(DEFAULT_LANGUAGE)


def country_options(lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    """ISO 3166-1 countries as (alpha-2 code, name in ``lang``), sorted in that
    language's order (accents and case ignored: "Åland" sorts with A). The codes are
    the same in every language; an unknown language gets the English list."""
    return list(_countries(lang if lang in UI_LANGUAGES else DEFAULT_LANGUAGE))


@functools.cache
def country_codes() -> frozenset[str]:
    """The alpha-2 codes of countries()."""
    return frozenset(code for code, _ in _countries(DEFAULT_LANGUAGE))


@functools.cache
def _countries(lang: str) -> tuple[tuple[str, str], ...]:
    # pycountry's own translations (gettext domain "iso3166-1"); English is the msgid.
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True
    )
    # common_name where pycountry has one: "Taiwan" rather than "Taiwan, Province of
    # China", the name people look for in the list (the catalogs translate it too:
    # "Zuid-Korea" rather than "Korea, Republiek").
    named = (
        (country.alpha_2, translation.gettext(getattr(country, "common_name", country.name)))
        for country in pycountry.countries
    )
    return tuple(sorted(named, key=lambda item: (_sort_key(item[1]), item[1])))


def _sort_key(name: str) -> str:
    # Accents and case must not decide the order: "Åland Islands" sorts with A,
    # "Ålandseilanden" too, not after Z.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
