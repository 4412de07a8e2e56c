"""Signing in on PostgreSQL: text that PostgreSQL cannot take (NUL, a lone surrogate,
which a crafted event can send) is a plain failed sign-in, not a server error."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain.contacts import email_key
from cloudlink_app.models import SignInAttempt
from cloudlink_app.services import signing_in

EMAIL = demo_accounts.DEMO_PARTNER_EMAIL


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (EMAIL + "\x00", "x"),
        (EMAIL[:4] + "\ud800" + EMAIL[4:], "x"),
        (EMAIL, "x\x00"),
        (EMAIL, "x\ud800"),
    ],
    ids=["NUL in email", "surrogate in email", "NUL in password", "surrogate in password"],
)
def test_unstorable_text_fails_like_a_wrong_password(postgres, partner, email, password):
    with Session(postgres) as session:
        result = signing_in.sign_in(session, email, password, "203.0.113.7")
    assert (result.token, result.user, result.throttled) == (None, None, False)
    with Session(postgres) as session:
        stored = session.exec(select(SignInAttempt.email)).all()
    assert all(email_key(EMAIL) == e for e in stored)
