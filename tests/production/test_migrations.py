"""The Alembic migrations on PostgreSQL (issue 9, item 7).

- An empty database migrated to head has the models' schema: tables, columns, types,
  nullability, indexes, unique constraints, foreign keys and server defaults.
- A database of the previous release, holding data written with that release's SQL,
  migrates to head with every row and value kept, and the columns added since filled
  as the later migrations say.
- Every revision steps down and up again with rows present, back to the same schema;
  what a step down loses (the things that revision added) is written down here.
- One head, and a straight chain of revisions from base to it.

Each test gets a fresh schema (conftest.schema_url), dropped afterwards.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import Session, SQLModel

from alembic import command
from cloudlink_app import models  # noqa: F401  (the tables are registered on import)
from cloudlink_app.domain import wizard_path
from cloudlink_app.services import customers, password_hashing
from cloudlink_app.services.owned_customers import CustomerScope
from tests.support.postgres import alembic_config

# The head of the last release before the security work (sign-in, sessions, audit
# trail; no active flag, no password links, no demo mark). At each release, set this to
# the head that release shipped with (`.venv/bin/alembic heads` on the release's
# commit), then: the data of `test_the_previous_release_migrates_to_head_with_its_data`
# is every SEEDS entry up to it (add a SEEDS entry for each new revision, in that
# revision's SQL), and its "added since" checks at the end name only the columns and
# tables of the revisions after it (move the others up into the kept-values checks).
PREVIOUS_RELEASE = "1ec50a2a0029"

T0 = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$O2d+kdEEUabvynk8PpHSYA"
    "$PTr6G7w7GR2CDi2z6HCqngUXZ6YaAHwjmHvufbNMaus"
)
PASSWORD = "Lang-Leve-de-Migratie-2026"  # the password of HASH
DEMO_EMAIL = "anna.devries@northwind-telecom.example"  # a demo account (partner 1)
ACCOUNT = "K7M4-Q2XR"  # customer 1, Northwind Telecom's
RIVAL_ACCOUNT = "W9X3-ZT4P"  # customer 2, Rival Telecom's


def _at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


# ----- data of each revision, in that revision's SQL ------------------------------------

# Rows each revision's schema can first hold, written the way the app of that revision
# wrote them. Idempotent (ON CONFLICT DO NOTHING, UPDATEs), so that a revision's rows can
# be written again after a step down and up has dropped them.
Statement = tuple[str, dict[str, Any]]
_CUSTOMER_COLUMNS = (
    "id, account_id, partner_id, name, country, street_address, address_line2, city, "
    "state_province, postal_code, business_type, default_language, completed_steps, "
    "onboarded, created_at, updated_at, version"
)
_CUSTOMER_VALUES = (
    ":id, :account_id, :partner_id, :name, :country, :street_address, :address_line2, "
    ":city, :state_province, :postal_code, :business_type, :default_language, "
    ":completed_steps, :onboarded, :created_at, :updated_at, :version"
)


def _insert(table: str, columns: str, values: str, rows: list[dict[str, Any]]) -> list:
    sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT (id) DO NOTHING"
    return [(sql, row) for row in rows]


def _customer(**values: Any) -> dict[str, Any]:
    row = {
        "country": "NL",
        "street_address": "",
        "address_line2": "",
        "city": "",
        "state_province": "",
        "postal_code": "",
        "business_type": "",
        "default_language": "",
        "completed_steps": "",
        "onboarded": False,
        "created_at": _at(0),
        "updated_at": _at(0),
        "version": 1,
    }
    return row | values


SEEDS: dict[str, list[Statement]] = {
    # initial schema: partners, users (a demo account, a partner user, an account admin,
    # one later deactivated), two customers with domains (one IDN, one draft not yet a
    # domain) and contacts.
    "f0c237717842": [
        *_insert(
            "partner",
            "id, name",
            ":id, :name",
            [{"id": 1, "name": "Northwind Telecom"}, {"id": 2, "name": "Rival Telecom"}],
        ),
        *_insert(
            "customer",
            _CUSTOMER_COLUMNS,
            _CUSTOMER_VALUES,
            [
                _customer(
                    id=1,
                    account_id=ACCOUNT,
                    partner_id=1,
                    name="Bücherei Müller GmbH",
                    street_address="Keizersgracht 1",
                    address_line2="2e etage",
                    city="Amsterdam",
                    state_province="Noord-Holland",
                    postal_code="1015 CJ",
                    business_type="retail",
                    default_language="nl",
                    completed_steps="customer,gateway",
                    updated_at=_at(40),
                    version=3,
                ),
                _customer(
                    id=2,
                    account_id=RIVAL_ACCOUNT,
                    partner_id=2,
                    name="Rival Customer BV",
                    country="BE",
                    city="Gent",
                    completed_steps="customer,gateway,sync,review",
                    onboarded=True,
                    updated_at=_at(90),
                    version=5,
                ),
            ],
        ),
        *_insert(
            "email_domain",
            "id, customer_id, position, domain, normalized",
            ":id, :customer_id, :position, :domain, :normalized",
            [
                {
                    "id": 1,
                    "customer_id": 1,
                    "position": 0,
                    "domain": "Bücher.example",
                    "normalized": "xn--bcher-kva.example",
                },
                {
                    "id": 2,
                    "customer_id": 1,
                    "position": 1,
                    "domain": "mueller.example",
                    "normalized": "mueller.example",
                },
                {
                    "id": 3,
                    "customer_id": 1,
                    "position": 2,
                    "domain": "nog niet af",
                    "normalized": None,
                },
                {
                    "id": 4,
                    "customer_id": 2,
                    "position": 0,
                    "domain": "rival-customer.example",
                    "normalized": "rival-customer.example",
                },
            ],
        ),
        *_insert(
            "admin_contact",
            "id, customer_id, position, first_name, last_name, email",
            ":id, :customer_id, :position, :first_name, :last_name, :email",
            [
                {
                    "id": 1,
                    "customer_id": 1,
                    "position": 0,
                    "first_name": "Ada",
                    "last_name": "Müller",
                    "email": "ada@mueller.example",
                },
                {
                    "id": 2,
                    "customer_id": 1,
                    "position": 1,
                    "first_name": "Bram",
                    "last_name": "de Boer",
                    "email": "bram@mueller.example",
                },
            ],
        ),
        *_insert(
            "support_contact",
            "id, customer_id, position, role, name, email",
            ":id, :customer_id, :position, :role, :name, :email",
            [
                {
                    "id": 1,
                    "customer_id": 1,
                    "position": 0,
                    "role": "maintainer",
                    "name": "Mo Maintainer",
                    "email": "mo@installer.example",
                },
                {
                    "id": 2,
                    "customer_id": 1,
                    "position": 1,
                    "role": "onsite_admin",
                    "name": "Olga Onsite",
                    "email": "olga@mueller.example",
                },
            ],
        ),
        *_insert(
            "app_user",
            "id, email, display_name, role, partner_id, customer_id",
            ":id, :email, :display_name, :role, :partner_id, :customer_id",
            [
                {
                    "id": 1,
                    "email": DEMO_EMAIL,
                    "display_name": "Anna de Vries",
                    "role": "partner",
                    "partner_id": 1,
                    "customer_id": None,
                },
                {
                    "id": 2,
                    "email": "rita@rival-telecom.example",
                    "display_name": "Rita Rival",
                    "role": "partner",
                    "partner_id": 2,
                    "customer_id": None,
                },
                {
                    "id": 3,
                    "email": "ada@mueller.example",
                    "display_name": "Ada Müller",
                    "role": "account_admin",
                    "partner_id": 1,
                    "customer_id": 1,
                },
                {
                    "id": 4,
                    "email": "former@rival-telecom.example",
                    "display_name": "Former Colleague",
                    "role": "partner",
                    "partner_id": 2,
                    "customer_id": None,
                },
            ],
        ),
    ],
    # wizard steps: the later steps' columns of both customers, a connection check.
    "1bc0463bcc46": [
        (
            "UPDATE customer SET status = 'next:pbx', site_name = 'Hoofdkantoor', "
            "site_same_address = false, site_country = 'NL', "
            "site_street_address = 'Damrak 2', site_address_line2 = 'achter', "
            "site_city = 'Amsterdam', site_state_province = 'NH', "
            "site_postal_code = '1012 LG', deployment_type = 'appliance', "
            "mac_address = '00-1a-2b-3c-4d-5e', mac_claim = '00:1A:2B:3C:4D:5E', "
            "system_id = 'SYS-1', pbx_type = 'mivoice', pbx_address = 'pbx.mueller.example', "
            "pbx_port = '5060', connection_result = 'reachable', "
            "connection_target = 'pbx.mueller.example:5060', "
            "connection_checked_at = :checked, connection_skipped = false WHERE id = 1",
            {"checked": _at(30)},
        ),
        (
            "UPDATE customer SET status = 'onboarded', deployment_type = 'smbc', "
            "sync_address = 'smbc.rival-customer.example', sync_port = '443', "
            "sync_started_at = :started, onboarded_at = :onboarded WHERE id = 2",
            {"started": _at(80), "onboarded": _at(90)},
        ),
        *_insert(
            "connection_check",
            "id, user_id, customer_id, target, result, checked_at",
            ":id, :user_id, :customer_id, :target, :result, :checked_at",
            [
                {
                    "id": 1,
                    "user_id": 1,
                    "customer_id": 1,
                    "target": "pbx.mueller.example:5060",
                    "result": "reachable",
                    "checked_at": _at(30),
                }
            ],
        ),
    ],
    # sign-in: password hashes, a live and a revoked session, saves, a failed sign-in.
    "1ec50a2a0029": [
        ("UPDATE app_user SET password_hash = :hash WHERE id IN (1, 3)", {"hash": HASH}),
        *_insert(
            "user_session",
            "id, token_hash, user_id, created_at, expires_at, revoked_at",
            ":id, :token_hash, :user_id, :created_at, :expires_at, :revoked_at",
            [
                {
                    "id": 1,
                    "token_hash": "a" * 64,
                    "user_id": 1,
                    "created_at": _at(10),
                    "expires_at": _at(10 + 8 * 60),
                    "revoked_at": None,
                },
                {
                    "id": 2,
                    "token_hash": "b" * 64,
                    "user_id": 3,
                    "created_at": _at(11),
                    "expires_at": _at(11 + 8 * 60),
                    "revoked_at": _at(12),
                },
            ],
        ),
        *_insert(
            "save_record",
            "id, customer_id, user_id, step, saved_at",
            ":id, :customer_id, :user_id, :step, :saved_at",
            [
                {"id": 1, "customer_id": 1, "user_id": 1, "step": "customer", "saved_at": _at(20)},
                {"id": 2, "customer_id": 1, "user_id": 1, "step": "gateway", "saved_at": _at(40)},
                {"id": 3, "customer_id": 2, "user_id": None, "step": "review", "saved_at": _at(90)},
            ],
        ),
        *_insert(
            "sign_in_attempt",
            "id, email, address, attempted_at",
            ":id, :email, :address, :attempted_at",
            [{"id": 1, "email": DEMO_EMAIL, "address": "203.0.113.7", "attempted_at": _at(5)}],
        ),
    ],
    # accounts: a password link, a deactivated user.
    "db5a0c36ac9b": [
        *_insert(
            "password_token",
            "id, token_hash, user_id, purpose, created_at, expires_at, used_at",
            ":id, :token_hash, :user_id, :purpose, :created_at, :expires_at, :used_at",
            [
                {
                    "id": 1,
                    "token_hash": "c" * 64,
                    "user_id": 2,
                    "purpose": "reset",
                    "created_at": _at(100),
                    "expires_at": _at(100 + 24 * 60),
                    "used_at": None,
                }
            ],
        ),
        ("UPDATE app_user SET active = false WHERE id = 4", {}),
    ],
    # partner is_demo: a demo partner the app marked that has no demo-account user.
    "3bc4aba0900f": [
        *_insert("partner", "id, name", ":id, :name", [{"id": 3, "name": "Contoso Demo"}]),
        ("UPDATE partner SET is_demo = true WHERE id = 3", {}),
    ],
    # connection checks kept after their draft: a draft checked and then deleted.
    "2ec73d51be56": [
        *_insert(
            "customer",
            _CUSTOMER_COLUMNS,
            _CUSTOMER_VALUES,
            [_customer(id=3, account_id="M2N3-P4Q6", partner_id=1, name="Weggegooid BV")],
        ),
        *_insert(
            "connection_check",
            "id, user_id, customer_id, account_id, customer_name, target, result, checked_at",
            ":id, :user_id, :customer_id, :account_id, :customer_name, :target, :result, "
            ":checked_at",
            [
                {
                    "id": 2,
                    "user_id": 1,
                    "customer_id": 3,
                    "account_id": "M2N3-P4Q6",
                    "customer_name": "Weggegooid BV",
                    "target": "pbx.weggegooid.example:5060",
                    "result": "unreachable",
                    "checked_at": _at(120),
                }
            ],
        ),
        ("DELETE FROM customer WHERE id = 3", {}),
    ],
    # the UI language a user chose, kept on the user.
    "c320c4233df3": [("UPDATE app_user SET ui_language = 'nl' WHERE id = 1", {})],
    # a message waiting in the outbox for a customer's support contact.
    "cd6319d1d691": [
        *_insert(
            "outbox_message",
            "id, message_id, kind, customer_id, to_address, subject, body_text, body_html, "
            "created_at, attempts, next_attempt_at, last_error, sent_at",
            ":id, :message_id, :kind, :customer_id, :to_address, :subject, :body_text, "
            ":body_html, :created_at, :attempts, :next_attempt_at, :last_error, :sent_at",
            [
                {
                    "id": 1,
                    "message_id": "<1@cloudlink.example>",
                    "kind": "problem_report",
                    "customer_id": 1,
                    "to_address": "support@northwind.example",
                    "subject": "Probleem",
                    "body_text": "t",
                    "body_html": "<p>t</p>",
                    "created_at": _at(200),
                    "attempts": 0,
                    "next_attempt_at": _at(200),
                    "last_error": "",
                    "sent_at": None,
                }
            ],
        ),
    ],
    # a problem a partner user reported for a customer, not resolved yet.
    "ded984ff054f": [
        *_insert(
            "problem_report",
            "id, customer_id, account_id, customer_name, reporter_user_id, application, "
            "summary, description, created_at, resolved_at, resolved_by_user_id",
            ":id, :customer_id, :account_id, :customer_name, :reporter_user_id, :application, "
            ":summary, :description, :created_at, :resolved_at, :resolved_by_user_id",
            [
                {
                    "id": 1,
                    "customer_id": 1,
                    "account_id": "A2B3-C4D5",
                    "customer_name": "Bakkerij Test",
                    "reporter_user_id": 1,
                    "application": "mitel_one",
                    "summary": "Geen geluid",
                    "description": "Bellen lukt, maar niemand hoort iets.",
                    "created_at": _at(210),
                    "resolved_at": None,
                    "resolved_by_user_id": None,
                }
            ],
        ),
    ],
    # an invitation whose link is mailed: its seed, and the message that carries it.
    "e1a5c0ffee11": [
        ("UPDATE password_token SET link_seed = 'seed-1' WHERE id = 1", {}),
        ("UPDATE outbox_message SET password_token_id = 1 WHERE id = 1", {}),
    ],
    # the dashboard's search indexes: no rows of their own (they index the customers).
    "b7e2c91d4f30": [],
    # a user mailed about failed sign-ins.
    "22f251c90993": [("UPDATE app_user SET sign_in_alert_at = :at WHERE id = 1", {"at": _at(300)})],
    # users' addresses unique in any letter case: an index, no rows of its own.
    "d430c3a55be2": [],
    # the partner's team: a partner user limited to one customer, and the audit trail.
    "5c1e7a9d3b20": [
        ("UPDATE app_user SET all_customers = false WHERE id = 4", {}),
        (
            "INSERT INTO user_customer (user_id, customer_id) VALUES (4, 2) "
            "ON CONFLICT (user_id, customer_id) DO NOTHING",
            {},
        ),
        *_insert(
            "team_event",
            "id, partner_id, actor_id, member_id, action, detail, at",
            ":id, :partner_id, :actor_id, :member_id, :action, :detail, :at",
            [
                {
                    "id": 1,
                    "partner_id": 2,
                    "actor_id": 2,
                    "member_id": 4,
                    "action": "customers_changed",
                    "detail": "1",
                    "at": _at(320),
                }
            ],
        ),
    ],
    # mail limits: the report's message held by the partner's hourly limit.
    "a7c41e9b3f52": [
        (
            "UPDATE outbox_message SET held_until = :at, next_attempt_at = :at, "
            "held_reason = 'partner_mail' WHERE id = 1",
            {"at": _at(240)},
        )
    ],
    # single sign-on: partner 2's provider covering its domain, a user who signed in
    # with it, and a sign-in under way.
    "c3d9e2f1a0b7": [
        (
            "INSERT INTO partner_sso (partner_id, issuer, client_id, client_secret_encrypted, "
            "allow_new_users, require_sso, updated_at) VALUES (2, 'https://login.example.com', "
            "'client-1', 'encrypted', true, false, :at)",
            {"at": _at(250)},
        ),
        ("INSERT INTO sso_domain (domain, partner_id) VALUES ('example.com', 2)", {}),
        (
            "UPDATE app_user SET sso_issuer = 'https://login.example.com', "
            "sso_subject = 'sub-1' WHERE id = 4",
            {},
        ),
        (
            "INSERT INTO sso_request (id, state_hash, browser_hash, partner_id, nonce, "
            "code_verifier, next_path, created_at, used_at) VALUES (1, 'state', 'browser', 2, "
            "'nonce', 'verifier', '/', :at, NULL)",
            {"at": _at(251)},
        ),
    ],
    # the dashboard search's entries: no rows of their own (the triggers write them from
    # the customers and their domains).
    "4f8a2c6d9b13": [],
}


def _seed(connection: sa.Connection, revision: str) -> None:
    for sql, parameters in SEEDS[revision]:
        connection.execute(sa.text(sql), parameters)


# ----- what a step down and up again loses ------------------------------------------------

# A step down drops what its revision added, so the values in those columns and tables
# are lost: after the step up again the columns hold their server default (or NULL) and
# the tables are empty. Nothing that existed before the revision may change, except
# where written here.
ROUND_TRIP_LOSSES = {
    "f0c237717842": "every table and row (down to an empty database)",
    "1bc0463bcc46": (
        "connection checks; the customers' gateway, PBX, connect and sync values and their "
        "status (back to 'next:customer': the dashboard shows them at the first step until "
        "they are saved again)"
    ),
    "1ec50a2a0029": (
        "password hashes (no one can sign in until given a password again), sessions (all "
        "signed out), the save audit trail and failed sign-ins"
    ),
    "db5a0c36ac9b": (
        "password links, and deactivation: a deactivated user is active again after the "
        "step up, so deactivate them again (python -m cloudlink_app.accounts deactivate)"
    ),
    "3bc4aba0900f": (
        "the demo mark of partners without a demo account user: the step up marks only the "
        "partners of the demo accounts (its data migration)"
    ),
    "2ec73d51be56": (
        "the checks of deleted drafts (the step down deletes them: its customer_id is NOT "
        "NULL again), and the account ID and name kept on a check: the step up takes them "
        "from the customer as it is then"
    ),
    "c320c4233df3": "the UI language users chose (each page follows the browser's again)",
    "cd6319d1d691": "the outbox's messages (unsent ones are never sent)",
    "ded984ff054f": "the problem reports (their messages stay in the outbox)",
    "e1a5c0ffee11": (
        "the links of mailed messages not yet sent: they go out without their link (ask for "
        "a new one: the Review step's Send invitation again, or the accounts tool)"
    ),
    "b7e2c91d4f30": (
        "nothing: the search indexes are built again from the rows (the pg_trgm extension "
        "stays installed)"
    ),
    "22f251c90993": (
        "when users were last mailed about failed sign-ins: their next failures may mail them "
        "again within the day"
    ),
    "d430c3a55be2": (
        "nothing: the index is made again from the rows (the step up stops, changing nothing, "
        "if two users came to share an address in another letter case meanwhile)"
    ),
    "5c1e7a9d3b20": (
        "the team's audit trail and every user's customer selection (each partner user sees "
        "all customers again); partner admins become partner users, and the step up makes "
        "each partner's earliest active partner user its partner admin again"
    ),
    "a7c41e9b3f52": (
        "which limit held a message (it goes at its next_attempt_at all the same) and the "
        "partner of messages other than invitations and reports (none are written)"
    ),
    "c3d9e2f1a0b7": (
        "the partners' single sign-on configurations, the sign-ins under way and which "
        "provider subject each user signed in as (they are matched by email again)"
    ),
    "4f8a2c6d9b13": (
        "nothing: the search entries are made again from the customers, and the step down "
        "makes b7e2c91d4f30's trigram indexes again"
    ),
}


def _demo_partners_remarked(expected: dict[str, list[dict]]) -> None:
    """3bc4aba0900f's data migration: partners of the demo accounts it names are demo."""
    script = _script().get_revision("3bc4aba0900f")
    assert script is not None
    demo_emails = set(script.module.DEMO_EMAILS)
    demo = {user["partner_id"] for user in expected["app_user"] if user["email"] in demo_emails}
    for partner in expected["partner"]:
        partner["is_demo"] = partner["id"] in demo


