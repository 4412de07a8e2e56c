"""The app: pages registered with their states, and Reflex's middleware, lifespan tasks
and hooks added."""

import reflex as rx

from cloudlink_app import http, logs, routes, settings
from cloudlink_app.components import first_paint
from cloudlink_app.components.layout import with_language
from cloudlink_app.domain.i18n import t
from cloudlink_app.http import caching, headers
from cloudlink_app.pages.account import account
from cloudlink_app.pages.change_password import change_password
from cloudlink_app.pages.connect_step import connect_step
from cloudlink_app.pages.customer_import import customer_import
from cloudlink_app.pages.customer_step import customer_step
from cloudlink_app.pages.dashboard import dashboard
from cloudlink_app.pages.gateway_step import gateway_step
from cloudlink_app.pages.outbox import outbox_page
from cloudlink_app.pages.pbx_step import pbx_step
from cloudlink_app.pages.problem_reports import problem_reports_page
from cloudlink_app.pages.report_problem import report_problem
from cloudlink_app.pages.review_step import review_step
from cloudlink_app.pages.set_password import set_password
from cloudlink_app.pages.sign_in import sign_in
from cloudlink_app.pages.sync_step import sync_step
from cloudlink_app.pages.team import team_page
from cloudlink_app.pages.team_invite import team_invite
from cloudlink_app.pages.team_member import team_member
from cloudlink_app.reflex_internals import app_hooks, token_manager
from cloudlink_app.services import outbox, schema_check, signing_in, startup
from cloudlink_app.state.account import AccountState
from cloudlink_app.state.change_password import ChangePasswordState
from cloudlink_app.state.clean_tab import FollowSession
from cloudlink_app.state.clean_text import CleanText
from cloudlink_app.state.connect_step import ConnectStepState
from cloudlink_app.state.customer_import import CustomerImportState
from cloudlink_app.state.customer_step import CustomerStepState
from cloudlink_app.state.dashboard import DashboardState
from cloudlink_app.state.event_log import EventLog
from cloudlink_app.state.failures import report_backend_error, report_frontend_error
from cloudlink_app.state.gateway_step import GatewayStepState
from cloudlink_app.state.outbox import OutboxState
from cloudlink_app.state.pbx_step import PbxStepState
from cloudlink_app.state.problem_reports import ProblemReportsState
from cloudlink_app.state.report_problem import ReportProblemState
from cloudlink_app.state.review_step import ReviewStepState
from cloudlink_app.state.set_password import SetPasswordState
from cloudlink_app.state.sign_in import SignInState
from cloudlink_app.state.sync_step import SyncStepState
from cloudlink_app.state.team import TeamState
from cloudlink_app.state.team_invite import TeamInviteState
from cloudlink_app.state.team_member import TeamMemberState

# Every environment variable, checked before the app is made: a bad one stops it here.
settings.get()


app = rx.App(
    stylesheets=["/styles.css"],
    html_lang="en",
    # <html lang> set before the first paint, so the page paints in the tab's language.
    head_components=[first_paint.language_before_paint()],
    backend_exception_handler=report_backend_error,
    frontend_exception_handler=report_frontend_error,
    # No toasts: the app shows nothing in them (its connection status is in the page,
    # components/layout.py), and sonner's provider was ~10 KB of JS on every page.
    toaster=None,
    # The sign-in/sign-out endpoints and the middleware that keeps the session cookie
    # out of Reflex (cloudlink_app/http); a list others may append to. Last, so
    # outermost: security headers on every response, websockets of other origins refused.
    api_transformer=[*http.api_transformers(), caching.cache_headers, headers.security_headers],
)
# A tab keeps its state when the instance its websocket was on dies (Redis).
token_manager.install(app)
# Reflex's model/database comparison knows the search index is not the models'.
schema_check.install()
# Instead of Reflex's connection toast (it names the websocket's URL): every page's own
# "Reconnecting" status (components/layout.connection_status).
app_hooks.remove_connection_toast(app)
# A frontend error is never answered with a script (the policy forbids eval).
app_hooks.no_reload_on_frontend_errors()
# Reflex's Socket.IO server checks the websocket's Origin by the same rule, at run time.
app_hooks.check_socketio_origins(app, headers.engineio_origin_check)
# Before every event: a new user or an ended session resets the tab's states first, and
# no text of the payload holds a character that no text may hold.
app.add_middleware(FollowSession())
app.add_middleware(CleanText())
# The app's records to stderr (CLOUDLINK_LOG_FORMAT, CLOUDLINK_LOG_LEVEL), in every
# worker process; and one line per handled event, timed from before FollowSession on.
logs.configure()
app.add_middleware(EventLog(), index=0)
# Outside demo mode, no start with demo accounts, without a deploy URL or a secret key.
app.register_lifespan_task(startup.refuse_to_start_on_problems)
# Old failed sign-ins and ended sessions are deleted every few minutes, not only when
# someone signs in.
app.register_lifespan_task(signing_in.prune_on_schedule)
# The outbox's messages are sent every few seconds when CLOUDLINK_SMTP_URL is set.
app.register_lifespan_task(outbox.deliver_on_schedule)
# Every page: (component, route, its state, on_load); the state's TITLE_KEY titles it.
# The Set password page of a one-time link is public; the others check the session in
# their on_load.
PAGES = (
    (sign_in, routes.SIGN_IN, SignInState, SignInState.load),
    (account, routes.ACCOUNT, AccountState, AccountState.load),
    (set_password, routes.SET_PASSWORD, SetPasswordState, SetPasswordState.load),
    (change_password, routes.CHANGE_PASSWORD, ChangePasswordState, ChangePasswordState.load),
    (dashboard, routes.DASHBOARD, DashboardState, DashboardState.load),
    (customer_step, routes.NEW_CUSTOMER, CustomerStepState, CustomerStepState.load_new_customer),
    (customer_step, routes.CUSTOMER_STEP, CustomerStepState, CustomerStepState.load),
    (gateway_step, routes.GATEWAY_STEP, GatewayStepState, GatewayStepState.load),
    (pbx_step, routes.PBX_STEP, PbxStepState, PbxStepState.load),
    (connect_step, routes.CONNECT_STEP, ConnectStepState, ConnectStepState.load),
    (sync_step, routes.SYNC_STEP, SyncStepState, SyncStepState.load),
    (review_step, routes.REVIEW_STEP, ReviewStepState, ReviewStepState.load),
    (report_problem, routes.REPORT_PROBLEM, ReportProblemState, ReportProblemState.load),
    (problem_reports_page, routes.PROBLEM_REPORTS, ProblemReportsState, ProblemReportsState.load),
    (outbox_page, routes.OUTBOX, OutboxState, OutboxState.load),
    (team_page, routes.TEAM, TeamState, TeamState.load),
    (team_invite, routes.TEAM_INVITE, TeamInviteState, TeamInviteState.load),
    (team_member, routes.TEAM_MEMBER, TeamMemberState, TeamMemberState.load),
    (customer_import, routes.CUSTOMERS_IMPORT, CustomerImportState, CustomerImportState.load),
)
# Each page load first chooses the tab's language (SessionState.load_language: the
# html lang and the title in it), then runs the page's own on_load in that language.
for component, route, page_state, on_load in PAGES:
    title_key = page_state.TITLE_KEY
    app.add_page(
        component,
        route=route,
        title=t(title_key),
        on_load=with_language(title_key, on_load),
    )
