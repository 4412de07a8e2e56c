"""Admin contacts become account admins (services/invitations.py): completing the
Customer step invites each new admin contact by email through the outbox (a real SMTP
server here), the link signs the new account admin in once and never again, drafts
invite nobody, removing a contact removes the rights and keeps the user, and an
invitation can be sent again (not too often, not to just anyone)."""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from cloudlink_app import routes, settings
from cloudlink_app.domain import forms, permissions
from cloudlink_app.models import AppUser, OutboxMessage, PasswordToken, UserSession
from cloudlink_app.services import (
    accounts,
    customer_list,
    invitations,
    links,
    outbox,
    password_changes,
    password_links,
    sessions,
    signing_in,
)
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support import smtp as smtp_server
from tests.support.builders import valid_form
from tests.support.database import add_user, customer_row, database_rows, save

pytestmark = pytest.mark.asyncio

URL = "https://onboarding.example.com"
SENDER = "CloudLink Onboarding <noreply@cloudlink.example>"
PASSWORD = "tulip orbit kettle 42"
ADA = "ada@acme.example"


@pytest.fixture(autouse=True)
def deploy_url():
    with settings.override(deploy_url=URL):
        yield


@pytest.fixture
def smtp(database):
    with smtp_server.running(SENDER) as server:
        yield server.recorder


def user(database, email: str) -> AppUser | None:
    with Session(database) as session:
        return session.exec(select(AppUser).where(AppUser.email == email)).first()


def messages(database, kind: str = "invitation") -> list[OutboxMessage]:
    with Session(database) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all())


def token_in(body: str) -> str:
    url = next(word for word in body.split() if word.startswith(URL))
    parts = urlsplit(url)
    assert parts.path == routes.AUTH_LINK
    return parse_qs(parts.query)[routes.LINK_TOKEN_QUERY][0]


def with_admins(*admins: tuple[str, str, str]) -> forms.CustomerForm:
    rows = [forms.AdminContactRow(10 + i, *admin) for i, admin in enumerate(admins)]
    return dataclasses.replace(valid_form(), admin_contacts=rows)


async def test_next_invites_a_new_admin_contact_whose_link_signs_in_once(smtp, database, partner):
    record = save(database, partner, valid_form())
    invited = user(database, ADA)
    assert invited is not None and invited.role == permissions.ACCOUNT_ADMIN_ROLE
    assert invited.customer_id == customer_row(database, record.account_id).id
    assert invited.password_hash == "" and invited.display_name == "Ada Lovelace"
    (queued,) = messages(database)
    # The stored message holds no link: only its placeholder (the database alone
    # cannot be used to set a password).
    assert links.LINK_PLACEHOLDER in queued.body_text
    assert URL not in queued.body_text and URL not in queued.body_html

    assert await outbox.deliver_due() == 1
    ((recipients, message),) = smtp.received()
    assert recipients == [ADA]
    body = message.get_body(("plain",)).get_content()
    assert "Acme Trading BV" in body and record.account_id in body
    assert "Stel met deze link" in body  # the customer's default language: Dutch
    token = token_in(body)
    html = message.get_body(("html",)).get_content()
    assert token in html
    rows = database_rows(database)
    assert all(token not in repr(row) for table in rows.values() for row in table)

    with Session(database) as session:
        done = password_changes.set_password_with_link(
            session, password_links.hash_of(token), PASSWORD, PASSWORD
        )
    assert done.done
    with Session(database) as session:
        signed_in = signing_in.sign_in(session, ADA, PASSWORD, "127.0.0.1")
    assert signed_in.user is not None and signed_in.user.customer_id == invited.customer_id
    with Session(database) as session:
        again = password_changes.set_password_with_link(
            session, password_links.hash_of(token), "other words 12 apple", "x"
        )
    assert again.invalid_link
    # Sent once.
    assert await outbox.deliver_due() == 0


async def test_the_invitation_link_lives_seven_days(database, partner):
    save(database, partner, valid_form())
    with Session(database) as session:
        link = session.exec(select(PasswordToken)).one()
    assert link.purpose == password_links.INVITATION
    assert link.expires_at - link.created_at == datetime.timedelta(days=7)


async def test_save_and_return_invites_nobody(database, partner):
    save(database, partner, valid_form(), complete=False)
    assert user(database, ADA) is None and messages(database) == []


async def test_saving_again_invites_nobody_twice(database, partner):
    first = save(database, partner, valid_form())
    save(
        database,
        partner,
        valid_form(),
        account_id=first.account_id,
        expected_version=first.version,
    )
    assert len(messages(database)) == 1


async def test_removing_an_admin_contact_removes_the_rights_not_the_user(database, partner):
    first = save(database, partner, with_admins(("Ada", "Lovelace", ADA)))
    ada = user(database, ADA)
    assert ada is not None and ada.id is not None
    with Session(database) as session:
        sessions.create_session(session, ada.id)
        session.commit()
    save(
        database,
        partner,
        with_admins(("Bo", "Berg", "bo@acme.example")),
        complete=False,
        account_id=first.account_id,
        expected_version=first.version,
    )
    kept = user(database, ADA)
    assert kept is not None and kept.customer_id is None  # the user stays, without rights
    with Session(database) as session:
        live = session.exec(select(UserSession).where(UserSession.user_id == ada.id)).all()
        assert all(row.revoked_at is not None for row in live)
        tokens = session.exec(select(PasswordToken).where(PasswordToken.user_id == ada.id)).all()
        assert all(row.used_at is not None for row in tokens)


