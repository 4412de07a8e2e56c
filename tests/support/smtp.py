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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started on its port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextlib.contextmanager
def running(mail_from: str) -> Iterator[SmtpServer]:
    """A started SmtpServer, with the app's settings pointing at it; stopped after."""
    server = SmtpServer()
    server.start()
    try:
        with settings.override(smtp_url=f"smtp://127.0.0.1:{server.port}", mail_from=mail_from):
            yield server
    finally:
        server.stop()
