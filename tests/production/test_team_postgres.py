"""Never without a partner admin, on PostgreSQL: two admins demoting or deactivating
each other at the same moment, from separate connections as two backend workers make
them, leave one admin. The database decides (services/team.py locks the partner's row
before counting the other admins), not a read-then-write race."""

from __future__ import annotations

import threading
import time

import pytest
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import permissions
from cloudlink_app.domain import team as team_rules
from cloudlink_app.models import AppUser
from cloudlink_app.services import team, users

SECOND = "liam.second@northwind-telecom.example"


def _two_admins(postgres, partner) -> tuple[users.CurrentUser, users.CurrentUser]:
    with Session(postgres) as session:
        session.add(
            AppUser(
                email=SECOND,
                display_name="Second Admin",
                role=permissions.PARTNER_ADMIN_ROLE,
                partner_id=partner,
            )
        )
        session.commit()
        first = users.find_user(session, demo_accounts.DEMO_PARTNER_EMAIL)
        second = users.find_user(session, SECOND)
    assert first is not None and second is not None
    assert first.role == second.role == permissions.PARTNER_ADMIN_ROLE
    return first, second


def _demote(actor: users.CurrentUser, member_id: int):
    def change(session: Session) -> None:
        team.change_access(
            session,
            actor,
            member_id,
            role=permissions.PARTNER_ROLE,
            customers=team_rules.ALL_CUSTOMERS,
            account_ids=[],
        )

    return change


def _deactivate(actor: users.CurrentUser, member_id: int):
    return lambda session: team.deactivate(session, actor, member_id)


@pytest.mark.parametrize("change", [_demote, _deactivate], ids=["demote", "deactivate"])
def test_two_admins_changing_each_other_at_once_leave_one_admin(
    postgres, partner, monkeypatch, change
):
    first, second = _two_admins(postgres, partner)
    real_check = team._keeps_an_admin

    def checked_slowly(session, member):
        found = real_check(session, member)
        time.sleep(0.2)  # as under load: both would count before either writes
        return found

    monkeypatch.setattr(team, "_keeps_an_admin", checked_slowly)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor: users.CurrentUser, member_id: int) -> None:
        with Session(postgres, expire_on_commit=False) as session:
            barrier.wait()
            try:
                change(actor, member_id)(session)
                outcomes.append("changed")
            except team.TeamError as refused:
                outcomes.append(refused.key)

    threads = [
        threading.Thread(target=act, args=(first, second.id)),
        threading.Thread(target=act, args=(second, first.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed", team.LAST_ADMIN]
    with Session(postgres) as session:
        admins = session.exec(
            select(AppUser.email).where(
                AppUser.role == permissions.PARTNER_ADMIN_ROLE,
                AppUser.active == True,  # noqa: E712  (SQL)
            )
        ).all()
    assert len(admins) == 1
