"""Events over Reflex's own websocket, as partners feel them, against Reflex's floor.

Starts the production backend (bench/_server.py: one Granian worker, SQLite, demo data)
on a free loopback port and drives it with simulated partners: each one signs in over
HTTP (POST /auth/sign-in, the session cookie), opens the Customer step of a new
customer over python-socketio as the generated frontend does (the hydrate in the
CONNECT packet, the on_load events sent back), and fires events back to back. Reflex
0.10 sends no "done" message, so each event is timed from its emit until the update
that carries its own effect arrives (a unique value typed, the row added, the redirect
of Next). Events the backend returns to the frontend (on_load chains) are sent back as
the frontend sends them.

The floor is Reflex's cheapest built-in event, ``OnLoadInternalState.set_is_hydrated``
(a leaf substate, one root var flipped; the app's middleware leaves it alone): every
partner sends one after each timed event, so the floor meets the same load.

Then the same partners (1, 10, 50; the Customer step, without the sign-in burst and
the memory figures) through nginx on the production topology (bench/_topology.py: the
topology run's two `make serve` instances with two workers each, PostgreSQL, Redis),
with Reflex's opportunistic Redis lock (REFLEX_OPLOCK_ENABLED) off and on, in the
order off, on, on, off (--quick: off, on), the instances started again before each
run; each setting's table has its own floor, and a last table puts them side by side.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import _server
from bench._timing import heading, ms, percentile, table

CLIENTS = (1, 10, 50)
# Seconds an event may take before the run stops with an error.
TIMEOUT = float(os.environ.get("BENCH_EVENT_TIMEOUT", "120"))
# Rounds of the whole Customer step per partner, by number of partners (--quick: 1).
ROUNDS = {1: 12, 10: 2, 50: 1}
FIELD = "_rx_state_"
PAGES_ORIGIN = "http://localhost:3000"
NEW_CUSTOMER = "/customers/new"
# Reflex's Socket.IO path and namespace (the frontend opens io("<backend>/_event")).
NAMESPACE = "/_event"

# The session cookie's name: demo mode's (the one-worker backend), production's.
DEMO_COOKIE, SECURE_COOKIE = "cloudlink_session", "__Host-cloudlink_session"

MEMORY_SESSIONS = 200
# The running backend's states directory (bench/_server.py), set by backend().
STATES_DIR: list[Path] = []
FLOOR = "floor: set_is_hydrated"
TYPING = "typing: set_customer_name"
CHECKED = "typing after an empty Next: set_admin_email"
ADD_ROW = "add a row: add_email_domain, add_support_contact"
NEXT_ERRORS = "Next, empty form (errors)"
NEXT_SAVE = "Next with save"
KINDS = (FLOOR, TYPING, CHECKED, ADD_ROW, NEXT_ERRORS, NEXT_SAVE)


def _names() -> dict[str, str]:
    from reflex.state import OnLoadInternalState, State

    from cloudlink_app.state.customer_step import CustomerStepState
    from cloudlink_app.state.session import SessionState

    return {
        "root": State.get_full_name(),
        "onload": OnLoadInternalState.get_full_name(),
        "session": SessionState.get_full_name(),
        "customer": CustomerStepState.get_full_name(),
    }


NAMES: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def backend():
    """The backend running in a temporary directory; yields (base URL, process)."""
    workdir = Path(tempfile.mkdtemp(prefix="cloudlink-bench-events-"))
    process = None
    try:
        _server.prepare(workdir)
        port = _free_port()
        log = open(workdir / "server.log", "wb")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [sys.executable, "-m", "bench._server", "--port", str(port)],
            cwd=_server.ROOT,
            env=_server.environment(workdir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        STATES_DIR[:] = [workdir / ".states"]
        _wait_for(url, process, workdir)
        yield url, process
    finally:
        _server.stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for(url: str, process: subprocess.Popen, workdir: Path) -> None:
    import httpx

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                "the benchmark's backend stopped:\n" + (workdir / "server.log").read_text()
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/ping", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("the benchmark's backend did not answer /ping within 90 s")


def worker_pid(process: subprocess.Popen) -> int:
    """The Granian worker's pid (the process that runs the app), for memory and py-spy."""
    import psutil

    children = psutil.Process(process.pid).children(recursive=True)
    workers = [c for c in children if "python" in c.name().lower()] or children
    return max(workers, key=lambda c: c.memory_info().rss).pid


