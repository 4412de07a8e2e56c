"""State of Review: every answer by step, Change links, and Finish onboarding."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import N_
from cloudlink_app.services import customers, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import SessionState, home_url
from cloudlink_app.state.wizard_step import WizardStepMixin
from cloudlink_app.views import review
from cloudlink_app.views.review import ReviewSection


class ReviewStepState(WizardStepMixin, SessionState):
    """Review of one customer before Finish onboarding."""

    STEP: ClassVar[str] = wizard_path.REVIEW
    TITLE_KEY: ClassVar[str] = N_("title.review_step")

    onboarded: bool = False
    # What Review shows, as read: the customer's record, its Customer step and its
    # last saves. ``sections`` and ``last_changes`` word them in the UI language.
    _record: wizard.WizardRecord | None = None
    _customer: customers.CustomerRecord | None = None
    _saves: list[customers.SaveEntry] = []

    @rx.var
    def sections(self) -> list[ReviewSection]:
        """Every answer by step with its Change link, in the UI language."""
        if self._record is None or self._customer is None:
            return []
        return review.review_sections(self._record, self._customer, self.lang)

    @rx.var
    def last_changes(self) -> list[str]:
        """The audit trail's last entries, in the UI language: "Saved by Anna de Vries,
        27 Nov 2026 14:02 (PBX)"."""
        return review.last_changes(self._saves, self.lang)

    def _show(self, record: wizard.WizardRecord) -> None:
        user = self._current_user()
        with get_session() as session:
            customer = customers.load_customer(session, user.partner_id, record.account_id)
            saves = customers.recent_saves(session, user.partner_id, record.account_id)
        self._record = record
        self._customer = customer
        self._saves = list(saves)
        self.onboarded = record.onboarded

    @rx.event
    def finish_onboarding(self):
        """Finish onboarding: check every step again; open the first that fails."""
        # A step re-opened since Review was opened is found by first_failing_step.
        user, stop = self._acting_user(step_open=False)
        if user is None:
            return stop
        with get_session() as session:
            failing = wizard.first_failing_step(session, user.partner_id, self.loaded)
        if failing is not None:
            return rx.redirect(routes.failing_step_url(self.loaded, failing))
        record, stop = self._apply(user, wizard.finish)
        if record is None:
            return stop
        self.loaded = ""
        return rx.redirect(home_url(user))
