"""One translation function for every user-visible string.

English is the only language for now; Dutch is added by giving each catalog an "nl"
entry. A missing key or language falls back to English, then to the key itself, so a
gap shows up as text in the UI rather than as a crash.
"""

from __future__ import annotations

from cloudlink_app.domain import (
    labels,
    labels_accounts,
    labels_auth,
    labels_dashboard,
    messages,
)

DEFAULT_LANGUAGE = "en"
UI_LANGUAGES = ("en",)

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
