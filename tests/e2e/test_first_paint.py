"""The first paint and how the pages are served (issue 21), read as a browser's first
request gets them, before any JavaScript runs: plain HTTP, no browser.

- Every page's prerendered HTML already shows its frame: the header and the page's
  heading. A change that makes the first paint wait for the websocket (a page whose
  content only appears from state) fails here.
- Hashed assets are cached for a year as immutable, pages revalidated, and both come
  precompressed. In the topology run (nginx's gzip_static, two `make serve`) as in the
  in-process harness (Reflex's static files, the app's cache middleware).
- The page-weight budgets (bench/bundle.py) hold for the build these tests run on.
"""

from __future__ import annotations

import gzip
import re
import urllib.request

import pytest

from bench import bundle

pytestmark = pytest.mark.topology

# Each page (signed out: the prerendered HTML is the same for everyone) and its heading.
PAGES = (
    ("/sign-in", "Sign in"),
    ("/", "Partner dashboard"),
    ("/customers/new", "Customer"),
    ("/team", "Team"),
    ("/team/invite", "Invite a colleague"),
    ("/account", "Your account"),
    ("/set-password", "Set your password"),
)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
# A text of the prerendered page in another language than English (components/text.py
# puts each language's in the HTML; the stylesheet shows the one of <html lang>).
_OTHER_LANGUAGES = re.compile(r'<span data-tx="(?!en")[^"]*">.*?</span>', re.DOTALL)


def _get(url: str, encoding: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    if encoding is not None:
        request.add_header("Accept-Encoding", encoding)
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = {name.lower(): value for name, value in response.headers.items()}
        return response.status, headers, response.read()


def _headings(html: str) -> list[str]:
    return [_TAGS.sub("", _OTHER_LANGUAGES.sub("", h)).strip() for h in _H1.findall(html)]


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_the_prerendered_page_shows_its_frame(app_harness, path: str, heading: str):
    status, _headers, body = _get(app_harness.frontend_url.rstrip("/") + path)
    assert status == 200
    html = body.decode()
    assert heading in _headings(html), (
        f"{path}: the HTML before any JavaScript has no <h1> {heading!r} "
        f"(found {_headings(html)}): the first paint waits for the websocket"
    )
    assert re.search(r"<header\b", html), f"{path}: the HTML before any JavaScript has no header"


def test_pages_are_revalidated_and_assets_cached_for_a_year(app_harness):
    base = app_harness.frontend_url.rstrip("/")
    status, headers, body = _get(base + "/sign-in", "gzip")
    assert status == 200
    assert headers.get("cache-control") == "no-cache", headers
    assert headers.get("content-encoding") == "gzip", headers
    html = gzip.decompress(body).decode()
    scripts, styles = bundle.assets_of(html)
    assert scripts and styles
    for asset in (scripts[0], styles[0]):
        status, headers, body = _get(base + asset, "gzip")
        assert status == 200
        assert headers.get("cache-control") == "public, max-age=31536000, immutable", (
            asset,
            headers,
        )
        assert headers.get("content-encoding") == "gzip", (asset, headers)
        # With nosniff a script of another type does not run (nginx without mime.types).
        kind = "javascript" if asset.endswith(".js") else "text/css"
        assert kind in headers.get("content-type", ""), (asset, headers)
        assert len(gzip.decompress(body)) > len(body)


def test_the_pages_keep_to_their_byte_budgets(app_harness):
    figures = bundle.measure(bundle.BUILD)
    assert {name for name, _html in bundle.PAGES} <= set(figures)
    over = {
        name: (row["js_br"], row["css_br"])
        for name, row in figures.items()
        if (row["js_br"] or 0) > bundle.JS_BUDGET or (row["css_br"] or 0) > bundle.CSS_BUDGET
    }
    assert all(row["js_br"] is not None for row in figures.values()), "no brotli in the build"
    assert over == {}, f"pages over their budgets (JS, CSS bytes, brotli): {over}"


def test_assets_come_in_brotli_to_a_browser_that_takes_it(app_harness):
    # make serve (Reflex's static files) and the topology's nginx (the ngx_brotli static
    # module, deploy/nginx/cloudlink-assets-brotli.conf) send the build's .br as it is.
    base = app_harness.frontend_url.rstrip("/")
    _status, _headers, body = _get(base + "/sign-in")
    scripts, styles = bundle.assets_of(body.decode())
    for asset in (scripts[0], styles[0]):
        status, headers, packed = _get(base + asset, "br, gzip")
        assert status == 200
        assert headers.get("content-encoding") == "br", (asset, headers)
        assert "accept-encoding" in headers.get("vary", "").lower(), (asset, headers)
        on_disk = bundle.BUILD / (asset.lstrip("/") + ".br")
        assert packed == on_disk.read_bytes(), f"{asset}: not the build's own .br"
