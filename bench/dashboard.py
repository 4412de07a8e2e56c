"""Benchmark 2: the Partner dashboard query (services.customer_list.list_customers).

Two temporary SQLite databases, made from the models' metadata (the same tables and
indexes as the migration): 1,000 customers for the partner plus 1,000 for another
partner, and 10,000 plus 10,000, one email domain each. Each query runs on a new
Session, as the dashboard opens one per load. The baseline is the cheapest query,
``SELECT count(*) FROM customer``, on the same database and the same way.

After the timings it prints SQLite's EXPLAIN QUERY PLAN of the statements that
list_customers sends, and the time of each statement on its own, at 10,000.

It also times ``services.customer_list.status_counts`` (the counts by status at the top
of the dashboard, one GROUP BY). The seeded customers get the status that
``wizard_path.status_for`` gives their progress, as every save stores it.
"""

from __future__ import annotations

import sqlalchemy as sa

from bench import _fixtures
from bench._timing import heading, interleaved, ms, ratio, table
from cloudlink_app.domain import permissions, wizard_path
from cloudlink_app.models import AppUser, Customer, UserCustomer
from cloudlink_app.services import customer_list
from cloudlink_app.services.owned_customers import CustomerScope

SIZES = (1_000, 100_000)
PAGE_SIZE = 25  # views.dashboard.PAGE_SIZE
DEEP_PAGE = 200
REPETITIONS = {1_000: 200, 100_000: 30}
NAME_SEARCH = "Hoogendijk"
BASELINE_SQL = "SELECT count(*) FROM customer"
COUNTS = "counts by status"
# A partner user who sees only SELECTED customers (the team issue): the same queries,
# which must be no slower than for a user who sees all.
SELECTED = 20
LIMITED = f"limited user ({SELECTED} selected): "
LIMITED_QUERIES = ("first page", f"search name '{NAME_SEARCH}'")
# One customer in this many continued without a connection (a problem to fix).
PROBLEM_EVERY = 25


