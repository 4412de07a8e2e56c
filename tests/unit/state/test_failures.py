"""A crafted client cannot fill the operators' log (state/failures.py): Reflex's
built-in events (a frontend error with any text, setvar with a bad name) and any
failing event are written in full only LOG_BUDGET times per tab per LOG_WINDOW, then one
line says the rest is left out; what the browser sent is cut to LOGGED_TEXT_MAX."""

from __future__ import annotations

import logging

import pytest
from reflex.istate.manager.memory import StateManagerMemory
from reflex.state import FrontendEventExceptionState
from reflex_base.event.context import EventContext

from cloudlink_app.state import failures
from cloudlink_app.state.failures import LOG_BUDGET, LOGGED_TEXT_MAX, LogBudget
from cloudlink_app.state.session import SessionState
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio
HUGE = "x" * 200_000


@pytest.fixture(autouse=True)
def fresh_budget(monkeypatch):
    monkeypatch.setattr(failures, "BUDGET", LogBudget())


def app_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "cloudlink_app" and r.levelno >= logging.WARNING]


async def test_a_flood_of_frontend_errors_writes_a_few_short_lines(tab, caplog):
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        for _ in range(50):
            await tab.send(
                FrontendEventExceptionState,
                "handle_frontend_exception",
                info=HUGE,
                component_stack=HUGE,
            )
    lines = app_lines(caplog)
    assert len(lines) == LOG_BUDGET + 1
    assert all(len(r.getMessage()) < LOGGED_TEXT_MAX + 100 for r in lines)
    assert "left out of the log" in lines[-1].getMessage()
    # Another tab has a budget of its own.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        await Tab().send(
            FrontendEventExceptionState,
            "handle_frontend_exception",
            info="boom",
            component_stack="",
        )
    assert [r.getMessage() for r in app_lines(caplog)] == [
        "A page reported a JavaScript error: boom"
    ]


def _reported(tab: Tab, error: Exception) -> None:
    """report_backend_error as Reflex runs it: in the failed event's context."""

    async def nothing(*_args) -> None:
        return None

    with EventContext(
        token=tab.token,
        state_manager=StateManagerMemory(),
        enqueue_impl=nothing,
        emit_delta_impl=nothing,
        emit_event_impl=nothing,
    ):
        failures.report_backend_error(error)


async def test_a_flood_of_setvar_with_bad_names_writes_a_few_short_lines(tab, caplog):
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        for _ in range(30):
            with pytest.raises(AttributeError) as raised:
                await tab.send(SessionState, "setvar", var_name=HUGE, value=1)
            _reported(tab, raised.value)
    lines = app_lines(caplog)
    assert len(lines) == LOG_BUDGET + 1
    for record in lines[:LOG_BUDGET]:
        assert record.exc_info is not None  # a bug's stack trace, as before
        assert len(str(record.exc_info[1])) <= LOGGED_TEXT_MAX + len(" [cut]")
    assert "left out of the log" in lines[-1].getMessage()


def test_the_budget_is_per_tab_and_per_window():
    budget = LogBudget(budget=2, window=60.0, tabs_max=2)
    spent = [budget.spend("a", now=0.0) for _ in range(4)]
    assert spent == [failures.FULL, failures.FULL, failures.SUMMARY, failures.LEFT_OUT]
    assert budget.spend("b", now=1.0) == failures.FULL
    assert budget.spend("a", now=60.0) == failures.FULL  # a new window
    assert budget.spend(None) == failures.FULL  # no tab: nothing to count by
    budget.spend("c", now=61.0)  # a third tab: the oldest is forgotten
    assert budget.spend("b", now=61.0) == failures.FULL
