"""Without a session, every event handler of every state of the app is refused.

A browser tab whose session ended (no cookie, a revoked or an expired session) can
still send any event with any payload. Every event handler registered for the app's
states is sent here, through Reflex's own event processing (tests.support.tabs.Tab), from a
tab that had the page open while signed in, with a payload that a signed-in user would
get through (the control test shows that). Each one must be refused:

- a page's on_load sends the browser to sign in and back (``/sign-in?next=...``);
- Cancel and the dialogs' close events send the browser to sign in, changing nothing;
- every other event shows "notice.not_signed_in" and changes nothing else;

and each refusal is logged as a WARNING of the "cloudlink_app" logger, and nothing in
the database changes. The sign-in page's own events (its on_load and Sign in) and Sign
out are what a tab without a session may use; they are tested for what they must not
do. The list of handlers is checked against Reflex's registry, so a new handler
without an entry here fails the first test.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from reflex_base.registry import RegistrationContext
from sqlmodel import Session, select

from cloudlink_app import routes
from cloudlink_app.domain import forms, permissions, team, wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.models import Customer, UserSession
from cloudlink_app.services import sessions, users
from cloudlink_app.state.account import AccountState
from cloudlink_app.state.change_password import ChangePasswordState
from cloudlink_app.state.connect_step import ConnectStepState
from cloudlink_app.state.customer_import import CustomerImportState
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.gateway_step import GatewayStepState
from cloudlink_app.state.outbox import OutboxState
from cloudlink_app.state.pbx_step import PbxStepState
from cloudlink_app.state.problem_reports import ProblemReportsState
from cloudlink_app.state.report_problem import ReportProblemState
from cloudlink_app.state.review_step import ReviewStepState
from cloudlink_app.state.session import SessionState
from cloudlink_app.state.set_password import SetPasswordState
from cloudlink_app.state.sign_in import SignInState
from cloudlink_app.state.sync_step import SyncStepState
from cloudlink_app.state.team import TeamState
from cloudlink_app.state.team_invite import TeamInviteState
from cloudlink_app.state.team_member import TeamMemberState
from tests.support.database import (
    add_user,
    customer_row,
    database_rows,
    demo_partner_id,
    make_customer,
    user_id,
)
from tests.support.fakes import fake_checks
from tests.support.refusals import USER_VARS
from tests.support.spreadsheets import csv_bytes, good_row
from tests.support.tabs import ROUTES, Tab, open_step

pytestmark = pytest.mark.asyncio

NOT_SIGNED_IN = t("notice.not_signed_in")
GATEWAY, PBX, CONNECT, SYNC, REVIEW = (
    wizard_path.GATEWAY,
    wizard_path.PBX,
    wizard_path.CONNECT,
    wizard_path.SYNC,
    wizard_path.REVIEW,
)
ADMIN = "admin@acme.example"

# What a refusal looks like.
NOTICE = "notice"  # notice.not_signed_in, nothing else changes
TO_SIGN_IN = "to sign in"  # the browser is sent to sign in; nothing else changes
ON_LOAD = "on_load"  # a page's on_load: to sign in, and back to the page afterwards
NO_SETTER = "no setter"  # setvar of a state without setters: Reflex raises, for anyone


@dataclasses.dataclass
class Opened:
    """A page open in a signed-in tab: where it is and what a payload can name."""

    route: str
    as_path: str
    params: dict[str, str]
    account_id: str = ""
    ids: dict[str, int] = dataclasses.field(default_factory=dict)


# ----- the pages, opened while signed in ---------------------------------------------


async def _customer_page(tab: Tab, engine) -> Opened:
    account_id = make_customer(engine, demo_partner_id(engine), wizard_path.CUSTOMER)
    url = routes.step_url(account_id, wizard_path.CUSTOMER)
    tab.open_route(routes.CUSTOMER_STEP, as_path=url, account_id=account_id)
    await tab.customer("load")
    # A second admin contact row, so that one may be removed.
    await tab.customer("add_admin_contact")
    state = tab.customer_step
    assert state.loaded == account_id and tab.notice == ""
    return Opened(
        routes.CUSTOMER_STEP,
        url,
        {"account_id": account_id},
        account_id,
        {
            "domain": state.email_domains[0].id,
            "admin": state.admin_contacts[-1].id,
            "support": state.support_contacts[0].id,
        },
    )


def _step_page(step: str, deployment: str = wizard_path.APPLIANCE):
    async def open_page(tab: Tab, engine) -> Opened:
        through = wizard_path.previous_step(step, deployment)
        account_id = make_customer(engine, demo_partner_id(engine), through, deployment=deployment)
        sent = await open_step(tab, step, account_id)
        assert sent.redirects == [] and tab.notice == ""
        if step == SYNC:
            await tab.send(SyncStepState, "set_sync_address", value="smbc.acme.example")
            await tab.send(SyncStepState, "set_sync_port", value="4443")
        return Opened(
            ROUTES[step], routes.step_url(account_id, step), {"account_id": account_id}, account_id
        )

    return open_page


async def _dashboard_page(tab: Tab, engine) -> Opened:
    account_id = make_customer(engine, demo_partner_id(engine), "")
    tab.open_route(routes.DASHBOARD)
    await tab.send(DashboardState, "load")
    # The confirmation is open, so that Keep draft and Delete draft have a draft.
    await tab.send(DashboardState, "ask_delete", account_id=account_id)
    assert tab.state(DashboardState).delete_account_id == account_id
    return Opened(routes.DASHBOARD, routes.DASHBOARD, {}, account_id)


async def _account_page(tab: Tab, engine) -> Opened:
    account_id = make_customer(engine, demo_partner_id(engine), GATEWAY)
    add_user(
        engine,
        ADMIN,
        users.ACCOUNT_ADMIN_ROLE,
        demo_partner_id(engine),
        customer_row(engine, account_id).id,
    )
    tab.sign_in_as(ADMIN)
    tab.open_route(routes.ACCOUNT)
    sent = await tab.send(AccountState, "load")
    assert sent.redirects == [] and tab.state(AccountState).customer_account_id == account_id
    return Opened(routes.ACCOUNT, routes.ACCOUNT, {}, account_id)


async def _change_password_page(tab: Tab, engine) -> Opened:
    tab.open_route(routes.CHANGE_PASSWORD)
    sent = await tab.send(ChangePasswordState, "load")
    assert sent.redirects == [] and tab.notice == ""
    return Opened(routes.CHANGE_PASSWORD, routes.CHANGE_PASSWORD, {})


async def _report_problem_page(tab: Tab, engine) -> Opened:
    account_id = make_customer(engine, demo_partner_id(engine), GATEWAY)
    url = routes.report_problem_url(account_id)
    tab.open_route(routes.REPORT_PROBLEM, as_path=url, account_id=account_id)
    sent = await tab.send(ReportProblemState, "load")
    assert sent.redirects == [] and tab.state(ReportProblemState).loaded == account_id
    for handler, value in (
        ("set_application", "mitel_one"),
        ("set_summary", "No sound"),
        ("set_description", "Calls are silent."),
    ):
        await tab.send(ReportProblemState, handler, value=value)
    return Opened(routes.REPORT_PROBLEM, url, {"account_id": account_id}, account_id)


async def _problem_reports_page(tab: Tab, engine) -> Opened:
    account_id = make_customer(engine, demo_partner_id(engine), GATEWAY)
    url = routes.problem_reports_url(account_id)
    tab.open_route(routes.PROBLEM_REPORTS, as_path=url, account_id=account_id)
    sent = await tab.send(ProblemReportsState, "load")
    assert sent.redirects == [] and tab.state(ProblemReportsState).loaded == account_id
    return Opened(routes.PROBLEM_REPORTS, url, {"account_id": account_id}, account_id)


async def _outbox_page(tab: Tab, engine) -> Opened:
    tab.open_route(routes.OUTBOX)
    sent = await tab.send(OutboxState, "load")
    assert sent.redirects == []
    return Opened(routes.OUTBOX, routes.OUTBOX, {})


async def _team_page(tab: Tab, engine) -> Opened:
    tab.open_route(routes.TEAM)
    sent = await tab.send(TeamState, "load")
    assert sent.redirects == [] and tab.state(TeamState).total == 1
    return Opened(routes.TEAM, routes.TEAM, {})


async def _team_invite_page(tab: Tab, engine) -> Opened:
    """Invite a colleague, "Selected customers" chosen: one customer offered."""
    account_id = make_customer(engine, demo_partner_id(engine), "")
    tab.open_route(routes.TEAM_INVITE)
    sent = await tab.send(TeamInviteState, "load")
    assert sent.redirects == []
    await tab.send(TeamInviteState, "set_customers", value=team.SELECTED_CUSTOMERS)
    assert tab.state(TeamInviteState).customer_options[0].account_id == account_id
    return Opened(routes.TEAM_INVITE, routes.TEAM_INVITE, {}, account_id)


async def _team_member_page(tab: Tab, engine) -> Opened:
    """A colleague's page (invited, no password yet), the Deactivate question open."""
    account_id = make_customer(engine, demo_partner_id(engine), "")
    add_user(engine, "colleague@acme.example", permissions.PARTNER_ROLE, demo_partner_id(engine))
    member = user_id(engine, "colleague@acme.example")
    url = routes.team_member_url(member)
    tab.open_route(routes.TEAM_MEMBER, as_path=url, user_id=str(member))
    sent = await tab.send(TeamMemberState, "load")
    assert sent.redirects == [] and tab.state(TeamMemberState).loaded == member
    await tab.send(TeamMemberState, "set_customers", value=team.SELECTED_CUSTOMERS)
    await tab.send(TeamMemberState, "ask_deactivate")
    assert tab.state(TeamMemberState).deactivate_open
    return Opened(routes.TEAM_MEMBER, url, {"user_id": str(member)}, account_id)


