"""The README and docs/ name only paths that exist, and the README stays short.

What counts as a path of the project, in README.md and docs/*.md:

- a relative Markdown link, ``[text](docs/security.md)`` or ``(../cloudlink_app/...)``,
  resolved from the folder of the page it is in (the repository's root for the
  README, docs/ for the docs); a ``#anchor`` must name a heading of its target;
- a word inside backticks (inline code or a fenced block; a command's words one by
  one) that is either
  - a relative path whose first part is a top-level entry of the repository
    (``tests/support/tabs.py``, ``deploy/nginx/``) or a package of cloudlink_app, as
    the docs shorten them (``services/auth.py`` is ``cloudlink_app/services/auth.py``;
    ``state/base.FollowSession`` names the module ``state/base.py``), or
  - a bare file name with a source suffix (``rxconfig.py``, ``messages.po``), which must
    be the name of a file somewhere in the project.

A ``<placeholder>`` or ``*`` matches any name (at least one must exist). Not paths: URLs,
URL paths of the app and absolute paths (``/sign-in``, ``/usr/bin/chromium``),
addresses, Make targets, commands, environment variables, module names in dotted form
(``cloudlink_app.accounts``), and what the app or Reflex make at run time outside the
repository's own folders (``.venv/``, ``.web/``, ``.states/``, ``cloudlink.db``).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "cloudlink_app"
README_MAX_LINES = 150
# Suffixes that make a bare word a file name (a module, a page, a config file).
FILE_SUFFIXES = (
    ".py",
    ".md",
    ".txt",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".po",
    ".pot",
    ".css",
    ".mako",
)
# Made by tools or at run time, never part of the project's files.
_NOT_PROJECT = {".git", ".venv", ".web", ".states", ".tools", "node_modules", "__pycache__"}

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_PLACEHOLDER = re.compile(r"<[^<>/]+>")


def doc_files(root: Path = ROOT) -> list[Path]:
    """README.md and every page of docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


@functools.cache
def _project_files(root: Path) -> frozenset[str]:
    """The names of the project's files (not those of tools' and run-time folders,
    which are not even walked: .venv and .web hold tens of thousands)."""
    names: set[str] = set()
    for _folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in _NOT_PROJECT]
        names.update(files)
    return frozenset(names)


def _split(text: str) -> tuple[list[str], str]:
    """(the words inside backticks, the text outside them)."""
    code: list[str] = []
    prose: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            code.append(line)
            continue
        code.extend(match.group(2) for match in _CODE_SPAN.finditer(line))
        prose.append(_CODE_SPAN.sub("", line))
    words = [word.strip("\"'();,") for chunk in code for word in chunk.split()]
    return [word for word in words if word], "\n".join(prose)


def _anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page's headings, as GitHub makes them."""
    anchors = set()
    in_fence = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            title = _CODE_SPAN.sub(lambda m: m.group(2), heading.group(1)).lower()
            title = re.sub(r"[^\w\- ]", "", title)
            anchors.add(title.replace(" ", "-"))
    return anchors


def _exists(root: Path, relative: str) -> bool:
    """Whether ``relative`` (``<name>`` parts match anything) names a file or, with a
    trailing slash, a folder under ``root``."""
    wants_folder = relative.endswith("/")
    pattern = _PLACEHOLDER.sub("*", relative.rstrip("/"))
    if "*" in pattern:
        found = list(root.glob(pattern))
    else:
        found = [root / pattern] if (root / pattern).exists() else []
    return any(path.is_dir() if wants_folder else path.exists() for path in found)


def _code_path(word: str, root: Path, files: frozenset[str]) -> str | None:
    """Where ``word`` (from backticks) points in the project, relative to the root, when
    it is a path of the project ("" for a bare file name found somewhere); None when
    it is not a path at all; raises FileNotFoundError for a path that does not exist."""
    if "://" in word or word.startswith(("/", "~", "-", "$")) or "@" in word or "=" in word:
        return None
    if "/" not in word:
        # .po, .cloudlink-secret-key: a suffix, or a file made at run time.
        if word.startswith(".") or not word.endswith(FILE_SUFFIXES):
            return None
        if not fnmatch.filter(files, _PLACEHOLDER.sub("*", word)):
            raise FileNotFoundError(word)
        return ""
    first = word.split("/", 1)[0]
    if first in ("", ".", "..") or first in _NOT_PROJECT:
        return None  # ../shared/SPEC.md, .web/build/client: outside the project's files
    if (root / first).exists():
        relative = word
    elif (root / PACKAGE / first).is_dir():
        relative = f"{PACKAGE}/{word}"
    else:
        return None  # text/plain, Upgrade/Connection
    last = relative.rstrip("/").rsplit("/", 1)[-1]
    module, dot, attribute = last.partition(".")
    if dot and not last.endswith(FILE_SUFFIXES) and not (root / relative).exists():
        # state/base.FollowSession: the module state/base.py and a name in it.
        relative = relative[: -len(last)] + module + ".py"
    if not _exists(root, relative):
        raise FileNotFoundError(word)
    return relative