def _checks_renamed_from_their_customer(expected: dict[str, list[dict]]) -> None:
    """2ec73d51be56: checks without a customer gone; the others named by it again."""
    by_id = {customer["id"]: customer for customer in expected["customer"]}
    expected["connection_check"] = [
        check | {"account_id": by_id[cid]["account_id"], "customer_name": by_id[cid]["name"]}
        for check in expected["connection_check"]
        if (cid := check["customer_id"]) is not None
    ]


def _partner_admins_made(expected: dict[str, list[dict]]) -> None:
    """5c1e7a9d3b20: each partner without a partner admin gets its earliest active
    partner user as one."""
    users = expected["app_user"]
    with_admin = {u["partner_id"] for u in users if u["role"] == "partner_admin"}
    earliest: dict[int, dict] = {}
    for user in sorted(users, key=lambda u: u["id"]):
        if user["role"] == "partner" and user.get("active", True):
            earliest.setdefault(user["partner_id"], user)
    for partner_id, user in earliest.items():
        if partner_id not in with_admin:
            user["role"] = "partner_admin"


def _partner_admins_undone(expected: dict[str, list[dict]]) -> None:
    """5c1e7a9d3b20's step down: partner admins are partner users again."""
    for user in expected["app_user"]:
        if user["role"] == "partner_admin":
            user["role"] = "partner"


