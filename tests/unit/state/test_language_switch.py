"""The UI language: the switch (SessionState.set_language) and the language a page
loads in (SessionState.load_language, first in every page's on_load).

Driven through Reflex's own event processing (tests.support.tabs.Tab) on the test
database: the switch accepts only the UI languages, remembers the choice in the
browser (its local storage var) and on the signed-in user (app_user.ui_language), and
changes nothing but the language (typed values and shown errors stay). A page loads
in the user's saved language, else the browser's remembered one, else the browser's
preferred one (Accept-Language), else English.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import AppUser
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.failures import report_backend_error
from cloudlink_app.state.language import preferred_language
from cloudlink_app.state.session import SessionState
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio

EMAIL = demo_accounts.DEMO_PARTNER_EMAIL


def saved_language(engine, email: str = EMAIL) -> str | None:
    with Session(engine) as session:
        return session.exec(select(AppUser.ui_language).where(AppUser.email == email)).one()


def save_language(engine, lang: str | None, email: str = EMAIL) -> None:
    with Session(engine) as session:
        user = session.exec(select(AppUser).where(AppUser.email == email)).one()
        user.ui_language = lang
        session.add(user)
        session.commit()


def with_accept_language(tab: Tab, value: str) -> None:
    """The tab's websocket as a browser preferring ``value`` opens it."""
    headers = dict(tab.root.router_data.get("headers", {}))
    headers["accept-language"] = value
    tab.set_headers(headers)


# What the page applies itself when they change (components/page_effects.py): the
# title and the html element's lang; no script is ever sent.
APPLIED = {"lang", "page_title"}


def language_free(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A state's vars but the language (inherited from SessionState, and the page
    state's own copy of it, state/language.py PAGE_LANG)."""
    return {
        name: value
        for name, value in snapshot.items()
        if name not in {"lang", "ui_lang", "_page_lang"}
    }


def session_state(tab: Tab) -> Any:
    return tab.state(SessionState)


# ----- the header's preferred language -----------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl", "nl"),
        ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
        ("en-GB,en;q=0.9,nl;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,nl;q=0.5,en;q=0.4", "nl"),
        ("en;q=0.2,NL-be;q=0.8", "nl"),
        ("fr,de", "en"),
        ("nl;q=0", "en"),
        ("nl;q=bad,en;q=0.1", "en"),
        ("", "en"),
    ],
)
async def test_the_preferred_language_is_the_first_supported_by_q_value(header, expected):
    assert preferred_language(header) == expected


# ----- the switch ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["fr", "NL", "", " nl", 5, None, ["nl"], {"lang": "nl"}])
async def test_anything_but_a_ui_language_is_refused_with_a_notice(tab, database, value):
    sent = await tab.send(SessionState, "set_language", lang=value)
    state = session_state(tab)
    assert state.lang == "en"
    assert state.ui_lang == ""
    assert saved_language(database) is None
    assert tab.notice == t("notice.unknown_choice", "en")
    assert not APPLIED & sent.changed
    assert sent.frontend_events == []


async def test_the_switch_changes_the_language_and_saves_it_on_the_user_and_browser(tab, database):
    await tab.send(SessionState, "load_language", title_key="title.dashboard")
    session_state(tab).title_error = True  # the page shows errors
    sent = await tab.send(SessionState, "set_language", lang="nl")
    state = session_state(tab)
    assert state.lang == "nl"
    assert state.ui_lang == "nl"  # the browser's local storage (a reload, a next visit)
    assert saved_language(database) == "nl"
    assert {"lang", "ui_lang"} <= sent.changed
    assert tab.notice == ""
    # The html element's lang and the page title follow, the error prefix kept.
    assert sent.changed >= APPLIED
    assert state.page_title == t("title.error_prefix", "nl") + t("title.dashboard", "nl")
    assert sent.frontend_events == []

    await tab.send(SessionState, "set_language", lang="en")
    assert (state.lang, state.ui_lang, saved_language(database)) == ("en", "en", "en")


