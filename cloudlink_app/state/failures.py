"""What happens when an event fails: the tab is told, and the log says so, within limits.

- ``report_backend_error`` is the app's backend exception handler (rx.App): an event
  handler raised. The tab says why in its own language (SessionState.show_failure: no
  script is sent). An unreachable database is a WARNING without a stack trace (it works
  again once the database is back); anything else is an ERROR with its stack trace.
- ``report_frontend_error`` is the app's frontend exception handler: a browser reported
  a JavaScript error (Reflex's built-in event ``handle_frontend_exception``, which any
  websocket can send with any text).

A crafted client must not fill the operators' log: each tab (its token) may have
LOG_BUDGET errors written in full per LOG_WINDOW; the next one is written as one line
saying that the tab's further errors are left out until the window ends, and those are
counted only. Texts from the browser, and an exception's message, are cut to
LOGGED_TEXT_MAX characters.
"""

from __future__ import annotations

import collections
import logging
import time

from cloudlink_app.reflex_internals.events import event_token
from cloudlink_app.services import database
from cloudlink_app.state.session import FAILURE_UNAVAILABLE, FAILURE_UNEXPECTED, failure_event

logger = logging.getLogger("cloudlink_app")

LOG_BUDGET = 5
LOG_WINDOW = 60.0  # seconds
LOGGED_TEXT_MAX = 1000
# The tabs whose budgets this worker remembers (the oldest are forgotten first).
TABS_MAX = 10_000
FULL = "full"
SUMMARY = "summary"  # the one line that says the rest is left out
LEFT_OUT = "left out"


class LogBudget:
    """How much each tab may write to the log (see the module's docstring)."""

    def __init__(
        self, budget: int = LOG_BUDGET, window: float = LOG_WINDOW, tabs_max: int = TABS_MAX
    ) -> None:
        """A budget of ``budget`` full entries per ``window`` seconds per tab."""
        self.budget = budget
        self.window = window
        self.tabs_max = tabs_max
        # token -> (the window's start, the errors in it)
        self._tabs: collections.OrderedDict[str, tuple[float, int]] = collections.OrderedDict()

    def spend(self, token: str | None, now: float | None = None) -> str:
        """FULL, SUMMARY or LEFT_OUT for the next error of the tab ``token`` (an event
        without a tab is always written in full)."""
        if token is None:
            return FULL
        now = time.monotonic() if now is None else now
        start, count = self._tabs.pop(token, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        count += 1
        self._tabs[token] = (start, count)
        if len(self._tabs) > self.tabs_max:
            self._tabs.popitem(last=False)
        if count <= self.budget:
            return FULL
        return SUMMARY if count == self.budget + 1 else LEFT_OUT


BUDGET = LogBudget()


def cut(text: str, limit: int = LOGGED_TEXT_MAX) -> str:
    """``text`` at most ``limit`` characters, a mark where it was cut."""
    return text if len(text) <= limit else text[:limit] + " [cut]"


def _left_out(spent: str) -> bool:
    if spent == SUMMARY:
        logger.warning(
            "This tab's further errors are left out of the log for %d s", int(LOG_WINDOW)
        )
    return spent != FULL


def report_backend_error(exception: Exception):
    """Tell the tab its event failed (keeping its input) and log it (see the module)."""
    unavailable = database.is_unavailable(exception)
    if not _left_out(BUDGET.spend(event_token())):
        if unavailable:
            logger.warning(
                "The database cannot be reached: an event failed (%s)", type(exception).__name__
            )
        else:
            # The message may repeat what a crafted event sent (a var's name): cut.
            if len(str(exception)) > LOGGED_TEXT_MAX:
                exception.args = (cut(str(exception)),)
            logger.error("Unexpected error in an event handler", exc_info=exception)
    return failure_event(FAILURE_UNAVAILABLE if unavailable else FAILURE_UNEXPECTED)


def report_frontend_error(exception: Exception) -> None:
    """Log a JavaScript error a browser reported (its text cut, within the tab's budget)."""
    if not _left_out(BUDGET.spend(event_token())):
        logger.error("A page reported a JavaScript error: %s", cut(str(exception)))