def _messages_counted_for_their_partner(expected: dict[str, list[dict]]) -> None:
    """a7c41e9b3f52: invitations and reports count in their customer's partner's limits."""
    partner_of = {customer["id"]: customer["partner_id"] for customer in expected["customer"]}
    for message in expected["outbox_message"]:
        if message["kind"] in ("invitation", "problem_report"):
            message["partner_id"] = partner_of.get(message["customer_id"])


def _search_entries_made(expected: dict[str, list[dict]]) -> None:
    """4f8a2c6d9b13: one search entry per customer, its text lowered, one value a line
    (the domains in their order)."""
    domains: dict[int, list[dict]] = {}
    for domain in sorted(expected["email_domain"], key=lambda d: (d["position"], d["id"])):
        domains.setdefault(domain["customer_id"], []).append(domain)
    expected["customer_search_entry"] = [
        {
            "customer_id": customer["id"],
            "partner_id": customer["partner_id"],
            "updated_at": customer["updated_at"],
            "document": "\n".join(
                [
                    customer["name"],
                    customer["account_id"],
                    *(
                        f"{d['domain']}\n{d['normalized'] or ''}"
                        for d in domains.get(customer["id"], [])
                    ),
                ]
            ).lower()
            + ("" if customer["id"] in domains else "\n"),
        }
        for customer in sorted(expected["customer"], key=lambda c: c["id"])
    ]


