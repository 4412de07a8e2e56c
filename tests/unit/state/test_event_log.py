"""The operators' event log (cloudlink_app/state/event_log.py, cloudlink_app/logs.py):
one line per handled event with its name, the user id, the customer id, a duration and
the outcome; a JSON format by setting; never personal data.

The events go through Reflex's real event processor (`BaseStateEventProcessor`, as
the websocket's events do, with the app's middleware and backend exception handler),
on the state tree of a `Tab` (tests.support.tabs) held by an in-memory state manager:
the tab is signed in and its pages opened as in the other unit tests, and what the
processor changes is seen in the tab. The lines are read from stderr, where the
app's handler writes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex.state import State
from reflex_base.event import Event
from reflex_base.event.processor import BaseStateEventProcessor

from cloudlink_app import logs, routes, settings
from cloudlink_app.demo_data import accounts as demo_accounts
from cloudlink_app.domain import forms, passwords
from cloudlink_app.services import sessions
from cloudlink_app.state.change_password import ChangePasswordState
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.event_log import short_name
from cloudlink_app.state.session import SessionState
from tests.support.backend import backend, post_sign_in
from tests.support.builders import valid_form
from tests.support.database import demo_partner_id, save, user_id
from tests.support.tabs import _APP, Tab, open_customer

ROOT = Path(__file__).resolve().parents[3]
EVENT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO event=(?P<event>\S+) user=(?P<user>\S+) "
    r"customer=(?P<customer>\S+) duration_ms=(?P<duration>\d+\.\d) outcome=(?P<outcome>\S+)$"
)


@pytest.fixture(autouse=True)
def app_logging():
    """The app's handler in the default format and level (whatever the caller's shell
    says), set up again after the test."""
    with settings.override(log_format="text", log_level="INFO"):
        logs.configure()
        yield
    logs.configure()


class Websocket:
    """A tab's websocket into Reflex's real event processor: ``send`` enqueues an
    event as the websocket's on_event does and waits until it and everything it
    chained are done."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab
        self.processor = BaseStateEventProcessor(
            middleware=_APP, backend_exception_handler=_APP.backend_exception_handler
        )
        self.manager = StateManagerMemory()

    async def __aenter__(self) -> Websocket:
        await self.manager.set_state(BaseStateToken(ident=self.tab.token, cls=State), self.tab.root)
        self.processor.configure(state_manager=self.manager)
        await self.processor.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.processor.stop()
        await self.manager.close()

    async def send(self, state_cls: type[State], handler: str, **payload: Any) -> None:
        # With the route and the websocket's headers, as on_event gives every event.
        router_data = dict(self.tab.root.router_data)
        event = Event(
            name=f"{state_cls.get_full_name()}.{handler}", payload=payload, router_data=router_data
        )
        future = await self.processor.enqueue(self.tab.token, event)
        try:
            await asyncio.wait_for(future, timeout=10)
        except TimeoutError:
            raise
        except Exception:  # the handler's; the backend exception handler reports it
            pass
        processor = self.processor
        for _ in range(5000):  # chained events, the exception handler's task
            queue_empty = processor._queue is None or processor._queue.empty()
            if queue_empty and not processor._tasks and not processor._token_queues:
                break
            await asyncio.sleep(0.001)
        else:
            pytest.fail("the events did not finish within 5 s")
        await asyncio.sleep(0)  # the done callbacks of the last task


def event_lines(err: str) -> list[re.Match[str]]:
    """The event lines (text format) among what was written to stderr."""
    return [m for line in err.splitlines() if (m := EVENT_LINE.match(line))]


# ----- one line per event ------------------------------------------------------------


