"""Forms and databases the benchmarks run on: deterministic, realistic, never the app's.

Databases are SQLite files in a temporary directory of the run, on an engine made here
(the services take a Session, so they never see the app's REFLEX_DB_URL).
"""

from __future__ import annotations

import datetime
import random
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from cloudlink_app.domain import forms
from cloudlink_app.domain.wizard_path import _ACCOUNT_ID_ALPHABET
from cloudlink_app.models import (
    SEARCH_TABLE,
    SQLITE_SEARCH_DDL,
    Customer,
    EmailDomain,
    Partner,
)
from cloudlink_app.models.search import SQLITE_FILL

FIRST_NAMES = [
    "Sanne",
    "Pieter",
    "Lotte",
    "Jan",
    "Emma",
    "Thomas",
    "Julia",
    "Lukas",
    "Sophie",
    "Oliver",
    "Grace",
    "Daniel",
    "Maria",
    "James",
    "Hannah",
    "Noah",
    "Fenna",
    "Bram",
    "Elif",
    "Mohamed",
]
LAST_NAMES = [
    "de Jong",
    "Janssens",
    "Peeters",
    "Schmidt",
    "Weber",
    "Smith",
    "Taylor",
    "Brown",
    "Visser",
    "Bakker",
    "Wagner",
    "Evans",
    "Miller",
    "Garcia",
    "Clark",
    "van der Meer",
    "Hoogendijk",
    "Dubois",
    "Müller",
    "O'Brien",
]
# (business word, where it goes, business type)
BUSINESSES = [
    ("Bakkerij", "before", "retail"),
    ("Tandartspraktijk", "before", "healthcare"),
    ("Logistiek", "after", "transport"),
    ("Advocatenkantoor", "before", "legal"),
    ("Hotel", "before", "hospitality"),
    ("Brouwerij", "before", "manufacturing"),
    ("Notariaat", "before", "legal"),
    ("Maschinenbau GmbH", "after", "manufacturing"),
    ("Praxis", "before", "healthcare"),
    ("Spedition", "after", "transport"),
    ("Solicitors", "after", "legal"),
    ("Dental Care", "after", "healthcare"),
    ("Marine Supplies", "after", "retail"),
    ("Credit Union", "after", "finance"),
    ("Realty", "after", "real_estate"),
    ("Installatietechniek", "after", "construction"),
]
CITIES = [
    ("Utrecht", "NL", "3511 LK"),
    ("Rotterdam", "NL", "3089 JH"),
    ("Gent", "BE", "9000"),
    ("Stuttgart", "DE", "70565"),
    ("Leeds", "GB", "LS1 6DT"),
    ("Amersfoort", "NL", "3818 AB"),
]
TLDS = ["nl", "be", "de", "co.uk", "com", "eu"]


def _slug(text: str) -> str:
    kept = "".join(c for c in text.lower().replace("ü", "ue") if c.isalnum() or c == " ")
    return "-".join(kept.split())


def _mail_local(first: str, last: str) -> str:
    return f"{first}.{last}".lower().replace(" ", "").replace("'", "").replace("ü", "ue")


# ----- forms ---------------------------------------------------------------------


def realistic_form(tag: str = "") -> forms.CustomerForm:
    """A Dutch customer as a partner fills it in: NL address, 2 email domains, 3 admin
    contacts and 4 support contacts (maintainer, onsite admin, two others); it passes
    every rule. ``tag`` makes the domains unique (saving claims them)."""
    domain = f"vandermeer-bakkerij{tag}.nl"
    second = f"bakkerijvandermeer{tag}.com"
    return forms.CustomerForm(
        customer_name="Bakkerij Van der Meer B.V.",
        country="NL",
        street_address="Kerkstraat 12",
        address_line2="2e verdieping",
        city="Utrecht",
        postal_code="3511lk",
        business_type="retail",
        default_language="nl",
        email_domains=[forms.DomainRow(1, domain), forms.DomainRow(2, second)],
        admin_contacts=[
            forms.AdminContactRow(3, "Sanne", "van der Meer", f"sanne.vandermeer@{domain}"),
            forms.AdminContactRow(4, "Pieter", "de Jong", f"p.dejong@{domain}"),
            forms.AdminContactRow(5, "Lotte", "Visser", f"Lotte.Visser@{second}"),
        ],
        support_contacts=[
            forms.SupportContactRow(
                6, "maintainer", "Northwind Support Desk", "support@northwind-telecom.example"
            ),
            forms.SupportContactRow(7, "onsite_admin", "Jan Bakker", f"jan.bakker@{domain}"),
            forms.SupportContactRow(8, "other", "Emma Schmidt", f"emma.schmidt@{domain}"),
            forms.SupportContactRow(9, "other", "Facilitair Bureau", f"facilitair@{second}"),
        ],
    )


def large_form(tag: str = "") -> forms.CustomerForm:
    """The biggest form the rules accept: 500 admin and 500 support contacts (MAX_ROWS),
    every address different, so it passes every rule."""
    form = realistic_form(tag)
    domains = [row.value for row in form.email_domains]
    next_id = 10
    admins, supports = [], []
    for n in range(500):
        first, last = FIRST_NAMES[n % 20], LAST_NAMES[(n * 7) % 20]
        admins.append(
            forms.AdminContactRow(
                next_id, first, last, f"{_mail_local(first, last)}{n}@{domains[n % 2]}"
            )
        )
        next_id += 1
    roles = ["maintainer", "onsite_admin", "other"]
    for n in range(500):
        first, last = FIRST_NAMES[(n * 3) % 20], LAST_NAMES[(n + 5) % 20]
        supports.append(
            forms.SupportContactRow(
                next_id,
                roles[min(n, 2)],
                f"{first} {last}",
                f"support.{_mail_local(first, last)}{n}@{domains[n % 2]}",
            )
        )
        next_id += 1
    form.admin_contacts, form.support_contacts = admins, supports
    return form


