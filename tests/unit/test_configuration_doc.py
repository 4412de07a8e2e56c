"""docs/configuration.md: its table of variables is the one cloudlink_app/settings.py
renders from its fields, so the doc cannot drift from what the app reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cloudlink_app import settings

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
RENEW = "python -m cloudlink_app.settings docs/configuration.md"


def _table_in(document: str) -> str:
    """What stands between the doc's markers of the generated table."""
    before, start, rest = document.partition(settings.TABLE_START)
    table, end, after = rest.partition(settings.TABLE_END)
    assert start and end, "the doc lost its markers of the generated table"
    return table


def test_the_doc_shows_the_table_the_settings_render():
    table = _table_in(DOC.read_text(encoding="utf-8"))
    assert table == "\n" + settings.markdown_table(), f"renew it: {RENEW}"


def test_every_variable_has_one_row():
    rows = settings.markdown_table().splitlines()[2:]
    assert [row.split(" | ")[0] for row in rows] == [
        f"| `{variable}`" for variable in settings.VARIABLES.values()
    ]
    assert len(settings.VARIABLES) == 13


@pytest.mark.parametrize("name", list(settings.VARIABLES))
def test_every_field_says_what_it_means_and_what_it_accepts(name):
    field = settings.Settings.model_fields[name]
    for text in (field.description, settings.accepted(name)):
        assert text and "|" not in text and "\n" not in text


def test_the_doc_names_what_only_reflex_reads():
    document = DOC.read_text(encoding="utf-8")
    assert "REFLEX_BUN_PATH" in document
    assert RENEW in document


def test_the_command_prints_the_table():
    printed = subprocess.run(
        [sys.executable, "-m", "cloudlink_app.settings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert printed.stdout == settings.markdown_table()


def test_the_command_renews_the_table_and_keeps_the_rest(tmp_path):
    doc = tmp_path / "configuration.md"
    doc.write_text(
        f"# Before\n\n{settings.TABLE_START}\n| stale |\n{settings.TABLE_END}\n\nAfter.\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "cloudlink_app.settings", str(doc)],
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    renewed = doc.read_text(encoding="utf-8")
    assert renewed.startswith(f"# Before\n\n{settings.TABLE_START}\n")
    assert renewed.endswith(f"{settings.TABLE_END}\n\nAfter.\n")
    assert _table_in(renewed) == "\n" + settings.markdown_table()


def test_the_command_refuses_a_doc_without_the_markers(tmp_path):
    doc = tmp_path / "other.md"
    doc.write_text("# No table here\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "cloudlink_app.settings", str(doc)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert doc.read_text(encoding="utf-8") == "# No table here\n"