DATA_MIGRATIONS: dict[str, Callable[[dict[str, list[dict]]], None]] = {
    "3bc4aba0900f": _demo_partners_remarked,
    "2ec73d51be56": _checks_renamed_from_their_customer,
    "5c1e7a9d3b20": _partner_admins_made,
    "a7c41e9b3f52": _messages_counted_for_their_partner,
    "4f8a2c6d9b13": _search_entries_made,
}
# What a step down changes in the rows the revision before it knew.
DOWNGRADE_DATA_MIGRATIONS: dict[str, Callable[[dict[str, list[dict]]], None]] = {
    "5c1e7a9d3b20": _partner_admins_undone,
}


# ----- reading the database ---------------------------------------------------------------

Schema = dict[str, dict[str, Any]]
Rows = dict[str, list[dict[str, Any]]]


def _schema(connection: sa.Connection) -> Schema:
    """Every table but alembic_version as PostgreSQL has it: columns (type, nullable,
    default), primary key, foreign keys (with ON DELETE), indexes, unique constraints."""
    inspector = sa.inspect(connection)
    schema: Schema = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        schema[table] = {
            "columns": {
                column["name"]: (str(column["type"]), column["nullable"], column["default"])
                for column in inspector.get_columns(table)
            },
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign_keys": sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    tuple(sorted(fk["options"].items())),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]), index["unique"])
                for index in inspector.get_indexes(table)
            ),
            "unique": sorted(
                (uq["name"], tuple(uq["column_names"]))
                for uq in inspector.get_unique_constraints(table)
            ),
        }
    return schema