def import_file_payload(opened: Opened) -> dict[str, Any]:
    """Check file's payload: one CSV file with a ready row and a row with errors."""
    data = csv_bytes(
        [
            good_row("Noord BV", "noord.example"),
            good_row("Zuid BV", "zuid.example", support="Maintainer: Mia <mia@zuid.example>"),
        ]
    )
    return {"files": [rx.UploadFile(file=io.BytesIO(data), path=Path("customers.csv"))]}


async def _customer_import_page(tab: Tab, engine) -> Opened:
    """Import customers with a file checked: one row ready, one with errors."""
    tab.open_route(routes.CUSTOMERS_IMPORT)
    sent = await tab.send(CustomerImportState, "load")
    assert sent.redirects == []
    opened = Opened(routes.CUSTOMERS_IMPORT, routes.CUSTOMERS_IMPORT, {})
    await tab.send(CustomerImportState, "check_file", **import_file_payload(opened))
    state = tab.state(CustomerImportState)
    assert (state.ready_count, state.error_count) == (1, 1)
    return opened


PAGES: dict[str, Callable] = {
    "customer": _customer_page,
    GATEWAY: _step_page(GATEWAY),
    PBX: _step_page(PBX),
    CONNECT: _step_page(CONNECT),
    SYNC: _step_page(SYNC, wizard_path.SMBC),
    REVIEW: _step_page(REVIEW),
    "dashboard": _dashboard_page,
    "account": _account_page,
    "change_password": _change_password_page,
    "report_problem": _report_problem_page,
    "problem_reports": _problem_reports_page,
    "outbox": _outbox_page,
    "team": _team_page,
    "team_invite": _team_invite_page,
    "team_member": _team_member_page,
    "customer_import": _customer_import_page,
}
STEP_STATES = {
    "customer": CustomerStepState,
    GATEWAY: GatewayStepState,
    PBX: PbxStepState,
    CONNECT: ConnectStepState,
    SYNC: SyncStepState,
    REVIEW: ReviewStepState,
}


