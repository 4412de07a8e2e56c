"""The accounts tool, `python -m cloudlink_app.accounts`: every command run in-process
(`main([...])`) against the test database, one run as a real subprocess; clear errors
with a non-zero exit code, and nothing stored when refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from cloudlink_app import settings
from cloudlink_app.accounts import main
from cloudlink_app.domain import permissions
from cloudlink_app.models import AppUser, Partner, PasswordToken
from cloudlink_app.services import password_links, sessions, users
from tests.support.database import customer_row, database_rows, make_customer

URL = "https://onboarding.example.com"
ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(re.escape(URL) + r"/auth/link\?token=([A-Za-z0-9_-]{43})$", re.MULTILINE)


@pytest.fixture(autouse=True)
def deploy_url():
    with settings.override(deploy_url=URL):
        yield


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def user(database, email: str) -> AppUser:
    with Session(database) as session:
        return session.exec(select(AppUser).where(AppUser.email == email)).one()


def test_create_partner_prints_its_id(database, capsys):
    code, out, err = run(capsys, "create-partner", "Fabrikam Voice")
    assert (code, err) == (0, "")
    with Session(database) as session:
        partner = session.exec(select(Partner).where(Partner.name == "Fabrikam Voice")).one()
    assert f"id {partner.id}" in out


def test_add_partner_user_by_partner_name_or_id_prints_a_working_link(database, capsys):
    run(capsys, "create-partner", "Fabrikam Voice")
    code, out, err = run(
        capsys,
        "add-partner-user",
        "--email",
        "kim@fabrikam.example",
        "--name",
        "Kim Jansen",
        "--partner",
        "Fabrikam Voice",
    )
    assert (code, err) == (0, "")
    assert "Added partner admin kim@fabrikam.example" in out  # the partner's first user
    kim = user(database, "kim@fabrikam.example")
    assert (kim.role, kim.display_name, kim.password_hash, kim.active) == (
        permissions.PARTNER_ADMIN_ROLE,
        "Kim Jansen",
        "",
        True,
    )
    token = LINK.search(out).group(1)
    with Session(database) as session:
        assert password_links.link_is_valid(session, token)
    code, out, _ = run(
        capsys,
        "add-partner-user",
        "--email",
        "lou@fabrikam.example",
        "--name",
        "Lou",
        "--partner",
        str(kim.partner_id),
    )
    lou = user(database, "lou@fabrikam.example")
    assert code == 0 and "Added partner user lou@fabrikam.example" in out
    assert (lou.partner_id, lou.role) == (kim.partner_id, users.PARTNER_ROLE)
    code, out, _ = run(
        capsys,
        "add-partner-user",
        "--email",
        "max@fabrikam.example",
        "--name",
        "Max",
        "--partner",
        str(kim.partner_id),
        "--role",
        "partner_admin",
    )
    assert code == 0 and "Added partner admin max@fabrikam.example" in out
    with pytest.raises(SystemExit) as exit_:
        main(["add-partner-user", "--email", "o@f.example", "--name", "O", "--partner", "1",
              "--role", "account_admin"])  # fmt: skip
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_add_account_admin_belongs_to_the_customers_partner(database, capsys, other_partner):
    account_id = make_customer(database, other_partner, "customer")
    code, out, err = run(
        capsys,
        "add-account-admin",
        "--email",
        "admin@acme.example",
        "--name",
        "Ada Admin",
        "--account-id",
        account_id.lower(),
    )
    assert (code, err) == (0, "")
    admin = user(database, "admin@acme.example")
    assert admin.role == users.ACCOUNT_ADMIN_ROLE
    assert (admin.partner_id, admin.customer_id) == (
        other_partner,
        customer_row(database, account_id).id,
    )
    assert LINK.search(out)


def test_reset_password_prints_a_new_link_and_deactivate_ends_sessions(database, capsys):
    run(capsys, "create-partner", "Fabrikam Voice")
    run(
        capsys,
        "add-partner-user",
        "--email",
        "kim@fabrikam.example",
        "--name",
        "Kim",
        "--partner",
        "Fabrikam Voice",
    )
    code, out, err = run(capsys, "reset-password", "KIM@fabrikam.example")
    assert (code, err) == (0, "") and LINK.search(out)
    with Session(database) as session:
        token = sessions.create_session(session, user(database, "kim@fabrikam.example").id)
    code, out, err = run(capsys, "deactivate", "kim@fabrikam.example")
    assert (code, err) == (0, "") and "1 session(s) ended" in out
    with Session(database) as session:
        assert sessions.user_for_token(session, token) is None
    assert user(database, "kim@fabrikam.example").active is False


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["create-partner", "Northwind Telecom"], "exists already"),
        (["create-partner", "  "], "missing"),
        (
            ["add-partner-user", "--email", "a@b.example", "--name", "A", "--partner", "Nobody"],
            "no partner",
        ),
        (
            ["add-partner-user", "--email", "a@b.example", "--name", "A", "--partner", "999"],
            "no partner",
        ),
        (
            [
                "add-partner-user",
                "--email",
                "anna.devries@northwind-telecom.example",
                "--name",
                "A",
                "--partner",
                "Northwind Telecom",
            ],
            "exists already",
        ),
        (
            [
                "add-partner-user",
                "--email",
                "ANNA.DEVRIES@northwind-telecom.example",
                "--name",
                "A",
                "--partner",
                "Northwind Telecom",
            ],
            "exists already",
        ),
        (
            [
                "add-partner-user",
                "--email",
                "not-an-email",
                "--name",
                "A",
                "--partner",
                "Northwind Telecom",
            ],
            "not a valid email",
        ),
        (
            [
                "add-partner-user",
                "--email",
                "a@b.example",
                "--name",
                "",
                "--partner",
                "Northwind Telecom",
            ],
            "missing",
        ),
        (
            [
                "add-partner-user",
                "--email",
                "a@b.example",
                "--name",
                "x" * 201,
                "--partner",
                "Northwind Telecom",
            ],
            "at most 200",
        ),
        (
            [
                "add-account-admin",
                "--email",
                "a@b.example",
                "--name",
                "A",
                "--account-id",
                "ZZZZ-ZZZZ",
            ],
            "no customer",
        ),
        (["deactivate", "nobody@example.com"], "no user"),
        (["reset-password", "nobody@example.com"], "no user"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_a_refused_command_says_why_exits_1_and_stores_nothing(database, capsys, argv, message):
    rows = database_rows(database)
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert f"python -m cloudlink_app.accounts {argv[0]}: error:" in err and message in err
    assert database_rows(database) == rows


def test_without_a_public_address_no_user_is_added(database, capsys):
    rows = database_rows(database)
    with settings.override(deploy_url=None, demo_mode=False):
        code, _, err = run(
            capsys,
            "add-partner-user",
            "--email",
            "a@b.example",
            "--name",
            "A",
            "--partner",
            "Northwind Telecom",
        )
    assert code == 1 and "REFLEX_DEPLOY_URL" in err
    assert database_rows(database) == rows


def test_demo_mode_links_point_at_localhost(database, capsys):
    with settings.override(deploy_url=None, demo_mode=True):
        code, out, _ = run(
            capsys,
            "add-partner-user",
            "--email",
            "a@b.example",
            "--name",
            "A",
            "--partner",
            "Northwind Telecom",
        )
    assert code == 0 and "http://localhost:3000/auth/link?token=" in out


def test_a_wrong_command_line_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["add-partner-user", "--email", "a@b.example"])
    assert exit_.value.code == 2


def test_the_tool_runs_as_a_module(database):
    """One real run: `python -m cloudlink_app.accounts` in a process of its own, on the
    same test database (REFLEX_DB_URL and the secret key come from tests/conftest.py)."""
    env = {**os.environ, "REFLEX_DEPLOY_URL": URL}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cloudlink_app.accounts",
            "add-partner-user",
            "--email",
            "sub@northwind-telecom.example",
            "--name",
            "Sub Process",
            "--partner",
            "Northwind Telecom",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    token = LINK.search(done.stdout).group(1)
    with Session(database) as session:
        assert password_links.link_is_valid(session, token)
        assert session.exec(select(PasswordToken)).one().purpose == password_links.NEW_USER
    refused = subprocess.run(
        [sys.executable, "-m", "cloudlink_app.accounts", "deactivate", "nobody@example.com"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1 and "no user" in refused.stderr
