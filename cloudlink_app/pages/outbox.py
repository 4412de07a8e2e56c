"""The demo mode's Outbox: each message as it would arrive, links included."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.layout import page
from cloudlink_app.components.text import tx
from cloudlink_app.state.outbox import OutboxState as S


def _message(message):
    return rx.el.article(
        rx.el.h2(message.subject, class_name="heading-m"),
        rx.el.dl(
            rx.el.div(rx.el.dt(tx("outbox.from")), rx.el.dd(message.sender)),
            rx.el.div(rx.el.dt(tx("outbox.to")), rx.el.dd(message.recipient)),
            rx.el.div(rx.el.dt(tx("outbox.date")), rx.el.dd(message.date)),
            rx.el.div(
                rx.el.dt(tx("outbox.state")),
                rx.el.dd(
                    rx.cond(
                        message.sent,
                        tx("outbox.sent"),
                        rx.cond(message.waiting != "", message.waiting, tx("outbox.waiting")),
                    )
                ),
            ),
            class_name="review__list",
        ),
        rx.el.pre(message.text, class_name="outbox__text"),
        rx.cond(
            message.link != "",
            rx.el.p(
                rx.el.a(tx("outbox.open_link"), href=message.link, class_name="link"),
            ),
        ),
        id=message.id,
        class_name="review__section",
    )


def outbox_page():
    """The whole page."""
    return page(
        rx.el.h1(tx("outbox.heading"), class_name="heading-xl"),
        rx.cond(
            S.demo_mode,
            rx.fragment(
                rx.el.p(tx("outbox.intro")),
                rx.cond(
                    S.messages.length() > 0,
                    rx.el.div(rx.foreach(S.messages, _message)),
                    rx.el.p(tx("outbox.empty")),
                ),
            ),
            rx.el.p(tx("outbox.demo_only")),
        ),
    )