# ----- one browser tab ------------------------------------------------------------


@dataclasses.dataclass
class _Waiter:
    matches: Callable[[dict], bool]
    done: asyncio.Future


class Tab:
    """One partner's browser tab: a session cookie and a websocket speaking Reflex's
    protocol (the event format of .web/utils/state.js)."""

    def __init__(self, url: str, cookie: str, number: int, origin: str = PAGES_ORIGIN) -> None:
        import socketio

        self.url, self.cookie, self.number, self.origin = url, cookie, number, origin
        # Production's cookie (Secure, __Host-) outside demo mode: the topology's.
        self.cookie_name = DEMO_COOKIE if origin == PAGES_ORIGIN else SECURE_COOKIE
        self.token = str(uuid.uuid4())
        self.path = NEW_CUSTOMER
        self.sio = socketio.AsyncClient(reconnection=False)
        self.waiters: list[_Waiter] = []
        self.state: dict[str, dict[str, Any]] = collections.defaultdict(dict)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        self.hydrated = False

    def _router_data(self) -> dict:
        return {"pathname": self.path, "asPath": self.path}

    def _event(self, name: str, payload: dict | None = None) -> dict:
        return {"name": name, "payload": payload or {}, "router_data": self._router_data()}

    async def _on_update(self, update: dict) -> None:
        for state_name, values in (update.get("delta") or {}).items():
            self.state[state_name].update(values)
        for event in update.get("events") or []:
            name = event.get("name", "")
            if not name.startswith("_"):  # a backend event: the frontend sends it back
                await self.sio.emit(
                    "event", {**event, "router_data": self._router_data()}, namespace=NAMESPACE
                )
        for waiter in list(self.waiters):
            if not waiter.done.done() and waiter.matches(update):
                waiter.done.set_result(time.perf_counter())
                self.waiters.remove(waiter)

    def var(self, state: str, name: str) -> Any:
        return self.state[NAMES[state]].get(name + FIELD)

    async def open(self) -> float:
        """Open /customers/new (connect, hydrate, on_load); the seconds it took."""
        root = NAMES["root"]
        boot = self._event(f"{root}.hydrate_and_load", {"vars": {}})
        done = self._expect(lambda u: _delta(u, "root", "is_hydrated") is True)
        started = time.perf_counter()
        await self.sio.connect(
            f"{self.url}?token={self.token}",
            headers={"Cookie": f"{self.cookie_name}={self.cookie}", "Origin": self.origin},
            transports=["websocket"],
            socketio_path="/_event",
            namespaces=[NAMESPACE],
            auth={"event": boot},
            wait_timeout=30,
        )
        return await asyncio.wait_for(done, 60) - started

    def _expect(self, matches: Callable[[dict], bool]) -> asyncio.Future:
        waiter = _Waiter(matches, asyncio.get_running_loop().create_future())
        self.waiters.append(waiter)
        return waiter.done

    async def send(
        self, state: str, handler: str, payload: dict, effect: Callable[[dict], bool]
    ) -> float:
        """Emit one event; the seconds until an update with its effect arrived."""
        done = self._expect(effect)
        started = time.perf_counter()
        await self.sio.emit(
            "event", self._event(f"{NAMES[state]}.{handler}", payload), namespace=NAMESPACE
        )
        try:
            return await asyncio.wait_for(done, TIMEOUT) - started
        except TimeoutError:
            raise RuntimeError(f"no update with the effect of {handler}{payload}") from None

    async def close(self) -> None:
        await self.sio.disconnect()


