"""The Gateway step: reached after the Customer step; its form is a later issue."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.components.layout import page
from cloudlink_app.components.step_nav import step_nav
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.state.gateway_step import GatewayStepState as S


def gateway_step():
    """The Gateway page with Back to the Customer step."""
    return page(
        step_nav(wizard_path.GATEWAY),
        rx.el.h1(t("gateway.heading"), class_name="heading-xl"),
        rx.el.p(S.customer_name, class_name="caption"),
        rx.el.p(t("gateway.intro"), class_name="body"),
        rx.el.a(t("button.back"), href=S.customer_url, role="button",
                class_name="button button--secondary"),
    )
