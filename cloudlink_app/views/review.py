"""Review: every answer by step with its "Change" link, and the last saves
("Saved by Anna de Vries, 27 Nov 2026 14:02 (PBX)")."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from cloudlink_app import routes
from cloudlink_app.domain import checks, choices, forms, gateway, pbx, wizard_path
from cloudlink_app.domain.address import address_format
from cloudlink_app.domain.i18n import N_, t
from cloudlink_app.domain.times import When
from cloudlink_app.services import invitations
from cloudlink_app.services.customers import CustomerRecord
from cloudlink_app.services.save_history import SaveEntry
from cloudlink_app.services.wizard import WizardRecord
from cloudlink_app.views import mail_limits
from cloudlink_app.views.connection import check_result_text, sync_started_time


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


@dataclasses.dataclass
class ReviewView:
    """Everything Review shows of one customer."""

    sections: list[ReviewSection]
    # The audit trail's last entries, newest first.
    last_changes: list[str]
    onboarded: bool


def _label(options: Iterable[tuple[str, str]], key: str) -> str:
    return dict(options).get(key, key)


def _address(country: str, street: str, line2: str, city: str, state: str, postal: str) -> str:
    """An address on one line, with the state's and the country's names."""
    names = dict(choices.countries())
    states = dict(address_format(country).state_options)
    parts = [
        street,
        line2,
        " ".join(p for p in (postal, city) if p),
        states.get(state, state),
        names.get(country, country),
    ]
    return ", ".join(p for p in parts if p)


def saved_by(entry: SaveEntry, lang: str, *, zone: bool = False) -> dict[str, str | When]:
    """Who made a save and when, as every message about a save names them: the
    ``name`` and ``time`` parameters of "Saved by {name}, {time} ..." (Review) and of
    the version conflict's notice; ``zone`` adds the time zone to the time."""
    return {
        "name": entry.user_name or t("review.unknown_user", lang),
        "time": When(entry.saved_at, zone=zone),
    }


def last_changes(saves: Iterable[SaveEntry], lang: str) -> list[str]:
    """ "Saved by Anna de Vries, 27 Nov 2026 14:02 (PBX)", one line per save."""
    return [
        t("review.saved_by", lang, **saved_by(entry, lang), step=t(f"step.{entry.step}", lang))
        for entry in saves
    ]


def review_sections(
    record: WizardRecord, customer: CustomerRecord, lang: str
) -> list[ReviewSection]:
    """The sections of Review: the customer's path, each step's answers."""

    def section(step: str, rows: list[tuple[str, str]]) -> ReviewSection:
        return ReviewSection(
            step,
            t(f"step.{step}", lang),
            routes.change_url(record.account_id, step),
            [ReviewRow(t(k, lang), v) for k, v in rows],
        )

    form = customer.form
    roles = dict(choices.role_options(lang))
    sections = [
        section(
            wizard_path.CUSTOMER,
            [
                ("label.customer_name", form.customer_name),
                ("customer.account_id", record.account_id),
                (
                    N_("review.address"),
                    _address(*forms.address_parts(form)),
                ),
                (
                    "label.business_type",
                    _label(choices.business_type_options(lang), form.business_type),
                ),
                (
                    "label.default_language",
                    _label(choices.language_options(lang), form.default_language),
                ),
                (
                    "domains.heading",
                    ", ".join(r.value for r in form.email_domains) or t("review.none", lang),
                ),
                (
                    "admins.heading",
                    "; ".join(
                        f"{r.first_name} {r.last_name}, {r.email}" for r in form.admin_contacts
                    ),
                ),
                (
                    "support.heading",
                    "; ".join(
                        f"{roles.get(r.role, r.role)}: {r.name}, {r.email}"
                        for r in form.support_contacts
                    ),
                ),
            ],
        )
    ]
    g = record.gateway
    site = (
        t("gateway.same_address", lang)
        if g.site_same_address
        else _address(*forms.address_parts(g, forms.SITE_PREFIX))
    )
    identifier = (
        ("label.mac_address", g.mac_address)
        if record.deployment_type == wizard_path.APPLIANCE
        else ("label.system_id", g.system_id)
    )
    sections.append(
        section(
            wizard_path.GATEWAY,
            [
                ("label.site_name", g.site_name),
                (N_("review.site_address"), site),
                (
                    "label.deployment_type",
                    _label(gateway.deployment_type_options(lang), record.deployment_type),
                ),
                identifier,
            ],
        )
    )
    check = check_result_text(record, lang)
    if wizard_path.is_sync_path(record.deployment_type):
        started = sync_started_time(record, lang)
        sections.append(
            section(
                wizard_path.SYNC,
                [
                    ("label.sync_address", record.sync.sync_address),
                    ("label.port", record.sync.sync_port),
                    ("review.connection", check or t("review.none", lang)),
                    (N_("review.sync_started"), started or t("review.none", lang)),
                ],
            )
        )
        return sections
    sections.append(
        section(
            wizard_path.PBX,
            [
                ("label.pbx_type", _label(pbx.pbx_type_options(lang), record.pbx.pbx_type)),
                ("label.pbx_address", record.pbx.pbx_address),
                ("label.port", record.pbx.pbx_port),
            ],
        )
    )
    connected = checks.is_connected(
        record.connection_result,
        record.connection_target,
        checks.target_of(record.pbx.pbx_address, record.pbx.pbx_port),
    )
    sections.append(
        section(
            wizard_path.CONNECT,
            [
                (
                    N_("review.connection"),
                    check
                    if connected or not record.connection_skipped
                    else t("review.continued_without", lang),
                ),
            ],
        )
    )
    return sections


def review_view(
    record: WizardRecord, customer: CustomerRecord, saves: Iterable[SaveEntry], lang: str
) -> ReviewView:
    """What Review shows of a customer: its answers and its last saves."""
    return ReviewView(
        sections=review_sections(record, customer, lang),
        last_changes=last_changes(saves, lang),
        onboarded=record.onboarded,
    )


@dataclasses.dataclass
class AdminAccessRow:
    """One admin contact on Review: who, their access worded, and whether an
    invitation can be sent again."""

    name: str
    email: str
    status: str
    can_resend: bool


_ACCESS_TEXTS = {
    invitations.ACTIVE: N_("review.access.active"),
    invitations.INVITED: N_("review.access.invited"),
    invitations.EXPIRED: N_("review.access.expired"),
    invitations.OTHER_USER: N_("review.access.other_user"),
    invitations.NOT_INVITED: N_("review.access.not_invited"),
    invitations.WAITING: N_("review.access.invited"),  # without its time: an invitation
}


def admin_access_rows(access: list[invitations.AdminAccess], lang: str) -> list[AdminAccessRow]:
    """The admin contacts' access as Review shows it, in ``lang``; an invitation held
    by a mail limit says which and when it goes."""
    rows = []
    for item in access:
        params: dict[str, object] = {}
        if item.expires_at is not None:
            params["expires"] = When(item.expires_at, zone=True)
        if item.state == invitations.WAITING and item.waits_until is not None:
            status = mail_limits.waiting_words(item.held_reason, item.waits_until, lang)
        else:
            status = t(_ACCESS_TEXTS[item.state], lang, **params)
        rows.append(
            AdminAccessRow(
                name=item.name or item.email,
                email=item.email,
                status=status,
                can_resend=item.state
                in (invitations.INVITED, invitations.EXPIRED, invitations.NOT_INVITED),
            )
        )
    return rows
