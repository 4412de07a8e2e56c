"""No layout shift when the state arrives (issue 21): a page's prerendered frame keeps
its place when the tab's state fills it in, the header's signed-in part (the user's
name, Team, Change password, Sign out) included, on a phone and on a desktop, in
English and in Dutch. Measured with the browser's own Layout Instability API (what
Lighthouse's CLS adds up), from the first paint until the page is ready."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import AppUser
from cloudlink_app.services.database import get_session
from tests.support.browser import ready, sign_in_context

# Every layout shift of the page, from the first paint on (buffered).
RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) {
      window.__shifts.push({
        value: entry.value,
        nodes: entry.sources.map((s) => (s.node && s.node.outerHTML || "").slice(0, 120)),
      });
    }
  }
}).observe({type: "layout-shift", buffered: true});
"""
ADMIN = demo_accounts.DEMO_PARTNER_EMAIL  # Anna de Vries: the Team link too
LIMITED = "jeroen.bakker@northwind-telecom.example"


@pytest.fixture(autouse=True)
def no_saved_languages(app_harness):
    """No user has a saved UI language: the page's language is the browser's, which the
    first paint knows (a saved one it cannot know re-words the page once:
    docs/translations.md)."""
    with get_session() as session:
        session.execute(sa.update(AppUser).values(ui_language=None))
        session.commit()


def shifts(browser, app_harness, *, width, height, locale, email, path):
    context = browser.new_context(
        base_url=app_harness.frontend_url,
        viewport={"width": width, "height": height},
        locale=locale,
    )
    try:
        if email is not None:
            sign_in_context(
                context, app_harness.frontend_url, email, getattr(app_harness, "api_url", None)
            )
        page = context.new_page()
        page.add_init_script(RECORD_SHIFTS)
        page.goto(path)
        ready(page)
        if email is not None:
            expect(page.locator(".header__user")).not_to_be_empty()
        page.wait_for_timeout(300)  # a shift reported after the last render
        return page.evaluate("window.__shifts")
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(412, 823), (320, 640), (1280, 800)])
@pytest.mark.parametrize("locale", ["en-GB", "nl-NL"])
@pytest.mark.parametrize("email", [ADMIN, LIMITED])
def test_signed_in_pages_do_not_move_when_the_state_arrives(
    browser, app_harness, width, height, locale, email
):
    for path in ("/", "/customers/new"):
        found = shifts(
            browser, app_harness, width=width, height=height, locale=locale, email=email, path=path
        )
        assert sum(s["value"] for s in found) < 0.01, (path, found)


@pytest.mark.parametrize(("width", "height"), [(412, 823), (320, 640)])
def test_the_sign_in_page_does_not_move_when_the_state_arrives(browser, app_harness, width, height):
    found = shifts(
        browser,
        app_harness,
        width=width,
        height=height,
        locale="nl-NL",
        email=None,
        path="/sign-in",
    )
    assert sum(s["value"] for s in found) < 0.01, found
