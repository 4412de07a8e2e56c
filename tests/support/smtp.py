"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1, on a free port, that
keeps every message it accepted and can be stopped and started again on its port."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from cloudlink_app import settings


class Recorder:
    """An aiosmtpd handler that keeps every envelope it accepted."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], EmailMessage]]:
        """(envelope recipients, parsed message) of every accepted message."""
        return [
            (
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.original_content, policy=email.policy.default),
            )
            for envelope in self.envelopes
        ]


class Logins:
    """An aiosmtpd authenticator that accepts any login and keeps every one it saw
    (mechanism, user name, password): what a server, or an attacker posing as one,
    would have received."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.seen.append((mechanism, auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started on its port.
    It offers no STARTTLS. With ``logins`` it offers AUTH without TLS too (as a server
    whose STARTTLS an attacker stripped would) and keeps every login in ``logins``."""

    def __init__(self, *, logins: bool = False) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.logins = Logins() if logins else None
        self.controller: Controller | None = None

    def start(self) -> None:
        options: dict = {}
        if self.logins is not None:
            options = {"authenticator": self.logins, "auth_require_tls": False}
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextlib.contextmanager
def running(mail_from: str) -> Iterator[SmtpServer]:
    """A started SmtpServer, with the app's settings pointing at it (smtp+plain://:
    the test server has no TLS, and is on 127.0.0.1); stopped after."""
    server = SmtpServer()
    server.start()
    try:
        with settings.override(
            smtp_url=f"smtp+plain://127.0.0.1:{server.port}", mail_from=mail_from
        ):
            yield server
    finally:
        server.stop()