def _delta(update: dict, state: str, var: str) -> Any:
    return (update.get("delta") or {}).get(NAMES[state], {}).get(var + FIELD, _MISSING)


_MISSING = object()


def _redirected(update: dict) -> bool:
    return any(e.get("name") == "_redirect" for e in update.get("events") or [])


async def sign_in(url: str, origin: str = PAGES_ORIGIN) -> tuple[str, float]:
    """The demo partner signs in over HTTP (Argon2 included): (cookie, seconds);
    ``origin``: the pages' (the topology's is nginx's, its deploy URL)."""
    import httpx

    from cloudlink_app.demo_data import accounts

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, follow_redirects=False, timeout=60) as http:
        response = await http.post(
            "/auth/sign-in",
            data={
                "email": accounts.DEMO_PARTNER_EMAIL,
                "password": accounts.DEMO_PASSWORD,
                "next": NEW_CUSTOMER,
            },
            headers={"Origin": origin},
        )
    elapsed = time.perf_counter() - started
    cookie = response.cookies.get(DEMO_COOKIE) or response.cookies.get(SECURE_COOKIE)
    if response.status_code != 303 or not cookie:
        raise RuntimeError(f"sign-in refused: {response.status_code} {response.headers}")
    return cookie, elapsed


# ----- what a partner does ----------------------------------------------------------


