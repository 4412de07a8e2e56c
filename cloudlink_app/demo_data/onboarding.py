"""One demo customer taken through the app's own services, checked by its rules.

Every demo customer is saved the way a partner user saves it in the wizard: the
Customer step with customers.save_customer (Next, or "Save and return" for a draft),
then wizard.save_gateway, save_pbx, record_check and complete_connect, or save_sync,
record_check and start_sync, and wizard.finish, each by one of the partner's own users
(so the audit trail names them) and each after the step's own rules passed, as on Next.
The connection checks are recorded with results made up here: nothing touches the
network. The loader (demo_data.loader) runs one Onboarding per demo customer.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping

from sqlmodel import Session

from cloudlink_app.demo_data.records import DRAFT, ONBOARDED, PROBLEM, DemoPartner, contact_people
from cloudlink_app.domain import forms, gateway, pbx, validation, wizard_path
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, Text, render
from cloudlink_app.services import connection, customers, domain_claims, wizard
from cloudlink_app.services.connection import ConnectionResult
from cloudlink_app.services.owned_customers import CustomerScope

# One customer's saves, one after another (a partner going through the wizard).
STEP_SPACING = datetime.timedelta(minutes=4)

SITE_NAMES = {
    "nl": "Vestiging {city}",
    "de": "Standort {city}",
    "fr": "Site de {city}",
    "en": "{city} office",
}
# PBX types in turn; each gets its default port (domain.pbx.DEFAULT_PORTS).
PBX_TYPES = (
    "mivoice_business",
    "mivoice_office_400",
    "mivoice_connect",
    "mivoice_5000",
    "mivoice_mx_one",
    "mivoice_office_250",
)
SYNC_PORT = "4443"
# Mitel's OUI: the CloudLink Gateway appliances are Mitel devices.
MAC_PREFIX = (0x08, 0x00, 0x0F)


class DemoDataError(Exception):
    """A demo customer breaks one of the app's rules (a mistake in records.py)."""


@dataclasses.dataclass
class SaveTimes:
    """When each save of one customer happened in the demo's week."""

    customer_id: int = 0  # known once the Customer step is saved
    saves: list[datetime.datetime] = dataclasses.field(default_factory=list)
    sync_started_at: datetime.datetime | None = None
    onboarded_at: datetime.datetime | None = None