def _queries(seeded: list[dict], domains: list[dict], partner_id: int) -> dict[str, dict]:
    """The dashboard queries to time, as list_customers arguments."""
    mine = [c for c in seeded if c["partner_id"] == partner_id]
    target = mine[len(mine) // 3]  # somewhere in the middle, not on the first page
    last_page = -(-len(mine) // PAGE_SIZE)
    deep = min(DEEP_PAGE, last_page)
    domain = next(d["domain"] for d in domains if d["customer_id"] == target["id"])
    queries = {
        "first page": {"search": "", "page": 1},
        f"page {DEEP_PAGE}" if deep == DEEP_PAGE else f"page {deep} (last)": {
            "search": "",
            "page": deep,
        },
    }
    queries["last page" if last_page > deep else "last page (as above)"] = {
        "search": "",
        "page": last_page,
    }
    return queries | {
        f"search name '{NAME_SEARCH}'": {"search": NAME_SEARCH, "page": 1},
        "search account ID": {"search": target["account_id"], "page": 1},
        "search domain": {"search": domain, "page": 1},
    }


def _list_call(engine: sa.Engine, scope: CustomerScope, args: dict):
    def call():
        with _fixtures.session(engine) as s:
            return customer_list.list_customers(s, scope, args["search"], args["page"], PAGE_SIZE)

    return call


def _counts_call(engine: sa.Engine, scope: CustomerScope):
    def call():
        with _fixtures.session(engine) as s:
            return customer_list.status_counts(s, scope)

    return call


def _limited_user(engine: sa.Engine, partner_id: int, seeded: list[dict]) -> CustomerScope:
    """A partner user who sees SELECTED of the partner's customers (half of them named
    like the name search, the others spread over the list): their scope."""
    mine = [c for c in seeded if c["partner_id"] == partner_id]
    named = [c for c in mine if NAME_SEARCH.lower() in c["name"].lower()][: SELECTED // 2]
    chosen = [c["id"] for c in named]
    for customer in mine[:: max(1, len(mine) // SELECTED)]:
        if len(chosen) == SELECTED:
            break
        if customer["id"] not in chosen:
            chosen.append(customer["id"])
    chosen_ids = sorted(chosen)
    with _fixtures.session(engine) as s:
        user = AppUser(
            email="limited@northwind.example",
            display_name="Limited",
            role=permissions.PARTNER_ROLE,
            partner_id=partner_id,
            all_customers=False,
        )
        s.add(user)
        s.flush()
        assert user.id is not None
        s.add_all([UserCustomer(user_id=user.id, customer_id=cid) for cid in chosen_ids])
        s.commit()
        return CustomerScope(partner_id, user.id)


def _set_statuses(engine: sa.Engine, seeded: list[dict]) -> None:
    """Store each seeded customer's status as the app's saves do."""
    updates = []
    for index, customer in enumerate(seeded):
        completed = wizard_path.parse_completed(customer["completed_steps"])
        skipped = wizard_path.CONNECT in completed and index % PROBLEM_EVERY == 0
        status = wizard_path.status_for(
            completed, wizard_path.APPLIANCE, customer["onboarded"], skipped
        )
        updates.append({"row_id": customer["id"], "new_status": status})
    with engine.begin() as connection:
        connection.execute(
            sa.update(Customer)
            .where(Customer.id == sa.bindparam("row_id"))
            .values(status=sa.bindparam("new_status")),
            updates,
        )


def _baseline_call(engine: sa.Engine):
    def call():
        with _fixtures.session(engine) as s:
            return s.execute(sa.text(BASELINE_SQL)).scalar_one()

    return call


def _plan(engine: sa.Engine, statement: str, parameters: tuple) -> list[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    depth = {0: 0}
    lines = []
    for node_id, parent, _, detail in rows:
        depth[node_id] = depth.get(parent, 0) + 1
        lines.append("  " * depth[node_id] + detail)
    return lines


def _statement_call(engine: sa.Engine, statement: str, parameters: tuple):
    def call():
        with engine.connect() as connection:
            return connection.exec_driver_sql(statement, parameters).all()

    return call


def run(quick: bool = False) -> dict:
    """Measure and print; return the figures (for the README)."""
    print(heading("2. Partner dashboard (services.customer_list.list_customers)"))
    figures: dict = {"sizes": {}}
    with _fixtures.TempDatabases() as databases:
        for size in SIZES:
            engine = databases.engine(f"dashboard-{size}.db")
            partner_id, other_id = _fixtures.add_partners(engine)
            seeded, domains = _fixtures.seed_customers(engine, [partner_id, other_id], size)
            _set_statuses(engine, seeded)
            queries = _queries(seeded, domains, partner_id)
            everything = CustomerScope(partner_id)
            calls = {name: _list_call(engine, everything, args) for name, args in queries.items()}
            calls[COUNTS] = _counts_call(engine, everything)
            limited = _limited_user(engine, partner_id, seeded)
            for name in LIMITED_QUERIES:
                calls[LIMITED + name] = _list_call(engine, limited, queries[name])
            calls[LIMITED + COUNTS] = _counts_call(engine, limited)
            calls["baseline: " + BASELINE_SQL] = _baseline_call(engine)
            repetitions = max(5, REPETITIONS[size] // (5 if quick else 1))
            samples = interleaved(calls, repetitions)
            results = {}
            for name, call in calls.items():
                found = call()
                if isinstance(found, tuple):
                    matches, shown = found[1], len(found[0])
                elif isinstance(found, customer_list.StatusCounts):
                    matches, shown = found.total, 3
                else:
                    matches, shown = found, 1
                results[name] = {
                    "samples": samples[name],
                    "matches": matches,
                    "rows": shown,
                    "reps": repetitions,
                }
            figures["sizes"][size] = results
            if size == max(SIZES):
                figures["plans"] = _explain(engine, everything, queries)
                figures["plans"] += _explain_call(engine, COUNTS, _counts_call(engine, everything))
                figures["plans"] += _explain_call(
                    engine,
                    LIMITED + "first page",
                    _list_call(engine, limited, queries["first page"]),
                )
        _print(figures)
    return figures


def _explain(engine: sa.Engine, scope: CustomerScope, queries: dict) -> list[dict]:
    """Plan and time of each statement list_customers sends, per query."""
    explained = []
    for name, args in queries.items():
        explained += _explain_call(engine, name, _list_call(engine, scope, args))
    return explained


def _explain_call(engine: sa.Engine, name: str, call) -> list[dict]:
    """Plan and time of each statement one call sends."""
    explained = []
    for statement, parameters in _fixtures.sent_statements(engine, call):
        upper = statement.lstrip().upper()
        kind = (
            "group by"
            if "GROUP BY" in upper
            else "count"
            if upper.startswith("SELECT COUNT")
            else "page"
        )
        timing = interleaved({"s": _statement_call(engine, statement, parameters)}, 10, warmup=1)[
            "s"
        ]
        explained.append(
            {
                "query": name,
                "kind": kind,
                "sql": statement,
                "parameters": parameters,
                "plan": _plan(engine, statement, parameters),
                "median": timing.median,
            }
        )
    return explained


def _k(size: int) -> str:
    return f"{size // 1000}k"


def _print(figures: dict) -> None:
    small, large = (figures["sizes"][size] for size in SIZES)
    base_small = next(r for n, r in small.items() if n.startswith("baseline"))
    base_large = next(r for n, r in large.items() if n.startswith("baseline"))
    rows = []
    for (name_s, r_s), (name_l, r_l) in zip(small.items(), large.items(), strict=True):
        label = name_l if name_s == name_l else f"{name_l} / {_k(SIZES[0])}: {name_s}"
        s, big = r_s["samples"], r_l["samples"]
        rows.append(
            [
                label,
                r_s["matches"],
                ms(s.median),
                ratio(s.median, base_small["samples"].median),
                r_l["matches"],
                ms(big.median),
                ms(big.p95),
                ratio(big.median, base_large["samples"].median),
                ratio(big.median, s.median),
            ]
        )
    print(
        f"{PAGE_SIZE} rows a page; each query on a new Session; medians of "
        f"{base_small['reps']} ({_k(SIZES[0])}) and {base_large['reps']} ({_k(SIZES[1])}) "
        "runs, interleaved."
    )
    print(
        table(
            [
                "query",
                f"{_k(SIZES[0])}: matches",
                "median ms",
                "vs base",
                f"{_k(SIZES[1])}: matches",
                "median ms",
                "p95 ms",
                "vs base",
                f"{_k(SIZES[1])} / {_k(SIZES[0])}",
            ],
            rows,
        )
    )
    print(
        f"\nA limited user ({SELECTED} customers selected) against one who sees all, "
        f"at {_k(SIZES[1])}:"
    )
    for name in (*LIMITED_QUERIES, COUNTS):
        mine, everyone = large[LIMITED + name]["samples"], large[name]["samples"]
        print(
            f"- {name}: {ms(mine.median)} ms against {ms(everyone.median)} ms "
            f"({ratio(mine.median, everyone.median)})"
        )
    print(
        f"\nWhere the time goes at {_k(SIZES[1])}: each statement list_customers sends, "
        "timed alone (median of 10), and its EXPLAIN QUERY PLAN"
    )
    for item in figures["plans"]:
        print(f"\n- {item['query']} / {item['kind']}: {ms(item['median'])} ms")
        for line in item["plan"]:
            print(f"  {line}")
