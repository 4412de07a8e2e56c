"""Whether the app may start: outside demo mode, never with demo accounts, without a
deploy URL or without a secret key.

Demo mode (CLOUDLINK_DEMO_MODE=1, what `make run` sets) needs none of these: it serves
localhost, generates its key into .cloudlink-secret-key and is meant for the demo
accounts. Anywhere else the demo accounts' password is public (README, sign-in page),
any origin could open the websocket without a deploy URL, and sessions cannot be keyed
without a secret.

``startup_problems`` lists what is wrong; ``refuse_to_start_on_problems`` is the
backend's lifespan task (cloudlink_app.py registers it), which logs the list and stops
the server before it accepts a connection. What is allowed but weak
(``startup_warnings``: mail sent in clear to a local server) is logged as a warning.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlmodel import Session, col

from cloudlink_app import settings
from cloudlink_app.models import AppUser, Partner
from cloudlink_app.services.database import get_session

logger = logging.getLogger("cloudlink_app.startup")

_GENERATE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
_OR_DEMO = "or run in demo mode (CLOUDLINK_DEMO_MODE=1) on a laptop"
STOPPED = "CloudLink Onboarding does not start outside demo mode"


class StartupRefused(RuntimeError):
    """The app may not start: the message lists every problem, one a line."""


def demo_account_count(session: Session) -> int:
    """How many users belong to demo partners (the demo accounts)."""
    return session.execute(
        sa.select(sa.func.count())
        .select_from(AppUser)
        .join(Partner, col(Partner.id) == col(AppUser.partner_id))
        .where(col(Partner.is_demo).is_(True))
    ).scalar_one()


def startup_problems(current: settings.Settings, session: Session) -> list[str]:
    """Why the app may not start with these settings and this database: one clear
    sentence per problem (what is wrong and what to do), empty when it may start.
    Nothing is a problem in demo mode."""
    if current.demo_mode:
        return []
    problems = []
    if current.deploy_url is None:
        problems.append(
            f"{settings.VARIABLES['deploy_url']} is not set: set it to the app's public "
            f"address (for example https://onboarding.example.com), {_OR_DEMO}."
        )
    if current.secret_key is None:
        problems.append(
            f"{settings.SECRET_KEY_ENV} is not set: set it to a secret of at least "
            f"{settings.SECRET_KEY_MIN} characters from your secret store (for example "
            f"the output of: {_GENERATE_KEY}), {_OR_DEMO}."
        )
    try:
        demo_accounts = demo_account_count(session)
    except sa.exc.SQLAlchemyError as error:
        # Not a reason to show the error's text (it may name the database's URL).
        problems.append(
            "the database could not be checked for demo accounts "
            f"({type(error).__name__}): apply the migrations (reflex db migrate) and "
            "check REFLEX_DB_URL."
        )
    else:
        if demo_accounts:
            problems.append(
                f"the database holds {demo_accounts} demo account(s), whose password is "
                "public: use a database without the demo data (loaded by `make run` and "
                f"python -m cloudlink_app.demo_data), {_OR_DEMO}."
            )
    return problems


def startup_warnings(current: settings.Settings) -> list[str]:
    """What the app starts with but operators should know: one sentence each."""
    warnings = []
    server = current.smtp
    if server is not None and server.plain and not current.demo_mode:
        warnings.append(
            f"{settings.VARIABLES['smtp_url']} is smtp+plain:// (to {server.host}): the "
            "outbox sends the SMTP password and the mailed links without TLS. Only a "
            "mail server on this machine is allowed so; prefer smtp:// (STARTTLS) or "
            "smtps://."
        )
    return warnings


def refusal_message(problems: list[str]) -> str:
    """The message the app stops with: every problem, one a line."""
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return f"{STOPPED}:\n{lines}"


def refuse_to_start_on_problems() -> None:
    """The backend's lifespan task: at start, before any connection is accepted, check
    the settings and the database; on a problem log the message and raise
    StartupRefused, which stops the server."""
    current = settings.get()
    for warning in startup_warnings(current):
        logger.warning(warning)
    with get_session() as session:
        problems = startup_problems(current, session)
    if problems:
        logger.critical(refusal_message(problems))
        # The server stops on it (and prints where it was raised): the problems are
        # said once, above, not again in each traceback.
        raise StartupRefused(f"{STOPPED}: {len(problems)} problem(s), listed above") from None
