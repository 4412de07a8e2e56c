"""One translation function for every user-visible string.

English is the only language for now; Dutch is added by giving each catalog an "nl"
entry. A missing key or language falls back to English, then to the key itself, so a
gap shows up as text in the UI rather than as a crash.
"""

from __future__ import annotations

import dataclasses

from cloudlink_app.domain import (
    labels,
    labels_accounts,
    labels_auth,
    labels_dashboard,
    messages,
)

DEFAULT_LANGUAGE = "en"
UI_LANGUAGES = ("en", "nl")
# Each language named in itself, on every page's language switch.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}

_CATALOGS: dict[str, dict[str, str]] = {}
for _source in (
    labels.CATALOG,
    labels_dashboard.CATALOG,
    labels_auth.CATALOG,
    labels_accounts.CATALOG,
    messages.CATALOG,
):
    for _lang, _entries in _source.items():
        _CATALOGS.setdefault(_lang, {}).update(_entries)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Return the text for ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    text = _CATALOGS.get(lang, {}).get(key) or _CATALOGS[DEFAULT_LANGUAGE].get(key, key)
    return text.format(**params) if params else text


def N_(key: str) -> str:
    """Mark ``key`` as a catalog key used where extraction cannot see it (a key chosen
    at run time, e.g. ``t(f"step.{step}")``): returns it unchanged."""
    return key


@dataclasses.dataclass(frozen=True)
class Text:
    """A text kept in state as its key and parameters, rendered in the current UI
    language when shown (``render``), so a language switch re-words it."""

    key: str
    params: dict[str, str | int] = dataclasses.field(default_factory=dict)


def render(text: Text | None, lang: str) -> str:
    """``text`` in ``lang`` ("" for None)."""
    return "" if text is None else t(text.key, lang, **text.params)