class Partner:
    """A partner on the Customer step, recording each timed event and a floor after it."""

    def __init__(self, tab: Tab, samples: dict[str, list[float]]) -> None:
        self.tab, self.samples = tab, samples
        self.hydrated = True
        self.round = 0

    async def floor(self) -> None:
        self.hydrated = not self.hydrated
        value = self.hydrated
        self.samples[FLOOR].append(
            await self.tab.send(
                "onload",
                "set_is_hydrated",
                {"value": value},
                lambda u: _delta(u, "root", "is_hydrated") is value,
            )
        )

    async def timed(self, kind: str, handler: str, payload: dict, effect) -> None:
        self.samples[kind].append(await self.tab.send("customer", handler, payload, effect))
        await self.floor()

    async def quiet(self, handler: str, payload: dict, effect) -> None:
        await self.tab.send("customer", handler, payload, effect)

    async def row(self, var: str, handler: str, index: int, timed: bool = True) -> int:
        """The id of row ``index`` of a list, added first (timed) when missing."""
        rows = self.tab.var("customer", var) or []
        if index >= len(rows):
            count = len(rows) + 1
            effect = lambda u, count=count: _length(u, var) == count  # noqa: E731
            if timed:
                await self.timed(ADD_ROW, handler, {}, effect)
            else:
                await self.tab.send("customer", handler, {}, effect)
            rows = self.tab.var("customer", var)
        return rows[index]["id"]

    async def type_text(self, kind: str, handler: str, text: str, row: int | None = None):
        for end in range(1, len(text) + 1):
            value = text[:end]
            payload = {"value": value} if row is None else {"row_id": row, "value": value}
            field = {
                "set_customer_name": ("customer_name", None),
                "set_admin_email": ("admin_contacts", "email"),
            }[handler]
            await self.timed(kind, handler, payload, _has_value(field, value, row))

    async def customer_step(self, tag: str, *, save: bool = True) -> None:
        """One new customer: blank form, name typed, an empty Next, the first admin's
        address typed (every keystroke re-checks the form), the rest filled, rows
        added, Next with its save."""
        tab = self.tab
        tab.path = NEW_CUSTOMER
        if tab.var("customer", "loaded") != "new":  # after a save: a blank form again
            await self.quiet(
                "load_new_customer", {}, lambda u: _delta(u, "customer", "loaded") == "new"
            )
        await self.type_text(TYPING, "set_customer_name", "Bakkerij Van der Meer")
        await self.timed(
            NEXT_ERRORS,
            "next_step",
            {},
            lambda u: bool(_present(_delta(u, "customer", "error_summary"))),
        )
        domain = f"bakkerij-{tag}.nl"
        admin = tab.var("customer", "admin_contacts")[0]["id"]
        await self.type_text(CHECKED, "set_admin_email", f"sanne@{domain}", row=admin)
        fill = [
            ("set_country", {"value": "NL"}, "country"),
            ("set_street_address", {"value": "Kerkstraat 12"}, "street_address"),
            ("set_city", {"value": "Utrecht"}, "city"),
            ("set_postal_code", {"value": "3511 LK"}, "postal_code"),
            ("set_business_type", {"value": "retail"}, "business_type"),
            ("set_default_language", {"value": "nl"}, "default_language"),
        ]
        for handler, payload, var in fill:
            await self.quiet(handler, payload, _is(var, payload["value"]))
        domain_row = await self.row("email_domains", "add_email_domain", 0)
        await self.quiet(
            "set_email_domain",
            {"row_id": domain_row, "value": domain},
            _has_value(("email_domains", "value"), domain, domain_row),
        )
        for handler, part, value in (
            ("set_admin_first_name", "first_name", "Sanne"),
            ("set_admin_last_name", "last_name", "van der Meer"),
        ):
            await self.quiet(
                handler,
                {"row_id": admin, "value": value},
                _has_value(("admin_contacts", part), value, admin),
            )
        contacts = [
            ("maintainer", "Northwind Support", "support@northwind-telecom.example"),
            ("onsite_admin", "Jan Bakker", f"jan@{domain}"),
            ("other", "Emma Schmidt", f"emma@{domain}"),
        ]
        for index, (role, name, email) in enumerate(contacts):
            row = await self.row("support_contacts", "add_support_contact", index)
            for handler, part, value in (
                ("set_support_role", "role", role),
                ("set_support_name", "name", name),
                ("set_support_email", "email", email),
            ):
                await self.quiet(
                    handler,
                    {"row_id": row, "value": value},
                    _has_value(("support_contacts", part), value, row),
                )
        if save:
            await self.timed(NEXT_SAVE, "next_step", {}, _redirected)
            errors = tab.var("customer", "errors")
            if errors:
                raise RuntimeError(f"Next did not save: {errors}")

    async def fill(self, tag: str, admins: int = 1, supports: int = 3) -> None:
        """A complete form on a blank Customer step, every value sent once (no timing):
        ``admins`` admin contacts and ``supports`` support contacts."""
        domain = f"fill-{tag}.nl"
        await self.quiet(
            "set_customer_name",
            {"value": f"Bakkerij {tag}"},
            _is("customer_name", f"Bakkerij {tag}"),
        )
        for handler, value, var in (
            ("set_country", "NL", "country"),
            ("set_street_address", "Kerkstraat 12", "street_address"),
            ("set_city", "Utrecht", "city"),
            ("set_postal_code", "3511 LK", "postal_code"),
            ("set_business_type", "retail", "business_type"),
            ("set_default_language", "nl", "default_language"),
        ):
            await self.quiet(handler, {"value": value}, _is(var, value))
        row = await self.row("email_domains", "add_email_domain", 0, timed=False)
        await self.quiet(
            "set_email_domain",
            {"row_id": row, "value": domain},
            _has_value(("email_domains", "value"), domain, row),
        )
        roles = ["maintainer", "onsite_admin"]
        for kind, count, handler, parts in (
            ("admin_contacts", admins, "add_admin_contact", ("first_name", "last_name", "email")),
            ("support_contacts", supports, "add_support_contact", ("role", "name", "email")),
        ):
            for index in range(count):
                row = await self.row(kind, handler, index, timed=False)
                for part in parts:
                    value = {
                        "first_name": f"Sanne{index}",
                        "last_name": "van der Meer",
                        "email": f"{kind[:5]}{index}@{domain}",
                        "role": roles[index] if index < len(roles) else "other",
                        "name": f"Jan Bakker {index}",
                    }[part]
                    setter = {
                        ("admin_contacts", "first_name"): "set_admin_first_name",
                        ("admin_contacts", "last_name"): "set_admin_last_name",
                        ("admin_contacts", "email"): "set_admin_email",
                        ("support_contacts", "role"): "set_support_role",
                        ("support_contacts", "name"): "set_support_name",
                        ("support_contacts", "email"): "set_support_email",
                    }[(kind, part)]
                    await self.quiet(
                        setter,
                        {"row_id": row, "value": value},
                        _has_value((kind, part), value, row),
                    )