def missing_paths(text: str, page: Path, root: Path = ROOT) -> list[str]:
    """What ``text`` (the Markdown page ``page``) names that does not exist: paths in
    backticks and relative links (with their anchors), in the order they appear."""
    missing: list[str] = []
    files = _project_files(root)
    words, prose = _split(text)
    for word in words:
        try:
            _code_path(word, root, files)
        except FileNotFoundError:
            missing.append(word)
    missing.extend(target for target in _LINK.findall(prose) if _broken_link(target, page))
    return missing


def _broken_link(target: str, page: Path) -> bool:
    """Whether a link of ``page`` leads nowhere: a relative target that does not exist,
    or an anchor that is no heading of its Markdown target. URLs are not checked."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
        return False  # https:, mailto:
    location, _, anchor = target.partition("#")
    linked = (page.parent / location).resolve() if location else page
    if not linked.exists():
        return True
    return bool(anchor) and linked.suffix == ".md" and anchor not in _anchors(linked)


@pytest.mark.parametrize("page", doc_files(), ids=lambda page: page.relative_to(ROOT).as_posix())
def test_the_docs_name_only_paths_that_exist(page: Path):
    missing = missing_paths(page.read_text(encoding="utf-8"), page)
    assert not missing, f"{page.relative_to(ROOT)} names what does not exist: {missing}"


def test_the_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_every_docs_page_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    _, prose = _split(readme)
    linked = {target.partition("#")[0] for target in _LINK.findall(prose)}
    pages = {page.relative_to(ROOT).as_posix() for page in doc_files()[1:]}
    assert pages <= linked, f"not linked from README.md: {sorted(pages - linked)}"


def _project(root: Path) -> None:
    """A small project: the files the control case may name."""
    for name in (
        "README.md",
        "rxconfig.py",
        "requirements.txt",
        "cloudlink_app/domain/permissions.py",
        "cloudlink_app/services/auth.py",
        "cloudlink_app/state/base.py",
        "cloudlink_app/locale/nl/LC_MESSAGES/messages.po",
        "tests/support/tabs.py",
        "deploy/nginx/cloudlink-proxy.conf",
        ".web/build/client/index.html",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    (root / "README.md").write_text("# The app\n\n## Sign in\n")
    (root / "docs").mkdir()
    (root / "docs/security.md").write_text("# Security\n\n## The session cookie\n")


def test_the_checker_flags_what_is_missing_and_nothing_else(tmp_path: Path):
    _project(tmp_path)
    page = "\n".join(
        [
            "Found: `cloudlink_app/domain/permissions.py`, `services/auth.py`,",
            "`state/base.SessionState`, `tests/support/`, `rxconfig.py`, `deploy/nginx/`,",
            "`cloudlink_app/locale/<lang>/LC_MESSAGES/messages.po`, `tabs.py`,",
            "`requirements*.txt`,",
            "[home](../README.md#sign-in), [cookie](security.md#the-session-cookie),",
            "[code](../cloudlink_app/state/base.py).",
            "Missing: `cloudlink_app/domain/labels.py`, `state/nowhere.py`,",
            "`tests/unit/<package>/`, `tests/support/tabs.py/`, `no_such_module.py`,",
            "[gone](email.md), [bad anchor](security.md#no-such-heading).",
            "Not paths: `make serve`, `/sign-in`, `/usr/bin/chromium`, https://example.com,",
            "`https://onboarding.example.com/auth`, `cloudlink_app.accounts`, `.web/build/`,",
            "`CLOUDLINK_SECRET_KEY`, `anna.devries@northwind-telecom.example`, `cloudlink.db`,",
            "`../shared/SPEC.md`, `HOST=10.0.0.11`, [a site](https://reflex.dev), `text/plain`,",
            "`.venv/bin/python`, [top](#security).",
            "```sh",
            ".venv/bin/python -m cloudlink_app.accounts create-partner deploy/nginx/gone.conf",
            "```",
        ]
    )
    missing = missing_paths(page, tmp_path / "docs/security.md", tmp_path)
    assert missing == [
        "cloudlink_app/domain/labels.py",
        "state/nowhere.py",
        "tests/unit/<package>/",
        "tests/support/tabs.py/",
        "no_such_module.py",
        "deploy/nginx/gone.conf",
        "email.md",
        "security.md#no-such-heading",
    ]
