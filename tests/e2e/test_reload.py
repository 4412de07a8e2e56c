"""What the user typed survives a reload of the page."""

from playwright.sync_api import Page, expect

from tests.support.browser import field, open_new_customer


def test_reload_keeps_typed_input(page: Page):
    open_new_customer(page)
    field(page, "Customer name").fill("Reload Proof BV")
    field(page, "Country").select_option("BE")
    page.get_by_role("button", name="Add admin contact").click()
    field(page, "Admin contact 2: Email address").fill("lien@reloadproof.be")
    field(page, "Admin contact 2: Email address").blur()
    expect(field(page, "Admin contact 2: Email address")).to_have_value("lien@reloadproof.be")
    # As a person pauses before reloading: the last keystrokes' events reach the server
    # (a reload cancels events still queued in the page).
    page.wait_for_timeout(700)

    page.reload()
    expect(field(page, "Customer name")).to_have_value("Reload Proof BV")
    expect(field(page, "Country")).to_have_value("BE")
    expect(field(page, "Admin contact 2: Email address")).to_have_value("lien@reloadproof.be")
