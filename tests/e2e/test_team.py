"""Issue 20 in a real browser: Anna (Northwind's partner admin) invites a colleague
limited to two customers; the colleague opens the link from the demo Outbox, sets a
password, signs in and sees exactly those two; a third customer's step sends them away;
they have no Team link and /team shows them nothing of it; Anna deactivates them and
their open tab is signed out at its next event. The last partner admin cannot be
demoted nor deactivate herself (the page says why); Liam (Contoso's admin) sees
nothing of Northwind's team. The Team page in Dutch at 320 pixels; axe on the three
pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect
from reflex.model import get_engine
from sqlmodel import col, select

from cloudlink_app import routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import (
    AppUser,
    OutboxMessage,
    PasswordToken,
    TeamEvent,
    UserCustomer,
    UserSession,
)
from cloudlink_app.services.database import get_session
from tests.support.browser import (
    PHONE,
    axe_violations,
    data_rows,
    field,
    overflow,
    ready,
    sign_in_context,
)
from tests.support.database import make_customer

COLLEAGUE = "kees.visser@northwind-telecom.example"
PASSWORD = "tulip orbit kettle 42"
LIAM = "liam.peeters@contoso-comms.example"
NAMES = ("Alpha Bakkerij", "Bravo Bouw", "Charlie Chemie")


def _forget_colleague() -> None:
    with get_session() as session:
        ids = session.exec(select(AppUser.id).where(AppUser.email == COLLEAGUE)).all()
        for model, column in (
            (TeamEvent, TeamEvent.member_id),
            (UserCustomer, UserCustomer.user_id),
            (UserSession, UserSession.user_id),
            (PasswordToken, PasswordToken.user_id),
        ):
            session.execute(sa.delete(model).where(col(column).in_(ids)))
        session.execute(sa.delete(OutboxMessage))
        session.execute(sa.delete(AppUser).where(col(AppUser.id).in_(ids)))
        session.execute(
            sa.update(AppUser)
            .where(AppUser.email == demo_accounts.DEMO_PARTNER_EMAIL)
            .values(ui_language=None, role="partner_admin", active=True)
        )
        session.commit()


@pytest.fixture
def customers(clean_customers, app_harness) -> list[str]:
    """Demo mode (the Outbox page, links to this app), three Northwind customers (drafts)
    and no colleague yet; the colleague is removed afterwards, Anna put back."""
    _forget_colleague()
    with get_session() as session:
        partner_id = demo_accounts.ensure_demo_partner(session)
    account_ids = [make_customer(get_engine(), partner_id, "", name=name) for name in NAMES]
    with settings.override(demo_mode=True, deploy_url=app_harness.frontend_url):
        yield account_ids
    _forget_colleague()


@pytest.fixture
def anna(app_harness, browser: Browser, customers) -> Page:
    """A tab of Anna de Vries, Northwind's partner admin, signed in in demo mode (whose
    session cookie is another than production's)."""
    context = browser.new_context(base_url=app_harness.frontend_url)
    sign_in_context(context, app_harness.frontend_url, demo_accounts.DEMO_PARTNER_EMAIL)
    yield context.new_page()
    context.close()


