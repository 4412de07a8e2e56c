"""The gettext catalogs (cloudlink_app/locale) match the code: every key the code uses
is in English and Dutch, no catalog has a key the code never uses, Dutch keeps the
English {placeholders}, and messages.pot is what extraction gives today.

The keys the code uses are Babel's extraction over cloudlink_app/ (babel.cfg, the same
as ``make catalogs``) plus the keys it builds at run time (cloudlink_app/locale/keys.py).
"""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, LOCALE_DIR, catalog_path
from cloudlink_app.locale.keys import run_time_keys

ROOT = Path(__file__).resolve().parents[2]


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _texts(lang: str) -> dict[str, str]:
    """The translated entries of ``lang``'s .po (untranslated and fuzzy ones left out,
    as compiling does)."""
    return {m.id: m.string for m in _read(catalog_path(lang)) if m.id and m.string and not m.fuzzy}


def _extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    return {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "cloudlink_app"), method_map, options_map
        )
        if isinstance(message, str)
    }


def used_keys() -> set[str]:
    """Every key the code uses."""
    return _extracted() | run_time_keys()


def _languages() -> list[str]:
    """English, and Dutch once its catalog exists."""
    others = [p.parent.parent.name for p in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))]
    return [DEFAULT_LANGUAGE, *(lang for lang in others if lang != DEFAULT_LANGUAGE)]


def _placeholders(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_dutch_catalog_is_there():
    assert "nl" in _languages()


def test_every_key_the_code_uses_is_in_every_catalog():
    used = used_keys()
    for lang in _languages():
        missing = sorted(used - set(_texts(lang)))
        assert not missing, (lang, missing)


def test_no_catalog_has_a_key_the_code_never_uses():
    used = used_keys()
    for lang in _languages():
        unused = sorted(set(_texts(lang)) - used)
        assert not unused, (lang, unused)


def test_translations_keep_the_english_placeholders():
    english = _texts(DEFAULT_LANGUAGE)
    for lang in _languages():
        different = {
            key: (_placeholders(english[key]), _placeholders(text))
            for key, text in _texts(lang).items()
            if key in english and _placeholders(text) != _placeholders(english[key])
        }
        assert not different, (lang, different)


def test_the_template_is_up_to_date():
    template = {m.id for m in _read(LOCALE_DIR / "messages.pot") if m.id}
    assert template == used_keys()
