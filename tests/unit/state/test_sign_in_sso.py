"""The sign-in page's question on the email field (SignInState.email_changed), which a
tab without a session may send: the answer is the domain's single sign-on coverage and
nothing else (not whether the address is a user), wrong types and sizes are answered
"not covered", and nothing is stored."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from cloudlink_app import routes
from cloudlink_app.domain.limits import EMAIL_MAX
from cloudlink_app.services import accounts, sso_config
from cloudlink_app.state.sign_in import SignInState
from tests.support.database import database_rows
from tests.support.tabs import Tab

pytestmark = pytest.mark.asyncio


def covered_partner(database) -> None:
    with Session(database) as session:
        partner_id = accounts.create_partner(session, "Fabrikam Voice")
        sso_config.configure(
            session,
            partner_id,
            "https://login.fabrikam.example",
            "cloudlink-app",
            "secret",
            ["fabrikam.example"],
            allow_new_users=False,
            require_sso=False,
            discover=False,
        )


async def test_the_answer_is_the_domains_coverage_only(database):
    covered_partner(database)
    tab = Tab(None)
    tab.open_route(routes.SIGN_IN)
    await tab.send(SignInState, "load")
    rows_before = database_rows(database)
    answers = {}
    for email in ("nobody@Fabrikam.Example", "kim@contoso.example", "no address"):
        await tab.send(SignInState, "email_changed", value=email)
        state = tab.state(SignInState)
        answers[email] = (state.sso_covered, state.sso_query)
    assert answers == {
        "nobody@Fabrikam.Example": (True, "?email=nobody%40Fabrikam.Example"),
        "kim@contoso.example": (False, ""),
        "no address": (False, ""),
    }
    assert database_rows(database) == rows_before


async def test_wrong_types_and_sizes_are_not_covered(database):
    covered_partner(database)
    tab = Tab(None)
    tab.open_route(routes.SIGN_IN)
    await tab.send(SignInState, "load")
    await tab.send(SignInState, "email_changed", value="kim@fabrikam.example")
    assert tab.state(SignInState).sso_covered
    for value in (42, None, ["kim@fabrikam.example"], "x" * EMAIL_MAX + "@fabrikam.example"):
        await tab.send(SignInState, "email_changed", value=value)
        assert (tab.state(SignInState).sso_covered, tab.state(SignInState).sso_query) == (
            False,
            "",
        )
