"""A one-time link reaches the server once, at the backend's endpoint (cloudlink_app/http):
GET /auth/link?token=... keeps the token in a short-lived HttpOnly cookie and sends the
browser on to the Set password page, whose address holds no token; the middleware hands
the websocket only the token's keyed hash; GET /auth/password-set clears the cookie.
(What the page's state holds: tests/unit/state/test_password_pages.py; in a browser:
tests/e2e/test_link_token.py.)"""

from __future__ import annotations

import datetime
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from sqlmodel import Session, select

from cloudlink_app import routes, settings
from cloudlink_app.models import PasswordToken
from cloudlink_app.services import accounts, password_links
from tests.support.backend import PAGES, backend, seen_headers
from tests.support.database import database_rows, demo_partner_id

KIM = "kim.jansen@northwind-telecom.example"
COOKIE = "__Host-cloudlink_link"
SESSION_COOKIE = "__Host-cloudlink_session"


@pytest.fixture
def token(database) -> str:
    """A new partner user's one-time link token."""
    with settings.override(deploy_url="https://onboarding.example.com"), Session(database) as s:
        link = accounts.add_partner_user(s, KIM, "Kim Jansen", demo_partner_id(database))
    query = urlsplit(link.url).query
    return query.removeprefix(f"{routes.LINK_TOKEN_QUERY}=")


def open_link(token: object, **kwargs):
    """The browser opens the link (GET, as from a mail client: no Origin)."""
    query = "" if token is None else "?" + urlencode({routes.LINK_TOKEN_QUERY: token})
    return backend().get(routes.AUTH_LINK + query, **kwargs)


def link_cookie(response, name: str = COOKIE):
    cookie: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookie.load(header)
    return cookie.get(name)


def stored_hash(database) -> str:
    with Session(database) as session:
        return session.exec(select(PasswordToken.token_hash)).one()


# ----- GET /auth/link ----------------------------------------------------------------


def test_a_live_link_sets_a_short_lived_httponly_cookie_and_goes_to_a_clean_page(database, token):
    rows = database_rows(database)
    response = open_link(token)
    assert response.status_code == 303
    assert response.headers["location"] == PAGES + routes.SET_PASSWORD
    assert response.headers["cache-control"] == "no-store"
    morsel = link_cookie(response)
    assert morsel is not None and morsel.value == token
    assert morsel["httponly"] and morsel["secure"] and morsel["path"] == "/"
    assert morsel["samesite"] == "strict"
    assert int(morsel["max-age"]) == 30 * 60
    # Nothing spent nor written: a mail scanner fetching the link changes nothing.
    assert database_rows(database) == rows
    with Session(database) as session:
        assert password_links.link_is_valid(session, token)
    # The token is in the cookie only: not in the address the browser goes on to.
    assert token not in response.headers["location"] and token not in response.text


def test_the_cookie_never_outlives_the_link(database):
    start = datetime.datetime.now(datetime.UTC) - password_links.NEW_USER_LINK_LIFETIME
    with settings.override(deploy_url="https://onboarding.example.com"), Session(database) as s:
        link = accounts.add_partner_user(
            s,
            KIM,
            "Kim Jansen",
            demo_partner_id(database),
            now=start + datetime.timedelta(minutes=5),
        )
    token = urlsplit(link.url).query.removeprefix(f"{routes.LINK_TOKEN_QUERY}=")
    morsel = link_cookie(open_link(token))
    assert morsel is not None and 0 < int(morsel["max-age"]) <= 5 * 60


def test_in_demo_mode_the_cookie_has_the_demo_name_and_no_secure_flag(database, token):
    with settings.override(demo_mode=True):
        response = open_link(token)
    assert link_cookie(response) is None
    morsel = link_cookie(response, "cloudlink_link")
    assert morsel is not None and morsel.value == token
    assert morsel["httponly"] and not morsel["secure"] and morsel["samesite"] == "strict"