# ----- every handler, its page, a payload that would get through, the refusal --------


@dataclasses.dataclass(frozen=True)
class Case:
    state: type
    handler: str
    page: str
    payload: Callable[[Opened], dict[str, Any]]
    kind: str = NOTICE

    @property
    def id(self) -> str:
        return f"{self.state.__name__}.{self.handler}"


def _none(opened: Opened) -> dict[str, Any]:
    return {}


def _value(value: Any):
    return lambda opened: {"value": value}


def _row(kind: str, value: Any = None):
    def payload(opened: Opened) -> dict[str, Any]:
        found = {"row_id": opened.ids[kind]}
        if value is not None:
            found["value"] = value
        return found

    return payload


def _cancel_cases(state: type, page: str) -> list[Case]:
    return [
        Case(state, "cancel", page, _none, TO_SIGN_IN),
        Case(state, "keep_editing", page, _none, TO_SIGN_IN),
        Case(state, "cancel_dialog_changed", page, lambda o: {"is_open": False}, TO_SIGN_IN),
        Case(state, "discard_changes", page, _none, TO_SIGN_IN),
    ]


def _step_cases(
    state: type,
    page: str,
    field_id: str,
    setters: dict[str, Any],
    extra: tuple[str, ...] = (),
    setvar: str | None = None,
) -> list[Case]:
    cases = [
        Case(state, "load", page, _none, ON_LOAD),
        Case(state, "leave_field", page, lambda o: {"field_id": field_id}),
        Case(state, "next_step", page, _none),
        Case(state, "go_back", page, _none),
        Case(state, "save_and_return", page, _none),
        *_cancel_cases(state, page),
        *[Case(state, name, page, _value(value)) for name, value in setters.items()],
        *[Case(state, name, page, _none) for name in extra],
    ]
    if setvar is None:
        cases.append(
            Case(state, "setvar", page, lambda o: {"var_name": "loaded", "value": "X"}, NO_SETTER)
        )
    else:
        cases.append(Case(state, "setvar", page, lambda o: {"var_name": setvar, "value": "Typed"}))
    return cases


