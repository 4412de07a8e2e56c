"""State of the Outbox page (/outbox), demo mode only: the messages the app would have
mailed, each as it would arrive, so a demo without a mail server can show what was
sent, invitation links included (services/outbox_list.py ``messages_for``). Outside demo
mode the page shows nothing but why: these messages carry live one-time links.

Its one handler checks the session and demo mode on every call.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from cloudlink_app import settings
from cloudlink_app.domain.i18n import N_
from cloudlink_app.domain.times import format_time
from cloudlink_app.services import outbox_list
from cloudlink_app.services.database import get_session
from cloudlink_app.state.page import PageState
from cloudlink_app.state.session import SessionState
from cloudlink_app.views import mail_limits


@dataclasses.dataclass
class MessageRow:
    """One message as the page shows it."""

    id: str  # the element id
    sender: str
    recipient: str
    subject: str
    date: str
    text: str
    link: str
    sent: bool
    # Not sent yet: "" when due now, else why it waits (a mail limit) and until when.
    waiting: str


class OutboxState(PageState, SessionState):
    """The messages this user may see (demo mode)."""

    TITLE_KEY: ClassVar[str] = N_("title.outbox")

    demo_mode: bool = False
    _messages: list[outbox_list.ShownMessage] = []

    @rx.var
    def messages(self) -> list[MessageRow]:
        return [
            MessageRow(
                id=f"message-{m.id}",
                sender=m.sender,
                recipient=m.to,
                subject=m.subject,
                date=format_time(m.date, self._page_lang, zone=True),
                text=m.text,
                link=m.link,
                sent=m.sent,
                waiting=""
                if m.sent or m.held_until is None
                else mail_limits.waiting_words(m.held_reason, m.held_until, self._page_lang),
            )
            for m in self._messages
        ]

    @rx.event
    def load(self):
        """on_load: in demo mode the messages this user may see; otherwise none."""
        user, away = self._page_user()
        if user is None:
            self._messages = []
            return away
        self.demo_mode = settings.get().demo_mode
        if not self.demo_mode:
            self._messages = []
            return self._title()
        with get_session() as session:
            self._messages = outbox_list.messages_for(session, user)
        return self._title()