def form_addresses(form: forms.CustomerForm) -> list[str]:
    """Every email address of a form, in page order."""
    return [row.email for row in (*form.admin_contacts, *form.support_contacts)]


# ----- databases -------------------------------------------------------------------


class TempDatabases:
    """A temporary directory for the run's SQLite files; removed on exit."""

    def __enter__(self) -> TempDatabases:
        self.path = Path(tempfile.mkdtemp(prefix="cloudlink-bench-"))
        self.engines: list[sa.Engine] = []
        return self

    def engine(self, name: str) -> sa.Engine:
        """A new, empty database file with the app's tables (and indexes)."""
        # The same engine arguments Reflex uses for SQLite (reflex.model.get_engine).
        engine = sa.create_engine(
            f"sqlite:///{self.path / name}", connect_args={"check_same_thread": False}
        )
        SQLModel.metadata.create_all(engine)
        self.engines.append(engine)
        return engine

    def __exit__(self, *exc_info) -> None:
        for engine in self.engines:
            engine.dispose()
        shutil.rmtree(self.path, ignore_errors=True)


def session(engine: sa.Engine) -> Session:
    """A session as the app opens one (services.database.get_session), on ``engine``."""
    return Session(engine, expire_on_commit=False)


def sent_statements(engine: sa.Engine, call) -> list[tuple[str, tuple]]:
    """The SQL statements (with their parameters) that ``call()`` sends on ``engine``."""
    sent: list[tuple[str, tuple]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, tuple(parameters)))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return sent


def add_partners(engine: sa.Engine) -> tuple[int, int]:
    """The partner being benchmarked and another one; their ids."""
    with session(engine) as s:
        mine, other = Partner(name="Northwind Telecom"), Partner(name="Southwind Telecom")
        s.add_all([mine, other])
        s.commit()
        return mine.id, other.id


def _account_ids(rng: random.Random, count: int) -> list[str]:
    found: set[str] = set()
    ids = []
    while len(ids) < count:
        chars = "".join(rng.choice(_ACCOUNT_ID_ALPHABET) for _ in range(8))
        candidate = f"{chars[:4]}-{chars[4:]}"
        if candidate not in found:
            found.add(candidate)
            ids.append(candidate)
    return ids


def seed_customers(
    engine: sa.Engine, partners: list[int], per_partner: int
) -> tuple[list[dict], list[dict]]:
    """Bulk-insert ``per_partner`` customers for each partner, one email domain each,
    saved a few minutes apart (partners interleaved), with a mix of wizard progress.
    Returns the customer rows and the email domain rows (dicts), as inserted."""
    rng = random.Random(20261127 + per_partner)
    total = per_partner * len(partners)
    account_ids = _account_ids(rng, total)
    newest = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    progress = [
        "",
        "customer",
        "customer,gateway",
        "customer,gateway,pbx",
        "customer,gateway,pbx,connect",
    ]
    customers, domains = [], []
    for index in range(total):
        word, where, business = BUSINESSES[rng.randrange(len(BUSINESSES))]
        last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
        city, country, postal = CITIES[rng.randrange(len(CITIES))]
        name = f"{word} {last}" if where == "before" else f"{last} {word}"
        if rng.random() < 0.3:
            name += f" {city}"
        # Oldest first, as customers are created: ids grow with time.
        age = 37 * (total - 1 - index) + rng.randrange(30)
        saved = newest - datetime.timedelta(minutes=age)
        steps = progress[rng.randrange(len(progress))]
        customer_id = index + 1
        customers.append(
            {
                "id": customer_id,
                "account_id": account_ids[index],
                "partner_id": partners[index % len(partners)],
                "name": name,
                "country": country,
                "street_address": f"Kerkstraat {rng.randrange(1, 300)}",
                "address_line2": "",
                "city": city,
                "state_province": "",
                "postal_code": postal,
                "business_type": business,
                "default_language": "nl",
                "completed_steps": steps,
                "onboarded": steps.endswith("connect"),
                "created_at": saved - datetime.timedelta(days=2),
                "updated_at": saved,
                "version": 1 + rng.randrange(4),
            }
        )
        domain = f"{_slug(last)}-{_slug(word)}-{customer_id}.{TLDS[index % len(TLDS)]}"
        domains.append(
            {"customer_id": customer_id, "position": 0, "domain": domain, "normalized": domain}
        )
    with engine.begin() as connection:
        # The search's triggers update it row by row: off for the bulk insert, then the
        # entries are filled in one statement, the FTS5 index rebuilt from them, and the
        # triggers are back, as the migration that adds them does
        # (models/search.py SQLITE_SEARCH_DDL).
        triggers = [
            name
            for (name,) in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                (f"{SEARCH_TABLE}_%",),
            )
        ]
        for name in triggers:
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        connection.execute(sa.insert(Customer), customers)
        connection.execute(sa.insert(EmailDomain), domains)
        if triggers:
            connection.exec_driver_sql(SQLITE_FILL)
            connection.exec_driver_sql(
                f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('rebuild')"
            )
            for statement in SQLITE_SEARCH_DDL[1:]:
                connection.exec_driver_sql(statement)
        # No ANALYZE: the app never runs it, so the planner works without statistics.
    return customers, domains