CASES: list[Case] = [
    # The Customer step (new customers and saved ones).
    Case(CustomerStepState, "load_new_customer", "customer", _none, ON_LOAD),
    Case(CustomerStepState, "load", "customer", _none, ON_LOAD),
    *[
        Case(CustomerStepState, f"set_{name}", "customer", _value(value))
        for name, value in [
            ("customer_name", "Typed BV"),
            ("country", "BE"),
            ("street_address", "Typed 1"),
            ("address_line2", "Typed"),
            ("city", "Typed"),
            ("state_province", "Typed"),
            ("postal_code", "1234"),
            ("business_type", "healthcare"),
            ("default_language", "en"),
        ]
    ],
    Case(CustomerStepState, "leave_field", "customer", lambda o: {"field_id": forms.CUSTOMER_NAME}),
    Case(CustomerStepState, "add_email_domain", "customer", _none),
    Case(CustomerStepState, "remove_email_domain", "customer", _row("domain")),
    Case(CustomerStepState, "set_email_domain", "customer", _row("domain", "typed.example")),
    Case(CustomerStepState, "add_admin_contact", "customer", _none),
    Case(CustomerStepState, "remove_admin_contact", "customer", _row("admin")),
    Case(CustomerStepState, "set_admin_first_name", "customer", _row("admin", "Typed")),
    Case(CustomerStepState, "set_admin_last_name", "customer", _row("admin", "Typed")),
    Case(CustomerStepState, "set_admin_email", "customer", _row("admin", "t@acme.example")),
    Case(CustomerStepState, "add_support_contact", "customer", _none),
    Case(CustomerStepState, "remove_support_contact", "customer", _row("support")),
    Case(
        CustomerStepState, "set_support_role", "customer", _row("support", forms.ROLE_ONSITE_ADMIN)
    ),
    Case(CustomerStepState, "set_support_name", "customer", _row("support", "Typed")),
    Case(CustomerStepState, "set_support_email", "customer", _row("support", "t@acme.example")),
    Case(CustomerStepState, "next_step", "customer", _none),
    Case(CustomerStepState, "save_and_return", "customer", _none),
    Case(CustomerStepState, "go_back", "customer", _none),
    *_cancel_cases(CustomerStepState, "customer"),
    Case(
        CustomerStepState,
        "setvar",
        "customer",
        lambda o: {"var_name": "customer_name", "value": "Typed BV"},
    ),
    # The later steps.
    *_step_cases(
        GatewayStepState,
        GATEWAY,
        forms.SITE_NAME,
        {
            "set_site_name": "Typed site",
            "set_site_same_address": False,
            "set_site_country": "BE",
            "set_site_street_address": "Typed 1",
            "set_site_address_line2": "Typed",
            "set_site_city": "Typed",
            "set_site_state_province": "Typed",
            "set_site_postal_code": "1234",
            "set_deployment_type": wizard_path.VA,
            "set_mac_address": "02:00:00:00:FF:01",
            "set_system_id": "SMBC-1",
        },
        setvar="site_name",
    ),
    *_step_cases(
        PbxStepState,
        PBX,
        forms.PBX_ADDRESS,
        {
            "set_pbx_type": "mivoice_connect",
            "set_pbx_address": "typed.example",
            "set_pbx_port": "4000",
        },
        setvar="pbx_address",
    ),
    *_step_cases(
        ConnectStepState,
        CONNECT,
        forms.CONNECTION,
        {},
        extra=("check_connection", "continue_without_connection"),
    ),
    *_step_cases(
        SyncStepState,
        SYNC,
        forms.SYNC_ADDRESS,
        {"set_sync_address": "typed.example", "set_sync_port": "4000"},
        extra=("check_connection", "start_synchronisation"),
        setvar="sync_address",
    ),
    *_step_cases(ReviewStepState, REVIEW, "none", {}, extra=("finish_onboarding",)),
    # The dashboard.
    Case(DashboardState, "load", "dashboard", _none, ON_LOAD),
    Case(DashboardState, "set_search", "dashboard", _value("Acme")),
    Case(DashboardState, "go_to_page", "dashboard", lambda o: {"page": 1}),
    Case(DashboardState, "ask_delete", "dashboard", lambda o: {"account_id": o.account_id}),
    Case(DashboardState, "keep_draft", "dashboard", _none, TO_SIGN_IN),
    Case(
        DashboardState,
        "delete_dialog_changed",
        "dashboard",
        lambda o: {"is_open": False},
        TO_SIGN_IN,
    ),
    Case(DashboardState, "delete_draft", "dashboard", lambda o: {"account_id": o.account_id}),
    Case(DashboardState, "setvar", "dashboard", lambda o: {"var_name": "search", "value": "Acme"}),
    # The account page.
    Case(AccountState, "load", "account", _none, ON_LOAD),
    Case(
        AccountState,
        "setvar",
        "account",
        lambda o: {"var_name": "customer_name", "value": "X"},
        NO_SETTER,
    ),
    # Change password (a wrong current password: past the session check, then refused).
    Case(ChangePasswordState, "load", "change_password", _none, ON_LOAD),
    Case(
        ChangePasswordState,
        "change_password",
        "change_password",
        lambda o: {
            "form_data": {
                "current_password": "not-the-password",
                "new_password": "tulip orbit kettle 42",
                "confirm_password": "tulip orbit kettle 42",
            }
        },
    ),
    Case(
        ChangePasswordState,
        "setvar",
        "change_password",
        lambda o: {"var_name": "done", "value": "x"},
        NO_SETTER,
    ),
    Case(
        SetPasswordState,
        "setvar",
        "dashboard",
        lambda o: {"var_name": "link_valid", "value": True},
        NO_SETTER,
    ),
    # Report a problem.
    Case(ReportProblemState, "load", "report_problem", _none, ON_LOAD),
    Case(ReportProblemState, "set_application", "report_problem", _value("other")),
    Case(ReportProblemState, "set_summary", "report_problem", _value("Typed")),
    Case(ReportProblemState, "set_description", "report_problem", _value("Typed")),
    Case(ReportProblemState, "leave_field", "report_problem", lambda o: {"field_id": "summary"}),
    Case(ReportProblemState, "send_report", "report_problem", _none),
    Case(
        ReportProblemState,
        "setvar",
        "report_problem",
        lambda o: {"var_name": "summary", "value": "Typed"},
    ),
    # Review: an admin contact's invitation sent again.
    Case(
        ReviewStepState,
        "send_invitation_again",
        REVIEW,
        lambda o: {"email": "ada@acme.example"},
    ),
    # A customer's problem reports, and Mark resolved (report 1: none exists, refused
    # after the session check in the control).
    Case(ProblemReportsState, "load", "problem_reports", _none, ON_LOAD),
    Case(ProblemReportsState, "mark_resolved", "problem_reports", lambda o: {"report_id": 1}),
    Case(
        ProblemReportsState,
        "setvar",
        "problem_reports",
        lambda o: {"var_name": "loaded", "value": "X"},
        NO_SETTER,
    ),
    # The demo Outbox.
    Case(OutboxState, "load", "outbox", _none, ON_LOAD),
    Case(
        OutboxState,
        "setvar",
        "outbox",
        lambda o: {"var_name": "demo_mode", "value": True},
        NO_SETTER,
    ),
    # The Team pages (partner admins).
    Case(TeamState, "load", "team", _none, ON_LOAD),
    Case(TeamState, "set_search", "team", _value("anna")),
    Case(TeamState, "go_to_page", "team", lambda o: {"page": 1}),
    Case(TeamState, "setvar", "team", lambda o: {"var_name": "total", "value": 9}, NO_SETTER),
    Case(TeamInviteState, "load", "team_invite", _none, ON_LOAD),
    Case(TeamInviteState, "set_member_name", "team_invite", _value("Typed")),
    Case(TeamInviteState, "set_member_email", "team_invite", _value("t@acme.example")),
    Case(TeamInviteState, "set_member_role", "team_invite", _value(permissions.PARTNER_ROLE)),
    Case(TeamInviteState, "leave_field", "team_invite", lambda o: {"field_id": team.MEMBER_NAME}),
    *[
        Case(state, "set_customers", page, _value(team.ALL_CUSTOMERS))
        for state, page in ((TeamInviteState, "team_invite"), (TeamMemberState, "team_member"))
    ],
    *[
        Case(state, "search_customers", page, _value("Acme"))
        for state, page in ((TeamInviteState, "team_invite"), (TeamMemberState, "team_member"))
    ],
    *[
        Case(
            state,
            "toggle_customer",
            page,
            lambda o: {"account_id": o.account_id, "checked": True},
        )
        for state, page in ((TeamInviteState, "team_invite"), (TeamMemberState, "team_member"))
    ],
    Case(TeamInviteState, "send_invitation", "team_invite", _none),
    Case(
        TeamInviteState,
        "setvar",
        "team_invite",
        lambda o: {"var_name": "member_name", "value": "Typed"},
    ),
    Case(TeamMemberState, "load", "team_member", _none, ON_LOAD),
    # Import customers.
    Case(CustomerImportState, "load", "customer_import", _none, ON_LOAD),
    Case(CustomerImportState, "check_file", "customer_import", import_file_payload),
    Case(CustomerImportState, "file_rejected", "customer_import", lambda o: {"rejections": []}),
    Case(CustomerImportState, "show_page", "customer_import", lambda o: {"page": 1}),
    Case(CustomerImportState, "import_customers", "customer_import", _none),
    Case(CustomerImportState, "download_errors", "customer_import", _none),
    Case(
        CustomerImportState,
        "setvar",
        "customer_import",
        lambda o: {"var_name": "file_name", "value": "X"},
        NO_SETTER,
    ),
    Case(
        TeamMemberState,
        "set_member_role",
        "team_member",
        _value(permissions.PARTNER_ADMIN_ROLE),
    ),
    Case(TeamMemberState, "save_changes", "team_member", _none),
    Case(TeamMemberState, "ask_deactivate", "team_member", _none),
    Case(
        TeamMemberState,
        "deactivate_dialog_changed",
        "team_member",
        lambda o: {"is_open": False},
        TO_SIGN_IN,
    ),
    Case(TeamMemberState, "deactivate", "team_member", _none),
    Case(TeamMemberState, "reactivate", "team_member", _none),
    Case(TeamMemberState, "send_invitation_again", "team_member", _none),
    Case(
        TeamMemberState,
        "setvar",
        "team_member",
        lambda o: {"var_name": "member_role", "value": permissions.PARTNER_ROLE},
    ),
    # Every page's header and notice.
    Case(SessionState, "dismiss_notice", "dashboard", _none),
    Case(
        SessionState,
        "setvar",
        "dashboard",
        lambda o: {"var_name": "_session_id", "value": 1},
        NO_SETTER,
    ),
    Case(
        SignInState, "setvar", "dashboard", lambda o: {"var_name": "error", "value": "x"}, NO_SETTER
    ),
]
# Handlers a tab without a session may send: tested below for what they must not do.
PUBLIC = {
    (SignInState, "load"),
    # Whether an email's domain signs in with single sign-on (test_sign_in_sso.py).
    (SignInState, "email_changed"),
    # The language of every page, the sign-in page's included (test_language_switch.py).
    (SessionState, "load_language"),
    (SessionState, "set_language"),
    # Why an event failed on the server (report_backend_error's event), and hiding it:
    # the tab's own message, which the sign-in page may show too (test_language_switch.py).
    (SessionState, "show_failure"),
    (SessionState, "dismiss_failure"),
    # A one-time link's page: the link is the credential (tests/unit/state/test_password_pages.py).
    (SetPasswordState, "load"),
    (SetPasswordState, "set_password"),
}
GUARDED = [case for case in CASES if case.kind != NO_SETTER]


