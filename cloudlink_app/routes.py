"""Every URL of the app, as constants (for add_page) and builders (for links)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from cloudlink_app.domain import wizard_path

SIGN_IN = "/sign-in"
DASHBOARD = "/"
ACCOUNT = "/account"
NEW_CUSTOMER = "/customers/new"
CUSTOMER_STEP = "/customers/[account_id]/customer"
GATEWAY_STEP = "/customers/[account_id]/gateway"
PBX_STEP = "/customers/[account_id]/pbx"
CONNECT_STEP = "/customers/[account_id]/connect"
SYNC_STEP = "/customers/[account_id]/sync"
REVIEW_STEP = "/customers/[account_id]/review"
# Report a problem with a CloudLink application of a customer (to its support contacts).
REPORT_PROBLEM = "/customers/[account_id]/problems/new"
PROBLEM_REPORTS = "/customers/[account_id]/problems"
# The demo mode's Outbox: the messages as they would arrive (services/outbox.py).
OUTBOX = "/outbox"
# The partner's team (partner admins only): the list, inviting a colleague, one member.
TEAM = "/team"
TEAM_INVITE = "/team/invite"
TEAM_MEMBER = "/team/[user_id]"
CUSTOMERS_IMPORT = "/customers/import"
# The Set password page of a one-time link (which reaches it through AUTH_LINK, below),
# and a signed-in user's own password.
SET_PASSWORD = "/set-password"
CHANGE_PASSWORD = "/account/password"
# The sign-in page after a password was set (?password=set): it says so.
PASSWORD_SET_QUERY = "password"

# A step opened from Review's "Change" (?from=review): its Next returns to Review.
REVIEW_QUERY = "from"
# A step opened by Finish onboarding (&check=1): it shows at once what stops it.
CHECK_QUERY = "check"


def step_url(account_id: str, step: str) -> str:
    """The URL of a wizard step of a saved customer."""
    return f"/customers/{account_id}/{step}"


def problem_reports_url(account_id: str) -> str:
    """The Problem reports page of a customer (its reports, open ones first)."""
    return f"/customers/{account_id}/problems"


def report_problem_url(account_id: str) -> str:
    """The Report a problem page of a customer."""
    return f"/customers/{account_id}/problems/new"


def team_member_url(user_id: int) -> str:
    """The page of one member of the partner's team."""
    return f"{TEAM}/{user_id}"


def change_url(account_id: str, step: str) -> str:
    """Review's "Change" link of a step: the step, whose Next returns to Review."""
    return f"{step_url(account_id, step)}?{REVIEW_QUERY}={wizard_path.REVIEW}"


def failing_step_url(account_id: str, step: str) -> str:
    """The step Finish onboarding found failing: opened from Review, errors shown."""
    return f"{change_url(account_id, step)}&{CHECK_QUERY}=1"


def sign_in_url(next_path: str = "") -> str:
    """The sign-in page, returning to ``next_path`` afterwards."""
    return f"{SIGN_IN}?{urlencode({'next': next_path})}" if next_path else SIGN_IN


def password_set_url() -> str:
    """The sign-in page saying that the password was set."""
    return f"{SIGN_IN}?{urlencode({PASSWORD_SET_QUERY: 'set'})}"


# The backend's endpoints that the sign-in and sign-out forms post to (cloudlink_app/http).
AUTH_SIGN_IN = "/auth/sign-in"
AUTH_SIGN_OUT = "/auth/sign-out"
# Single sign-on (cloudlink_app/http/sso.py): GET start?email=...&next=... sends the
# browser to the partner's provider, which sends it back to GET callback.
AUTH_SSO_START = "/auth/sso/start"
AUTH_SSO_CALLBACK = "/auth/sso/callback"
# Where a one-time link points (?token=...): the backend keeps the token in a cookie and
# sends the browser on to SET_PASSWORD; AUTH_PASSWORD_SET clears that cookie once the
# password is set and goes on to sign in.
AUTH_LINK = "/auth/link"
AUTH_PASSWORD_SET = "/auth/password-set"
# The customer files, downloaded from the backend (http/customer_files.py).
CUSTOMERS_EXPORT = "/customers/export"
IMPORT_TEMPLATE = "/customers/import/template"
LINK_TOKEN_QUERY = "token"
# The sign-in page after a refused sign-in (?error=...): it shows why.
SIGN_IN_ERROR_QUERY = "error"
SIGN_IN_FAILED = "failed"
SIGN_IN_THROTTLED = "throttled"
SIGN_IN_TIMED_OUT = "timed_out"
# Single sign-on's refusals: it did not succeed (a refused code or ID token, the
# provider's error), the provider did not answer, the sign-in expired or was used
# already, nobody here for that identity, and a password sign-in for a domain that must
# use single sign-on.
SIGN_IN_SSO_FAILED = "sso_failed"
SIGN_IN_SSO_UNAVAILABLE = "sso_unavailable"
SIGN_IN_SSO_EXPIRED = "sso_expired"
SIGN_IN_SSO_NOT_ALLOWED = "sso_not_allowed"
SIGN_IN_SSO_REQUIRED = "sso_required"
SIGN_IN_ERRORS = (
    SIGN_IN_FAILED,
    SIGN_IN_THROTTLED,
    SIGN_IN_TIMED_OUT,
    SIGN_IN_SSO_FAILED,
    SIGN_IN_SSO_UNAVAILABLE,
    SIGN_IN_SSO_EXPIRED,
    SIGN_IN_SSO_NOT_ALLOWED,
    SIGN_IN_SSO_REQUIRED,
)


def link_url(base_url: str, token: str) -> str:
    """A one-time link to set a password: the backend's endpoint at the public address
    ``base_url``, with the link's token."""
    return f"{base_url.rstrip('/')}{AUTH_LINK}?{urlencode({LINK_TOKEN_QUERY: token})}"


def sign_in_error_url(next_path: str, error: str) -> str:
    """The sign-in page showing why a sign-in was refused, returning to ``next_path``."""
    query = {"next": next_path} if next_path else {}
    return f"{SIGN_IN}?{urlencode({**query, SIGN_IN_ERROR_QUERY: error})}"


def safe_next(value: object) -> str | None:
    """A "next" target that stays inside this app ("/customers/..."), else None.

    The sign-in page redirects there, so anything that could leave the site (an
    absolute URL, "//host", a backslash trick) is refused.
    """
    if not isinstance(value, str) or len(value) > 300 or not value.startswith("/"):
        return None
    if value.startswith("//") or "\\" in value or any(c < " " for c in value):
        return None
    if urlsplit(value).netloc or value.startswith(SIGN_IN):
        return None
    return value
