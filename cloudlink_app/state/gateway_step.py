"""State of the Gateway step: the site, its address and the gateway's identifier."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from cloudlink_app.domain import forms, gateway, limits, wizard_path
from cloudlink_app.domain.i18n import N_, Text
from cloudlink_app.services import owned_customers, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.wizard_step import WizardStepMixin
from cloudlink_app.views.address import AddressRules, address_rules

_DEPLOYMENT_TYPES = frozenset(key for key, _ in gateway.DEPLOYMENT_TYPES)
_ADDRESS_FIELDS = (
    "country",
    "street_address",
    "address_line2",
    "city",
    "state_province",
    "postal_code",
)


class GatewayStepState(WizardStepMixin, SessionState):
    """The Gateway step of one customer."""

    STEP: ClassVar[str] = wizard_path.GATEWAY
    TITLE_KEY: ClassVar[str] = N_("title.gateway_step")
    MAX_LENGTH: ClassVar[dict[str, int]] = {
        forms.SITE_NAME: limits.NAME_MAX,
        "site_street_address": limits.ADDRESS_MAX,
        "site_address_line2": limits.ADDRESS_MAX,
        "site_city": limits.CITY_MAX,
        "site_state_province": limits.STATE_MAX,
        "site_postal_code": limits.POSTAL_CODE_MAX,
        forms.MAC_ADDRESS: gateway.MAC_ADDRESS_TYPED_MAX,
        forms.SYSTEM_ID: gateway.SYSTEM_ID_MAX,
    }

    site_name: str = ""
    site_same_address: bool = True
    site_country: str = ""
    site_street_address: str = ""
    site_address_line2: str = ""
    site_city: str = ""
    site_state_province: str = ""
    site_postal_code: str = ""
    mac_address: str = ""
    system_id: str = ""

    @rx.var(cache=True)
    def appliance(self) -> bool:
        """Whether the gateway is an appliance (identified by its MAC address)."""
        return self.deployment_type == wizard_path.APPLIANCE

    @rx.var(cache=True)
    def site_address_rules(self) -> AddressRules:
        """What the site country's addresses need."""
        return address_rules(self.site_country)

    def _form(self) -> forms.GatewayForm:
        return forms.GatewayForm(
            **{f.name: getattr(self, f.name) for f in dataclasses.fields(forms.GatewayForm)}
        )

    # ----- hooks -------------------------------------------------------------------

    def _show(self, record: wizard.WizardRecord) -> None:
        for f in dataclasses.fields(forms.GatewayForm):
            setattr(self, f.name, getattr(record.gateway, f.name))

    def _field_ids(self) -> set[str]:
        ids = {
            forms.SITE_NAME,
            forms.SITE_SAME_ADDRESS,
            forms.DEPLOYMENT_TYPE,
            forms.MAC_ADDRESS,
            forms.SYSTEM_ID,
        }
        return ids | {forms.SITE_PREFIX + name for name in _ADDRESS_FIELDS}

    def _validate(self) -> dict[str, Text]:
        user = self._current_user()
        with get_session() as session:
            customer_id = owned_customers.customer_id_of(session, user.scope, self.loaded)
            return gateway.validate_gateway(
                self._form(),
                lambda mac: wizard.mac_claimed_elsewhere(session, mac, customer_id),
            )

    def _validate_draft(self) -> dict[str, Text]:
        return gateway.validate_gateway_draft(self._form())

    def _store(self, session, user, complete):
        return self._save_form(wizard.save_gateway, session, user, complete)

    def _after_store(self, record: wizard.WizardRecord) -> None:
        self._show(record)

    # ----- setters -----------------------------------------------------------------

    @rx.event
    def set_site_name(self, value: str):
        """Site name typed."""
        self._set_text(forms.SITE_NAME, value)

    @rx.event
    def set_site_same_address(self, value: bool):
        """ "Same as the customer address" checked or unchecked."""
        if not self._may_type():
            return None
        if not isinstance(value, bool):
            return self._refuse("notice.unknown_choice")
        self.site_same_address = value
        self._changed(forms.SITE_SAME_ADDRESS)
        return None

    @rx.event
    def set_site_country(self, value: str):
        """Site country chosen; a state no longer in the country's list is cleared."""
        self._set_country("site_country", "site_state_province", value)

    @rx.event
    def set_site_street_address(self, value: str):
        """Site street address typed."""
        self._set_text("site_street_address", value)

    @rx.event
    def set_site_address_line2(self, value: str):
        """Site address line 2 typed."""
        self._set_text("site_address_line2", value)

    @rx.event
    def set_site_city(self, value: str):
        """Site city typed."""
        self._set_text("site_city", value)

    @rx.event
    def set_site_state_province(self, value: str):
        """Site state or province typed or chosen."""
        self._set_text("site_state_province", value)

    @rx.event
    def set_site_postal_code(self, value: str):
        """Site postal code typed."""
        self._set_text("site_postal_code", value)

    @rx.event
    def set_deployment_type(self, value: str):
        """Deployment type chosen: the step indicator follows it at once."""
        self._set_choice(forms.DEPLOYMENT_TYPE, value, _DEPLOYMENT_TYPES)

    @rx.event
    def set_mac_address(self, value: str):
        """MAC address typed (any common notation)."""
        self._set_text(forms.MAC_ADDRESS, value)

    @rx.event
    def set_system_id(self, value: str):
        """System ID typed."""
        self._set_text(forms.SYSTEM_ID, value)