def _app_handlers() -> set[tuple[type, str]]:
    """(state class, handler name) of every event handler of the app's states."""
    found = set()
    for name, registered in RegistrationContext.get().event_handlers.items():
        state = registered.states[0]
        if isinstance(state, type) and issubclass(state, SessionState):
            found.add((state, name.rsplit(".", 1)[1]))
    return found


async def test_every_handler_of_the_app_is_listed_once():
    listed = [(case.state, case.handler) for case in CASES]
    assert len(listed) == len(set(listed))
    assert set(listed) | PUBLIC == _app_handlers()
    assert not set(listed) & PUBLIC


# ----- sending them ------------------------------------------------------------------


def _token(tab: Tab) -> str | None:
    return tab.cookie


def end_session(tab: Tab, engine, how: str) -> None:
    """End the tab's session: the cookie gone, or the session revoked or expired on
    the server while the browser still sends its token."""
    if how == "no cookie":
        tab.sign_out()
        return
    with Session(engine) as session:
        if how == "revoked":
            sessions.revoke_session(session, _token(tab))
        else:
            past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
            session.execute(sa.update(UserSession).values(expires_at=past))
            session.commit()
        assert sessions.user_for_token(session, _token(tab)) is None


async def open_page(tab: Tab, engine, case: Case) -> Opened:
    opened = await PAGES[case.page](tab, engine)
    if case.handler == "load_new_customer":
        opened = Opened(routes.NEW_CUSTOMER, routes.NEW_CUSTOMER, {})
    if case.kind == ON_LOAD:
        # A reload of the page (or a link to it): its on_load runs again.
        tab.open_route(opened.route, as_path=opened.as_path, **opened.params)
    return opened


