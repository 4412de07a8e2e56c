"""State of Review: every answer by step, Change links, and Finish onboarding."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import N_, Text
from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.services import customers, invitations, owned_customers, save_history, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import NOTICE_ID
from cloudlink_app.state.session import SessionState, home_url
from cloudlink_app.state.wizard_step import WizardStepMixin
from cloudlink_app.views import mail_limits, review
from cloudlink_app.views.review import ReviewSection

# Why an invitation was not sent again (invitations.CannotInvite.reason).
_REFUSALS = {
    invitations.NOT_A_CONTACT: N_("review.invite_refused.not_a_contact"),
    invitations.TOO_SOON: N_("review.invite_refused.too_soon"),
    invitations.HAS_PASSWORD: N_("review.invite_refused.has_password"),
    invitations.OTHER_USER: N_("review.invite_refused.other_user"),
    invitations.WAITING: N_("review.invite_refused.waiting"),
}


class ReviewStepState(WizardStepMixin, SessionState):
    """Review of one customer before Finish onboarding."""

    STEP: ClassVar[str] = wizard_path.REVIEW
    TITLE_KEY: ClassVar[str] = N_("title.review_step")

    onboarded: bool = False
    # What Review shows, as read: the customer's record, its Customer step and its
    # last saves. ``sections`` and ``last_changes`` word them in the UI language.
    _record: wizard.WizardRecord | None = None
    _customer: customers.CustomerRecord | None = None
    _saves: list[save_history.SaveEntry] = []
    # The admin contacts and what each can do (services/invitations.py), as read.
    _access: list[invitations.AdminAccess] = []

    @rx.var
    def sections(self) -> list[ReviewSection]:
        """Every answer by step with its Change link, in the UI language."""
        if self._record is None or self._customer is None:
            return []
        return review.review_sections(self._record, self._customer, self._page_lang)

    @rx.var
    def last_changes(self) -> list[str]:
        """The audit trail's last entries, in the UI language: "Saved by Anna de Vries,
        27 Nov 2026 14:02 (PBX)"."""
        return review.last_changes(self._saves, self._page_lang)

    @rx.var
    def admin_access(self) -> list[review.AdminAccessRow]:
        """Each admin contact with their access, in the UI language."""
        return review.admin_access_rows(self._access, self._page_lang)

    def _show(self, record: wizard.WizardRecord) -> None:
        user = self._current_user()
        with get_session() as session:
            customer = customers.load_customer(session, user.scope, record.account_id)
            saves = save_history.recent_saves(session, user.scope, record.account_id)
            access = invitations.access(session, record.customer_id, record.partner_id)
        self._record = record
        self._customer = customer
        self._saves = list(saves)
        self._access = access
        self.onboarded = record.onboarded

    @rx.event
    def send_invitation_again(self, email: str):
        """Invite the admin contact with ``email`` again (a new link by email, the
        earlier one spent). Any payload may arrive: it must name an admin contact of
        the loaded customer, which this user may edit."""
        if not isinstance(email, str) or not email or len(email) > EMAIL_MAX:
            return self._refused_with_notice(_REFUSALS[invitations.NOT_A_CONTACT])
        user, stop = self._acting_user(step_open=False)
        if user is None:
            return stop
        with get_session() as session:
            row = owned_customers.owned_customer(session, user.scope, self.loaded)
            try:
                sent_to = invitations.send_again(session, row, email, by=user.id)
            except invitations.CannotInvite as refused:
                return self._refused_with_notice(_REFUSALS[refused.reason])
            assert row.id is not None  # a stored row
            self._access = invitations.access(session, row.id, row.partner_id)
        held = next(
            (
                item
                for item in self._access
                if item.email.lower() == sent_to.lower() and item.waits_until is not None
            ),
            None,
        )
        if held is not None and held.waits_until is not None:
            # Kept, not sent yet: a mail limit is reached (services/mail_limits.py).
            self._notice = mail_limits.waiting(held.held_reason, held.waits_until)
        else:
            self._notice = Text("review.invitation_sent", {"email": sent_to})
        self._focus(NOTICE_ID)
        return None

    @rx.event
    def finish_onboarding(self):
        """Finish onboarding: check every step again; open the first that fails."""
        # A step re-opened since Review was opened is found by first_failing_step.
        user, stop = self._acting_user(step_open=False)
        if user is None:
            return stop
        with get_session() as session:
            failing = wizard.first_failing_step(session, user.scope, self.loaded)
        if failing is not None:
            return rx.redirect(routes.failing_step_url(self.loaded, failing))
        record, stop = self._apply(user, wizard.finish)
        if record is None:
            return stop
        self.loaded = ""
        return rx.redirect(home_url(user))
