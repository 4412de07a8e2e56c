"""Who may check a connection now, and the check itself with its stored result.

A server that connects where a user says is a network scanner for its users: only
those the permission table lets check (partner users, on their partner's customers)
may ask, at most RATE_LIMIT checks a minute each, and the target policy
(services.connection) refuses link-local and metadata addresses always, and loopback
and private networks unless configuration or demo mode allows them.
"""

from __future__ import annotations

from sqlmodel import Session

from cloudlink_app.domain import pbx, permissions
from cloudlink_app.services import connection, customers, users, wizard
from cloudlink_app.services.database import get_session

# (checks, seconds): at most that many checks per user in that window.
RATE_LIMIT = connection.RATE_LIMIT


def refusal(session: Session, user: users.CurrentUser, account_id: str) -> str | None:
    """The notice key when this user may not check the connection of the customer
    ``account_id`` now, else None: not theirs to check first, then the rate limit."""
    owner = customers.customer_owner(session, user.partner_id, account_id)
    if owner is None:
        return "notice.customer_not_found"
    if not user.may(permissions.CHECK_CONNECTION, owner.partner_id, owner.customer_id):
        return "notice.partners_only_check"
    count, seconds = RATE_LIMIT
    if wizard.checks_in_last(session, user.id, seconds) >= count:
        return "notice.too_many_checks"
    return None


async def run_check(
    user: users.CurrentUser, account_id: str, address: str, port: str
) -> wizard.WizardRecord:
    """Check the connection to ``address``:``port`` for real and store the result with
    the customer (and in the audit trail); the caller asked refusal() first.

    No database session is open while the network is waited on.
    """
    host = pbx.normalize_host(address)
    number = pbx.parse_port(port)
    result = await connection.check_connection(
        host, number, allow_private=connection.allow_private_targets()
    )
    with get_session() as session:
        return wizard.record_check(
            session,
            partner_id=user.partner_id,
            account_id=account_id,
            user_id=user.id,
            target=wizard.target_of(host, str(number)),
            result=result,
        )