def warnings_of_the_app(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "cloudlink_app" and r.levelno == logging.WARNING
    ]


# An expired session is looked up as a revoked one is (test_sessions.py): a few of
# each kind of refusal are enough for it.
EXPIRED = [
    "CustomerStepState.load",
    "CustomerStepState.set_customer_name",
    "CustomerStepState.next_step",
    "CustomerStepState.cancel",
    "ReviewStepState.finish_onboarding",
    "DashboardState.delete_draft",
    "DashboardState.load",
    "AccountState.load",
    "ChangePasswordState.load",
    "ChangePasswordState.change_password",
    "ReportProblemState.load",
    "ReportProblemState.send_report",
    "ReviewStepState.send_invitation_again",
    "ProblemReportsState.load",
    "ProblemReportsState.mark_resolved",
    "OutboxState.load",
    "SessionState.dismiss_notice",
    "TeamState.load",
    "TeamInviteState.send_invitation",
    "TeamMemberState.deactivate",
    "CustomerImportState.check_file",
    "CustomerImportState.import_customers",
]
SESSION_ENDINGS = [
    pytest.param(case, how, id=f"{case.id}-{how}")
    for case in GUARDED
    for how in ("no cookie", "revoked", "expired")
    if how != "expired" or case.id in EXPIRED
]


