"""What a save of the Customer step costs the database (issue 21): a save's SQL
statements do not grow with its admin contacts. Each new admin contact is a user, a
one-time link and an outbox message; written one contact at a time they were 6
statements a contact (a savepoint around the user's insert, the insert, its release,
spending the user's earlier links, the link, the message), the largest part of a
realistic save and 3,000 of the largest form's. Now each kind of row is one
statement for all contacts (services/invitations.py ``sync``), and so are the rights
removed from contacts taken off the list, whatever their number."""

from __future__ import annotations

import contextlib
import dataclasses

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cloudlink_app.domain import forms, permissions
from cloudlink_app.models import AppUser, OutboxMessage, PasswordToken, UserSession
from cloudlink_app.services import customers, invitations, sessions
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import add_user, customer_row

# A realistic save (2 domains, 3 admin and 4 support contacts, a new customer), as
# sent: the account ID's check, the customer, the domains' claims (one query), the
# admin and support contacts (one executemany each), the domains, the audit row, the
# users of the admin addresses (one query), the new users, the mail limits' lock and
# counts, the links, the messages. Nothing is read back after the commit.
REALISTIC_STATEMENTS = 13


@contextlib.contextmanager
def statements(engine: sa.engine.Engine):
    """Every SQL statement sent on ``engine`` while the block runs (an executemany
    counts once; BEGIN and COMMIT are not statements here, a SAVEPOINT is)."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def form_with(admins: int, *, tag: str = "", first: int = 0) -> forms.CustomerForm:
    """A valid form of customer ``tag`` with 2 domains, ``admins`` admin contacts
    (numbered from ``first``) and 4 support contacts."""
    domain = f"acme{tag}.example"
    return dataclasses.replace(
        valid_form(f"Acme {tag} BV", domain),
        email_domains=[forms.DomainRow(1, domain), forms.DomainRow(2, f"shop{tag}.example")],
        admin_contacts=[
            forms.AdminContactRow(10 + n, "Admin", f"Number {n}", f"admin{n}@{domain}")
            for n in range(first, first + admins)
        ],
        support_contacts=[
            forms.SupportContactRow(1000, forms.ROLE_MAINTAINER, "Mo Main", f"mo@{domain}"),
            forms.SupportContactRow(1001, forms.ROLE_ONSITE_ADMIN, "Olga Site", f"olga@{domain}"),
            forms.SupportContactRow(1002, forms.ROLE_OTHER, "Pia Other", f"pia@{domain}"),
            forms.SupportContactRow(1003, forms.ROLE_OTHER, "Rik Other", f"rik@{domain}"),
        ],
    )


def save(database, partner: int, form, record=None) -> customers.CustomerRecord:
    with Session(database, expire_on_commit=False) as session:
        return customers.save_customer(
            session,
            scope=CustomerScope(partner),
            account_id=record.account_id if record else None,
            expected_version=record.version if record else None,
            form=form,
            complete=True,
        )


def counted(database, partner: int, form, record=None) -> tuple[list[str], object]:
    with statements(database) as sent:
        saved = save(database, partner, form, record)
    return sent, saved


def invited(database, domain: str) -> tuple[int, int, int]:
    """Users, links and messages of the admin addresses at ``domain``."""
    with Session(database) as session:
        at = f"%@{domain}"
        user_ids = session.exec(select(AppUser.id).where(col(AppUser.email).like(at))).all()
        links = session.exec(
            select(PasswordToken.id).where(col(PasswordToken.user_id).in_(user_ids))
        ).all()
        mails = session.exec(
            select(OutboxMessage.id).where(col(OutboxMessage.to_address).like(f"admin%{at}"))
        ).all()
    return len(user_ids), len(links), len(mails)


def test_a_realistic_save_sends_its_statements_and_no_more(database, partner):
    sent, _ = counted(database, partner, form_with(3, tag="r"))
    assert len(sent) == REALISTIC_STATEMENTS, "\n".join(sent)
    assert invited(database, "acmer.example") == (3, 3, 3)


def test_50_new_admin_contacts_cost_no_more_statements_than_3(database, partner):
    few, _ = counted(database, partner, form_with(3, tag="few"))
    many, _ = counted(database, partner, form_with(50, tag="many"))
    assert len(many) == len(few), (
        f"a save with 50 new admin contacts sent {len(many)} SQL statements, "
        f"one with 3 sent {len(few)}"
    )
    assert invited(database, "acmefew.example") == (3, 3, 3)
    assert invited(database, "acmemany.example") == (50, 50, 50)


def test_replacing_50_admin_contacts_costs_no_more_statements_than_replacing_3(database, partner):
    """An existing customer's save taking every admin contact off the list (their
    rights, links and sessions ended) and inviting as many new ones."""
    costs = {}
    for admins in (3, 50):
        tag = f"x{admins}"
        first = save(database, partner, form_with(admins, tag=tag))
        with Session(database) as session:
            for user in session.exec(select(AppUser).where(AppUser.customer_id.is_not(None))):
                assert user.id is not None
                sessions.create_session(session, user.id)
            session.commit()
        sent, _ = counted(database, partner, form_with(admins, tag=tag, first=100), first)
        costs[admins] = sent
        customer = customer_row(database, first.account_id)
        with Session(database) as session:
            states = [a.state for a in invitations.access(session, customer.id, partner)]
            removed = session.exec(
                select(AppUser.id).where(
                    col(AppUser.email).like(f"admin_@acme{tag}.example")
                    | col(AppUser.email).like(f"admin__@acme{tag}.example")
                )
            ).all()
            removed_users = session.exec(select(AppUser).where(col(AppUser.id).in_(removed))).all()
            live_sessions = session.exec(
                select(UserSession).where(
                    col(UserSession.user_id).in_(removed), col(UserSession.revoked_at).is_(None)
                )
            ).all()
            live_links = session.exec(
                select(PasswordToken).where(
                    col(PasswordToken.user_id).in_(removed), col(PasswordToken.used_at).is_(None)
                )
            ).all()
        # Invited (the 50 also count 50 earlier invitations today: some wait for the
        # customer's daily limit).
        assert len(states) == admins
        assert set(states) <= {invitations.INVITED, invitations.WAITING}
        assert len(removed_users) == admins
        assert all(user.customer_id is None for user in removed_users)
        assert live_sessions == [] and live_links == []
    assert len(costs[50]) == len(costs[3]), (
        f"replacing 50 admin contacts sent {len(costs[50])} SQL statements, "
        f"replacing 3 sent {len(costs[3])}"
    )


ADA, BEA, CAS, DAN, EVE = (f"{n}@mixed.example" for n in ("ada", "bea", "cas", "dan", "eve"))


def admins_form(*emails: str) -> forms.CustomerForm:
    return dataclasses.replace(
        valid_form("Mixed BV", "mixed.example"),
        admin_contacts=[
            forms.AdminContactRow(10 + n, email.split("@")[0].title(), "Test", email)
            for n, email in enumerate(emails)
        ],
    )


def test_one_save_gives_every_kind_of_admin_contact_its_due(database, partner, other_partner):
    """In one save: a new address (invited), two former account admins of the
    customer given the rights again (the one with a password not invited, the other
    invited with a new link, the earlier one spent), another partner's user (not
    invited) and contacts taken off the list (rights removed): each as one contact
    alone would be treated."""
    first = save(database, partner, admins_form(ADA, BEA, CAS))
    with Session(database) as session:
        ada = session.exec(select(AppUser).where(AppUser.email == ADA)).one()
        ada.password_hash = "x"
        session.commit()
    second = save(database, partner, admins_form(DAN), first)
    add_user(database, EVE, permissions.PARTNER_ROLE, other_partner)
    save(database, partner, admins_form(ADA, BEA, EVE, "new@mixed.example"), second)

    with Session(database) as session:
        mails = session.exec(select(OutboxMessage.to_address).order_by(OutboxMessage.id)).all()
        by_email = {user.email: user for user in session.exec(select(AppUser)).all()}
        bea_links = session.exec(
            select(PasswordToken)
            .where(PasswordToken.user_id == by_email[BEA].id)
            .order_by(PasswordToken.id)
        ).all()
        customer = customer_row(database, first.account_id)
        states = {a.email: a.state for a in invitations.access(session, customer.id, partner)}
    assert mails == [ADA, BEA, CAS, DAN, BEA, "new@mixed.example"]
    assert [link.used_at is not None for link in bea_links] == [True, False]
    assert {email: by_email[email].customer_id for email in (ADA, BEA, CAS, DAN)} == {
        ADA: customer.id,
        BEA: customer.id,
        CAS: None,
        DAN: None,
    }
    assert by_email[EVE].partner_id == other_partner and by_email[EVE].customer_id is None
    assert states == {
        ADA: invitations.ACTIVE,
        BEA: invitations.INVITED,
        EVE: invitations.OTHER_USER,
        "new@mixed.example": invitations.INVITED,
    }