@pytest.mark.asyncio
async def test_an_event_gives_one_line_with_name_user_customer_and_duration(database, capsys):
    account_id = save(database, demo_partner_id(database), valid_form("Logged BV")).account_id
    tab = Tab()
    await open_customer(tab, account_id)
    capsys.readouterr()
    async with Websocket(tab) as websocket:
        await websocket.send(CustomerStepState, "set_customer_name", value="Renamed BV")
    assert tab.customer_step.customer_name == "Renamed BV"  # the event was handled
    (line,) = event_lines(capsys.readouterr().err)
    assert line["event"] == "customer_step_state.set_customer_name"
    assert line["user"] == str(user_id(database))
    assert line["customer"] == account_id
    assert float(line["duration"]) >= 0
    assert line["outcome"] == "ok"


@pytest.mark.asyncio
async def test_the_duration_is_the_time_the_event_took(new_customer, capsys, monkeypatch):
    real_live_session = SessionState._live_session
    looked_up = []

    def slow_live_session(self):  # FollowSession's and the handler's session look-ups
        looked_up.append(1)
        time.sleep(0.05)
        return real_live_session(self)

    monkeypatch.setattr(SessionState, "_live_session", slow_live_session)
    capsys.readouterr()
    async with Websocket(new_customer) as websocket:
        await websocket.send(CustomerStepState, "add_email_domain")
    (line,) = event_lines(capsys.readouterr().err)
    assert len(looked_up) >= 2
    assert 50 * len(looked_up) <= float(line["duration"]) < 5000


@pytest.mark.asyncio
async def test_reflex_own_events_are_logged_with_the_tab_customer(database, capsys):
    account_id = save(database, demo_partner_id(database), valid_form("Hydrated BV")).account_id
    tab = Tab()
    await open_customer(tab, account_id)
    capsys.readouterr()
    async with Websocket(tab) as websocket:
        # What a browser sends when its websocket (re)connects, and the older hydrate.
        await websocket.send(State, "hydrate_and_load")
        await websocket.send(State, "hydrate")
    lines = event_lines(capsys.readouterr().err)
    uid = str(user_id(database))
    # The reconnect's hydrate chains the page load (on_load_internal), which chains
    # the page's on_load and marks the page hydrated: each is an event, each logged.
    assert [(m["event"], m["user"], m["customer"], m["outcome"]) for m in lines] == [
        ("state.hydrate_and_load", uid, account_id, "ok"),
        ("on_load_internal_state.on_load_internal", uid, account_id, "ok"),
        ("session_state.load_language", uid, account_id, "ok"),
        ("customer_step_state.load", uid, account_id, "ok"),
        ("on_load_internal_state.set_is_hydrated", uid, account_id, "ok"),
        ("state.hydrate", uid, account_id, "ok"),
    ]


@pytest.mark.asyncio
async def test_a_new_customer_is_new_and_nobody_is_none(database, new_customer, capsys):
    capsys.readouterr()
    async with Websocket(new_customer) as websocket:
        await websocket.send(CustomerStepState, "set_city", value="Utrecht")
        new_customer.sign_out()
        await websocket.send(SessionState, "dismiss_notice")
    lines = event_lines(capsys.readouterr().err)
    assert [(m["event"], m["user"], m["customer"]) for m in lines] == [
        ("customer_step_state.set_city", str(user_id(database)), "new"),
        ("session_state.dismiss_notice", "none", "none"),
    ]


@pytest.mark.asyncio
async def test_an_event_that_raises_gives_outcome_error(new_customer, capsys):
    capsys.readouterr()
    async with Websocket(new_customer) as websocket:
        # A crafted event without its argument: the handler cannot be called.
        await websocket.send(CustomerStepState, "set_city")
    err = capsys.readouterr().err
    lines = {line["event"]: line for line in event_lines(err)}
    assert lines["customer_step_state.set_city"]["outcome"] == "error"
    assert "ERROR cloudlink_app: Unexpected error in an event handler" in err
    # The tab is told (SessionState.show_failure, the backend exception handler's event).
    assert set(lines) <= {"customer_step_state.set_city", "session_state.show_failure"}