async def test_without_a_session_the_switch_is_remembered_by_the_browser_only(database):
    tab = Tab(email=None)
    await tab.send(SessionState, "set_language", lang="nl")
    state = session_state(tab)
    assert (state.lang, state.ui_lang) == ("nl", "nl")
    assert tab.notice == ""
    assert saved_language(database) is None


async def test_a_switch_keeps_what_was_typed_and_the_errors_shown(new_customer):
    tab = new_customer
    await tab.customer("set_customer_name", value="Bakkerij Jansen")
    await tab.customer("next_step")  # most required fields are empty: errors
    step = tab.customer_step
    errors_before = len(step.errors)
    summary_before = len(step.error_summary)
    assert errors_before > 0 and summary_before > 0
    before = language_free(tab.snapshot(CustomerStepState))

    sent = await tab.send(SessionState, "set_language", lang="nl")

    assert session_state(tab).lang == "nl"
    assert language_free(tab.snapshot(CustomerStepState)) == before
    assert step.customer_name == "Bakkerij Jansen"
    assert len(step.errors) == errors_before
    assert len(step.error_summary) == summary_before
    assert not sent.redirects


async def test_signing_in_keeps_the_language_chosen_before(database):
    # Chosen on the sign-in page; the new session resets the tab's data, not its
    # language.
    tab = Tab(email=None)
    await tab.send(SessionState, "set_language", lang="nl")
    tab.sign_in_as(EMAIL)  # the new session's first event resets the tab's states
    assert session_state(tab)._session_id is not None
    assert (session_state(tab).lang, session_state(tab).ui_lang) == ("nl", "nl")
    await tab.follow_session()
    assert session_state(tab).lang == "nl"


# ----- the language a page loads in ---------------------------------------------------


async def test_a_first_visit_follows_the_browsers_preferred_language(database):
    tab = Tab(email=None)
    with_accept_language(tab, "nl-NL,nl;q=0.9,en;q=0.8")
    sent = await tab.send(SessionState, "load_language", title_key="title.sign_in")
    assert session_state(tab).lang == "nl"
    assert sent.changed >= APPLIED
    assert session_state(tab).page_title == t("title.sign_in", "nl")


async def test_without_any_preference_the_page_is_english(database):
    tab = Tab(email=None)
    with_accept_language(tab, "fr-FR,de;q=0.5")
    sent = await tab.send(SessionState, "load_language", title_key="title.sign_in")
    assert session_state(tab).lang == "en"
    assert "page_title" in sent.changed
    assert session_state(tab).page_title == t("title.sign_in", "en")


async def test_the_browsers_remembered_language_wins_over_its_preferred_one(database):
    tab = Tab(email=None)
    with_accept_language(tab, "nl")
    session_state(tab).ui_lang = "en"  # as the browser's local storage sends it
    await tab.send(SessionState, "load_language", title_key="title.sign_in")
    assert session_state(tab).lang == "en"


async def test_the_users_saved_language_wins_over_the_browsers(database):
    save_language(database, "nl")
    tab = Tab()
    with_accept_language(tab, "en")
    session_state(tab).ui_lang = "en"
    await tab.send(SessionState, "load_language", title_key="title.dashboard")
    assert session_state(tab).lang == "nl"


async def test_a_saved_language_of_another_user_is_not_used(database):
    # Signed out: the previous user's saved language no longer counts.
    save_language(database, "nl")
    tab = Tab()
    tab.sign_out()
    with_accept_language(tab, "en")
    await tab.send(SessionState, "load_language", title_key="title.sign_in")
    assert session_state(tab).lang == "en"


async def test_an_unknown_saved_or_remembered_language_is_passed_over(database):
    save_language(database, "fr")
    tab = Tab()
    session_state(tab).ui_lang = "xx"
    with_accept_language(tab, "nl")
    await tab.send(SessionState, "load_language", title_key="title.dashboard")
    assert session_state(tab).lang == "nl"


async def test_every_page_loads_its_language_first():
    from cloudlink_app.cloudlink_app import app

    for route, page in app._unevaluated_pages.items():
        on_load = page.on_load if isinstance(page.on_load, list) else [page.on_load]
        first = on_load[0]
        handler = getattr(first, "handler", None)
        assert handler is not None and handler.fn.__name__ == "load_language", route


