"""Page weight: the JavaScript and CSS each prerendered page of the production build
loads before it is interactive, compressed, beside its budget (issue 21).

Read from the build (``.web/build/client``, what ``reflex export`` and `make serve`
make): every ``<script src>``, ``<link rel=modulepreload>`` and ``<link
rel=stylesheet>`` (or style preload) of the page's HTML, each counted once, by the size
of its precompressed ``.gz`` file beside it (gzip -9 of the file when there is none),
and of its ``.br`` file when the build has one.

    python -m bench.bundle [BUILD_DIR]       # defaults to .web/build/client
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

from bench._timing import heading, table

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".web" / "build" / "client"
# Budgets per page, compressed (issue 21).
JS_BUDGET = 150 * 1024
CSS_BUDGET = 20 * 1024
PAGES = (
    ("sign-in page", "sign-in.html"),
    ("dashboard", "index.html"),
    ("Customer step", "customers/new.html"),
    ("Team", "team.html"),
    ("Invite a colleague", "team/invite.html"),
    ("Account", "account.html"),
    ("Set password", "set-password.html"),
    ("Outbox (demo)", "outbox.html"),
)
_TAG = re.compile(r"<(script|link)\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def assets_of(html: str) -> tuple[list[str], list[str]]:
    """The scripts and stylesheets a page's HTML loads (local paths, in order, once)."""
    scripts: list[str] = []
    styles: list[str] = []
    for match in _TAG.finditer(html):
        attrs = dict(_ATTR.findall(match.group(0)))
        rel = attrs.get("rel", "").lower()
        if match.group(1).lower() == "script" and attrs.get("src"):
            target, href = scripts, attrs["src"]
        elif rel == "modulepreload":
            target, href = scripts, attrs.get("href", "")
        elif rel == "stylesheet" or (rel == "preload" and attrs.get("as") == "style"):
            target, href = styles, attrs.get("href", "")
        else:
            continue
        if href.startswith("/") and not href.startswith("//") and href not in target:
            target.append(href)
    return scripts, styles


def compressed_size(build: Path, href: str, suffix: str = ".gz") -> int | None:
    """The size of the asset's precompressed file (gzip -9 when the build has no .gz;
    None for a missing .br)."""
    file = build / href.lstrip("/").split("?")[0]
    packed = file.with_name(file.name + suffix)
    if packed.exists():
        return packed.stat().st_size
    if suffix == ".gz":
        return len(gzip.compress(file.read_bytes(), 9))
    return None


def measure(build: Path = BUILD) -> dict[str, dict[str, int | None]]:
    """Per page: js/css bytes gzip, js_br/css_br bytes brotli (None without .br)."""
    figures: dict[str, dict[str, int | None]] = {}
    for name, html in PAGES:
        page = build / html
        if not page.exists():
            continue
        scripts, styles = assets_of(page.read_text())
        row: dict[str, int | None] = {}
        for key, hrefs in (("js", scripts), ("css", styles)):
            row[key] = sum(compressed_size(build, h) or 0 for h in hrefs)
            brotli = [compressed_size(build, h, ".br") for h in hrefs]
            row[key + "_br"] = None if None in brotli else sum(b or 0 for b in brotli)
        figures[name] = row
    return figures


def _verdict(gzip_size: int | None, brotli_size: int | None, budget: int) -> str:
    """ "met" (in both encodings), "met (br)" (brotli only: what `make serve` sends to
    every current browser; nginx without ngx_brotli sends the gzip) or "OVER"."""
    if (gzip_size or 0) <= budget:
        return "met"
    if brotli_size is not None and brotli_size <= budget:
        return "met (br)"
    return "OVER"


def _kib(size: int | None) -> str:
    return "-" if size is None else f"{size / 1024:.1f}"


def report(build: Path = BUILD) -> dict[str, dict[str, int | None]]:
    """Print each page's bytes beside its budget; return the figures."""
    figures = measure(build)
    rows = [
        [
            name,
            _kib(row["js"]),
            _kib(row["js_br"]),
            f"{JS_BUDGET // 1024}",
            _verdict(row["js"], row["js_br"], JS_BUDGET),
            _kib(row["css"]),
            _kib(row["css_br"]),
            f"{CSS_BUDGET // 1024}",
            _verdict(row["css"], row["css_br"], CSS_BUDGET),
        ]
        for name, row in figures.items()
    ]
    print(
        table(
            [
                "page",
                "JS gzip KiB",
                "JS br",
                "budget",
                "JS",
                "CSS gzip KiB",
                "CSS br",
                "budget",
                "CSS",
            ],
            rows,
        )
    )
    return figures


def run(quick: bool = False) -> dict:
    """`make bench`: the byte budgets of the build in .web/build/client."""
    print(heading("7. Page weight (production build, compressed, per page)"))
    if not BUILD.exists():
        print(f"No production build in {BUILD}: `make serve SERVE_FLAGS=--build-only` first.")
        return {}
    return report(BUILD)


if __name__ == "__main__":
    report(Path(sys.argv[1]) if len(sys.argv) > 1 else BUILD)
