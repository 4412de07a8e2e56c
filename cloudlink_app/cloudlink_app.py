"""The app: pages registered, nothing else."""

import logging

import reflex as rx

from cloudlink_app import routes
from cloudlink_app.domain.i18n import t
from cloudlink_app.pages.customer_step import customer_step
from cloudlink_app.pages.dashboard import dashboard
from cloudlink_app.pages.gateway_step import gateway_step
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.gateway_step import GatewayStepState

logger = logging.getLogger("cloudlink_app")


def report_backend_error(exception: Exception):
    """Log an unexpected error (tests fail on it) and tell the user, keeping their input."""
    logger.error("Unexpected error in an event handler", exc_info=exception)
    return rx.toast.error(t("notice.unexpected_error"), duration=10000)


app = rx.App(
    stylesheets=["/styles.css"],
    html_lang="en",
    backend_exception_handler=report_backend_error,
)
app.add_page(dashboard, route=routes.DASHBOARD, title=t("title.dashboard"),
             on_load=DashboardState.load)
app.add_page(customer_step, route=routes.NEW_CUSTOMER, title=t("title.customer_step"),
             on_load=CustomerStepState.load_new_customer)
app.add_page(customer_step, route=routes.CUSTOMER_STEP, title=t("title.customer_step"),
             on_load=CustomerStepState.load_customer)
app.add_page(gateway_step, route=routes.GATEWAY_STEP, title=t("title.gateway_step"),
             on_load=GatewayStepState.load)
