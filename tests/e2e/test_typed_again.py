"""The values typed on a page are given again after a reconnect only
(components/page_effects.jsx, replayTyped; the reconnect itself is in the topology's
fault tests): a navigation, to the page itself too, loads the page anew and gives
nothing again."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import ready

GIVEN_AGAIN = "typed values given again"


def test_a_link_to_the_page_itself_gives_nothing_again(page: Page):
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto("/")
    ready(page)
    search = page.get_by_label("Search customers", exact=True)
    search.fill("Bakkerij")
    page.wait_for_timeout(500)  # the search sent
    page.get_by_role("link", name="CloudLink onboarding").click()
    expect(page.locator("main[data-ready='true']")).to_be_attached()
    page.wait_for_timeout(1000)
    assert [text for text in messages if GIVEN_AGAIN in text] == []