def _present(value: Any) -> Any:
    return None if value is _MISSING else value


def _is(var: str, value: Any):
    return lambda u: _delta(u, "customer", var) == value


def _length(update: dict, var: str) -> int:
    rows = _delta(update, "customer", var)
    return -1 if rows is _MISSING else len(rows)


def _has_value(field: tuple[str, str | None], value: str, row: int | None):
    var, part = field

    def matches(update: dict) -> bool:
        found = _delta(update, "customer", var)
        if found is _MISSING:
            return False
        if part is None:
            return found == value
        return any(r.get("id") == row and r.get(part) == value for r in found)

    return matches


# ----- the runs ---------------------------------------------------------------------


def _summary(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        kind: {
            "n": len(values),
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
        }
        for kind, values in samples.items()
        if values
    }


async def _open_tabs(
    url: str, count: int, offset: int, origin: str = PAGES_ORIGIN
) -> tuple[list[Tab], list[float]]:
    cookies = [await sign_in(url, origin) for _ in range(count)]
    tabs = [Tab(url, cookie, offset + n, origin) for n, (cookie, _) in enumerate(cookies)]
    opened = await asyncio.gather(*(tab.open() for tab in tabs))
    return tabs, [seconds for _, seconds in cookies] + list(opened)


async def _clients(url: str, tabs: list[Tab], rounds: int, tag: str) -> dict:
    samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
    partners = [Partner(tab, samples) for tab in tabs]

    async def work(partner: Partner) -> None:
        for n in range(rounds):
            await partner.customer_step(f"{tag}-{partner.tab.number}-{n}")

    # A warm-up round, not counted (first imports and caches of the worker).
    warm: dict[str, list[float]] = {kind: [] for kind in KINDS}
    await asyncio.gather(
        *(Partner(tab, warm).customer_step(f"{tag}w-{tab.number}") for tab in tabs)
    )
    started = time.perf_counter()
    await asyncio.gather(*(work(p) for p in partners))
    return {
        "summary": _summary(samples),
        "seconds": time.perf_counter() - started,
        "samples": samples,
    }


async def _burst(url: str, typists: list[Tab], signers: int, tag: str) -> dict:
    """Other partners type (set_customer_name, with the floor after each keystroke) while
    ``signers`` partners sign in at once; the same typists alone before it."""
    results = {}
    for phase in ("alone", "during"):
        samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
        partners = [Partner(tab, samples) for tab in typists]
        stop = asyncio.Event()

        async def typing(partner: Partner, stop: asyncio.Event = stop) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                await partner.type_text(TYPING, "set_customer_name", f"Typist {n:05d}")

        tasks = [asyncio.create_task(typing(p)) for p in partners]
        sign_ins: list[float] = []
        if phase == "alone":
            await asyncio.sleep(3.0)
        else:
            started = time.perf_counter()
            sign_ins = [s for _, s in await asyncio.gather(*(sign_in(url) for _ in range(signers)))]
            burst = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*tasks)
        results[phase] = {"summary": _summary(samples)}
        if phase == "during":
            results[phase]["sign_in"] = {
                "p50": percentile(sign_ins, 50),
                "max": max(sign_ins),
                "burst": burst,
            }
    return results


