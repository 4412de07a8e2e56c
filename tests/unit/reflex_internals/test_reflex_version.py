"""The installed Reflex is the release cloudlink_app/reflex_internals was checked
against, and requirements.txt pins that release: an upgrade of Reflex fails here first,
naming the package to re-check."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from cloudlink_app import reflex_internals

ROOT = Path(__file__).resolve().parents[3]


def test_the_installed_reflex_is_the_one_reflex_internals_was_checked_against():
    assert reflex_internals.version_problem() is None, reflex_internals.version_problem()


def test_requirements_pin_that_reflex():
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pins = re.findall(r"^reflex(?:\[[^\]]*\])?==(\S+)$", requirements, flags=re.MULTILINE)
    assert pins == [reflex_internals.REFLEX_VERSION]
    # reflex-base is Reflex's own split: it comes with the same release.
    assert metadata.version("reflex-base") == reflex_internals.REFLEX_VERSION


def test_another_version_names_the_package_to_recheck():
    problem = reflex_internals.version_problem("0.10.2")
    assert problem is not None
    assert "Reflex 0.10.2 is installed" in problem
    assert "cloudlink_app.reflex_internals" in problem
    assert reflex_internals.REFLEX_VERSION in problem