async def test_the_expired_cases_are_handlers():
    assert set(EXPIRED) <= {case.id for case in GUARDED}


@pytest.mark.parametrize(("case", "how"), SESSION_ENDINGS)
async def test_without_a_session_every_handler_is_refused(
    tab, database, monkeypatch, caplog, case, how
):
    asked = fake_checks(monkeypatch)
    opened = await open_page(tab, database, case)
    end_session(tab, database, how)
    # The tab's next event first resets it (state/clean_tab.FollowSession, tested in
    # test_clean_tab.py); what the handler itself may change is measured from there.
    await tab.follow_session()
    before = tab.snapshot(case.state)
    rows_before = database_rows(database)
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        sent = await tab.send(case.state, case.handler, **case.payload(opened))

    assert database_rows(database) == rows_before
    assert asked == []
    assert warnings_of_the_app(caplog), "the refusal was not logged"
    if case.kind == ON_LOAD:
        assert sent.redirects == [routes.sign_in_url(opened.as_path)]
        return
    after = tab.snapshot(case.state)
    for name in USER_VARS:
        before.pop(name, None), after.pop(name, None)
    assert after == before
    if case.kind == TO_SIGN_IN:
        assert sent.redirects == [routes.sign_in_url(opened.as_path)]
        assert sent.changed <= USER_VARS
    else:
        assert tab.notice == NOT_SIGNED_IN
        assert sent.redirects == []
        assert sent.changed <= {"notice", *USER_VARS}


