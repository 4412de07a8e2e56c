"""What every step after the Customer step shares: loading with its guards, live
validation, the error summary, and Back, Next, Save and return and Cancel.

Each step's state mixes this in and supplies the hooks at the bottom of the class.
Every public method is an event the browser can send with any arguments; the
caller and the customer are checked on every one that reads or writes the database.
"""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.services import customers, users, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import ErrorLink, focus_element, home_url, set_title
from cloudlink_app.state.cancel import CancelMixin
from cloudlink_app.state.live_validation import LiveValidationMixin

REVIEW_QUERY = "from"
CHECK_QUERY = "check"


class WizardStepMixin(LiveValidationMixin, CancelMixin, mixin=True):
    """Vars and handlers of a later wizard step (mixed into each step's state)."""

    STEP: ClassVar[str] = ""
    TITLE_KEY: ClassVar[str] = ""

    # The account ID of the customer this state holds ("" when none).
    loaded: str = ""
    saved_version: int = 0
    customer_name: str = ""
    deployment_type: str = ""
    errors: dict[str, str] = {}
    error_summary: list[ErrorLink] = []
    # Opened from Review's "Change": Next returns there.
    from_review: bool = False
    _touched: list[str] = []
    _submitted: bool = False
    _stale: bool = False

    @rx.var(cache=True)
    def sync_path(self) -> bool:
        """Whether the customer follows the SMBC/VA path (Sync instead of PBX, Connect)."""
        return wizard_path.is_sync_path(self.deployment_type)

    # ----- guards ------------------------------------------------------------------

    def _user(self) -> users.CurrentUser | None:
        try:
            return self._current_user()
        except users.NotSignedIn:
            self._refuse("notice.not_signed_in")
            return None

    def _editable_record(self, session, user: users.CurrentUser,
                         account_id: str) -> wizard.WizardRecord | None:
        if not wizard_path.is_account_id(account_id):
            return None
        customer_id = customers.customer_id_of(session, user.partner_id, account_id)
        if customer_id is None or not user.may_edit(customer_id):
            return None
        return wizard.load_wizard(session, user.partner_id, account_id)

    def _blocked(self, user: users.CurrentUser, step_open: bool = True):
        """Events that refuse an action on the loaded customer, or None when it may go on.

        The user must still be allowed to edit the customer and, unless ``step_open`` is
        False, the steps before this one must still be done: another tab may have
        re-opened one (a new deployment type) since this step was opened. Then the
        first incomplete step opens, as on load.
        """
        with get_session() as session:
            record = self._editable_record(session, user, self.loaded)
        if record is None:
            self._refuse("notice.customer_not_found")
            return [focus_element("notice")]
        if step_open and not wizard_path.can_open_step(
            self.STEP, record.completed, record.deployment_type
        ):
            return self._go(record.first_incomplete() or wizard_path.REVIEW)
        return None

    @rx.event
    def load(self):
        """on_load: the partner's own customer, only once the steps before are done."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._to_sign_in()
        account_id = self.account_id
        with get_session() as session:
            record = self._editable_record(session, user, account_id)
        if record is None:
            return rx.redirect(home_url(user))
        if not wizard_path.can_open_step(self.STEP, record.completed, record.deployment_type):
            first = record.first_incomplete() or wizard_path.REVIEW
            return rx.redirect(routes.step_url(account_id, first))
        query = self.router.url.query_parameters
        self.from_review = query.get(REVIEW_QUERY) == wizard_path.REVIEW
        if not (self.loaded == account_id and self.dirty and not self._stale):
            self._show_record(record)
        if query.get(CHECK_QUERY):
            # Sent here by "Finish onboarding": show what stops this step.
            return self._show_errors(self._validate())
        return set_title(self.TITLE_KEY, self.lang)

    def _show_record(self, record: wizard.WizardRecord) -> None:
        self.loaded = record.account_id
        self.saved_version = record.version
        self.customer_name = record.customer_name
        self.deployment_type = record.deployment_type
        self.errors = {}
        self.error_summary = []
        self._touched = []
        self._submitted = False
        self._stale = False
        self.dirty = False
        self.confirm_cancel_open = False
        self.notice = ""
        self._show(record)

    # ----- live validation ---------------------------------------------------------

    def _visible(self, errors: dict[str, str]) -> dict[str, str]:
        if self._submitted:
            return errors
        return {k: v for k, v in errors.items() if k in self._touched}

    def _revalidate(self) -> None:
        self.errors = self._visible(self._validate())

    def _choice_ok(self, value: object, allowed) -> bool:
        """Whether a signed-in user chose one of ``allowed`` or none (else show why)."""
        if not self._signed_in():
            return False
        if not isinstance(value, str) or (value and value not in allowed):
            self._refuse("notice.unknown_choice")
            return False
        return True

    def _show_errors(self, errors: dict[str, str]):
        self._submitted = True
        self.errors = errors
        self.error_summary = [ErrorLink(k, v) for k, v in errors.items()]
        return [set_title(self.TITLE_KEY, self.lang, error=True),
                focus_element("error-summary")]

    # ----- saving ------------------------------------------------------------------

    def _store_as(self, user: users.CurrentUser, complete: bool):
        """Save through the step's hook; return events on a problem, else None."""
        with get_session() as session:
            if self._editable_record(session, user, self.loaded) is None:
                self._refuse("notice.customer_not_found")
                return [focus_element("notice")]
            try:
                record = self._store(session, user, complete)
            except customers.VersionConflict:
                self._stale = True
                self._refuse("notice.version_conflict")
                return [focus_element("notice")]
            except wizard.MacClaimed:
                return self._show_errors({**self.errors, **self._claim_errors()})
        self.saved_version = record.version
        self.deployment_type = record.deployment_type
        self.dirty = False
        self._after_store(record)
        return None

    def _go(self, step: str):
        return rx.redirect(routes.step_url(self.loaded, step))

    @rx.event
    def next_step(self):
        """Next: check the step on the server; save it and open the next step."""
        user = self._user()
        if user is None:
            return None
        blocked = self._blocked(user)
        if blocked:
            return blocked
        self.notice = ""
        errors = self._validate()
        if errors:
            return self._show_errors(errors)
        self.error_summary = []
        problem = self._store_as(user, complete=True)
        if problem:
            return problem
        with get_session() as session:
            record = wizard.load_wizard(session, user.partner_id, self.loaded)
        target = wizard_path.next_step(self.STEP, record.deployment_type)
        if self.from_review and wizard_path.can_open_step(
            wizard_path.REVIEW, record.completed, record.deployment_type
        ):
            target = wizard_path.REVIEW
        return self._go(target)

    def _store_draft(self, user: users.CurrentUser):
        """Store what was typed (when anything was) as a draft of the step; return
        the events that show a problem, or None."""
        if not self.dirty:
            return None
        draft_errors = self._validate_draft()
        if draft_errors:
            return self._show_errors(draft_errors)
        return self._store_as(user, complete=False)

    @rx.event
    def go_back(self):
        """Back: keep what was typed (saved as a draft of this step), open the step before."""
        user = self._user()
        if user is None:
            return None
        blocked = self._blocked(user)
        if blocked:
            return blocked
        problem = self._store_draft(user)
        if problem:
            return problem
        return self._go(wizard_path.previous_step(self.STEP, self.deployment_type))

    @rx.event
    def save_and_return(self):
        """Save and return (partner users only): store what was typed, open the dashboard."""
        user = self._user()
        if user is None:
            return None
        if not user.is_partner:
            return self._refuse("notice.partners_only")
        blocked = self._blocked(user)
        if blocked:
            return blocked
        problem = self._store_draft(user)
        if problem:
            return problem
        self.loaded = ""
        return rx.redirect(routes.DASHBOARD)

    # ----- hooks of each step --------------------------------------------------------

    def _show(self, record: wizard.WizardRecord) -> None:
        """Put the stored values of this step into the state."""

    def _field_ids(self) -> set[str]:
        """The ids of the step's fields (leave_field accepts only these)."""
        return set()

    def _validate(self) -> dict[str, str]:
        """Every rule of the step, as on Next."""
        return {}

    def _validate_draft(self) -> dict[str, str]:
        """What stops even a draft of the step from being stored."""
        return {}

    def _store(self, session, user: users.CurrentUser, complete: bool) -> wizard.WizardRecord:
        """Save the step (complete: as on Next) and return the stored record."""
        return wizard.load_wizard(session, user.partner_id, self.loaded)

    def _after_store(self, record: wizard.WizardRecord) -> None:
        """Take over what the save changed (e.g. a re-opened step)."""

    def _claim_errors(self) -> dict[str, str]:
        """Errors to show when a claimed identifier was taken while saving."""
        return {}

