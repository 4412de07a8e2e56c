"""Demo accounts sign in only in demo mode: outside it (CLOUDLINK_DEMO_MODE unset, 0 or
empty) a demo account gets exactly the answer of a wrong password, and a failure is
counted as for one, so nothing tells that the account exists. A demo account is a user
of a partner the demo data made (``partner.is_demo``); real accounts sign in either way.
(The browser test is tests/e2e/test_demo_accounts_sign_in.py.)"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from cloudlink_app import settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.models import AppUser, SignInAttempt
from cloudlink_app.services import password_hashing, signing_in, users
from tests.support.database import add_partner, count, set_demo_partners

ANNA = demo_accounts.DEMO_PARTNER_EMAIL
SANNE = "sanne@vandermeer-bakkerij.nl"
PASSWORD = demo_accounts.DEMO_PASSWORD
REAL = "rita@rival-telecom.example"
REAL_PASSWORD = "rival-telecom-password-2026"
HOME = "198.51.100.7"

# Every way of saying "not demo mode" (settings.parse_bool), the empty value included.
NOT_DEMO_MODE = [None, "", "  ", "0", "false", "no", "off", "OFF"]


@pytest.fixture
def demo_database(database, demo_users) -> dict[str, int]:
    """The demo accounts as `make run` leaves them: their partners marked as demo."""
    set_demo_partners(database, demo=True)
    return demo_users


@pytest.fixture
def real_user(database) -> int:
    """A user of a partner that is not a demo partner, with a password."""
    partner_id = add_partner(database, "Rival Telecom")
    with Session(database) as session:
        user = AppUser(
            email=REAL,
            display_name="Rita",
            role=users.PARTNER_ROLE,
            partner_id=partner_id,
            password_hash=password_hashing.hash_password(REAL_PASSWORD),
        )
        session.add(user)
        session.commit()
        return user.id


def sign_in(database, email: str, password: str) -> signing_in.SignInResult:
    with Session(database) as session:
        return signing_in.sign_in(session, email, password, HOME)


def environment(value: str | None) -> settings.Settings:
    """The settings of an environment whose CLOUDLINK_DEMO_MODE is ``value``."""
    variables = {"CLOUDLINK_SECRET_KEY": "k" * settings.SECRET_KEY_MIN}
    if value is not None:
        variables["CLOUDLINK_DEMO_MODE"] = value
    return settings.from_environ(variables)


@pytest.mark.parametrize("value", NOT_DEMO_MODE)
def test_an_empty_or_false_value_is_not_demo_mode(value):
    assert environment(value).demo_mode is False


@pytest.mark.parametrize("value", NOT_DEMO_MODE)
def test_outside_demo_mode_a_demo_account_is_refused(database, demo_database, value):
    with settings.use(environment(value)):
        for email in (ANNA, SANNE):
            result = sign_in(database, email, PASSWORD)
            assert (result.ok, result.user, result.token) == (False, None, None), email


def test_the_refusal_reads_exactly_like_a_wrong_password(database, demo_database, real_user):
    with settings.override(demo_mode=False):
        demo_account = sign_in(database, ANNA, PASSWORD)
        wrong_password = sign_in(database, REAL, "not-the-password")
        unknown = sign_in(database, "nobody@rival-telecom.example", PASSWORD)
    assert demo_account == wrong_password == unknown
    assert not demo_account.ok and not demo_account.throttled
    # Counted as a failure, as a wrong password is: the throttling cannot tell them apart.
    assert count(database, SignInAttempt) == 3


def test_in_demo_mode_every_demo_account_signs_in(database, demo_database):
    with settings.override(demo_mode=True):
        for account in demo_accounts.DEMO_ACCOUNTS:
            result = sign_in(database, account.email, PASSWORD)
            assert result.ok and result.user.email == account.email, account


@pytest.mark.parametrize("demo_mode", [False, True])
def test_a_real_account_signs_in_in_either_mode(database, demo_database, real_user, demo_mode):
    with settings.override(demo_mode=demo_mode):
        result = sign_in(database, REAL, REAL_PASSWORD)
    assert result.ok and result.user.id == real_user


def test_the_same_people_on_a_partner_that_is_not_a_demo_partner_sign_in(database, demo_users):
    # What makes a demo account is its partner's mark, not its email address.
    with settings.override(demo_mode=False):
        assert sign_in(database, ANNA, PASSWORD).ok


def test_a_demo_account_is_a_user_of_a_demo_partner(database, demo_database, real_user):
    with Session(database) as session:
        anna = session.get(AppUser, demo_database[ANNA])
        rita = session.get(AppUser, real_user)
        assert users.is_demo_account(session, anna) is True
        assert users.is_demo_account(session, rita) is False