@pytest.mark.parametrize(
    "title_key", ["<b>Gotcha</b>", "title.no_such_page", "title." + "x" * 500, 7, None]
)
async def test_a_crafted_title_key_is_not_kept(database, title_key):
    """load_language is public: only a page title of the catalogs is kept, anything
    else leaves the page's title as it was."""
    tab = Tab(email=None)
    await tab.send(SessionState, "load_language", title_key="title.sign_in")
    sent = await tab.send(SessionState, "load_language", title_key=title_key)
    assert session_state(tab)._title_key == "title.sign_in"
    assert session_state(tab).page_title == t("title.sign_in")
    assert "Gotcha" not in repr(sent.deltas)


# ----- what Reflex's backend exception handler shows ---------------------------------


async def failure_shown(tab: Tab, error: Exception) -> str:
    """What ``tab`` says after one of its events raised ``error``: Reflex runs the
    backend exception handler (report_backend_error) without the tab's states; the
    event it returns is sent to the tab and runs there."""
    event = report_backend_error(error)
    assert event.handler.fn.__name__ == "show_failure"
    # The event's arguments as Reflex holds them: (name, literal value) Vars.
    arguments = {str(name): value._var_value for name, value in event.args}
    await tab.send(SessionState, "show_failure", **arguments)
    return session_state(tab).failure


async def test_a_failed_events_message_is_in_the_tabs_language(tab, database):
    other = Tab()
    await other.send(SessionState, "load_language", title_key="title.dashboard")
    await tab.send(SessionState, "set_language", lang="nl")

    assert await failure_shown(tab, ValueError("a bug")) == t("notice.unexpected_error", "nl")
    assert await failure_shown(other, ValueError("a bug")) == t("notice.unexpected_error", "en")
    await tab.send(SessionState, "set_language", lang="en")
    assert session_state(tab).failure == t("notice.unexpected_error", "en")  # re-worded
    # The next page starts without it.
    await tab.send(SessionState, "load_language", title_key="title.dashboard")
    assert session_state(tab).failure == ""


@pytest.mark.parametrize("reason", ["", "oops", 5, None, ["unexpected"]])
async def test_a_crafted_failure_is_refused(tab, database, reason):
    await tab.send(SessionState, "show_failure", reason=reason)
    assert session_state(tab).failure == ""
    assert tab.notice == t("notice.unknown_choice", "en")


async def test_the_language_the_browser_showed_last_wins_over_its_choice(database):
    # The page's own memory of what it showed (components/first_paint.py paints in it
    # before the state arrives): a Dutch user signed out goes on in Dutch.
    tab = Tab(email=None)
    with_accept_language(tab, "en")
    session_state(tab).ui_lang = "en"
    session_state(tab).shown_lang = "nl"
    await tab.send(SessionState, "load_language", title_key="title.sign_in")
    assert session_state(tab).lang == "nl"


async def test_the_users_saved_language_wins_over_the_one_shown_last(database):
    save_language(database, "en")
    tab = Tab()
    session_state(tab).shown_lang = "nl"
    await tab.send(SessionState, "load_language", title_key="title.dashboard")
    assert session_state(tab).lang == "en"


async def test_an_unknown_language_shown_last_is_passed_over(database):
    tab = Tab(email=None)
    with_accept_language(tab, "nl")
    session_state(tab).shown_lang = "<script>"
    await tab.send(SessionState, "load_language", title_key="title.sign_in")
    assert session_state(tab).lang == "nl"


async def test_a_stored_language_that_is_none_of_ours_is_not_kept(database):
    # A crafted hydrate may send any text as the browser's stored languages.
    tab = Tab(email=None)
    session_state(tab).shown_lang = "x" * 100_000
    session_state(tab).ui_lang = "<script>"
    await tab.send(SessionState, "load_language", title_key="title.sign_in")
    assert (session_state(tab).shown_lang, session_state(tab).ui_lang) == ("", "")
