"""The first paint in the tab's language (issue 21): a page paints its prerendered
texts in the language the browser will get, before any of the app's JavaScript runs,
and never shows another language on the way to its state (components/first_paint.py,
components/text.py)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from cloudlink_app.domain.i18n import t
from tests.support.browser import ready

SWITCH = "Taal / Language"
# What the page shows in its <h1> at every frame until its state is there.
RECORD_HEADINGS = """
window.__headings = [];
const look = () => {
  const h1 = document.querySelector("h1");
  if (h1) window.__headings.push(h1.innerText);
  if (!document.querySelector("main[data-ready='true']")) requestAnimationFrame(look);
};
requestAnimationFrame(look);
"""


def without_scripts(context: BrowserContext) -> None:
    """No script file of the app reaches the browser: what shows is the HTML, the
    stylesheet and the page's inline first script."""
    context.route("**/assets/*.js", lambda route: route.abort())


def test_a_dutch_browser_paints_dutch_before_any_script(browser, app_harness):
    context = browser.new_context(base_url=app_harness.frontend_url, locale="nl-NL")
    try:
        without_scripts(context)
        page = context.new_page()
        page.goto("/sign-in")
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        heading = page.locator("h1")
        expect(heading).to_have_text(t("sign_in.heading", "nl"), use_inner_text=True)
        expect(page.get_by_role("heading", name=t("sign_in.heading", "nl"))).to_be_visible()
        # The English text is in the HTML, and hidden.
        expect(heading.locator('[data-tx="en"]')).to_be_hidden()
    finally:
        context.close()


def test_the_language_shown_last_paints_first_and_never_another(signed_out_page: Page):
    page = signed_out_page  # an English browser (Playwright's default locale en-US)
    page.goto("/sign-in")
    ready(page)
    page.get_by_role("navigation", name=SWITCH).get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    # The next page load, watched frame by frame until its state is there.
    page.add_init_script(RECORD_HEADINGS)
    page.goto("/sign-in")
    ready(page)
    seen = page.evaluate("window.__headings")
    assert seen, "no frame showed a heading"
    assert set(seen) == {t("sign_in.heading", "nl")}, seen

    # And without any script of the app: the HTML alone paints in Dutch.
    without_scripts(page.context)
    page.goto("/customers/new")
    expect(page.locator("h1")).to_have_text(t("customer.heading", "nl"), use_inner_text=True)


def test_an_english_browser_paints_english(signed_out_page: Page):
    page = signed_out_page
    page.add_init_script(RECORD_HEADINGS)
    page.goto("/sign-in")
    ready(page)
    assert set(page.evaluate("window.__headings")) == {t("sign_in.heading", "en")}
