"""Benchmark 3: saving the Customer step (services.customers.save_customer, Next).

A realistic form (NL address, 2 domains, 3 admin + 4 support contacts) is saved with
complete=True on a new Session each time, as the wizard does, into a temporary SQLite
database that already holds 1,000 customers for the partner and 1,000 for another.
"save, new customer" inserts (every save claims two fresh domains); "save, existing
customer" updates one customer again and again (version check, lists replaced). The
baseline is a bare INSERT of one Customer row in its own transaction: the floor of
any save, one commit to disk. load_customer, which save_customer ends with, is timed
alone to show its share. For scale, the largest form the rules accept (500 admin and
500 support contacts) is saved too.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from bench import _fixtures
from bench._timing import heading, interleaved, ms, ratio, table
from cloudlink_app.domain import wizard_path
from cloudlink_app.models import Customer
from cloudlink_app.services import customers
from cloudlink_app.services.owned_customers import CustomerScope

REPETITIONS = 500
LARGE_REPETITIONS = 40
SEED_PER_PARTNER = 1_000


def run(quick: bool = False) -> dict:
    """Measure and print; return the figures (for the README)."""
    print(heading("3. Saving the Customer step (services.customers.save_customer)"))
    repetitions = max(10, REPETITIONS // (5 if quick else 1))
    with _fixtures.TempDatabases() as databases:
        engine = databases.engine("save.db")
        partner_id, other_id = _fixtures.add_partners(engine)
        _fixtures.seed_customers(engine, [partner_id, other_id], SEED_PER_PARTNER)
        counter = itertools.count()

        def save_new():
            form = _fixtures.realistic_form(tag=f"-{next(counter)}")
            with _fixtures.session(engine) as s:
                return customers.save_customer(
                    s,
                    scope=CustomerScope(partner_id),
                    account_id=None,
                    expected_version=None,
                    form=form,
                    complete=True,
                )

        existing = save_new()
        state = {"version": existing.version}
        existing_form = _fixtures.realistic_form(tag="-existing")

        def save_existing():
            with _fixtures.session(engine) as s:
                record = customers.save_customer(
                    s,
                    scope=CustomerScope(partner_id),
                    account_id=existing.account_id,
                    expected_version=state["version"],
                    form=existing_form,
                    complete=True,
                )
            # Each successful update adds one to the version. Counted here, not taken
            # from record.version, which some versions of save_customer returned stale
            # (see the README's findings).
            state["version"] += 1
            return record

        def load():
            with _fixtures.session(engine) as s:
                return customers.load_customer(s, CustomerScope(partner_id), existing.account_id)

        def bare_insert():
            with engine.begin() as connection:
                connection.execute(
                    sa.insert(Customer),
                    {
                        "account_id": wizard_path.generate_account_id(),
                        "partner_id": partner_id,
                        "name": "Bakkerij Van der Meer B.V.",
                    },
                )

        calls = {
            "save, new customer": save_new,
            "save, existing customer": save_existing,
            "load_customer alone": load,
            "baseline: bare INSERT of 1 customer": bare_insert,
        }
        samples = interleaved(calls, repetitions)

        def save_large():
            form = _fixtures.large_form(tag=f"-{next(counter)}")
            with _fixtures.session(engine) as s:
                return customers.save_customer(
                    s,
                    scope=CustomerScope(partner_id),
                    account_id=None,
                    expected_version=None,
                    form=form,
                    complete=True,
                )

        # The largest form the rules accept, for scale: timed on its own, fewer times.
        large_name = "save, new customer, 500 + 500 contacts"
        samples[large_name] = interleaved(
            {large_name: save_large}, max(5, LARGE_REPETITIONS // (5 if quick else 1))
        )[large_name]
        calls[large_name] = save_large
        # Statements each sends (an executemany counts once; BEGIN/COMMIT not counted).
        sent = {name: len(_fixtures.sent_statements(engine, call)) for name, call in calls.items()}
    base = samples["baseline: bare INSERT of 1 customer"].median
    rows = [
        [name, len(s), sent[name], ms(s.median), ms(s.p95), ratio(s.median, base)]
        for name, s in samples.items()
    ]
    print(
        "Realistic form, complete=True, new Session per call; SQLite default journal "
        "(the app sets no PRAGMA)."
    )
    print(
        table(["operation", "calls", "SQL statements", "median ms", "p95 ms", "vs baseline"], rows)
    )
    return {"samples": samples, "reps": repetitions, "statements": sent}