class Onboarding:
    """One demo customer taken through the wizard's services, step by step."""

    def __init__(
        self,
        session: Session,
        partner: DemoPartner,
        partner_number: int,
        index: int,
        user_ids: dict[str, int],
        partner_id: int,
        last_saved: datetime.datetime,
    ) -> None:
        self.session = session
        self.partner = partner
        self.demo = partner.customers[index]
        self.index = index
        self.partner_number = partner_number
        self.partner_id = partner_id
        # The demo is made as the partner: every customer of it is in reach.
        self.scope = CustomerScope(partner_id)
        users = [user_ids[email] for email in partner.user_emails]
        # The partner's users take turns; every third customer a colleague took over
        # after the Customer step, so the Review page shows two names.
        colleague = 1 if index % 3 == 2 else 0
        self.first_user = users[index % len(users)]
        self.later_user = users[(index + colleague) % len(users)]
        self.account_id = ""
        self.version = 0
        self.last_saved = last_saved
        self.times = SaveTimes()

    # ----- the plan: one service call per save, each at its time ----------------------

    def run(self) -> SaveTimes:
        """Save every step the demo customer got through; return when each happened."""
        steps = self._steps()
        start = self.last_saved - STEP_SPACING * (len(steps) - 1)
        for number, step in enumerate(steps):
            step(start + STEP_SPACING * number)
        return self.times

    def _steps(self) -> list[Callable[[datetime.datetime], None]]:
        demo, done = self.demo, self.demo.completed
        steps: list[Callable[[datetime.datetime], None]] = [self.customer_step]
        if wizard_path.GATEWAY in done:
            steps.append(self.gateway_step)
        if wizard_path.PBX in done:
            steps.append(self.pbx_step)
        if wizard_path.CONNECT in done:
            steps += [self.check_pbx, self.connect_step]
        if wizard_path.SYNC in done:
            steps += [self.sync_address, self.check_sync, self.start_sync, self.sync_step]
        if demo.stage == ONBOARDED:
            steps.append(self.finish)
        return steps

    def _fail(self, step: str, errors: Mapping[str, Text | str]) -> DemoDataError:
        shown = {
            field: render(text, DEFAULT_LANGUAGE) if isinstance(text, Text) else text
            for field, text in errors.items()
        }
        return DemoDataError(f"{self.demo.name}, {step} step: {shown}")

    def _saved(
        self, record: customers.CustomerRecord | wizard.WizardRecord, at: datetime.datetime
    ) -> None:
        self.version = record.version
        self.times.saves.append(at)

    def _save(
        self, save: Callable[..., wizard.WizardRecord], at: datetime.datetime, **step: object
    ) -> None:
        """One of the wizard's saves, by the later user at the version last saved."""
        self._saved(
            save(
                self.session,
                scope=self.scope,
                account_id=self.account_id,
                expected_version=self.version,
                saved_by=self.later_user,
                **step,
            ),
            at,
        )

    def _store(
        self,
        step: str,
        form: forms.GatewayForm | forms.PbxForm | forms.SyncForm,
        errors: dict[str, Text],
        save: Callable[..., wizard.WizardRecord],
        complete: bool,
        at: datetime.datetime,
    ) -> None:
        """A step's form saved once its own rules passed (as on Next)."""
        if errors:
            raise self._fail(step, errors)
        self._save(save, at, form=form, complete=complete)

    # ----- the steps -----------------------------------------------------------------

    def customer_form(self) -> forms.CustomerForm:
        """The Customer step as the partner typed it. A draft still waits for the
        customer to name an Onsite Admin."""
        demo, address = self.demo, self.demo.address
        admin, onsite = contact_people(demo)
        support = [
            forms.SupportContactRow(
                3, forms.ROLE_MAINTAINER, self.partner.support_desk, self.partner.support_email
            )
        ]
        if demo.stage != DRAFT:
            support.append(
                forms.SupportContactRow(
                    4, forms.ROLE_ONSITE_ADMIN, onsite.name, onsite.email_at(demo.domain)
                )
            )
        return forms.CustomerForm(
            customer_name=demo.name,
            country=address.country,
            street_address=address.street,
            city=address.city,
            state_province=address.state,
            postal_code=address.postal_code,
            business_type=demo.business_type,
            default_language=demo.language,
            email_domains=[forms.DomainRow(1, demo.domain)],
            admin_contacts=[
                forms.AdminContactRow(
                    2, admin.first_name, admin.last_name, admin.email_at(demo.domain)
                )
            ],
            support_contacts=support,
        )

    def customer_step(self, at: datetime.datetime) -> None:
        """Next on the Customer step, or "Save and return" for a draft."""
        form = self.customer_form()
        complete = self.demo.stage != DRAFT
        errors = (
            validation.validate_customer(
                form, lambda d: domain_claims.domain_claimed_elsewhere(self.session, d, None)
            )
            if complete
            else validation.validate_draft(form)
        )
        if errors:
            raise self._fail(wizard_path.CUSTOMER, errors)
        record = customers.save_customer(
            self.session,
            scope=self.scope,
            account_id=None,
            expected_version=None,
            form=form,
            complete=complete,
            saved_by=self.first_user,
        )
        self.account_id = record.account_id
        self.times.customer_id = wizard.load_wizard(
            self.session, self.scope, record.account_id
        ).customer_id
        self._saved(record, at)

    def gateway_form(self) -> forms.GatewayForm:
        """The Gateway step: the site at the customer's address, and the appliance's
        MAC address (typed in the notation of its label) or the SMBC/VA system ID."""
        demo = self.demo
        form = forms.GatewayForm(
            site_name=SITE_NAMES[demo.language].format(city=demo.address.city),
            deployment_type=demo.deployment,
        )
        if demo.deployment == wizard_path.APPLIANCE:
            return dataclasses.replace(form, mac_address=self._typed_mac())
        prefix = "SMBC" if demo.deployment == wizard_path.SMBC else "VA"
        number = (0x3A7F + 97 * self.index + 1009 * self.partner_number) & 0xFFFF
        return dataclasses.replace(form, system_id=f"{prefix}-{number:04X}")

    def _typed_mac(self) -> str:
        octets = [*MAC_PREFIX, self.partner_number, self.index, (self.index * 37 + 11) % 256]
        digits = "".join(f"{octet:02x}" for octet in octets)
        notation = self.index % 3
        if notation == 0:
            return ":".join(f"{octet:02X}" for octet in octets)
        if notation == 1:
            return "-".join(f"{octet:02x}" for octet in octets)
        return ".".join(digits[i : i + 4] for i in range(0, 12, 4))  # Cisco's notation

    def gateway_step(self, at: datetime.datetime) -> None:
        """Next on the Gateway step."""
        form = self.gateway_form()
        errors = gateway.validate_gateway(
            form,
            lambda mac: wizard.mac_claimed_elsewhere(self.session, mac, self.times.customer_id),
        )
        self._store(wizard_path.GATEWAY, form, errors, wizard.save_gateway, True, at)

    def pbx_form(self) -> forms.PbxForm:
        """The PBX step: a PBX type in turn, its default port, the customer's PBX."""
        pbx_type = PBX_TYPES[self.index % len(PBX_TYPES)]
        return forms.PbxForm(
            pbx_type=pbx_type,
            pbx_address=f"pbx.{self.demo.domain}",
            pbx_port=str(pbx.DEFAULT_PORTS[pbx_type]),
        )

    def pbx_step(self, at: datetime.datetime) -> None:
        """Next on the PBX step."""
        form = self.pbx_form()
        self._store(wizard_path.PBX, form, pbx.validate_pbx(form), wizard.save_pbx, True, at)

    def _check(self, address: str, port: str, at: datetime.datetime) -> None:
        # What services.connection.check_connection would have found, made up: the
        # problem customers' PBX did not answer within the timeout.
        failed = self.demo.stage == PROBLEM
        ip = f"203.0.113.{10 + 20 * self.partner_number + self.index}"  # TEST-NET-3
        result = ConnectionResult(
            outcome=connection.TIMED_OUT if failed else connection.REACHABLE,
            address=ip,
            port=int(port),
            elapsed_ms=connection.DEFAULT_TIMEOUT * 1000 if failed else 24.0 + self.index,
            checked_at=at,
        )
        self._saved(
            wizard.record_check(
                self.session,
                scope=self.scope,
                account_id=self.account_id,
                user_id=self.later_user,
                target=wizard.target_of(address, port),
                result=result,
            ),
            at,
        )

    def check_pbx(self, at: datetime.datetime) -> None:
        """ "Check connection" on the Connect step."""
        form = self.pbx_form()
        self._check(form.pbx_address, form.pbx_port, at)

    def connect_step(self, at: datetime.datetime) -> None:
        """Next on the Connect step, or "Continue without a connection" (problem)."""
        self._save(wizard.complete_connect, at, skipped=self.demo.stage == PROBLEM)

    def sync_form(self) -> forms.SyncForm:
        """The Sync step: the customer's SMBC or VA and its port."""
        return forms.SyncForm(
            sync_address=f"{self.demo.deployment}.{self.demo.domain}", sync_port=SYNC_PORT
        )

    def _store_sync(self, complete: bool, at: datetime.datetime) -> None:
        form = self.sync_form()
        self._store(wizard_path.SYNC, form, pbx.validate_sync(form), wizard.save_sync, complete, at)

    def sync_address(self, at: datetime.datetime) -> None:
        """The Sync step's address stored before it is checked (as the step does)."""
        self._store_sync(False, at)

    def check_sync(self, at: datetime.datetime) -> None:
        """ "Check connection" on the Sync step."""
        form = self.sync_form()
        self._check(form.sync_address, form.sync_port, at)

    def start_sync(self, at: datetime.datetime) -> None:
        """ "Start synchronisation"."""
        self._save(wizard.start_sync, at)
        self.times.sync_started_at = at

    def sync_step(self, at: datetime.datetime) -> None:
        """Next on the Sync step."""
        self._store_sync(True, at)

    def finish(self, at: datetime.datetime) -> None:
        """ "Finish onboarding" on Review: every step checked again first."""
        failing = wizard.first_failing_step(self.session, self.scope, self.account_id)
        if failing is not None:
            raise self._fail(failing, {"finish": "the step fails its rules"})
        self._save(wizard.finish, at)
        self.times.onboarded_at = at