def _state_files(token: str) -> list[str]:
    """The names of the pickles Reflex's disk state manager keeps for a tab: one per
    state class (reflex/istate/manager/disk.py token_path)."""
    from hashlib import md5

    from reflex.istate.manager.token import BaseStateToken
    from reflex.state import State

    import cloudlink_app.cloudlink_app  # noqa: F401  (every page's state, registered)

    classes, pending = [], [State]
    while pending:
        current = pending.pop()
        classes.append(current)
        pending.extend(current.get_substates())
    return [
        md5(str(BaseStateToken(ident=token, cls=cls)).encode()).hexdigest() + ".pkl"
        for cls in classes
    ]


async def _memory(url: str, process: subprocess.Popen, sessions: int, states: Path) -> dict:
    """The worker's memory with ``sessions`` tabs connected, each holding a filled
    form (10 partner sessions, the tabs shared among them), and the state one tab
    holding a form with 10 admin and 10 support contacts takes (the pickles of its
    states that Reflex's disk manager writes; Redis stores the same pickles)."""
    import psutil

    worker = psutil.Process(worker_pid(process))
    before = worker.memory_info().rss
    cookies = [cookie for cookie, _ in [await sign_in(url) for _ in range(10)]]
    tabs: list[Tab] = []
    batch = 20
    for start in range(0, sessions, batch):
        group = [
            Tab(url, cookies[n % len(cookies)], 10_000 + n) for n in range(start, start + batch)
        ]
        await asyncio.gather(*(tab.open() for tab in group))
        await asyncio.gather(
            *(Partner(tab, {k: [] for k in KINDS}).fill(f"m{tab.number}") for tab in group)
        )
        tabs.extend(group)
    after = worker.memory_info().rss
    big = Tab(url, cookies[0], 99_999)
    await big.open()
    await Partner(big, {k: [] for k in KINDS}).fill("big", admins=10, supports=10)
    # The disk manager writes its pickles in a thread, after a while: wait for them
    # (up to 30 s) until they stop changing.
    names = _state_files(big.token)
    written: list[Path] = []
    seen: tuple = ()
    for _ in range(60):
        await asyncio.sleep(0.5)
        written = [p for p in (states / name for name in names) if p.exists()]
        sizes = tuple(p.stat().st_size for p in written)
        if written and sizes == seen:
            break
        seen = sizes
    state_bytes = sum(p.stat().st_size for p in written)
    customer_file = max((p.stat().st_size for p in written), default=0)
    await asyncio.gather(*(tab.close() for tab in [*tabs, big]), return_exceptions=True)
    return {
        "sessions": sessions,
        "rss_before": before,
        "rss_after": after,
        "state_bytes": state_bytes,
        "state_files": len(written),
        "largest_state": customer_file,
    }


async def _main(url: str, process: subprocess.Popen, quick: bool) -> dict:
    figures: dict = {"clients": {}}
    tabs, _ = await _open_tabs(url, max(CLIENTS), 0)
    try:
        for count in CLIENTS:
            rounds = 1 if quick else ROUNDS[count]
            figures["clients"][count] = await _clients(url, tabs[:count], rounds, f"c{count}")
        figures["burst"] = await _burst(url, tabs[:10], 10, "burst")
        figures["memory"] = await _memory(
            url, process, 40 if quick else MEMORY_SESSIONS, STATES_DIR[0]
        )
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return figures


def report(figures: dict) -> None:
    _report_clients(figures)
    _report_burst(figures["burst"])


