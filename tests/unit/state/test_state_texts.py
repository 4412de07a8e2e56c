"""States keep texts as keys with parameters, never as sentences: what a page shows of
them is a computed var worded in the UI language, so a language switch re-words every
shown error, summary line, notice and dashboard text in place, with no other event.

Issue 10: "Keep rule results as keys with parameters ... never store rendered
sentences in state."
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po
from reflex.state import BaseState

from cloudlink_app import routes
from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import UI_LANGUAGES, catalog_path, render, t
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.sign_in import SignInState
from tests.support.builders import valid_form
from tests.support.database import PROBLEM, advance, demo_partner_id, save
from tests.support.tabs import Sent, Tab

pytestmark = pytest.mark.asyncio

# The shown texts of the Customer step and the notice: computed vars, worded on demand.
STEP_TEXT_VARS = {"errors", "error_summary", "notice"}
DASHBOARD_TEXT_VARS = {"rows", "delete_question", "deleted_message", "paging_status"}


def _catalog_patterns() -> list[re.Pattern[str]]:
    """Every catalog sentence of every UI language as a pattern that a rendered copy
    matches: its placeholders ({name}) stand for any text."""
    patterns = []
    for lang in UI_LANGUAGES:
        with catalog_path(lang).open("rb") as po:
            catalog = read_po(po)
        for message in catalog:
            if not message.id or not isinstance(message.string, str) or not message.string:
                continue
            parts = re.split(r"\{[a-z_]+\}", message.string)
            if not re.search(r"\w", "".join(parts)):
                continue  # nothing but placeholders: it words nothing of its own
            patterns.append(re.compile(".+?".join(re.escape(p) for p in parts), re.S))
    return patterns


def _strings(value: object) -> Iterator[str]:
    """Every string held in a var's value: in lists, dicts, dataclasses (Text too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A Text is what states are meant to keep, but its key and parameters must not
        # be sentences either (Text(t(...)) would be a sentence in disguise).
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))


def _states(root: BaseState) -> Iterator[BaseState]:
    yield root
    for substate in root.substates.values():
        yield from _states(substate)


def _stored_sentences(tab: Tab) -> list[tuple[str, str, str]]:
    """(state, var, value) of every string a state keeps (frontend and backend vars,
    not computed ones) that is a catalog sentence, worded in any UI language."""
    patterns = _catalog_patterns()
    found = []
    for state in _states(tab.state(SessionState)):
        for name in type(state).get_fields():
            if name in state.computed_vars or name.startswith("router"):
                continue
            for text in _strings(getattr(state, name)):
                # One-word labels ("PBX", "Gateway") can be typed values too: only
                # sentences and phrases of the catalogs count.
                if " " in text and any(p.fullmatch(text) for p in patterns):
                    found.append((type(state).__name__, name, text))
    return found


def _sent(sent: Sent, state_cls: type[BaseState]) -> dict[str, object]:
    """The vars of ``state_cls`` the browser was sent, by name."""
    values: dict[str, object] = {}
    for delta in sent.deltas:
        for name, value in delta.get(state_cls.get_full_name(), {}).items():
            values[name.removesuffix("_rx_state_")] = value
    return values


async def _switch(tab: Tab, lang: str) -> Sent:
    sent = await tab.send(SessionState, "set_language", lang=lang)
    assert tab.state(SessionState).lang == lang
    return sent


async def _customer_step_with_errors_and_a_notice(tab: Tab) -> None:
    """The new Customer step after Next on a half-typed form (errors and the summary
    shown), then a refused event (a notice shown)."""
    await tab.customer("set_customer_name", value="a" * 5)
    await tab.customer("set_street_address", value="Damrak 1")
    await tab.customer("next_step")
    assert tab.customer_step.errors, "Next showed no errors"
    await tab.customer("leave_field", field_id="no-such-field")
    assert tab.notice == t("notice.unknown_field", "en")


def _expected(tab: Tab, lang: str) -> tuple[dict[str, str], str]:
    """What the step must show in ``lang``: its errors and its notice, each worded from
    the key and parameters the state keeps."""
    step = tab.customer_step
    return (
        {field: render(text, lang) for field, text in step._errors.items()},
        render(tab.state(SessionState)._notice, lang),
    )


