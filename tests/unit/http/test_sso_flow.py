"""Single sign-on through a real OpenID Connect provider on 127.0.0.1
(oidc-provider-mock, tests/support/oidc_provider.py) and the app's real endpoints
(GET /auth/sso/start and /auth/sso/callback, Starlette's TestClient): who gets in, with
the same HttpOnly session cookie as a password sign-in, and every refusal, which lands
on the sign-in page with its error code."""

from __future__ import annotations

import logging
import socket
import threading
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from cloudlink_app import routes, settings
from cloudlink_app.models import AppUser, PartnerSso, SsoRequest, UserCustomer
from cloudlink_app.services import accounts, sso_config, sso_tokens
from tests.support.backend import backend, post_sign_in
from tests.support.oidc_provider import oidc_provider

URL = "https://testserver"
SESSION = "__Host-cloudlink_session"
SSO_COOKIE = "__Host-cloudlink_sso"
KIM = "kim@fabrikam.example"


@pytest.fixture
def provider():
    sso_tokens.forget_cache()
    with oidc_provider() as running:
        yield running
    sso_tokens.forget_cache()


@pytest.fixture
def partner(database, provider, monkeypatch):
    """Fabrikam Voice with single sign-on on the provider for fabrikam.example, and its
    user Kim (the provider's subject "kim-sub", email verified)."""
    monkeypatch.setenv(sso_config.CLIENT_SECRET_ENV, "client-secret")
    with settings.override(deploy_url=URL), Session(database) as session:
        partner_id = accounts.create_partner(session, "Fabrikam Voice")
        accounts.add_partner_user(session, KIM, "Kim Jansen", partner_id)
    configure(database, partner_id, provider)
    provider.set_user("kim-sub", email=KIM, email_verified=True, name="Kim Jansen")
    with settings.override(deploy_url=URL):
        yield partner_id


def configure(database, partner_id, provider, **flags):
    with Session(database) as session:
        sso_config.configure(
            session,
            partner_id,
            provider.issuer,
            "cloudlink-app",
            "client-secret",
            ["fabrikam.example"],
            allow_new_users=flags.get("allow_new_users", False),
            require_sso=flags.get("require_sso", False),
        )


def start(client, email: str = KIM, next_path: str = ""):
    response = client.get(routes.AUTH_SSO_START, params={"email": email, "next": next_path})
    assert response.status_code == 303
    return response


def back(client, location: str):
    """The browser, sent back to the callback by the provider."""
    parts = urlsplit(location)
    assert parts.path == routes.AUTH_SSO_CALLBACK
    return client.get(f"{parts.path}?{parts.query}")


def outcome(response) -> str:
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    if location.path != routes.SIGN_IN:
        return "signed in at " + location.path
    return parse_qs(location.query)[routes.SIGN_IN_ERROR_QUERY][0]


def sign_in_as(client, provider, sub: str, email: str = KIM, next_path: str = ""):
    authorization = start(client, email, next_path).headers["location"]
    return back(client, provider.authorize(authorization, sub))


def user(database, email: str) -> AppUser:
    with Session(database) as session:
        return session.exec(select(AppUser).where(AppUser.email == email)).one()


def test_a_partner_user_signs_in_with_the_httponly_cookie(database, partner, provider):
    client = backend()
    authorization = start(client, next_path="/customers/new").headers["location"]
    query = parse_qs(urlsplit(authorization).query)
    assert authorization.startswith(provider.issuer + "/oauth2/authorize?")
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 43 and len(query["nonce"][0]) >= 43
    assert query["redirect_uri"] == [URL + routes.AUTH_SSO_CALLBACK]
    assert "openid" in query["scope"][0].split()
    response = back(client, provider.authorize(authorization, "kim-sub"))
    assert outcome(response) == "signed in at /customers/new"
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookie.load(header)
    assert cookie[SESSION]["httponly"] is True and cookie[SESSION]["secure"] is True
    assert cookie[SESSION].value
    kim = user(database, KIM)
    assert (kim.sso_issuer, kim.sso_subject) == (provider.issuer, "kim-sub")
    # Without next: the dashboard.
    assert outcome(sign_in_as(backend(), provider, "kim-sub")) == "signed in at /"


def test_matched_by_subject_after_the_first_time(database, partner, provider):
    assert outcome(sign_in_as(backend(), provider, "kim-sub")).startswith("signed in")
    provider.set_user("kim-sub", email="kim.jansen@fabrikam.example", email_verified=True)
    assert outcome(sign_in_as(backend(), provider, "kim-sub")).startswith("signed in")
    # Another subject with Kim's email is not Kim.
    provider.set_user("other-sub", email=KIM, email_verified=True)
    assert outcome(sign_in_as(backend(), provider, "other-sub")) == routes.SIGN_IN_SSO_NOT_ALLOWED


def test_a_wrong_or_replayed_state_is_refused(database, partner, provider):
    client = backend()
    authorization = start(client).headers["location"]
    bound = client.cookies.get(SSO_COOKIE)
    assert bound
    location = provider.authorize(authorization, "kim-sub")
    state = parse_qs(urlsplit(location).query)["state"][0]
    wrong = location.replace(state, state[:-2] + ("AA" if state[-2:] != "AA" else "BB"))
    assert outcome(back(client, wrong)) == routes.SIGN_IN_SSO_EXPIRED
    assert outcome(back(client, location)).startswith("signed in")
    assert client.cookies.get(SSO_COOKIE) is None  # cleared once signed in
    # The same state (and code) again, with the browser's cookie put back: spent.
    client.cookies.set(SSO_COOKIE, bound)
    assert outcome(back(client, location)) == routes.SIGN_IN_SSO_EXPIRED