def _report_clients(figures: dict) -> None:
    print(
        "\nEach event timed from its emit to the update carrying its effect; the floor "
        "(Reflex's set_is_hydrated) sent by every partner after each timed event."
    )
    rows = []
    for count, result in figures["clients"].items():
        summary = result["summary"]
        floor = summary[FLOOR]["p95"]
        for kind in KINDS:
            if kind not in summary:
                continue
            s = summary[kind]
            rows.append(
                [
                    f"{count} x {kind}",
                    s["n"],
                    ms(s["p50"]),
                    ms(s["p95"]),
                    ms(s["p99"]),
                    f"{s['p95'] / floor:.1f}x",
                ]
            )
    print(table(["partners x event", "events", "p50 ms", "p95 ms", "p99 ms", "p95 / floor"], rows))


def _report_burst(burst: dict) -> None:
    alone, during = burst["alone"]["summary"], burst["during"]["summary"]
    print("\n10 partners typing while 10 other partners sign in at once (and alone before):")
    rows = []
    for phase, summary in (("alone", alone), ("during 10 sign-ins", during)):
        for kind in (FLOOR, TYPING):
            s = summary[kind]
            rows.append(
                [
                    f"{phase}: {kind}",
                    s["n"],
                    ms(s["p50"]),
                    ms(s["p95"]),
                    ms(s["p99"]),
                    f"{s['p95'] / alone[FLOOR]['p95']:.1f}x",
                ]
            )
    print(
        table(["phase: event", "events", "p50 ms", "p95 ms", "p99 ms", "p95 / floor alone"], rows)
    )
    sign = burst["during"]["sign_in"]
    print(
        f"Sign-ins: p50 {ms(sign['p50'])} ms, slowest {ms(sign['max'])} ms "
        f"(the burst took {sign['burst']:.1f} s)."
    )


def _report_memory(memory: dict) -> None:
    grown = memory["rss_after"] - memory["rss_before"]
    print(
        f"\nBackend worker memory: {memory['rss_before'] / 2**20:.0f} MiB with the "
        f"benchmark's tabs, {memory['rss_after'] / 2**20:.0f} MiB with "
        f"{memory['sessions']} more tabs each holding a filled form: "
        f"{grown / memory['sessions'] / 1024:.0f} KiB a tab."
    )
    print(
        f"State of one tab with 10 admin and 10 support contacts: "
        f"{memory['state_bytes'] / 1024:.1f} KiB in {memory['state_files']} pickled states "
        f"(the largest, the Customer step's, {memory['largest_state'] / 1024:.1f} KiB)."
    )


# ----- the production topology --------------------------------------------------------

# REFLEX_OPLOCK_ENABLED's values, and the order of the runs: off, on, on, off, so that
# a machine slowing down or warming up over the runs meets both alike (--quick: off, on).
OPLOCK_VALUES = {"off": "0", "on": "1"}
OPLOCK_ORDER = ("off", "on", "on", "off")


async def _topology_main(production: Any, quick: bool, tag: str) -> dict:
    """The partners' runs through nginx; then how many of their tabs' Redis locks are
    still held right after the last event (Reflex's ``<token>_lock`` keys): none
    without the oplock, the tabs whose lease is running with it."""
    import redis.asyncio

    url = production.frontend_url
    figures: dict = {"clients": {}}
    tabs, _ = await _open_tabs(url, max(CLIENTS), 0, origin=url)
    try:
        for count in CLIENTS:
            rounds = 1 if quick else ROUNDS[count]
            figures["clients"][count] = await _clients(url, tabs[:count], rounds, f"{tag}c{count}")
        client = redis.asyncio.Redis.from_url(production.redis_url)
        try:
            locks = {key async for key in client.scan_iter(match="*_lock")}
        finally:
            await client.aclose()
        figures["locks_held"] = sum(f"{tab.token}_lock".encode() in locks for tab in tabs)
        figures["tabs"] = len(tabs)
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return figures


