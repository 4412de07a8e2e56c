"""The script that sets <html lang> before the first paint (components/first_paint.py),
run by Node as the browser runs it, against the rule the server uses; and the names
the page, the stylesheet and the server must agree on."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from cloudlink_app.components import first_paint
from cloudlink_app.domain.i18n import SHOWN_LANGUAGE_KEY, UI_LANGUAGES
from cloudlink_app.state.language import preferred_language

ROOT = Path(__file__).resolve().parents[3]
NODE = shutil.which("node")


def painted_language(stored: dict[str, str], languages: list[str] | None) -> str:
    """<html lang> after the script ran in a browser with this local storage and
    navigator.languages (None: a browser without them; raising storage: blocked)."""
    harness = (
        "const stored = " + json.dumps(stored) + ";"
        "globalThis.document = {documentElement: {lang: 'en'}};"
        "globalThis.localStorage = {getItem: (k) => (k in stored ? stored[k] : null)};"
        "Object.defineProperty(globalThis, 'navigator', {value: "
        + json.dumps({"languages": languages, "language": (languages or [""])[0]})
        + "});"
        + first_paint._script()
        + ";process.stdout.write(document.documentElement.lang);"
    )
    return subprocess.run(
        [NODE or "node", "-e", harness], capture_output=True, text=True, check=True
    ).stdout


pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js runs the page's script")


@pytest.mark.parametrize(
    ("stored", "languages", "expected"),
    [
        ({SHOWN_LANGUAGE_KEY: "nl"}, ["en-US"], "nl"),  # what it showed last wins
        ({SHOWN_LANGUAGE_KEY: "nl", "ui_lang": "en"}, ["en"], "nl"),
        ({"ui_lang": "nl"}, ["en-GB", "en"], "nl"),  # then the switch's choice
        (
            {SHOWN_LANGUAGE_KEY: "xx", "ui_lang": "fr"},
            ["fr-FR", "nl-BE"],
            "nl",
        ),  # unknown: passed over
        ({}, ["fr-FR", "de", "nl"], "nl"),  # then the browser's languages, in order
        ({}, ["en-US", "nl"], "en"),
        ({}, ["fr-FR"], "en"),  # none of ours: English
        ({}, [], "en"),
    ],
)
def test_the_page_paints_in_the_language_the_server_will_choose(stored, languages, expected):
    assert painted_language(stored, languages) == expected
    # The server's rule, for a browser without a signed-in user's saved language.
    remembered = [stored.get(k) for k in (SHOWN_LANGUAGE_KEY, "ui_lang")]
    server = next((lang for lang in remembered if lang in UI_LANGUAGES), None)
    accept = ",".join(f"{lang};q={1 - i / 10:.1f}" for i, lang in enumerate(languages))
    assert (server or preferred_language(accept)) == expected


def test_the_page_keeps_the_language_it_shows_under_the_key_the_script_reads():
    effects = (ROOT / "cloudlink_app/components/page_effects.jsx").read_text()
    assert f'const SHOWN_LANGUAGE_KEY = "{SHOWN_LANGUAGE_KEY}";' in effects
    assert "localStorage.setItem(SHOWN_LANGUAGE_KEY, lang)" in effects


def test_the_stylesheet_hides_every_language_but_the_pages():
    styles = (ROOT / "assets/styles.css").read_text()
    for lang in UI_LANGUAGES:
        assert f'html:not([lang="{lang}"]) [data-tx="{lang}"]' in styles, lang
        assert f'html[lang="{lang}"] .language-switch__button[lang="{lang}"]' in styles, lang