def test_a_state_of_another_browser_is_refused(database, partner, provider):
    authorization = start(backend()).headers["location"]
    location = provider.authorize(authorization, "kim-sub")
    assert outcome(back(backend(), location)) == routes.SIGN_IN_SSO_EXPIRED


def test_a_reused_code_is_refused(database, partner, provider):
    client = backend()
    first = provider.authorize(start(client).headers["location"], "kim-sub")
    assert outcome(back(client, first)).startswith("signed in")
    code = parse_qs(urlsplit(first).query)["code"][0]
    # A new sign-in of this browser, answered with the spent code.
    second = provider.authorize(start(client).headers["location"], "kim-sub")
    fresh = parse_qs(urlsplit(second).query)["code"][0]
    assert outcome(back(client, second.replace(fresh, code))) == routes.SIGN_IN_SSO_FAILED


def test_an_unverified_email_is_refused(database, partner, provider, caplog):
    provider.set_user("kim-sub", email=KIM, email_verified=False)
    with caplog.at_level(logging.WARNING):
        assert outcome(sign_in_as(backend(), provider, "kim-sub")) == routes.SIGN_IN_SSO_FAILED
    assert "the provider has not verified the email address" in caplog.text


def test_another_partners_user_is_refused(database, partner, provider, caplog):
    with Session(database) as session:
        other = accounts.create_partner(session, "Contoso")
        accounts.add_partner_user(session, "lee@fabrikam.example", "Lee", other)
    provider.set_user("lee-sub", email="lee@fabrikam.example", email_verified=True)
    with caplog.at_level(logging.WARNING):
        result = outcome(sign_in_as(backend(), provider, "lee-sub", "lee@fabrikam.example"))
    assert result == routes.SIGN_IN_SSO_NOT_ALLOWED
    assert "a user of another partner" in caplog.text


def test_a_deactivated_user_is_refused(database, partner, provider, caplog):
    with Session(database) as session:
        accounts.deactivate_user(session, KIM)
    with caplog.at_level(logging.WARNING):
        assert outcome(sign_in_as(backend(), provider, "kim-sub")) == routes.SIGN_IN_SSO_NOT_ALLOWED
    assert "a deactivated user" in caplog.text


def test_an_unknown_user_only_with_allow_new_users(database, partner, provider):
    new = "sam@fabrikam.example"
    provider.set_user("sam-sub", email=new, email_verified=True, name="Sam de Boer")
    assert outcome(sign_in_as(backend(), provider, "sam-sub", new)) == (
        routes.SIGN_IN_SSO_NOT_ALLOWED
    )
    with Session(database) as session:
        assert session.exec(select(AppUser).where(AppUser.email == new)).first() is None
    configure(database, partner, provider, allow_new_users=True)
    assert outcome(sign_in_as(backend(), provider, "sam-sub", new)) == "signed in at /"
    sam = user(database, new)
    assert (sam.role, sam.partner_id, sam.all_customers, sam.display_name) == (
        "partner",
        partner,
        False,
        "Sam de Boer",
    )
    with Session(database) as session:
        assert session.exec(select(UserCustomer).where(UserCustomer.user_id == sam.id)).all() == []


def test_start_reveals_only_the_domains_coverage(database, partner, provider):
    for email in ("nobody@contoso.example", "not an address"):
        assert outcome(start(backend(), email)) == routes.SIGN_IN_SSO_FAILED
    # An unknown address of a covered domain goes to the provider, as a user's would.
    assert (
        start(backend(), "nobody@fabrikam.example").headers["location"].startswith(provider.issuer)
    )


def test_require_sso_refuses_the_password_for_covered_domains(database, partner, provider):
    configure(database, partner, provider, require_sso=True)
    response = post_sign_in(backend(), KIM, "any password at all")
    assert outcome(response) == routes.SIGN_IN_SSO_REQUIRED


def test_throttling_applies_to_the_callback(database, partner, provider):
    client = backend()
    location = provider.authorize(start(client).headers["location"], "kim-sub")
    for _ in range(21):  # past the address's free failures (domain/throttle.py)
        assert outcome(client.get(routes.AUTH_SSO_CALLBACK + "?state=wrong&code=x")) in (
            routes.SIGN_IN_SSO_EXPIRED,
            routes.SIGN_IN_THROTTLED,
        )
    assert outcome(back(client, location)) == routes.SIGN_IN_THROTTLED


def test_a_provider_that_is_down_or_slow_gives_a_clear_message(
    database, partner, provider, monkeypatch
):
    # Slow: a server that accepts and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    slow = f"http://127.0.0.1:{listener.getsockname()[1]}"
    monkeypatch.setattr(sso_tokens, "PROVIDER_TIMEOUT", 0.5)
    with Session(database) as session:
        row = session.get(PartnerSso, partner)
        assert row is not None
        row.issuer = slow
        session.add(row)
        session.commit()
    sso_tokens.forget_cache()
    try:
        assert outcome(start(backend())) == routes.SIGN_IN_SSO_UNAVAILABLE
    finally:
        listener.close()
    # Down: nothing listens there any more.
    assert outcome(start(backend())) == routes.SIGN_IN_SSO_UNAVAILABLE
    with Session(database) as session:
        assert session.exec(select(SsoRequest)).all() != []  # made, never used


def test_state_not_reused_across_threads(database, partner, provider):
    """Two callbacks of one sign-in at once: one signs in, the other is refused."""
    client_a = backend()
    location = provider.authorize(start(client_a).headers["location"], "kim-sub")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def go():
        barrier.wait()
        results.append(outcome(back(client_a, location)))

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.startswith("signed in") for r in results) == [False, True]