async def test_a_contact_added_back_gets_the_rights_and_a_new_invitation(database, partner):
    first = save(database, partner, with_admins(("Ada", "Lovelace", ADA)))
    second = save(
        database,
        partner,
        with_admins(("Bo", "Berg", "bo@acme.example")),
        account_id=first.account_id,
        expected_version=first.version,
    )
    save(
        database,
        partner,
        with_admins(("Ada", "Lovelace", ADA)),
        account_id=first.account_id,
        expected_version=second.version,
    )
    ada = user(database, ADA)
    assert ada is not None and ada.customer_id == customer_row(database, first.account_id).id
    assert [m.to_address for m in messages(database)] == [ADA, "bo@acme.example", ADA]


async def test_another_users_address_is_not_invited(database, partner, other_partner):
    add_user(database, ADA, permissions.PARTNER_ROLE, other_partner)
    record = save(database, partner, valid_form())
    assert messages(database) == []
    other = user(database, ADA)
    assert other is not None and other.role == permissions.PARTNER_ROLE
    with Session(database) as session:
        customer = customer_row(database, record.account_id)
        (shown,) = invitations.access(session, customer.id, customer.partner_id)
    assert shown.state == invitations.OTHER_USER


async def test_an_address_made_a_user_by_another_save_meanwhile_is_not_invited(
    database, partner, other_partner, monkeypatch
):
    """Two saves at once with the same new admin address (tests/production has the race
    on PostgreSQL): this save looked before the other's user existed, its insert meets
    app_user's unique email. Only that insert is undone: the save goes on, the other
    admin contact is invited, the address counts as another user's."""
    add_user(database, ADA, permissions.ACCOUNT_ADMIN_ROLE, other_partner)
    looked_before = invitations._users_by_email
    monkeypatch.setattr(
        invitations, "_users_by_email", lambda session, emails: looked_before(session, set())
    )
    form = with_admins(("Ada", "Lovelace", ADA), ("Bea", "Bos", "bea@acme.example"))
    record = save(database, partner, form)
    monkeypatch.undo()

    assert [m.to_address for m in messages(database)] == ["bea@acme.example"]
    ada = user(database, ADA)
    assert ada is not None and ada.partner_id == other_partner
    with Session(database) as session:
        customer = customer_row(database, record.account_id)
        states = {
            a.email: a.state for a in invitations.access(session, customer.id, customer.partner_id)
        }
    assert states == {ADA: invitations.OTHER_USER, "bea@acme.example": invitations.INVITED}
    assert [row.email for row in record.form.admin_contacts] == [ADA, "bea@acme.example"]


async def test_the_review_steps_states_and_sending_again(database, partner):
    record = save(database, partner, valid_form())
    customer = customer_row(database, record.account_id)
    with Session(database) as session:
        (shown,) = invitations.access(session, customer.id, customer.partner_id)
        assert shown.state == invitations.INVITED and shown.expires_at is not None
        # Within a minute of the last one: refused, nothing queued.
        with pytest.raises(invitations.CannotInvite) as refused:
            invitations.send_again(session, customer, ADA)
        assert refused.value.reason == invitations.TOO_SOON
    assert len(messages(database)) == 1
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
    with Session(database) as session:
        assert invitations.send_again(session, customer, ADA.upper(), now=later) == ADA
    assert len(messages(database)) == 2
    with Session(database) as session:
        tokens = session.exec(select(PasswordToken).order_by(PasswordToken.id)).all()
        assert [t.used_at is not None for t in tokens] == [True, False]  # the first spent
    for crafted in ["nobody@acme.example", "", None, 42, ["x"], "a" * 300]:
        with Session(database) as session, pytest.raises(invitations.CannotInvite):
            invitations.send_again(session, customer, crafted, now=later)
    assert len(messages(database)) == 2


async def test_a_contact_with_a_password_is_not_invited_again(database, partner):
    record = save(database, partner, valid_form())
    with Session(database) as session:
        session.exec(select(AppUser).where(AppUser.email == ADA)).one().password_hash = "x"
        session.commit()
    customer = customer_row(database, record.account_id)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
    with Session(database) as session:
        (shown,) = invitations.access(session, customer.id, customer.partner_id)
        assert shown.state == invitations.ACTIVE
        with pytest.raises(invitations.CannotInvite) as refused:
            invitations.send_again(session, customer, ADA, now=later)
    assert refused.value.reason == invitations.HAS_PASSWORD
    with Session(database) as session:
        assert customer_list.registered_users(
            session, CustomerScope(partner), [customer.account_id]
        ) == {customer.account_id: 1}


async def test_the_accounts_tool_mails_its_links_through_the_outbox(smtp, database, partner):
    with Session(database) as session:
        link = accounts.add_partner_user(session, "kim@northwind.example", "Kim", partner)
    (queued,) = messages(database, "password_link")
    assert queued.to_address == "kim@northwind.example"
    assert await outbox.deliver_due() == 1
    ((_, message),) = smtp.received()
    assert link.url in message.get_body(("plain",)).get_content()