@pytest.mark.parametrize("case", GUARDED, ids=lambda case: case.id)
async def test_with_a_session_the_same_events_are_not_refused_for_it(
    tab, database, monkeypatch, caplog, case
):
    """The control: the payloads above get past the session check when signed in, so
    the refusals above are the missing session's."""
    fake_checks(monkeypatch)
    opened = await open_page(tab, database, case)
    with caplog.at_level(logging.WARNING, logger="cloudlink_app"):
        sent = await tab.send(case.state, case.handler, **case.payload(opened))
    assert tab.notice != NOT_SIGNED_IN
    assert not [path for path in sent.redirects if path.startswith(routes.SIGN_IN)]
    assert not [
        m
        for m in warnings_of_the_app(caplog)
        if "not signed in" in m.lower() or "not_signed_in" in m
    ]


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.kind == NO_SETTER], ids=lambda case: case.id
)
async def test_setvar_of_a_state_without_setters_sets_nothing(tab, database, case):
    """Reflex refuses it (there is no setter to call) whoever sends it: the session
    token, the user's name and the page's data cannot be set from the browser."""
    opened = await open_page(tab, database, case)
    tab.sign_out()
    before = tab.snapshot(case.state)
    rows_before = database_rows(database)
    with pytest.raises(AttributeError):
        await tab.send(case.state, case.handler, **case.payload(opened))
    assert tab.snapshot(case.state) == before
    assert database_rows(database) == rows_before


# ----- what a tab without a session may send ------------------------------------------


async def test_the_sign_in_page_opens_without_a_session_and_shows_no_user(database):
    tab = Tab(None)
    tab.open_route(routes.SIGN_IN)
    rows_before = database_rows(database)
    sent = await tab.send(SignInState, "load")
    assert sent.redirects == []
    assert (tab.state(SignInState).user_name, tab.state(SignInState).is_partner) == ("", False)
    assert database_rows(database) == rows_before


async def test_a_tab_without_a_session_is_told_of_a_failure_and_nothing_else(database):
    tab = Tab(None)
    await tab.send(SessionState, "load_language", title_key="title.sign_in")
    rows_before = database_rows(database)
    sent = await tab.send(SessionState, "show_failure", reason="unexpected")
    assert tab.state(SessionState).failure == t("notice.unexpected_error")
    assert sent.changed == {"failure"}
    sent = await tab.send(SessionState, "dismiss_failure")
    assert tab.state(SessionState).failure == ""
    assert sent.changed == {"failure"}
    assert database_rows(database) == rows_before


async def test_after_signing_out_the_tab_gets_no_customer_data(tab, database):
    """The old cookie value does nothing once the session is revoked: the page's
    on_load and every event are refused and nothing of the customer is sent."""
    opened = await PAGES["customer"](tab, database)
    token = _token(tab)
    with Session(database) as session:
        sessions.revoke_session(session, token)  # POST /auth/sign-out
    crafted = Tab(None)
    crafted.connect(token)  # the old cookie, replayed
    crafted.open_route(opened.route, as_path=opened.as_path, **opened.params)
    sent = await crafted.customer("load")
    assert sent.redirects == [routes.sign_in_url(opened.as_path)]
    assert crafted.customer_step.loaded == ""
    assert "Acme" not in repr(sent.deltas)
    sent = await crafted.customer("next_step")
    assert crafted.notice == NOT_SIGNED_IN
    with Session(database) as session:
        assert session.exec(select(Customer.version)).one() == 1