@pytest.mark.parametrize(
    "crafted",
    [None, "", "made-up-token", "x" * 5000, "a\x00b", "spent"],
    ids=repr,
)
def test_an_invalid_link_goes_to_the_same_page_and_clears_the_cookie(
    database, token, crafted, caplog
):
    if crafted == "spent":
        with Session(database) as session:
            user_id = session.exec(select(PasswordToken.user_id)).one()
            password_links.spend_links(session, user_id, datetime.datetime.now(datetime.UTC))
            session.commit()
        crafted = token
    rows = database_rows(database)
    response = open_link(crafted, cookies={COOKIE: token})
    assert response.status_code == 303
    assert response.headers["location"] == PAGES + routes.SET_PASSWORD
    # An earlier link's cookie goes: the page never shows another link's form.
    morsel = link_cookie(response)
    assert morsel is not None and morsel.value == "" and morsel["max-age"] == "0"
    assert morsel["secure"] and morsel["httponly"]
    assert database_rows(database) == rows
    assert "link opened is not valid" in caplog.text
    if isinstance(crafted, str) and crafted:
        assert crafted not in caplog.text


def test_a_link_opened_from_another_site_works(database, token):
    response = open_link(token, headers={"origin": "https://mail.example.net"})
    assert response.status_code == 303
    assert response.headers["location"] == PAGES + routes.SET_PASSWORD
    assert link_cookie(response) is not None


# ----- GET /auth/password-set --------------------------------------------------------


def test_password_set_clears_the_cookie_and_goes_to_sign_in(token):
    response = backend().get(routes.AUTH_PASSWORD_SET, cookies={COOKIE: token})
    assert response.status_code == 303
    assert response.headers["location"] == PAGES + routes.password_set_url()
    morsel = link_cookie(response)
    assert morsel is not None and morsel.value == "" and morsel["max-age"] == "0"


# ----- the middleware -----------------------------------------------------------------


def test_the_websocket_gets_the_links_hash_and_never_its_token(database, token):
    headers = seen_headers(backend(), cookies={COOKIE: token, SESSION_COOKIE: "x" * 43})
    assert "cookie" not in headers
    assert headers["proxy-authorization"] == f"CloudLink-Link {stored_hash(database)}"
    assert token not in repr(headers)
    assert headers["authorization"].startswith("CloudLink-Session ")


def test_a_forged_link_header_is_overwritten_or_removed(database, token):
    forged = {"Proxy-Authorization": f"CloudLink-Link {'0' * 64}"}
    headers = seen_headers(backend(), cookies={COOKIE: token}, headers=forged)
    assert headers["proxy-authorization"] == f"CloudLink-Link {stored_hash(database)}"
    for path in ["/_event/", "/ping", routes.SET_PASSWORD]:
        assert "proxy-authorization" not in seen_headers(backend(), path, headers=forged)


def test_only_the_current_modes_link_cookie_counts(token):
    headers = seen_headers(backend(), cookies={"cloudlink_link": token})
    assert "proxy-authorization" not in headers  # the demo name, outside demo mode
    with settings.override(demo_mode=True):
        headers = seen_headers(backend(), cookies={"cloudlink_link": token})
    assert headers["proxy-authorization"].startswith("CloudLink-Link ")


# ----- links mailed before: /set-password?token=... -----------------------------------


def test_a_link_mailed_before_goes_the_same_way_through_auth_link(database, token):
    # Links were /set-password?token=... before; they live 7 days.
    response = backend().get(
        routes.SET_PASSWORD + "?" + urlencode({routes.LINK_TOKEN_QUERY: token})
    )
    assert response.status_code == 303
    assert response.headers["location"] == routes.AUTH_LINK + "?" + urlencode(
        {routes.LINK_TOKEN_QUERY: token}
    )
    assert link_cookie(response) is None  # set by /auth/link, not here
    # Followed, it is a link like any other: the cookie, and a page address without it.
    followed = open_link(token)
    assert followed.headers["location"].endswith(routes.SET_PASSWORD)
    assert link_cookie(followed) is not None


def test_the_set_password_page_itself_is_not_redirected(database):
    response = backend().get(routes.SET_PASSWORD)
    assert response.status_code != 303
