"""What every wizard step shares, the Customer step included: loading with its guards,
Next, Back, Save and return, Cancel (state/cancel.py) and the version check. Live
validation and the error summary are the page base's (state/page.LiveFormState).

Each step's state mixes this in (before SessionState) and supplies the hooks at the
bottom of the class. Every public method is an event the browser can send with any
arguments; the caller and the customer are checked on every one that reads or writes
the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import address, choices, permissions, wizard_path
from cloudlink_app.domain.i18n import Text
from cloudlink_app.services import customers, owned_customers, save_history, users, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state.cancel import CancelMixin
from cloudlink_app.state.page import LiveFormState, Stopped
from cloudlink_app.state.session import home_url
from cloudlink_app.views.review import saved_by

# What `loaded` holds while the Customer step shows a customer not saved yet.
NEW = "new"


class WizardStepMixin(CancelMixin, LiveFormState, mixin=True):
    """Vars and handlers of a wizard step (mixed into each step's state)."""

    STEP: ClassVar[str] = ""
    if TYPE_CHECKING:
        # The route argument of /customers/[account_id]/..., added by Reflex.
        account_id: str

    # The account ID of the customer this state holds, NEW, or "" when none.
    loaded: str = ""
    saved_version: int = 0
    customer_name: str = ""
    deployment_type: str = ""
    # Opened from Review's "Change": Next returns there.
    from_review: bool = False
    # Set when a save met someone else's newer save: a reload then reads it.
    _stale: bool = False
    # The newest save of the customer this tab has seen (loaded or made itself), by
    # save_record id: a conflict names the first newer one's author.
    _seen_save: int = 0

    @rx.var(cache=True)
    def sync_path(self) -> bool:
        """Whether the customer follows the SMBC/VA path (Sync instead of PBX, Connect)."""
        return wizard_path.is_sync_path(self.deployment_type)

    # ----- guards ------------------------------------------------------------------

    def _editable_record(
        self,
        session,
        user: users.CurrentUser,
        account_id: str,
        action: str = permissions.EDIT_CUSTOMER,
    ) -> wizard.WizardRecord | None:
        """The customer when it exists and this user may do ``action`` on it, else None."""
        if not wizard_path.is_account_id(account_id):
            return None
        try:
            record = wizard.load_wizard(session, user.scope, account_id)
        except owned_customers.CustomerNotFound:
            return None
        if not user.may(action, record.partner_id, record.customer_id):
            return None
        return record

    def _may_store(self, session, user: users.CurrentUser) -> bool:
        """Whether this user may save the loaded customer (a new one: create it)."""
        if self.loaded == NEW:
            return user.may(permissions.CREATE_CUSTOMER)
        return self._editable_record(session, user, self.loaded) is not None

    def _blocked(
        self,
        user: users.CurrentUser,
        step_open: bool = True,
        action: str = permissions.EDIT_CUSTOMER,
    ):
        """Events that refuse an action on the loaded customer, or None when it may go on.

        The user must still be allowed to do ``action`` (editing, unless said otherwise)
        to the customer and, unless ``step_open`` is False, the steps before this one
        must still be done: another tab may have re-opened one (a new deployment type)
        since this step was opened. Then the first incomplete step opens, as on load.
        """
        if self.loaded == NEW:
            if user.may(permissions.CREATE_CUSTOMER):
                return None
            record = None
        else:
            with get_session() as session:
                record = self._editable_record(session, user, self.loaded, action)
        if record is None:
            return self._refused_with_notice("notice.customer_not_found")
        if step_open and not wizard_path.can_open_step(
            self.STEP, record.completed, record.deployment_type
        ):
            return self._go(record.first_incomplete() or wizard_path.REVIEW)
        return None

    def _acting_user(self, step_open: bool = True):
        """(the signed-in user, None) when they may act on the loaded customer now;
        otherwise (None, the events that say why not), as _blocked decides."""
        user = self._signed_in_user()
        if user is None:
            return None, None
        blocked = self._blocked(user, step_open)
        if blocked:
            return None, blocked
        return user, None

    def _load_step(self):
        """on_load of a stored customer's step: the user's own customer, only once the
        steps before are done. A reload keeps what was typed and not saved yet."""
        user, away = self._page_user()
        if user is None:
            return away
        account_id = self.account_id
        with get_session() as session:
            record = self._editable_record(session, user, account_id)
        if record is None:
            return rx.redirect(home_url(user))
        if not wizard_path.can_open_step(self.STEP, record.completed, record.deployment_type):
            first = record.first_incomplete() or wizard_path.REVIEW
            return rx.redirect(routes.step_url(account_id, first))
        query = self.router.url.query_parameters
        self.from_review = query.get(routes.REVIEW_QUERY) == wizard_path.REVIEW
        if not (self.loaded == account_id and self.dirty and not self._stale):
            self._show_record(record)
            with get_session() as session:
                self._see_newest_save(session, user)
        if query.get(routes.CHECK_QUERY):
            # Sent here by "Finish onboarding": show what stops this step.
            return self._show_errors(self._validate())
        return self._title()

    @rx.event
    def load(self):
        """on_load: the step of the user's own customer."""
        return self._load_step()

    def _reset(self, loaded: str, version: int) -> None:
        """A freshly shown form: nothing touched, no errors, nothing to ask."""
        self.loaded = loaded
        self.saved_version = version
        self._errors = {}
        self._summary = {}
        self._touched = []
        self._submitted = False
        self._stale = False
        self._seen_save = 0
        self.dirty = False
        self.confirm_cancel_open = False
        self._notice = None

    def _show_record(self, record: wizard.WizardRecord) -> None:
        self._reset(record.account_id, record.version)
        self.customer_name = record.customer_name
        self.deployment_type = record.deployment_type
        self._show(record)

    # ----- typing ------------------------------------------------------------------

    def _changed(self, field_id: str) -> None:
        self.dirty = True
        super()._changed(field_id)

    def _set_country(self, field_id: str, state_field_id: str, value: object) -> None:
        """A country chosen; a state no longer in the country's list is cleared."""
        if self._choice_ok(value, choices.country_codes()):
            setattr(self, field_id, value)
            kept = address.state_kept(str(value), getattr(self, state_field_id))
            setattr(self, state_field_id, kept)
            self._changed(field_id)

    # ----- saving ------------------------------------------------------------------

    def _newest_save(self, session, user: users.CurrentUser) -> save_history.SaveEntry | None:
        """The loaded customer's newest save, with who made it (None: none recorded, or
        the customer deleted since this event read it: its next event says so)."""
        try:
            saves = save_history.recent_saves(session, user.scope, self.loaded, limit=1)
        except owned_customers.CustomerNotFound:
            return None
        return saves[0] if saves else None

    def _see_newest_save(
        self, session, user: users.CurrentUser, customer_id: int | None = None
    ) -> None:
        """Remember the loaded customer's newest save: what this tab has seen.
        ``customer_id``: the loaded customer's id, when this event has just read it in
        the user's scope (one query instead of two)."""
        if customer_id is not None:
            self._seen_save = save_history.newest_save_id(session, customer_id)
            return
        newest = self._newest_save(session, user)
        self._seen_save = newest.save_id if newest is not None else 0

    def _version_conflict(self, user: users.CurrentUser):
        """Refused: someone saved the customer since this tab read it. The notice names
        who and when (as Review's "Saved by" does) when that save is recorded."""
        # The next load of this customer must read the other user's save.
        self._stale = True
        with get_session() as session:
            try:
                newest = self._newest_save(session, user)
            except owned_customers.CustomerNotFound:
                newest = None
        if newest is not None and newest.save_id > self._seen_save and newest.user_name:
            return self._refused_with_notice(
                "notice.version_conflict_by", **saved_by(newest, self.lang, zone=True)
            )
        return self._refused_with_notice("notice.version_conflict")

    def _apply(self, user: users.CurrentUser, action, **values):
        """One of services.wizard's step actions (complete_connect, start_sync, finish)
        on the loaded customer: (the stored record, None), or (None, the events that
        say why not) when someone else saved it in between."""
        with get_session() as session:
            try:
                record = action(
                    session,
                    scope=user.scope,
                    account_id=self.loaded,
                    expected_version=self.saved_version,
                    saved_by=user.id,
                    **values,
                )
            except save_history.VersionConflict:
                return None, self._version_conflict(user)
            self.saved_version = record.version
            self._see_newest_save(session, user)
        return record, None

    def _store_as(self, user: users.CurrentUser, complete: bool):
        """Save through the step's hook; return events on a problem, else None."""
        return self._stored_as(user, complete)[1]

    def _stored_as(
        self, user: users.CurrentUser, complete: bool
    ) -> tuple[wizard.WizardRecord | None, Stopped | None]:
        """Save through the step's hook: (the record as stored, None), or (None, the
        events that show a problem)."""
        if not self.loaded:
            # Nothing is open (e.g. a second Save and return after the first left):
            # saving would create the customer a second time.
            return None, self._refused_with_notice("notice.customer_not_found")
        with get_session() as session:
            if not self._may_store(session, user):
                return None, self._refused_with_notice("notice.customer_not_found")
            try:
                record = self._store(session, user, complete)
            except save_history.VersionConflict:
                return None, self._version_conflict(user)
            except owned_customers.CustomerNotFound:
                return None, self._refused_with_notice("notice.customer_not_found")
            except customers.ClaimTaken as claimed:
                claims = dict.fromkeys(claimed.field_ids, Text(claimed.message_key))
                return None, self._show_errors({**self._errors, **claims})
            self.loaded = record.account_id
            self.saved_version = record.version
            self.deployment_type = record.deployment_type
            self.dirty = False
            self._after_store(record)
            self._see_newest_save(session, user, record.customer_id)
        return record, None

    def _go(self, step: str):
        return rx.redirect(routes.step_url(self.loaded, step))

    @rx.event
    def next_step(self):
        """Next: check the step on the server; save it and open the next step."""
        return self._unless_unavailable(self._next_step)

    def _next_step(self):
        user, stop = self._acting_user()
        if user is None:
            return stop
        self._notice = None
        errors = self._validate()
        if errors:
            return self._show_errors(errors)
        self._summary = {}
        # The record the save returned decides where Next goes (not read again).
        record, problem = self._stored_as(user, complete=True)
        if record is None:
            return problem
        target = wizard_path.next_step(self.STEP, record.deployment_type)
        if self.from_review and wizard_path.can_open_step(
            wizard_path.REVIEW, record.completed, record.deployment_type
        ):
            target = wizard_path.REVIEW
        return self._go(target)

    def _store_draft(self, user: users.CurrentUser):
        """Store what was typed as a draft of the step (a new customer: always, an
        existing one when anything changed); return the events that show a problem,
        or None."""
        if not self.dirty and self.loaded != NEW:
            return None
        draft_errors = self._validate_draft()
        if draft_errors:
            return self._show_errors(draft_errors)
        return self._store_as(user, complete=False)

    @rx.event
    def go_back(self):
        """Back: keep what was typed (saved as a draft of this step), open the step before."""
        return self._unless_unavailable(self._go_back)

    def _go_back(self):
        user, stop = self._acting_user()
        if user is None:
            return stop
        problem = self._store_draft(user)
        if problem:
            return problem
        return self._go(wizard_path.previous_step(self.STEP, self.deployment_type))

    @rx.event
    def save_and_return(self):
        """Save and return (partner users only): store what was typed, open the dashboard."""
        return self._unless_unavailable(self._save_and_return)

    def _save_and_return(self):
        user = self._signed_in_user()
        if user is None:
            return None
        if not user.can(permissions.SAVE_AND_RETURN):
            return self._refuse("notice.partners_only")
        blocked = self._blocked(user, action=permissions.SAVE_AND_RETURN)
        if blocked:
            return blocked
        self._notice = None
        problem = self._store_draft(user)
        if problem:
            return problem
        self.loaded = ""
        return rx.redirect(routes.DASHBOARD)

    # ----- Cancel --------------------------------------------------------------------

    def _discard(self):
        """Discard changes: return to the dashboard (an account admin: to their
        account page) with nothing of the customer kept."""
        super()._discard()
        self.loaded = ""
        self._errors = {}
        self._summary = {}
        return self._home()

    # ----- hooks of each step --------------------------------------------------------

    def _show(self, record: wizard.WizardRecord) -> None:
        """Put the stored values of this step into the state."""

    def _validate_draft(self) -> dict[str, Text]:
        """What stops even a draft of the step from being stored."""
        return {}

    def _store(self, session, user: users.CurrentUser, complete: bool) -> wizard.WizardRecord:
        """Save the step (complete: as on Next) and return the stored record."""
        return wizard.load_wizard(session, user.scope, self.loaded)

    def _form(self):
        """The step's form as typed (a dataclass of domain.forms)."""
        return None

    def _save_form(self, save, session, user: users.CurrentUser, complete: bool):
        """The step's form stored by ``save`` (one of services.wizard's save_*)."""
        return save(
            session,
            scope=user.scope,
            account_id=self.loaded,
            expected_version=self.saved_version,
            form=self._form(),
            complete=complete,
            saved_by=user.id,
        )

    def _after_store(self, record: wizard.WizardRecord) -> None:
        """Take over what the save changed (e.g. a re-opened step)."""
