"""The Team pages' rows: a member as the list shows them, their history, and the
customers offered in "Selected customers", worded in the UI language."""

from __future__ import annotations

import dataclasses

from cloudlink_app import routes
from cloudlink_app.domain import team
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.times import format_time
from cloudlink_app.services.team_list import EventRow, MemberRow


@dataclasses.dataclass
class TeamRow:
    """One member as the Team page lists them."""

    id: int
    name: str
    email: str
    role: str
    customers: str  # "All customers" or "3 customers"
    status: str
    status_kind: str  # a domain.team status: the tag's style
    last_signed_in: str  # "" when never
    last_signed_in_iso: str
    url: str


@dataclasses.dataclass
class HistoryRow:
    """One line of a member's history."""

    id: str  # the element's key
    at: str
    at_iso: str
    actor: str
    what: str


@dataclasses.dataclass
class CustomerOption:
    """A customer of "Selected customers": a checkbox labelled by its name."""

    id: str  # the checkbox's element id
    account_id: str
    name: str
    checked: bool


def role_name(role: str, lang: str) -> str:
    """ "Partner admin" or "Partner user", in ``lang``."""
    return t(f"role_name.{role}", lang)


def customers_text(all_customers: bool, selected: int, lang: str) -> str:
    """ "All customers", or how many are selected."""
    if all_customers:
        return t("team.all_customers", lang)
    if selected == 1:
        return t("team.selected_one", lang)
    return t("team.selected_count", lang, count=selected)


def team_row(row: MemberRow, lang: str) -> TeamRow:
    """A member as their row on the Team page shows them."""
    return TeamRow(
        id=row.id,
        name=row.name,
        email=row.email,
        role=role_name(row.role, lang),
        customers=customers_text(row.all_customers, row.selected, lang),
        status=t(f"team_status.{row.status}", lang),
        status_kind=row.status,
        last_signed_in=format_time(row.last_signed_in, lang) if row.last_signed_in else "",
        last_signed_in_iso=row.last_signed_in.isoformat() if row.last_signed_in else "",
        url=routes.team_member_url(row.id),
    )


def _detail(event: EventRow, lang: str) -> str:
    """What the event's detail (a role, "all", a number of customers) says in ``lang``."""
    if event.action in (team.INVITED, team.ROLE_CHANGED):
        return role_name(event.detail, lang)
    if event.action == team.CUSTOMERS_CHANGED:
        count = int(event.detail) if event.detail.isdigit() else 0
        return customers_text(event.detail == team.ALL_CUSTOMERS, count, lang)
    return event.detail


def history_row(index: int, event: EventRow, lang: str) -> HistoryRow:
    """A line of the member's history: when, who, what."""
    return HistoryRow(
        id=f"event-{index}",
        at=format_time(event.at, lang),
        at_iso=event.at.isoformat(),
        actor=event.actor or t("team.history.operator", lang),
        what=t(f"team_event.{event.action}", lang, detail=_detail(event, lang)),
    )


def customer_option(account_id: str, name: str, checked: bool) -> CustomerOption:
    """A customer of the picker; its checkbox's id is made from the account ID."""
    return CustomerOption(
        id=f"customer-{account_id}", account_id=account_id, name=name, checked=checked
    )