def _rows(connection: sa.Connection) -> Rows:
    """Every row of every table but alembic_version, by primary key."""
    inspector = sa.inspect(connection)
    tables = [t for t in inspector.get_table_names() if t != "alembic_version"]
    rows: Rows = {}
    for table in tables:
        key = ", ".join(inspector.get_pk_constraint(table)["constrained_columns"])
        query = sa.text(f'SELECT * FROM "{table}" ORDER BY {key}')
        rows[table] = [dict(row._mapping) for row in connection.execute(query)]
    return rows


def _only(rows: Rows, schema: Schema) -> Rows:
    """The rows restricted to the tables and columns of `schema`."""
    return {
        table: [
            {k: v for k, v in row.items() if k in schema[table]["columns"]} for row in rows[table]
        ]
        for table in schema
    }


def _version(connection: sa.Connection) -> str | None:
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _script() -> ScriptDirectory:
    """The project's migration scripts (no database needed)."""
    return ScriptDirectory.from_config(alembic_config("postgresql+psycopg://"))


def _revisions() -> list[str]:
    """Every revision, from base to head."""
    return [script.revision for script in _script().walk_revisions()][::-1]


def _differences(connection: sa.Connection, metadata: sa.MetaData) -> list:
    """What autogenerate would write to make the database match `metadata`: tables,
    columns, types, nullability, indexes, unique constraints, foreign keys (with ON
    DELETE) and server defaults."""
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": _server_defaults_differ},
    )
    return compare_metadata(context, metadata)


