"""Every URL of the app, as constants (for add_page) and builders (for links)."""

from __future__ import annotations

DASHBOARD = "/"
NEW_CUSTOMER = "/customers/new"
CUSTOMER_STEP = "/customers/[account_id]/customer"
GATEWAY_STEP = "/customers/[account_id]/gateway"
PBX_STEP = "/customers/[account_id]/pbx"
CONNECT_STEP = "/customers/[account_id]/connect"
SYNC_STEP = "/customers/[account_id]/sync"
REVIEW_STEP = "/customers/[account_id]/review"


def step_url(account_id: str, step: str) -> str:
    """The URL of a wizard step of a saved customer."""
    return f"/customers/{account_id}/{step}"