@pytest.mark.asyncio
async def test_the_json_format(database, capsys):
    account_id = save(database, demo_partner_id(database), valid_form("Json BV")).account_id
    tab = Tab()
    await open_customer(tab, account_id)
    with settings.override(log_format="json"):
        logs.configure()
        capsys.readouterr()
        async with Websocket(tab) as websocket:
            await websocket.send(CustomerStepState, "set_customer_name", value="Json Two BV")
    (line,) = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert record.pop("duration_ms") >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record.pop("timestamp"))
    assert record == {
        "level": "INFO",
        "logger": "cloudlink_app.events",
        "message": "event handled",
        "event": "customer_step_state.set_customer_name",
        "user": user_id(database),
        "customer": account_id,
        "outcome": "ok",
    }


@pytest.mark.asyncio
async def test_the_level_setting_silences_the_event_lines(new_customer, capsys):
    with settings.override(log_level="warning"):
        logs.configure()
        capsys.readouterr()
        async with Websocket(new_customer) as websocket:
            await websocket.send(CustomerStepState, "set_city", value="Utrecht")
    assert new_customer.customer_step.city == "Utrecht"
    assert event_lines(capsys.readouterr().err) == []


# ----- no personal data --------------------------------------------------------------

DISTINCTIVE = {
    "name": "Quixotic Zebrafish Holdings",
    "street": "Zwanenburgwal 977",
    "city": "Xanthoville",
    "postal_code": "9987 QZ",
    "admin_first": "Wilhelmina",
    "admin_last": "Vanderzwaluw",
    "admin_email": "wilhelmina.quixote@zebrafish-holdings.example",
    "domain": "zebrafish-holdings.example",
    "support_name": "Bartholomew Quince",
    "support_email": "bart.quince@zebrafish-holdings.example",
    "current_password": "Correct-Horse-Battery-77",
    "new_password": "Purple-Elephant-Tango-8841",
    "sign_in_password": "Wrong-Kangaroo-Password-55",
}


@pytest.mark.asyncio
async def test_no_line_holds_personal_data(database, demo_users, capsys):
    tab = Tab()
    tab.open_route(routes.NEW_CUSTOMER)
    capsys.readouterr()
    async with Websocket(tab) as websocket:
        send = websocket.send
        await send(CustomerStepState, "load_new_customer")
        await send(CustomerStepState, "set_customer_name", value=DISTINCTIVE["name"])
        await send(CustomerStepState, "set_country", value="NL")
        await send(CustomerStepState, "set_street_address", value=DISTINCTIVE["street"])
        await send(CustomerStepState, "set_city", value=DISTINCTIVE["city"])
        await send(CustomerStepState, "set_postal_code", value=DISTINCTIVE["postal_code"])
        await send(CustomerStepState, "add_email_domain")
        row = tab.customer_step.email_domains[-1].id
        await send(CustomerStepState, "set_email_domain", row_id=row, value=DISTINCTIVE["domain"])
        row = tab.customer_step.admin_contacts[0].id
        await send(CustomerStepState, "set_admin_first_name", row_id=row, value="Wilhelmina")
        await send(CustomerStepState, "set_admin_last_name", row_id=row, value="Vanderzwaluw")
        await send(
            CustomerStepState, "set_admin_email", row_id=row, value=DISTINCTIVE["admin_email"]
        )
        row = tab.customer_step.support_contacts[0].id
        await send(CustomerStepState, "set_support_role", row_id=row, value=forms.ROLE_OTHER)
        await send(CustomerStepState, "set_support_name", row_id=row, value="Bartholomew Quince")
        await send(
            CustomerStepState, "set_support_email", row_id=row, value=DISTINCTIVE["support_email"]
        )
        # A crafted event with a payload value: its error is logged, the value is not.
        await send(CustomerStepState, "set_city", value=DISTINCTIVE["city"], extra="x")
        # Change password: a wrong current password, then policy problems.
        tab.open_route(routes.CHANGE_PASSWORD)
        await send(ChangePasswordState, "load")
        for current in (DISTINCTIVE["current_password"], demo_accounts.DEMO_PASSWORD):
            form = {
                passwords.CURRENT_PASSWORD: current,
                passwords.NEW_PASSWORD: DISTINCTIVE["new_password"],
                passwords.CONFIRM_PASSWORD: DISTINCTIVE["new_password"],
            }
            await send(ChangePasswordState, "change_password", form_data=form)
        assert tab.state(ChangePasswordState).done  # the second one changed it
    # Signing in (the backend's sign-in endpoint), with a wrong password and then the
    # right one from the same client.
    client = backend()
    post_sign_in(client, DISTINCTIVE["admin_email"], DISTINCTIVE["sign_in_password"])
    post_sign_in(client, demo_accounts.DEMO_PARTNER_EMAIL, DISTINCTIVE["sign_in_password"])
    post_sign_in(client, demo_accounts.DEMO_PARTNER_EMAIL, DISTINCTIVE["new_password"])
    assert tab.customer_step.customer_name == DISTINCTIVE["name"]  # the events were handled
    err = capsys.readouterr().err
    assert len(event_lines(err)) >= 17, err  # every event was logged
    assert "ERROR" in err  # the crafted event's error is in the log too
    lowered = err.lower()
    for value in DISTINCTIVE.values():
        for part in [value, *value.split()]:
            if len(part) > 4:
                assert part.lower() not in lowered, f"{part!r} is in the log:\n{err}"
    for secret in (tab.cookie, sessions.session_header(tab.cookie), "127.0.0.1", "testclient"):
        assert secret and secret.lower() not in lowered, secret