def _server_defaults_differ(
    context: MigrationContext,
    inspected_column: sa.Column,
    metadata_column: sa.Column,
    inspected_default: str | None,
    metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's PostgreSQL comparison (run on the server) where the model declares a
    server default. The migrations that add a NOT NULL column to a table with rows give
    it a server default to fill those rows (e.g. customer.status 'next:customer', the
    gateway columns '') and leave it there, while the model declares only the Python
    default: plain server-default comparison reports all 23 of them. Such a default is
    accepted when it gives the value of the model's Python default, so that a row
    inserted without the column (an older app during a rolling deploy) reads as the
    model would have written it."""
    if metadata_default is not None or inspected_default is None:
        return None
    python_default = metadata_column.default
    if not isinstance(python_default, sa.ColumnDefault) or not python_default.is_scalar:
        return True
    assert context.connection is not None
    value = context.connection.scalar(sa.select(sa.literal_column(inspected_default)))
    return value != python_default.arg


# ----- an empty database ------------------------------------------------------------------


def test_the_migrations_build_the_models_schema(postgres):
    with postgres.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        differences = _differences(connection, SQLModel.metadata)
        version = _version(connection)
    assert {table.name for table in SQLModel.metadata.sorted_tables} <= tables
    assert tables - {table.name for table in SQLModel.metadata.sorted_tables} == {"alembic_version"}
    assert version == _script().get_current_head()
    assert differences == []


def test_the_comparison_sees_a_model_change_without_a_migration(postgres):
    """The comparison above can fail: a column, an index, a server default, a type and
    a back-fill default that the migrations do not have are each reported."""
    metadata = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(metadata)
    partner = metadata.tables["partner"]
    partner.append_column(sa.Column("notes", sa.String(500), nullable=False, server_default=""))
    sa.Index("ix_partner_name", partner.c.name)
    metadata.tables["app_user"].c.active.server_default = sa.DefaultClause(sa.false())
    metadata.tables["sign_in_attempt"].c.address.type = sa.String(45)
    metadata.tables["customer"].c.status.default = sa.ColumnDefault("next:gateway")

    with postgres.connect() as connection:
        differences = _differences(connection, metadata)

    def flat(diffs):
        for diff in diffs:
            yield from flat(diff) if isinstance(diff, list) else [diff]

    found = {
        (diff[0], diff[2], diff[3])
        if diff[0].startswith("modify_")
        else (diff[0], getattr(diff[-1], "name", None))
        for diff in flat(differences)
    }
    assert found == {
        ("add_column", "notes"),
        ("add_index", "ix_partner_name"),
        ("modify_default", "app_user", "active"),
        ("modify_type", "sign_in_attempt", "address"),
        ("modify_default", "customer", "status"),
    }


def test_the_migrations_go_down_and_up_again(schema_url):
    config = alembic_config(schema_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = sa.create_engine(schema_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert "customer" in sa.inspect(connection).get_table_names()
            assert _differences(connection, SQLModel.metadata) == []
    finally:
        engine.dispose()


# ----- the previous release's database ------------------------------------------------


def test_the_previous_release_migrates_to_head_with_its_data(schema_url):
    config = alembic_config(schema_url)
    revisions = _revisions()
    command.upgrade(config, PREVIOUS_RELEASE)
    engine = sa.create_engine(schema_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            for revision in revisions[: revisions.index(PREVIOUS_RELEASE) + 1]:
                _seed(connection, revision)
        with engine.connect() as connection:
            release_schema = _schema(connection)
            before = _rows(connection)
        assert {table: len(rows) for table, rows in before.items()} == {
            "partner": 2,
            "customer": 2,
            "email_domain": 4,
            "admin_contact": 2,
            "support_contact": 2,
            "app_user": 4,
            "connection_check": 1,
            "user_session": 2,
            "save_record": 3,
            "sign_in_attempt": 1,
        }

        command.upgrade(config, "head")

        with engine.connect() as connection:
            after = _rows(connection)
            assert _differences(connection, SQLModel.metadata) == []
    finally:
        engine.dispose()

    # Every row of the release, every value in its columns, as it was; but each
    # partner's earliest partner user is its partner admin now (5c1e7a9d3b20).
    _partner_admins_made(before)
    assert [user["role"] for user in before["app_user"]] == [
        "partner_admin",
        "partner_admin",
        "account_admin",
        "partner",
    ]
    assert _only(after, release_schema) == before
    customer = after["customer"][0]
    assert (customer["name"], customer["mac_claim"], customer["status"], customer["version"]) == (
        "Bücherei Müller GmbH",
        "00:1A:2B:3C:4D:5E",
        "next:pbx",
        3,
    )
    assert [user["password_hash"] for user in after["app_user"]] == [HASH, "", HASH, ""]

    # Added since: users active, password links none, the demo account's partner marked
    # (3bc4aba0900f's data migration) and the other not, checks named by their customer.
    assert [user["active"] for user in after["app_user"]] == [True, True, True, True]
    assert after["password_token"] == []
    assert {p["name"]: p["is_demo"] for p in after["partner"]} == {
        "Northwind Telecom": True,
        "Rival Telecom": False,
    }
    assert [(c["account_id"], c["customer_name"]) for c in after["connection_check"]] == [
        (ACCOUNT, "Bücherei Müller GmbH")
    ]

    # The app reads the migrated customer and signs in with the migrated hash.
    with Session(engine) as session:
        record = customers.load_customer(session, CustomerScope(1), ACCOUNT)
    assert [row.value for row in record.form.email_domains] == [
        "Bücher.example",
        "mueller.example",
        "nog niet af",
    ]
    assert [row.email for row in record.form.admin_contacts] == [
        "ada@mueller.example",
        "bram@mueller.example",
    ]
    assert [row.role for row in record.form.support_contacts] == ["maintainer", "onsite_admin"]
    assert record.completed == {wizard_path.CUSTOMER, wizard_path.GATEWAY}
    assert password_hashing.verify_password(after["app_user"][0]["password_hash"], PASSWORD)


# ----- every step down and up with rows present ----------------------------------------


def test_every_revision_steps_down_and_up_with_rows_present(schema_url):
    config = alembic_config(schema_url)
    revisions = _revisions()
    assert set(SEEDS) == set(revisions), "give each new revision its rows in SEEDS"
    assert set(ROUND_TRIP_LOSSES) == set(revisions), (
        "say in ROUND_TRIP_LOSSES what a step down and up of each new revision loses"
    )
    engine = sa.create_engine(schema_url, poolclass=sa.pool.NullPool)
    schemas: dict[str | None, Schema] = {None: {}}
    previous: str | None = None
    try:
        for revision in revisions:
            command.upgrade(config, revision)
            with engine.begin() as connection:
                schemas[revision] = _schema(connection)
                _seed(connection, revision)
            with engine.begin() as connection:
                before = _rows(connection)
                expected = _after_a_round_trip(
                    connection, revision, before, schemas[previous], schemas[revision]
                )

            command.downgrade(config, previous or "base")
            down = _only(expected, schemas[previous])
            if revision in DOWNGRADE_DATA_MIGRATIONS:
                DOWNGRADE_DATA_MIGRATIONS[revision](down)
            with engine.connect() as connection:
                assert _version(connection) == previous
                assert _schema(connection) == schemas[previous], f"down from {revision}"
                assert _rows(connection) == down, revision

            command.upgrade(config, revision)
            with engine.begin() as connection:
                assert _schema(connection) == schemas[revision], f"up to {revision} again"
                assert _rows(connection) == expected, f"down and up {revision}"
                _seed(connection, revision)  # its rows again, for the revisions after it
                assert _rows(connection) == before, revision
            previous = revision
    finally:
        engine.dispose()
    assert previous == revisions[-1]
    assert before["partner"] and before["connection_check"] and before["password_token"]


def _after_a_round_trip(
    connection: sa.Connection,
    revision: str,
    before: Rows,
    old: Schema,
    new: Schema,
) -> Rows:
    """`before` as it is after stepping down from `revision` and up again: the tables it
    added empty, the columns it added at their server default, its data migration run."""
    expected = copy.deepcopy(before)
    for table, shape in new.items():
        if table not in old:
            expected[table] = []
            continue
        for column, (_type, _nullable, default) in shape["columns"].items():
            if column in old[table]["columns"]:
                continue
            value = None
            if default is not None:
                value = connection.scalar(sa.select(sa.literal_column(default)))
            for row in expected[table]:
                row[column] = value
    if revision in DATA_MIGRATIONS:
        DATA_MIGRATIONS[revision](expected)
    return expected


# ----- the chain of revisions -------------------------------------------------------------


def test_one_head_and_a_straight_chain_of_revisions():
    script = _script()
    heads = script.get_heads()
    assert len(heads) == 1, heads
    assert len(script.get_bases()) == 1, script.get_bases()
    files = sorted(path.name for path in Path(script.versions).glob("*.py"))
    chain = list(script.walk_revisions())  # head first
    assert len(files) == len(chain), files
    for newer, older in zip(chain, [*chain[1:], None], strict=True):
        assert isinstance(newer.down_revision, str | None), newer.revision
        assert newer.down_revision == (older.revision if older else None), newer.revision
        assert not newer.is_branch_point and not newer.is_merge_point, newer.revision
        assert not newer.branch_labels and not newer.dependencies, newer.revision
    assert PREVIOUS_RELEASE in [revision.revision for revision in chain]
