"""The built pages' modulepreload links marked low priority (make serve, issue 21):
the scripts are fetched after what the first paint needs."""

from __future__ import annotations

import pytest

from cloudlink_app.reflex_internals.production import lower_script_priority

PAGE = (
    '<head><link rel="stylesheet" href="/assets/s-1.css"/>'
    '<link rel="modulepreload" href="/assets/a-1.js"/>'
    '<link rel="modulepreload" href="/assets/b-2.js"/></head>'
)


def test_every_modulepreload_of_every_page_is_low_priority(tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / "team" / "index.html").write_text(PAGE)
    assert lower_script_priority(tmp_path, compress=False) == 2
    for page in (tmp_path / "index.html", tmp_path / "team" / "index.html"):
        html = page.read_text()
        assert html.count('<link rel="modulepreload" fetchpriority="low" href=') == 2
        assert '<link rel="modulepreload" href=' not in html
        assert '<link rel="stylesheet" href="/assets/s-1.css"/>' in html
    # A second run (make serve --no-build after a build) changes nothing.
    assert lower_script_priority(tmp_path, compress=False) == 0


def test_a_build_without_modulepreload_links_fails_loudly(tmp_path):
    (tmp_path / "index.html").write_text("<head></head>")
    with pytest.raises(RuntimeError, match="re-check lower_script_priority"):
        lower_script_priority(tmp_path, compress=False)
