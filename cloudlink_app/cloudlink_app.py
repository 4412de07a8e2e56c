"""The app: pages registered, nothing else."""

import logging

import reflex as rx

from cloudlink_app import routes, settings
from cloudlink_app.domain.i18n import t
from cloudlink_app.pages.account import account
from cloudlink_app.pages.connect_step import connect_step
from cloudlink_app.pages.customer_step import customer_step
from cloudlink_app.pages.dashboard import dashboard
from cloudlink_app.pages.gateway_step import gateway_step
from cloudlink_app.pages.pbx_step import pbx_step
from cloudlink_app.pages.review_step import review_step
from cloudlink_app.pages.sign_in import sign_in
from cloudlink_app.pages.sync_step import sync_step
from cloudlink_app.state.account import AccountState
from cloudlink_app.state.connect_step import ConnectStepState
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.gateway_step import GatewayStepState
from cloudlink_app.state.pbx_step import PbxStepState
from cloudlink_app.state.review_step import ReviewStepState
from cloudlink_app.state.sign_in import SignInState
from cloudlink_app.state.sync_step import SyncStepState

# Every environment variable, checked before the app is made: a bad one stops it here.
settings.get()
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
app.add_page(sign_in, route=routes.SIGN_IN, title=t("title.sign_in"), on_load=SignInState.load)
app.add_page(account, route=routes.ACCOUNT, title=t("title.account"), on_load=AccountState.load)
app.add_page(
    dashboard, route=routes.DASHBOARD, title=t("title.dashboard"), on_load=DashboardState.load
)
app.add_page(
    customer_step,
    route=routes.NEW_CUSTOMER,
    title=t("title.customer_step"),
    on_load=CustomerStepState.load_new_customer,
)
app.add_page(
    customer_step,
    route=routes.CUSTOMER_STEP,
    title=t("title.customer_step"),
    on_load=CustomerStepState.load,
)
for component, route, title_key, state in (
    (gateway_step, routes.GATEWAY_STEP, "title.gateway_step", GatewayStepState),
    (pbx_step, routes.PBX_STEP, "title.pbx_step", PbxStepState),
    (connect_step, routes.CONNECT_STEP, "title.connect_step", ConnectStepState),
    (sync_step, routes.SYNC_STEP, "title.sync_step", SyncStepState),
    (review_step, routes.REVIEW_STEP, "title.review_step", ReviewStepState),
):
    app.add_page(component, route=route, title=t(title_key), on_load=state.load)
