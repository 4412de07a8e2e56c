"""State of the Customer step: the form as typed, its errors, and its buttons.

Every public method is an event the browser can send with any arguments, so each one
checks types, sizes and the caller before it changes anything; a refused event
changes nothing but the notice that says why.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import choices, forms, limits, validation, wizard_path
from cloudlink_app.domain.address import address_format
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.forms import AdminContactRow, DomainRow, SupportContactRow
from cloudlink_app.services import customers, users, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state.base import (
    ErrorLink,
    SessionState,
    focus_element,
    home_url,
    set_title,
)
from cloudlink_app.state.cancel import CancelMixin
from cloudlink_app.state.live_validation import LiveValidationMixin
from cloudlink_app.state.wizard_step import CHECK_QUERY, REVIEW_QUERY

NEW = "new"
_KNOWN_COUNTRIES = choices.country_codes()
_BUSINESS_TYPES = frozenset(key for key, _ in choices.BUSINESS_TYPES)
_LANGUAGES = frozenset(code for code, _ in choices.DEFAULT_LANGUAGES)
# Longest value a free-text input accepts (its maxlength in the page too).
MAX_LENGTH = {
    forms.CUSTOMER_NAME: limits.NAME_MAX,
    forms.STREET_ADDRESS: limits.ADDRESS_MAX,
    forms.ADDRESS_LINE2: limits.ADDRESS_MAX,
    forms.CITY: limits.CITY_MAX,
    forms.STATE_PROVINCE: limits.STATE_MAX,
    forms.POSTAL_CODE: limits.POSTAL_CODE_MAX,
    "domain": limits.DOMAIN_MAX,
    "name": limits.NAME_MAX,
    "email": limits.EMAIL_MAX,
}
# Group errors shown once the user has touched a field of that group.
_GROUP_PREFIXES = {
    forms.ADMIN_CONTACTS: "admin-",
    forms.SUPPORT_MISSING_MAINTAINER: "support-",
    forms.SUPPORT_MISSING_ONSITE_ADMIN: "support-",
}


class CustomerStepState(LiveValidationMixin, CancelMixin, SessionState):
    """The Customer step of one customer (or of a new one, before its first save)."""

    # Which customer the form holds: NEW, an account ID, or "" (nothing loaded).
    loaded: str = ""
    saved_version: int = 0
    # Chosen on the Gateway step; the step indicator follows it.
    deployment_type: str = ""
    customer_name: str = ""
    country: str = ""
    street_address: str = ""
    address_line2: str = ""
    city: str = ""
    state_province: str = ""
    postal_code: str = ""
    business_type: str = ""
    default_language: str = ""
    email_domains: list[DomainRow] = []
    admin_contacts: list[AdminContactRow] = []
    support_contacts: list[SupportContactRow] = []
    # Errors shown beside fields (touched ones, or all after Next), keyed by field id.
    errors: dict[str, str] = {}
    error_summary: list[ErrorLink] = []
    saving: bool = False
    _touched: list[str] = []
    _submitted: bool = False
    _next_row_id: int = 1
    # Set when a save met someone else's newer save: a reload then reads it.
    _stale: bool = False
    # Opened from Review's "Change": Next returns there.
    _from_review: bool = False

    # ----- derived data for the page -------------------------------------------------

    @rx.var(cache=True)
    def sync_path(self) -> bool:
        """Whether the customer follows the SMBC/VA path (Sync instead of PBX, Connect)."""
        return wizard_path.is_sync_path(self.deployment_type)

    @rx.var(cache=True)
    def saved_account_id(self) -> str:
        """The account ID once the customer was saved, else ""."""
        return "" if self.loaded in ("", NEW) else self.loaded

    @rx.var(cache=True)
    def city_required(self) -> bool:
        """Whether the chosen country's addresses need a city."""
        return address_format(self.country).city_required

    @rx.var(cache=True)
    def state_required(self) -> bool:
        """Whether the chosen country's addresses need a state or province."""
        return address_format(self.country).state_required

    @rx.var(cache=True)
    def postal_code_required(self) -> bool:
        """Whether the chosen country's addresses need a postal code."""
        return address_format(self.country).postal_code_required

    @rx.var(cache=True)
    def state_options(self) -> list[list[str]]:
        """The country's states or provinces as [code, name], [] when it has no list."""
        return [list(option) for option in address_format(self.country).state_options]

    # ----- loading ----------------------------------------------------------------

    def _form(self) -> forms.CustomerForm:
        return forms.CustomerForm(
            customer_name=self.customer_name,
            country=self.country,
            street_address=self.street_address,
            address_line2=self.address_line2,
            city=self.city,
            state_province=self.state_province,
            postal_code=self.postal_code,
            business_type=self.business_type,
            default_language=self.default_language,
            email_domains=[dataclasses.replace(r) for r in self.email_domains],
            admin_contacts=[dataclasses.replace(r) for r in self.admin_contacts],
            support_contacts=[dataclasses.replace(r) for r in self.support_contacts],
        )

    def _show_form(self, loaded: str, form: forms.CustomerForm, version: int) -> None:
        self.loaded = loaded
        self.saved_version = version
        for name in forms.SCALAR_FIELDS:
            setattr(self, name, getattr(form, name))
        if not form.admin_contacts:
            form.admin_contacts = [AdminContactRow(id=0)]
        if not form.support_contacts:
            form.support_contacts = [
                SupportContactRow(id=0, role=forms.ROLE_MAINTAINER),
                SupportContactRow(id=0, role=forms.ROLE_ONSITE_ADMIN),
            ]
        # Fresh row ids, so ids never repeat within this form.
        next_id = 1
        for rows in (form.email_domains, form.admin_contacts, form.support_contacts):
            for row in rows:
                row.id = next_id
                next_id += 1
        self._next_row_id = next_id
        self.email_domains = form.email_domains
        self.admin_contacts = form.admin_contacts
        self.support_contacts = form.support_contacts
        self.errors = {}
        self.error_summary = []
        self._touched = []
        self._submitted = False
        self.dirty = False
        self.saving = False
        self.confirm_cancel_open = False
        self.notice = ""

    @rx.event
    def load_new_customer(self):
        """on_load of /customers/new: a blank form, or the unsaved one being typed."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._to_sign_in()
        if not user.may("create_customer"):
            return rx.redirect(home_url(user))
        self._from_review = False
        self.deployment_type = ""
        if self.loaded != NEW:
            self._show_form(NEW, forms.CustomerForm(), 0)
        return self._set_title()

    @rx.event
    def load_customer(self):
        """on_load of /customers/{account_id}/customer: the stored customer.

        A reload keeps what was typed and not saved yet (same tab, same customer).
        """
        account_id = self.account_id
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._to_sign_in()
        if not wizard_path.is_account_id(account_id):
            return rx.redirect(home_url(user))
        query = self.router.url.query_parameters
        self._from_review = query.get(REVIEW_QUERY) == wizard_path.REVIEW
        if not (self.loaded == account_id and self.dirty and not self._stale):
            with get_session() as session:
                customer_id = customers.customer_id_of(session, user.partner_id, account_id)
                if customer_id is None or not user.may_edit(customer_id):
                    return rx.redirect(home_url(user))
                record = customers.load_customer(session, user.partner_id, account_id)
                self.deployment_type = customers.owned_customer(
                    session, user.partner_id, account_id).deployment_type
            self._stale = False
            self._show_form(account_id, record.form, record.version)
        if query.get(CHECK_QUERY):
            # Sent here by "Finish onboarding": show what stops this step.
            self._submitted = True
            self.errors = self._all_errors()
            return self._show_summary()
        return self._set_title()

    def _set_title(self, error: bool = False):
        return set_title("title.customer_step", self.lang, error)

    # ----- live validation ---------------------------------------------------------

    def _all_errors(self) -> dict[str, str]:
        form = self._form()
        with get_session() as session:
            customer_id = customers.customer_id_of(
                session, self._partner_id(), self.saved_account_id
            )
            return validation.validate_customer(
                form,
                lambda d: customers.domain_claimed_elsewhere(session, d, customer_id),
                self.lang,
            )

    def _partner_id(self) -> int:
        return self._current_user().partner_id

    def _visible(self, errors: dict[str, str]) -> dict[str, str]:
        if self._submitted:
            return errors
        touched = set(self._touched)
        return {
            key: message
            for key, message in errors.items()
            if key in touched
            or (
                key in _GROUP_PREFIXES
                and any(f.startswith(_GROUP_PREFIXES[key]) for f in touched)
            )
        }

    def _revalidate(self) -> None:
        self.errors = self._visible(self._all_errors())

    def _field_ids(self) -> set[str]:
        ids = set(forms.SCALAR_FIELDS)
        ids.update(forms.domain_field(r.id) for r in self.email_domains)
        for row in self.admin_contacts:
            ids.update(forms.admin_field(row.id, p) for p in ("first_name", "last_name", "email"))
        for row in self.support_contacts:
            ids.update(forms.support_field(row.id, p) for p in ("role", "name", "email"))
        return ids

    def _set_text(self, field_id: str, value: object) -> None:
        if self._text_ok(value, MAX_LENGTH[field_id]):
            setattr(self, field_id, value)
            self._changed(field_id)

    def _set_choice(self, field_id: str, value: object, allowed: frozenset[str]) -> bool:
        if not self._signed_in():
            return False
        if not isinstance(value, str) or (value and value not in allowed):
            self._refuse("notice.unknown_choice")
            return False
        setattr(self, field_id, value)
        self._changed(field_id)
        return True

    @rx.event
    def set_customer_name(self, value: str):
        """Customer name typed."""
        self._set_text(forms.CUSTOMER_NAME, value)

    @rx.event
    def set_country(self, value: str):
        """Country chosen; a state no longer in the country's list is cleared."""
        if self._set_choice(forms.COUNTRY, value, _KNOWN_COUNTRIES):
            codes = {code for code, _ in address_format(value).state_options}
            if codes and self.state_province not in codes:
                self.state_province = ""

    @rx.event
    def set_street_address(self, value: str):
        """Street address typed."""
        self._set_text(forms.STREET_ADDRESS, value)

    @rx.event
    def set_address_line2(self, value: str):
        """Address line 2 typed."""
        self._set_text(forms.ADDRESS_LINE2, value)

    @rx.event
    def set_city(self, value: str):
        """City typed."""
        self._set_text(forms.CITY, value)

    @rx.event
    def set_state_province(self, value: str):
        """State or province typed or chosen."""
        self._set_text(forms.STATE_PROVINCE, value)

    @rx.event
    def set_postal_code(self, value: str):
        """Postal code typed."""
        self._set_text(forms.POSTAL_CODE, value)

    @rx.event
    def set_business_type(self, value: str):
        """Business type chosen."""
        self._set_choice(forms.BUSINESS_TYPE, value, _BUSINESS_TYPES)

    @rx.event
    def set_default_language(self, value: str):
        """Default language chosen."""
        self._set_choice(forms.DEFAULT_LANGUAGE, value, _LANGUAGES)

    # ----- rows --------------------------------------------------------------------

    def _new_row_id(self) -> int:
        row_id = self._next_row_id
        self._next_row_id += 1
        return row_id

    def _room_for_row(self, rows: list) -> bool:
        if not self._signed_in():
            return False
        if len(rows) >= limits.MAX_ROWS:
            self._refuse("notice.too_many_rows", limit=limits.MAX_ROWS)
            return False
        return True

    def _row_index(self, rows: list, row_id: object) -> int | None:
        if isinstance(row_id, int) and not isinstance(row_id, bool):
            for index, row in enumerate(rows):
                if row.id == row_id:
                    return index
        self._refuse("notice.unknown_row")
        return None

    def _set_row_text(self, rows_name: str, row_id: object, part: str, value: object,
                      field_id: str, limit: int) -> None:
        rows = getattr(self, rows_name)
        index = self._row_index(rows, row_id)
        if index is None or not self._text_ok(value, limit):
            return
        rows = list(rows)
        rows[index] = dataclasses.replace(rows[index], **{part: value})
        setattr(self, rows_name, rows)
        self._changed(field_id)

    def _remove_row(self, rows_name: str, row_id: object, keep_one: bool = False):
        if not self._signed_in():
            return None
        rows = getattr(self, rows_name)
        index = self._row_index(rows, row_id)
        if index is None:
            return None
        if keep_one and len(rows) == 1:
            return self._refuse("notice.keep_one_admin")
        setattr(self, rows_name, rows[:index] + rows[index + 1:])
        self.dirty = True
        self.notice = ""
        self._revalidate()
        return None

    @rx.event
    def add_email_domain(self):
        """Add an empty email domain row and focus it."""
        if self._room_for_row(self.email_domains):
            row = DomainRow(id=self._new_row_id())
            self.email_domains = [*self.email_domains, row]
            self.dirty = True
            self.notice = ""
            return focus_element(forms.domain_field(row.id))
        return None

    @rx.event
    def remove_email_domain(self, row_id: int):
        """Remove an email domain row."""
        return self._remove_row("email_domains", row_id)

    @rx.event
    def set_email_domain(self, row_id: int, value: str):
        """An email domain typed."""
        self._set_row_text("email_domains", row_id, "value", value,
                           forms.domain_field(row_id), MAX_LENGTH["domain"])

    @rx.event
    def add_admin_contact(self):
        """Add an empty admin contact row and focus its first name."""
        if self._room_for_row(self.admin_contacts):
            row = AdminContactRow(id=self._new_row_id())
            self.admin_contacts = [*self.admin_contacts, row]
            self.dirty = True
            self.notice = ""
            return focus_element(forms.admin_field(row.id, "first_name"))
        return None

    @rx.event
    def remove_admin_contact(self, row_id: int):
        """Remove an admin contact row (one always stays)."""
        return self._remove_row("admin_contacts", row_id, keep_one=True)

    @rx.event
    def set_admin_first_name(self, row_id: int, value: str):
        """An admin contact's first name typed."""
        self._set_row_text("admin_contacts", row_id, "first_name", value,
                           forms.admin_field(row_id, "first_name"), MAX_LENGTH["name"])

    @rx.event
    def set_admin_last_name(self, row_id: int, value: str):
        """An admin contact's last name typed."""
        self._set_row_text("admin_contacts", row_id, "last_name", value,
                           forms.admin_field(row_id, "last_name"), MAX_LENGTH["name"])

    @rx.event
    def set_admin_email(self, row_id: int, value: str):
        """An admin contact's email address typed."""
        self._set_row_text("admin_contacts", row_id, "email", value,
                           forms.admin_field(row_id, "email"), MAX_LENGTH["email"])

    @rx.event
    def add_support_contact(self):
        """Add an empty support contact row and focus its role."""
        if self._room_for_row(self.support_contacts):
            row = SupportContactRow(id=self._new_row_id())
            self.support_contacts = [*self.support_contacts, row]
            self.dirty = True
            self.notice = ""
            return focus_element(forms.support_field(row.id, "role"))
        return None

    @rx.event
    def remove_support_contact(self, row_id: int):
        """Remove a support contact row."""
        return self._remove_row("support_contacts", row_id)

    @rx.event
    def set_support_role(self, row_id: int, value: str):
        """A support contact's role chosen."""
        if not isinstance(value, str) or (value and value not in forms.ROLES):
            return self._refuse("notice.unknown_choice")
        self._set_row_text("support_contacts", row_id, "role", value,
                           forms.support_field(row_id, "role"), 20)
        return None

    @rx.event
    def set_support_name(self, row_id: int, value: str):
        """A support contact's name typed."""
        self._set_row_text("support_contacts", row_id, "name", value,
                           forms.support_field(row_id, "name"), MAX_LENGTH["name"])

    @rx.event
    def set_support_email(self, row_id: int, value: str):
        """A support contact's email address typed."""
        self._set_row_text("support_contacts", row_id, "email", value,
                           forms.support_field(row_id, "email"), MAX_LENGTH["email"])

    # ----- buttons -----------------------------------------------------------------

    def _save(self, user: users.CurrentUser, complete: bool):
        """Save; on a problem show it and return the events, else return None."""
        if not self.loaded:
            # Nothing is open (e.g. a second Save and return after the first left):
            # saving would create the customer a second time.
            self._refuse("notice.customer_not_found")
            return [focus_element("notice")]
        with get_session() as session:
            customer_id = customers.customer_id_of(
                session, user.partner_id, self.saved_account_id
            )
            if not user.may_edit(customer_id) or (self.saved_account_id and customer_id is None):
                self._refuse("notice.customer_not_found")
                return [focus_element("notice")]
            try:
                record = customers.save_customer(
                    session,
                    partner_id=user.partner_id,
                    account_id=self.saved_account_id or None,
                    expected_version=self.saved_version,
                    form=self._form(),
                    complete=complete,
                    saved_by=user.id,
                )
            except customers.VersionConflict:
                # The next load of this customer must read the other user's save.
                self._stale = True
                self._refuse("notice.version_conflict")
                return [focus_element("notice")]
            except customers.CustomerNotFound:
                self._refuse("notice.customer_not_found")
                return [focus_element("notice")]
            except customers.DomainClaimed as claimed:
                message = t("email_domain.claimed", self.lang)
                self._submitted = True
                self.errors = {**self.errors, **{f: message for f in claimed.field_ids}}
                return self._show_summary()
        self.loaded = record.account_id
        self.saved_version = record.version
        self.dirty = False
        return None

    def _show_summary(self):
        self.error_summary = [ErrorLink(k, v) for k, v in self.errors.items()]
        return [self._set_title(error=True), focus_element("error-summary")]

    @rx.event
    def next_step(self):
        """Next: validate everything on the server; save and open the Gateway step."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._refuse("notice.not_signed_in")
        self._submitted = True
        self.notice = ""
        self.errors = self._all_errors()
        if self.errors:
            return self._show_summary()
        self.error_summary = []
        problem = self._save(user, complete=True)
        if problem:
            return problem
        step = wizard_path.GATEWAY
        if self._from_review:
            with get_session() as session:
                record = wizard.load_wizard(session, user.partner_id, self.loaded)
            if wizard_path.can_open_step(wizard_path.REVIEW, record.completed,
                                         record.deployment_type):
                step = wizard_path.REVIEW
        return rx.redirect(routes.step_url(self.loaded, step))

    @rx.event
    def save_and_return(self):
        """Save and return (partner users only): store the draft as typed."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return self._refuse("notice.not_signed_in")
        if not user.is_partner:
            return self._refuse("notice.partners_only")
        self.notice = ""
        draft_errors = validation.validate_draft(self._form(), self.lang)
        if draft_errors:
            self._submitted = True
            self.errors = draft_errors
            return self._show_summary()
        problem = self._save(user, complete=False)
        if problem:
            return problem
        self.loaded = ""
        return rx.redirect(routes.DASHBOARD)

