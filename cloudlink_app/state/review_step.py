"""State of Review: every answer by step, Change links, and Finish onboarding."""

from __future__ import annotations

import dataclasses

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain import choices, gateway, pbx, wizard_path
from cloudlink_app.domain.address import address_format
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import customers, wizard
from cloudlink_app.services.database import get_session
from cloudlink_app.state import connection_check
from cloudlink_app.state.base import SessionState, focus_element, home_url
from cloudlink_app.state.wizard_step import CHECK_QUERY, REVIEW_QUERY, WizardStepMixin


@dataclasses.dataclass
class ReviewRow:
    """One answer: what it is and what was given."""

    label: str
    value: str


@dataclasses.dataclass
class ReviewSection:
    """The answers of one step with the link that changes them."""

    step: str
    title: str
    change_url: str
    rows: list[ReviewRow]


def _label(options, key: str) -> str:
    return dict(options).get(key, key)


def _address(country, street, line2, city, state, postal) -> str:
    names = dict(choices.countries())
    states = dict(address_format(country).state_options)
    parts = [street, line2, " ".join(p for p in (postal, city) if p),
             states.get(state, state), names.get(country, country)]
    return ", ".join(p for p in parts if p)


class ReviewStepState(WizardStepMixin, SessionState):
    """Review of one customer before Finish onboarding."""

    STEP = wizard_path.REVIEW
    TITLE_KEY = "title.review_step"

    sections: list[ReviewSection] = []
    onboarded: bool = False
    # The audit trail's last entries: "Saved by Anna de Vries, 27 Nov 2026 14:02 (PBX)".
    last_changes: list[str] = []

    def _show(self, record: wizard.WizardRecord) -> None:
        user = self._current_user()
        with get_session() as session:
            customer = customers.load_customer(session, user.partner_id, record.account_id)
            saves = customers.recent_saves(session, user.partner_id, record.account_id)
        self.last_changes = [
            t("review.saved_by", self.lang,
              name=entry.user_name or t("review.unknown_user", self.lang),
              time=connection_check.local_time(entry.saved_at).strftime("%d %b %Y %H:%M"),
              step=t(f"step.{entry.step}", self.lang))
            for entry in saves
        ]
        self.onboarded = record.onboarded
        lang = self.lang
        form = customer.form

        def section(step: str, rows: list[tuple[str, str]]) -> ReviewSection:
            url = f"{routes.step_url(record.account_id, step)}?{REVIEW_QUERY}={wizard_path.REVIEW}"
            return ReviewSection(step, t(f"step.{step}", lang), url,
                                 [ReviewRow(t(k, lang), v) for k, v in rows])

        roles = dict(choices.role_options(lang))
        sections = [section(wizard_path.CUSTOMER, [
            ("label.customer_name", form.customer_name),
            ("customer.account_id", record.account_id),
            ("review.address", _address(form.country, form.street_address,
                                        form.address_line2, form.city,
                                        form.state_province, form.postal_code)),
            ("label.business_type",
             _label(choices.business_type_options(lang), form.business_type)),
            ("label.default_language",
             _label(choices.language_options(lang), form.default_language)),
            ("domains.heading",
             ", ".join(r.value for r in form.email_domains) or t("review.none", lang)),
            ("admins.heading", "; ".join(
                f"{r.first_name} {r.last_name}, {r.email}" for r in form.admin_contacts)),
            ("support.heading", "; ".join(
                f"{roles.get(r.role, r.role)}: {r.name}, {r.email}"
                for r in form.support_contacts)),
        ])]
        g = record.gateway
        site = (t("gateway.same_address", lang) if g.site_same_address else _address(
            g.site_country, g.site_street_address, g.site_address_line2, g.site_city,
            g.site_state_province, g.site_postal_code))
        identifier = (("label.mac_address", g.mac_address)
                      if record.deployment_type == wizard_path.APPLIANCE
                      else ("label.system_id", g.system_id))
        sections.append(section(wizard_path.GATEWAY, [
            ("label.site_name", g.site_name),
            ("review.site_address", site),
            ("label.deployment_type",
             _label(gateway.deployment_type_options(lang), record.deployment_type)),
            identifier,
        ]))
        check = connection_check.result_text(record, lang)
        if wizard_path.is_sync_path(record.deployment_type):
            started = (connection_check.local_time(record.sync_started_at)
                       .strftime("%d %b %Y %H:%M") if record.sync_started_at else "")
            sections.append(section(wizard_path.SYNC, [
                ("label.sync_address", record.sync.sync_address),
                ("label.port", record.sync.sync_port),
                ("review.connection", check or t("review.none", lang)),
                ("review.sync_started", started or t("review.none", lang)),
            ]))
        else:
            sections.append(section(wizard_path.PBX, [
                ("label.pbx_type", _label(pbx.pbx_type_options(lang), record.pbx.pbx_type)),
                ("label.pbx_address", record.pbx.pbx_address),
                ("label.port", record.pbx.pbx_port),
            ]))
            connected = record.connection_result == wizard.REACHABLE and (
                record.connection_target
                == wizard.target_of(record.pbx.pbx_address, record.pbx.pbx_port))
            sections.append(section(wizard_path.CONNECT, [
                ("review.connection",
                 check if connected or not record.connection_skipped
                 else t("review.continued_without", lang)),
            ]))
        self.sections = sections

    @rx.event
    def finish_onboarding(self):
        """Finish onboarding: check every step again; open the first that fails."""
        user = self._user()
        if user is None:
            return None
        # A step re-opened since Review was opened is found by first_failing_step.
        blocked = self._blocked(user, step_open=False)
        if blocked:
            return blocked
        with get_session() as session:
            failing = wizard.first_failing_step(session, user.partner_id, self.loaded)
            if failing is not None:
                return rx.redirect(
                    f"{routes.step_url(self.loaded, failing)}"
                    f"?{REVIEW_QUERY}={wizard_path.REVIEW}&{CHECK_QUERY}=1")
            try:
                wizard.finish(session, partner_id=user.partner_id, account_id=self.loaded,
                              expected_version=self.saved_version, saved_by=user.id)
            except customers.VersionConflict:
                self._stale = True
                self._refuse("notice.version_conflict")
                return focus_element("notice")
        self.loaded = ""
        return rx.redirect(home_url(user))