def _pooled(runs: list[dict]) -> dict:
    """The runs of one setting as one: their samples together, their seconds added."""
    clients = {}
    for count in CLIENTS:
        samples: dict[str, list[float]] = {kind: [] for kind in KINDS}
        for run in runs:
            for kind, values in run["clients"][count]["samples"].items():
                samples[kind].extend(values)
        clients[count] = {
            "summary": _summary(samples),
            "seconds": sum(run["clients"][count]["seconds"] for run in runs),
        }
    return {
        "clients": clients,
        "locks_held": [run["locks_held"] for run in runs],
        "tabs": runs[0]["tabs"],
        "runs": len(runs),
    }


def run_topology(quick: bool = False) -> dict:
    """The same partners through nginx on the production topology (bench/_topology.py),
    with Reflex's oplock off and on (OPLOCK_ORDER; the instances started again before
    each run, the build and the database kept); each setting's table with its own
    floor, the samples of its runs together."""
    from bench import _topology

    order = OPLOCK_ORDER[:2] if quick else OPLOCK_ORDER
    runs: dict[str, list[dict]] = {label: [] for label in OPLOCK_VALUES}
    started = time.perf_counter()
    with _topology.running(**{_topology.OPLOCK: OPLOCK_VALUES[order[0]]}) as production:
        setup = time.perf_counter() - started
        for number, label in enumerate(order):
            if number:
                production.restart(**{_topology.OPLOCK: OPLOCK_VALUES[label]})
            runs[label].append(asyncio.run(_topology_main(production, quick, f"{label}{number}")))
    results = {label: _pooled(label_runs) for label, label_runs in runs.items()}
    for letter, (label, value) in zip("bc", OPLOCK_VALUES.items(), strict=True):
        result = results[label]
        print(
            heading(
                f"5{letter}. Events through nginx: two instances x two workers, "
                f"PostgreSQL, Redis; {_topology.OPLOCK}={value} ({label})"
            )
        )
        print(
            f"{result['runs']} run(s) of this setting, in the order {', '.join(order)}; "
            "their samples together."
        )
        _report_clients(result)
        print(
            "Tabs whose Redis lock was still held right after their last event: "
            + ", ".join(f"{held} of {result['tabs']}" for held in result["locks_held"])
            + "."
        )
    print(
        f"\n(The topology took {setup:.0f} s to start: migrations, demo data, the build of "
        "make serve.)"
    )
    _report_oplock(results)
    return results


def _report_oplock(results: dict) -> None:
    """Each event's p50 and p95 with the oplock off and on, side by side."""
    off, on = (results[label]["clients"] for label in OPLOCK_VALUES)
    print("\nREFLEX_OPLOCK_ENABLED off against on (the same partners, the same topology):")
    rows = []
    for count in CLIENTS:
        for kind in KINDS:
            if kind not in off[count]["summary"] or kind not in on[count]["summary"]:
                continue
            a, b = off[count]["summary"][kind], on[count]["summary"][kind]
            rows.append(
                [
                    f"{count} x {kind}",
                    ms(a["p50"]),
                    ms(b["p50"]),
                    ms(a["p95"]),
                    ms(b["p95"]),
                    f"{b['p95'] / a['p95']:.2f}",
                ]
            )
        rows.append(
            [
                f"{count} partners: the whole run (s)",
                "",
                "",
                f"{off[count]['seconds']:.1f}",
                f"{on[count]['seconds']:.1f}",
                f"{on[count]['seconds'] / off[count]['seconds']:.2f}",
            ]
        )
    print(
        table(
            ["partners x event", "p50 off", "p50 on", "p95 off", "p95 on", "p95 on / off"],
            rows,
        )
    )


def run(quick: bool = False) -> dict:
    """Start the backend, measure, print; then the same on the production topology;
    return the figures."""
    print(heading("5. Events over the websocket (production backend, one worker, SQLite)"))
    os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    NAMES.update(_names())
    with backend() as (url, process):
        figures = asyncio.run(_main(url, process, quick))
    report(figures)
    _report_memory(figures["memory"])
    figures["topology"] = run_topology(quick)
    return figures


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