async def test_a_language_switch_rewords_errors_summary_and_notice_in_place(new_customer):
    tab = new_customer
    await _customer_step_with_errors_and_a_notice(tab)
    step = tab.customer_step
    english_errors = dict(step.errors)
    english_summary = [(link.field_id, link.message) for link in step.error_summary]
    assert english_summary == list(english_errors.items())
    typed = (step.customer_name, step.street_address)

    sent = await _switch(tab, "nl")

    dutch_errors, dutch_notice = _expected(tab, "nl")
    assert step.errors == dutch_errors
    assert [(link.field_id, link.message) for link in step.error_summary] == list(
        dutch_errors.items()
    )
    assert tab.notice == dutch_notice == t("notice.unknown_field", "nl")
    # Really another language: the required name's message differs from English.
    assert dutch_errors[forms.COUNTRY] != english_errors[forms.COUNTRY]
    assert tab.notice != t("notice.unknown_field", "en")
    # The switch alone sent the re-worded texts to the browser; what was typed stays.
    shown = _sent(sent, type(step))
    assert {"errors", "error_summary"} <= set(shown)
    assert shown["errors"] == dutch_errors
    assert _sent(sent, SessionState)["notice"] == dutch_notice
    assert (step.customer_name, step.street_address) == typed

    await _switch(tab, "en")

    assert step.errors == english_errors
    assert [(link.field_id, link.message) for link in step.error_summary] == english_summary
    assert tab.notice == t("notice.unknown_field", "en")


async def test_no_state_keeps_a_sentence_of_the_catalogs(new_customer):
    tab = new_customer
    await _customer_step_with_errors_and_a_notice(tab)
    for lang in ("nl", "en"):
        await _switch(tab, lang)
        assert _stored_sentences(tab) == []
    # The walk finds a stored sentence when there is one (it is not blind).
    tab.customer_step.customer_name = t("notice.unknown_field", "nl")
    assert _stored_sentences(tab) == [
        ("CustomerStepState", "customer_name", t("notice.unknown_field", "nl"))
    ]


async def test_the_dashboard_is_reworded_by_a_language_switch(tab, database):
    partner = demo_partner_id(database)
    jansen = save(database, partner, valid_form("Bakkerij Jansen", "jansen.example"))
    problem = save(database, partner, valid_form("Problem BV", "problem.example"))
    advance(database, problem.account_id, PROBLEM)
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    state = tab.state(DashboardState)
    await tab.send(DashboardState, "ask_delete", account_id=jansen.account_id)
    english_question = state.delete_question
    english_rows = [(r.status, r.delete_label) for r in state.rows]
    english_paging = state.paging_status

    sent = await _switch(tab, "nl")

    assert state.delete_question == t("dashboard.delete.title", "nl", name="Bakkerij Jansen")
    assert state.delete_question != english_question
    dutch_rows = [(r.status, r.delete_label) for r in state.rows]
    assert dutch_rows != english_rows
    assert [label for _, label in dutch_rows] == [
        t("dashboard.delete_label", "nl", name=name) for name in ("Problem BV", "Bakkerij Jansen")
    ]
    assert state.paging_status != english_paging
    assert {"rows", "delete_question", "paging_status"} <= set(_sent(sent, DashboardState))

    await tab.send(DashboardState, "delete_draft", account_id=jansen.account_id)
    assert state.deleted_message == t("dashboard.deleted", "nl", name="Bakkerij Jansen")
    await _switch(tab, "en")
    assert state.deleted_message == t("dashboard.deleted", "en", name="Bakkerij Jansen")
    assert [(r.status, r.delete_label) for r in state.rows] == english_rows[:1]
    assert _stored_sentences(tab) == []


async def test_the_sign_in_error_is_reworded_by_a_language_switch(database):
    tab = Tab(email=None)
    failed = routes.SIGN_IN_ERRORS[0]
    url = f"{routes.SIGN_IN}?{routes.SIGN_IN_ERROR_QUERY}={failed}"
    tab.open_route(routes.SIGN_IN, as_path=url, **{routes.SIGN_IN_ERROR_QUERY: failed})
    await tab.send(SignInState, "load")
    state = tab.state(SignInState)
    assert state.error == t(f"sign_in.{failed}", "en")

    sent = await _switch(tab, "nl")

    assert state.error == t(f"sign_in.{failed}", "nl") != t(f"sign_in.{failed}", "en")
    assert _sent(sent, SignInState)["error"] == state.error
    assert _stored_sentences(tab) == []
