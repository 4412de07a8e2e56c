"""Single sign-on as a person does it, through the provider's own page: a real OpenID
Connect provider on 127.0.0.1 (oidc-provider-mock, in this process's thread), the app's
sign-in page asking for the email first, "Continue with single sign-on" in place of the
password, the provider's "Authorize" page, and back signed in with the HttpOnly session
cookie. An address of another domain keeps the password."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from cloudlink_app import settings
from cloudlink_app.services import accounts, sso_config, sso_tokens
from cloudlink_app.services.database import get_session
from tests.support.browser import field, ready
from tests.support.oidc_provider import oidc_provider


@pytest.fixture
def sso_partner(app_harness):
    """A partner with single sign-on on a provider on 127.0.0.1, covering a domain of
    its own, and its user Kim (the provider's subject "kim-sub")."""
    tag = uuid.uuid4().hex[:8]
    domain = f"fabrikam-{tag}.example"
    email = f"kim@{domain}"
    sso_tokens.forget_cache()
    with oidc_provider() as provider:
        with get_session() as session, settings.override(deploy_url=app_harness.frontend_url):
            partner_id = accounts.create_partner(session, f"Fabrikam {tag}")
            accounts.add_partner_user(session, email, "Kim Jansen", partner_id)
            sso_config.configure(
                session,
                partner_id,
                provider.issuer,
                "cloudlink-app",
                "client-secret",
                [domain],
                allow_new_users=False,
                require_sso=False,
            )
        provider.set_user("kim-sub", email=email, email_verified=True, name="Kim Jansen")
        yield email
        with get_session() as session:
            sso_config.remove(session, partner_id)
    sso_tokens.forget_cache()


def test_a_partner_user_signs_in_through_the_providers_page(signed_out_page: Page, sso_partner):
    page = signed_out_page
    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    ready(page)
    field(page, "Email address").fill(sso_partner)
    field(page, "Email address").press("Tab")
    button = page.get_by_role("link", name="Continue with single sign-on")
    expect(button).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    button.click()
    # The provider's own page.
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.locator("input[name=sub]").fill("kim-sub")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(re.compile(r"^[^?]*/$"))
    session_cookies = [c for c in page.context.cookies() if c["name"].endswith("_session")]
    assert len(session_cookies) == 1 and session_cookies[0]["httpOnly"] is True


def test_another_domain_keeps_the_password(signed_out_page: Page, sso_partner):
    page = signed_out_page
    page.goto("/sign-in")
    ready(page)
    field(page, "Email address").fill("someone@contoso.example")
    field(page, "Email address").press("Tab")
    expect(field(page, "Password")).to_be_visible()
    expect(page.get_by_role("link", name="Continue with single sign-on")).to_have_count(0)