def _open(page: Page, path: str, heading: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    ready(page)


def _invite_colleague(anna: Page) -> None:
    """Anna, from the header's Team link: a partner user limited to Alpha and Bravo."""
    anna.goto("/")
    ready(anna)
    anna.get_by_role("link", name="Team", exact=True).click()
    expect(anna.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    ready(anna)
    expect(data_rows(anna).filter(has_text="Anna de Vries")).to_contain_text("Partner admin")
    assert axe_violations(anna) == []
    anna.get_by_role("button", name="Invite a colleague").click()
    expect(anna.get_by_role("heading", name="Invite a colleague")).to_be_visible()
    ready(anna)
    field(anna, "Name").fill("Kees Visser")
    field(anna, "Email address").fill(COLLEAGUE)
    field(anna, "Role").select_option(label="Partner user")
    # Controlled by the server's state: clicked, then checked once it answered.
    field(anna, "Selected customers").click()
    field(anna, NAMES[0]).click()
    expect(field(anna, NAMES[0])).to_be_checked()
    # A search keeps what was selected.
    field(anna, "Search customers").fill("Bravo")
    expect(field(anna, NAMES[2])).to_have_count(0)
    field(anna, NAMES[1]).click()
    expect(anna.get_by_text("2 customers selected")).to_be_visible()
    expect(field(anna, NAMES[0])).to_be_checked()
    assert axe_violations(anna) == []
    anna.get_by_role("button", name="Send invitation").click()
    expect(anna.get_by_text(f"The invitation was sent to {COLLEAGUE}")).to_be_visible()


def _set_password_and_sign_in(browser: Browser, app_harness, link: str) -> Page:
    context = browser.new_context(base_url=app_harness.frontend_url)
    kees = context.new_page()
    kees.goto(link)
    expect(kees.get_by_role("heading", name="Set your password")).to_be_visible()
    ready(kees)
    field(kees, "New password").fill(PASSWORD)
    field(kees, "Confirm password").fill(PASSWORD)
    kees.get_by_role("button", name="Set password").click()
    expect(kees.get_by_text("Your password is set")).to_be_visible()
    ready(kees)
    field(kees, "Email address").fill(COLLEAGUE)
    field(kees, "Password").fill(PASSWORD)
    kees.get_by_role("button", name="Sign in").click()
    expect(kees.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    ready(kees)
    return kees


def test_a_colleague_limited_to_two_customers_until_deactivated(
    anna: Page, browser: Browser, app_harness, customers
):
    _invite_colleague(anna)
    _open(anna, routes.OUTBOX, "Outbox")
    invitation = anna.get_by_role("article").filter(has_text=COLLEAGUE)
    expect(invitation).to_contain_text("invited you to join the team of Northwind Telecom")
    link = invitation.get_by_role("link", name="Open the link in this email").get_attribute("href")
    assert link

    kees = _set_password_and_sign_in(browser, app_harness, link)
    expect(data_rows(kees)).to_have_count(2)
    for name in NAMES[:2]:
        expect(kees.get_by_role("link", name=name)).to_be_visible()
    expect(kees.get_by_role("link", name="Team", exact=True)).to_have_count(0)
    # A third customer's step, by its URL: sent away, shown nothing of it.
    kees.goto(routes.step_url(customers[2], "customer"))
    expect(kees.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    expect(kees.get_by_text(NAMES[2])).to_have_count(0)
    # The Team page: sent home, nothing of the team.
    kees.goto(routes.TEAM)
    expect(kees.get_by_role("heading", name="Partner dashboard")).to_be_visible()
    expect(kees.get_by_text("Anna de Vries")).to_have_count(0)
    ready(kees)

    # Anna opens Kees's page from the list and deactivates him (asked first).
    _open(anna, routes.TEAM, "Team")
    anna.get_by_role("link", name="Kees Visser").click()
    expect(anna.get_by_role("heading", name="Kees Visser")).to_be_visible()
    ready(anna)
    expect(field(anna, NAMES[0])).to_be_checked()
    expect(anna.get_by_role("list", name="Your customers").get_by_role("checkbox")).to_have_count(2)
    expect(anna.get_by_text("Invited as Partner user")).to_be_visible()
    assert axe_violations(anna) == []
    anna.get_by_role("button", name="Deactivate").click()
    dialog = anna.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Deactivate Kees Visser?")
    dialog.get_by_role("button", name="Deactivate").click()
    expect(anna.get_by_text("Kees Visser is deactivated and signed out.")).to_be_visible()
    expect(anna.get_by_role("button", name="Reactivate")).to_be_visible()

    # Kees's open tab: its next event finds the session ended.
    field(kees, "Search customers").fill("Alpha")
    expect(kees.get_by_text("Your session has ended. Sign in again to continue.")).to_be_visible()
    expect(kees.get_by_role("link", name=NAMES[0])).to_have_count(0)
    kees.context.close()


def test_the_last_admin_stays_and_other_partners_see_nothing(
    anna: Page, browser: Browser, app_harness, customers
):
    with get_session() as session:
        anna_id = session.exec(
            select(AppUser.id).where(AppUser.email == demo_accounts.DEMO_PARTNER_EMAIL)
        ).one()
    _open(anna, routes.team_member_url(anna_id), "Anna de Vries")
    field(anna, "Role").select_option(label="Partner user")
    anna.get_by_role("button", name="Save changes").click()
    expect(anna.locator("#notice")).to_contain_text("at least one active partner admin")
    anna.get_by_role("button", name="Deactivate").click()
    anna.get_by_role("alertdialog").get_by_role("button", name="Deactivate").click()
    expect(anna.locator("#notice")).to_contain_text(re.compile("yourself", re.I))

    # The Team page in Dutch, on a phone: nothing sticks out.
    anna.set_viewport_size(PHONE)
    _open(anna, routes.TEAM, "Team")
    anna.get_by_role("button", name="Nederlands").click()
    expect(anna.get_by_role("button", name="Collega uitnodigen")).to_be_visible()
    row = anna.locator("tbody tr").filter(has_text="Anna de Vries")
    expect(row).to_contain_text("Partnerbeheerder")
    expect(row).to_contain_text("Alle klanten")
    assert overflow(anna) == []
    assert axe_violations(anna) == []

    # Liam, Contoso's admin: his own team only; a Northwind member's page is refused.
    context = browser.new_context(base_url=app_harness.frontend_url)
    sign_in_context(context, app_harness.frontend_url, LIAM)
    liam = context.new_page()
    _open(liam, routes.team_member_url(anna_id), "Team")
    expect(liam).to_have_url(re.compile(r"/team/?$"))
    expect(liam.locator("#notice")).to_contain_text("not in your team")
    expect(data_rows(liam).filter(has_text="Liam Peeters")).to_have_count(1)
    expect(liam.get_by_text("Anna de Vries")).to_have_count(0)
    context.close()
