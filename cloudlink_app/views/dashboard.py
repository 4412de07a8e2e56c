"""The Partner dashboard's rows and pages."""

from __future__ import annotations

import dataclasses

from cloudlink_app import routes
from cloudlink_app.domain import statuses
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.times import format_time
from cloudlink_app.services.customer_list import CustomerListRow

# Customers per page of the list.
PAGE_SIZE = 25


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """How many pages ``total`` customers fill (at least one, even if empty)."""
    return max(1, -(-total // page_size))


def delete_button_id(account_id: str) -> str:
    """The element id of a row's Delete button (focus returns there on Keep draft)."""
    return f"delete-{account_id}"


@dataclasses.dataclass
class DashboardRow:
    """One customer as the dashboard lists it."""

    account_id: str
    name: str
    status: str
    status_kind: str  # "next", "problem" or "onboarded"
    last_saved: str
    last_saved_iso: str
    url: str
    deletable: bool
    delete_label: str  # "Delete draft Bakkerij X"
    delete_id: str
    registered_users: int = 0  # the customer's users who set their password
    open_reports: int = 0  # its problem reports not resolved yet
    reports_url: str = ""  # its Problem reports page
    # "Open problem reports: 2", described by the row's name link (name_id): the
    # customer's name is not in it, so that a link found by that name is the row's own.
    reports_label: str = ""
    name_id: str = ""


def dashboard_row(
    row: CustomerListRow, lang: str, *, registered: int = 0, open_reports: int = 0
) -> DashboardRow:
    """A customer of the list as its row shows it: status in words, where it opens,
    its registered users and open problem reports."""
    return DashboardRow(
        account_id=row.account_id,
        name=row.name,
        status=statuses.status_text(row.status, lang),
        status_kind=statuses.status_kind(row.status),
        last_saved=format_time(row.updated_at, lang),
        last_saved_iso=row.updated_at.isoformat(),
        url=routes.step_url(row.account_id, statuses.resume_step(row.status)),
        deletable=statuses.is_draft(row.status),
        delete_label=t("dashboard.delete_label", lang, name=row.name),
        delete_id=delete_button_id(row.account_id),
        registered_users=registered,
        open_reports=open_reports,
        reports_url=routes.problem_reports_url(row.account_id),
        reports_label=t("dashboard.reports_label", lang, count=open_reports),
        name_id=f"customer-{row.account_id}",
    )
