"""State of the Customer step: the form as typed, its rows, and its hooks into the
shared step base (which loads, checks, saves and navigates for every step).

Every public method is an event the browser can send with any arguments, so each one
checks types, sizes and the caller before it changes anything; a refused event
changes nothing but the notice that says why.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import reflex as rx

from cloudlink_app.domain import (
    choices,
    domains,
    forms,
    limits,
    permissions,
    validation,
    wizard_path,
)
from cloudlink_app.domain.forms import AdminContactRow, DomainRow, SupportContactRow
from cloudlink_app.domain.i18n import N_, Text
from cloudlink_app.services import customers, domain_claims, users, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.wizard_step import NEW, WizardStepMixin
from cloudlink_app.views.address import AddressRules, address_rules

_BUSINESS_TYPES = frozenset(key for key, _ in choices.BUSINESS_TYPES)
_LANGUAGES = frozenset(code for code, _ in choices.DEFAULT_LANGUAGES)
_ROWS = forms.ROW_KINDS


class CustomerStepState(WizardStepMixin, SessionState):
    """The Customer step of one customer (or of a new one, before its first save)."""

    STEP: ClassVar[str] = wizard_path.CUSTOMER
    TITLE_KEY: ClassVar[str] = N_("title.customer_step")
    MAX_LENGTH: ClassVar[dict[str, int]] = {
        forms.CUSTOMER_NAME: limits.NAME_MAX,
        forms.STREET_ADDRESS: limits.ADDRESS_MAX,
        forms.ADDRESS_LINE2: limits.ADDRESS_MAX,
        forms.CITY: limits.CITY_MAX,
        forms.STATE_PROVINCE: limits.STATE_MAX,
        forms.POSTAL_CODE: limits.POSTAL_CODE_MAX,
    }
    GROUP_PREFIXES: ClassVar[dict[str, str]] = {
        forms.ADMIN_CONTACTS: "admin-",
        forms.SUPPORT_MISSING_MAINTAINER: "support-",
        forms.SUPPORT_MISSING_ONSITE_ADMIN: "support-",
    }

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
    _next_row_id: int = 1

    @rx.var(cache=True)
    def saved_account_id(self) -> str:
        """The account ID once the customer was saved, else ""."""
        return "" if self.loaded in ("", NEW) else self.loaded

    @rx.var(cache=True)
    def address_rules(self) -> AddressRules:
        """What the chosen country's addresses need."""
        return address_rules(self.country)

    @rx.event
    def load_new_customer(self):
        """on_load of /customers/new: a blank form, or the unsaved one being typed."""
        user, away = self._page_user(permissions.CREATE_CUSTOMER)
        if user is None:
            return away
        self.from_review = False
        self.deployment_type = ""
        if self.loaded != NEW:
            self._reset(NEW, 0)
            self._show_form(forms.CustomerForm())
        return self._title()

    def _show(self, record: wizard.WizardRecord) -> None:
        with get_session() as session:
            # The record was found in the user's scope a moment ago (WizardStepState).
            scope = CustomerScope(record.partner_id)
            stored = customers.load_customer(session, scope, record.account_id)
        self._show_form(stored.form)

    def _show_form(self, stored: forms.CustomerForm) -> None:
        form = forms.with_default_rows(stored)
        for name in (*forms.SCALAR_FIELDS, *_ROWS):
            setattr(self, name, getattr(form, name))
        self._next_row_id = forms.next_row_id(form)

    def _form(self) -> forms.CustomerForm:
        values: dict[str, Any] = {name: getattr(self, name) for name in forms.SCALAR_FIELDS}
        values.update({n: [dataclasses.replace(r) for r in getattr(self, n)] for n in _ROWS})
        return forms.CustomerForm(**values)

    def _field_ids(self) -> set[str]:
        ids = set(forms.SCALAR_FIELDS)
        for kind in _ROWS.values():
            for row in getattr(self, kind.name):
                ids.update(kind.field_ids(row.id))
        return ids

    def _validate(self) -> dict[str, Text]:
        user = self._current_user()
        form = self._form()
        candidates = domains.claim_candidates(form.email_domains)
        claimed: set[str] = set()
        if candidates:  # one query for every domain (none without a valid domain)
            with get_session() as session:
                claimed = domain_claims.domains_claimed_elsewhere(
                    session, candidates, user.partner_id, self.saved_account_id
                )
        return validation.validate_customer(form, claimed.__contains__)

    def _validate_draft(self) -> dict[str, Text]:
        return validation.validate_draft(self._form())

    def _store(self, session, user: users.CurrentUser, complete: bool):
        record = customers.save_customer(
            session,
            scope=user.scope,
            account_id=self.saved_account_id or None,
            expected_version=self.saved_version,
            form=self._form(),
            complete=complete,
            saved_by=user.id,
        )
        return wizard.load_wizard(session, user.scope, record.account_id)

    # ----- fields -------------------------------------------------------------------

    @rx.event
    def set_customer_name(self, value: str):
        """Customer name typed."""
        self._set_text(forms.CUSTOMER_NAME, value)

    @rx.event
    def set_country(self, value: str):
        """Country chosen; a state no longer in the country's list is cleared."""
        self._set_country(forms.COUNTRY, forms.STATE_PROVINCE, value)

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

    # ----- rows: one mechanism for the three lists ------------------------------------

    def _add_row(self, name: str):
        rows, kind = getattr(self, name), _ROWS[name]
        if not self._may_type():
            return None
        if len(rows) >= limits.MAX_ROWS:
            return self._refuse("notice.too_many_rows", limit=limits.MAX_ROWS)
        row = kind.row_type(id=self._next_row_id)
        self._next_row_id += 1
        setattr(self, name, [*rows, row])
        self.dirty = True
        self._notice = None
        self._focus(kind.field_id(row.id, kind.first_part))
        return None

    def _row_index(self, name: str, row_id: object) -> int | None:
        """The position of a signed-in user's row (else show why: None); also while
        the database cannot be reached (_may_type)."""
        if not self._may_type():
            return None
        if isinstance(row_id, int) and not isinstance(row_id, bool):
            for index, row in enumerate(getattr(self, name)):
                if row.id == row_id:
                    return index
        self._refuse("notice.unknown_row")
        return None

    def _remove_row(self, name: str, row_id: object):
        rows, index = getattr(self, name), self._row_index(name, row_id)
        if index is None:
            return None
        if len(rows) <= _ROWS[name].min_rows:
            return self._refuse("notice.keep_one_admin")
        setattr(self, name, rows[:index] + rows[index + 1 :])
        self.dirty = True
        self._notice = None
        self._revalidate()
        return None

    def _set_row(self, name: str, row_id: object, part: str, value: object):
        kind, index = _ROWS[name], self._row_index(name, row_id)
        if index is None or not (
            self._allowed(value, kind.choices[part])
            if part in kind.choices
            else self._fits(value, kind.max_length[part])
        ):
            return None
        rows = list(getattr(self, name))
        rows[index] = dataclasses.replace(rows[index], **{part: value})
        setattr(self, name, rows)
        self._changed(kind.field_id(rows[index].id, part))
        return None

    @rx.event
    def add_email_domain(self):
        """Add an empty email domain row and focus it."""
        return self._add_row(forms.EMAIL_DOMAINS)

    @rx.event
    def remove_email_domain(self, row_id: int):
        """Remove an email domain row."""
        return self._remove_row(forms.EMAIL_DOMAINS, row_id)

    @rx.event
    def set_email_domain(self, row_id: int, value: str):
        """An email domain typed."""
        return self._set_row(forms.EMAIL_DOMAINS, row_id, "value", value)

    @rx.event
    def add_admin_contact(self):
        """Add an empty admin contact row and focus its first name."""
        return self._add_row(forms.ADMIN_CONTACTS)

    @rx.event
    def remove_admin_contact(self, row_id: int):
        """Remove an admin contact row (one always stays)."""
        return self._remove_row(forms.ADMIN_CONTACTS, row_id)

    @rx.event
    def set_admin_first_name(self, row_id: int, value: str):
        """An admin contact's first name typed."""
        return self._set_row(forms.ADMIN_CONTACTS, row_id, "first_name", value)

    @rx.event
    def set_admin_last_name(self, row_id: int, value: str):
        """An admin contact's last name typed."""
        return self._set_row(forms.ADMIN_CONTACTS, row_id, "last_name", value)

    @rx.event
    def set_admin_email(self, row_id: int, value: str):
        """An admin contact's email address typed."""
        return self._set_row(forms.ADMIN_CONTACTS, row_id, "email", value)

    @rx.event
    def add_support_contact(self):
        """Add an empty support contact row and focus its role."""
        return self._add_row(forms.SUPPORT_CONTACTS)

    @rx.event
    def remove_support_contact(self, row_id: int):
        """Remove a support contact row."""
        return self._remove_row(forms.SUPPORT_CONTACTS, row_id)

    @rx.event
    def set_support_role(self, row_id: int, value: str):
        """A support contact's role chosen."""
        return self._set_row(forms.SUPPORT_CONTACTS, row_id, "role", value)

    @rx.event
    def set_support_name(self, row_id: int, value: str):
        """A support contact's name typed."""
        return self._set_row(forms.SUPPORT_CONTACTS, row_id, "name", value)

    @rx.event
    def set_support_email(self, row_id: int, value: str):
        """A support contact's email address typed."""
        return self._set_row(forms.SUPPORT_CONTACTS, row_id, "email", value)
