"""One translation function for every user-visible string.

The texts live in gettext catalogs, one per UI language, managed with Babel
(docs/translations.md): ``cloudlink_app/locale/<lang>/LC_MESSAGES/messages.po``,
where each msgid is a key (``button.next``) and its msgstr the text. ``make setup``
compiles them into ``messages.mo``; when a ``.mo`` is missing or older than its ``.po``
(a clean checkout, a translation just edited) the ``.po`` is compiled in memory
instead, so nothing crashes before ``make setup``. A key missing in Dutch falls back to
English, then to the key itself, so a gap shows up as text in the UI rather than as a
crash.
"""

from __future__ import annotations

import dataclasses
import functools
import gettext
import io
from pathlib import Path
from typing import Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DEFAULT_LANGUAGE = "en"
UI_LANGUAGES = ("en", "nl")
# Each language named in itself, on every page's language switch.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}
# The browser's local storage key of the language it showed last: read before the first
# paint (components/first_paint.py) and by the server's choice of a page's language.
SHOWN_LANGUAGE_KEY = "cloudlink_lang"

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    """Where the catalog of ``lang`` lives (``.po`` source or compiled ``.mo``)."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _compiled(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``: its ``.mo``, or its ``.po`` compiled in memory when the
    ``.mo`` is missing or older; an empty catalog when there is neither."""
    po, mo = catalog_path(lang), catalog_path(lang, ".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as file:
            return Translations(file, domain=DOMAIN)
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as file:
        catalog = read_po(file, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy and untranslated entries left out, as pybabel does
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def _translations(lang: str) -> gettext.NullTranslations:
    """``lang``'s catalog falling back to English's; English's gives the key itself."""
    if lang == DEFAULT_LANGUAGE or lang not in UI_LANGUAGES:
        return _compiled(DEFAULT_LANGUAGE)
    translations = _compiled(lang)
    translations.add_fallback(_compiled(DEFAULT_LANGUAGE))
    return translations


class LocalParam(Protocol):
    """A parameter worded per language when its text is rendered (a time: domain/times)."""

    def format(self, lang: str) -> str: ...


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Return the text for ``key`` in ``lang``, with ``{name}`` placeholders filled (a
    parameter with a ``format(lang)`` method, such as a time, in ``lang`` too)."""
    text = _translations(lang).gettext(key)
    if not params:
        return text
    shown = {name: _worded(value, lang) for name, value in params.items()}
    return text.format(**shown)


def _worded(value: object, lang: str) -> object:
    """A parameter as ``lang`` shows it: a LocalParam formatted, anything else as is."""
    formatter = None if isinstance(value, str) else getattr(value, "format", None)
    return formatter(lang) if callable(formatter) else value


def N_(key: str) -> str:
    """Mark ``key`` as a catalog key used where extraction cannot see it (a key chosen
    at run time, e.g. ``t(f"step.{step}")``): returns it unchanged."""
    return key


@dataclasses.dataclass(frozen=True)
class Text:
    """A text kept in state as its key and parameters, rendered in the current UI
    language when shown (``render``), so a language switch re-words it."""

    key: str
    params: dict[str, str | int | LocalParam] = dataclasses.field(default_factory=dict)


def render(text: Text | None, lang: str) -> str:
    """``text`` in ``lang`` ("" for None)."""
    return "" if text is None else t(text.key, lang, **text.params)