# ----- the name shown ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "short"),
    [
        (
            "reflex___state____state.cloudlink_app___state___customer_step____customer_step_"
            "state.set_customer_name",
            "customer_step_state.set_customer_name",
        ),
        ("reflex___state____state.hydrate", "state.hydrate"),
        (
            "reflex___state____state.reflex___state____on_load_internal_state.on_load_internal",
            "on_load_internal_state.on_load_internal",
        ),
    ],
)
def test_the_event_name_is_shortened(full, short):
    assert short_name(full) == short


# ----- in the production server's worker processes ----------------------------------

_WORKER = """
import logging, os, sys
import cloudlink_app.cloudlink_app  # the app, as Granian's supervisor preloads it
from granian.log import LogLevels, configure_logging
from reflex.utils.exec import _granian_log_dictconfig

pid = os.fork()  # a worker process, as Granian forks them
if pid == 0:
    # What every Granian worker does first, with the configuration Reflex gives it.
    configure_logging(LogLevels.warning, _granian_log_dictconfig(), True)
    json_handler = {"()": "reflex_base.utils.log.JsonHandler"}  # Reflex's --json mode
    json_config = {"handlers": {"console": json_handler, "access": json_handler}}
    configure_logging(LogLevels.info, json_config, True)
    logging.getLogger("cloudlink_app.events").info(
        "event handled", extra={"fields": {"event": "state.hydrate", "user": 7}}
    )
    os._exit(0)
os.waitpid(pid, 0)
"""


def test_the_lines_survive_granian_logging_set_up_in_a_worker():
    environ = {k: v for k, v in os.environ.items() if k not in settings.VARIABLES.values()}
    environ.update(REFLEX_DB_URL=settings.get().db_url, CLOUDLINK_LOG_FORMAT="json")
    result = subprocess.run(
        [sys.executable, "-c", _WORKER],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [(r["logger"], r["event"], r["user"]) for r in records] == [
        ("cloudlink_app.events", "state.hydrate", 7)
    ], result.stderr[-2000:]


def test_other_records_keep_their_message_and_level(capsys):
    logging.getLogger("cloudlink_app").warning("Refused: %s", "notice.not_signed_in")
    (line,) = capsys.readouterr().err.splitlines()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ WARNING cloudlink_app: Refused: notice.not_signed_in",
        line,
    )
