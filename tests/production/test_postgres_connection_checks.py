"""Connection checks reserved on PostgreSQL: concurrent reservations of one user, from
separate connections as several backend workers make them, get one slot (the user's
row is locked while their checks are counted); deleting a draft keeps its checks."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.models import AppUser, ConnectionCheck
from cloudlink_app.services import connection_checks, drafts, owned_customers, users, wizard
from cloudlink_app.services.connection_checks import RATE_LIMIT, Reservation
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.builders import valid_form
from tests.support.database import save

EMAIL = "checker@northwind.example"


def _setup(postgres, partner, monkeypatch) -> tuple[users.CurrentUser, str]:
    """A partner user and a customer of theirs; the service's sessions on PostgreSQL."""
    monkeypatch.setattr(
        connection_checks, "get_session", lambda: Session(postgres, expire_on_commit=False)
    )
    with Session(postgres) as session:
        session.add(
            AppUser(
                email=EMAIL,
                display_name="Chris Checker",
                role=users.PARTNER_ROLE,
                partner_id=partner,
            )
        )
        session.commit()
        user = users.find_user(session, EMAIL)
    assert user is not None
    account_id = save(postgres, partner, valid_form("Acme Trading BV")).account_id
    return user, account_id


def test_concurrent_reservations_get_one_slot(postgres, partner, monkeypatch):
    user, account_id = _setup(postgres, partner, monkeypatch)
    real_count = wizard.checks_in_last

    def counted_slowly(session, uid, seconds):
        count = real_count(session, uid, seconds)
        time.sleep(0.05)  # as under load: all would count before any inserts
        return count

    monkeypatch.setattr(wizard, "checks_in_last", counted_slowly)
    barrier = threading.Barrier(8)
    results: list = []

    def reserve() -> None:
        barrier.wait()
        results.append(connection_checks.reserve(user, account_id, "192.0.2.10", "3999"))

    with settings.override(demo_mode=True):
        threads = [threading.Thread(target=reserve) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    granted = [r for r in results if isinstance(r, Reservation)]
    assert len(granted) == 1
    assert set(results) - set(granted) == {"notice.check_running"}
    with Session(postgres) as session:
        rows = session.exec(select(ConnectionCheck)).all()
    assert [row.result for row in rows] == [connection_checks.PENDING]
    connection_checks.release(granted[0])


def test_deleting_a_draft_keeps_its_checks(postgres, partner, monkeypatch):
    user, account_id = _setup(postgres, partner, monkeypatch)
    with Session(postgres) as session:
        customer_id = owned_customers.owned_customer(session, CustomerScope(partner), account_id).id
        for _ in range(RATE_LIMIT[0]):
            session.add(
                ConnectionCheck(
                    user_id=user.id,
                    customer_id=customer_id,
                    account_id=account_id,
                    customer_name="Acme Trading BV",
                    target="192.0.2.10:3999",
                    result="refused",
                )
            )
        session.commit()
        drafts.delete_draft(session, CustomerScope(partner), account_id)
    with Session(postgres) as session:
        kept = session.exec(select(ConnectionCheck)).all()
        # The database's own rule agrees: deleting a customer keeps its checks.
        fk = [
            key
            for key in sa.inspect(session.connection()).get_foreign_keys("connection_check")
            if key["referred_table"] == "customer"
        ]
    assert len(kept) == RATE_LIMIT[0]
    assert {(row.customer_id, row.account_id) for row in kept} == {(None, account_id)}
    assert fk[0]["options"].get("ondelete") == "SET NULL"
    # The user's quota is not reset by the deletion.
    other = save(postgres, partner, valid_form("Other Trading BV")).account_id
    with Session(postgres) as session:
        assert connection_checks.refusal(session, user, other) == "notice.too_many_checks"
