"""The password policy (domain/passwords.py): length, not the email address, not a
common password, typed the same twice; keys with parameters, rendered by t()."""

from __future__ import annotations

import pytest

from cloudlink_app.domain import passwords
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.limits import Problem, render
from cloudlink_app.domain.passwords import (
    CONFIRM_PASSWORD,
    NEW_PASSWORD,
    PASSWORD_MAX,
    PASSWORD_MIN,
    new_password_problem,
    password_problems,
)
from cloudlink_app.services import signing_in

# The keys of accounts' texts (the Set password and Change password pages and the
# password policy's messages): the list domain/labels_accounts.py kept until nothing
# read it.
ACCOUNT_KEYS = (
    "title.set_password",
    "title.change_password",
    "set_password.heading",
    "set_password.intro",
    "set_password.button",
    "set_password.invalid_link",
    "set_password.done",
    "change_password.heading",
    "change_password.link",
    "change_password.button",
    "change_password.done",
    "change_password.not_allowed",
    "password.timed_out",
    "password.current",
    "password.new",
    "password.confirm",
    "password.hint",
    "new_password.required",
    "new_password.too_short",
    "new_password.too_long",
    "new_password.unstorable",
    "new_password.is_email",
    "new_password.common",
    "confirm_password.required",
    "confirm_password.mismatch",
    "current_password.required",
    "current_password.wrong",
)


# Their English texts, which these tests read (labels_accounts.CATALOG["en"] was).
ENGLISH = {key: t(key, "en") for key in ACCOUNT_KEYS}


def test_every_one_of_these_keys_has_an_english_text():
    assert [key for key, text in ENGLISH.items() if text == key] == []


EMAIL = "kim.jansen@fabrikam.example"
GOOD = "tulip orbit kettle 42"


def test_the_limits_are_the_documented_ones_and_match_sign_in():
    assert PASSWORD_MIN == 12
    # A password sign-in would refuse must never be set.
    assert PASSWORD_MAX == signing_in.PASSWORD_MAX


@pytest.mark.parametrize(
    ("password", "key", "params"),
    [
        ("", "new_password.required", {}),
        ("a" * (PASSWORD_MIN - 1), "new_password.too_short", {"min": PASSWORD_MIN}),
        ("x" * (PASSWORD_MAX + 1), "new_password.too_long", {"max": PASSWORD_MAX}),
        ("tulip orbit\x00kettle", "new_password.unstorable", {}),
        ("tulip orbit \ud800kettle", "new_password.unstorable", {}),
        (EMAIL, "new_password.is_email", {}),
        (EMAIL.upper(), "new_password.is_email", {}),
        (" kim.jansen ", "new_password.is_email", {}),
        ("password1234", "new_password.common", {}),
        ("Password1234", "new_password.common", {}),
        ("PASSWORD1234", "new_password.common", {}),
        ("qwertyuiopasdf", "new_password.common", {}),
        ("iloveyou1234", "new_password.common", {}),
    ],
    ids=repr,
)
def test_a_bad_new_password_has_its_problem(password, key, params):
    assert new_password_problem(password, EMAIL) == Problem(key, params)


@pytest.mark.parametrize(
    "password",
    [GOOD, "a" * 11 + "Z", "x" * PASSWORD_MAX, "Wörter über Brücken!", "kim.jansen@other.example"],
    ids=repr,
)
def test_a_good_new_password_has_none(password):
    assert new_password_problem(password, EMAIL) is None


def test_exactly_the_minimum_is_enough():
    assert new_password_problem("Zq" * (PASSWORD_MIN // 2), EMAIL) is None
    assert new_password_problem(("Zq" * PASSWORD_MIN)[: PASSWORD_MIN - 1], EMAIL) == Problem(
        "new_password.too_short", {"min": PASSWORD_MIN}
    )


def test_both_fields_are_checked_and_keyed_by_field_id():
    assert password_problems(GOOD, GOOD, EMAIL) == {}
    assert password_problems(GOOD, GOOD + " ", EMAIL) == {
        CONFIRM_PASSWORD: Problem("confirm_password.mismatch")
    }
    assert password_problems("short", "", EMAIL) == {
        NEW_PASSWORD: Problem("new_password.too_short", {"min": PASSWORD_MIN}),
        CONFIRM_PASSWORD: Problem("confirm_password.required"),
    }


def test_every_policy_message_is_in_the_catalog_and_rendered():
    keys = {
        "new_password.required",
        "new_password.too_short",
        "new_password.too_long",
        "new_password.unstorable",
        "new_password.is_email",
        "new_password.common",
        "confirm_password.required",
        "confirm_password.mismatch",
        "current_password.required",
        "current_password.wrong",
    }
    assert keys <= set(ENGLISH)
    rendered = render(password_problems("short", "other", EMAIL), "en")
    assert rendered == {
        NEW_PASSWORD: f"New password must be {PASSWORD_MIN} characters or more",
        CONFIRM_PASSWORD: "Confirm password must be the same as the new password",
    }
    assert str(PASSWORD_MIN) in t("password.hint", min=PASSWORD_MIN)


def test_messages_say_what_to_do_without_invalid_or_please():
    for key, text in ENGLISH.items():
        assert "invalid" not in text.lower() and "please" not in text.lower(), key


def test_the_common_password_list_comes_from_the_package():
    # Not a list of our own: the maintained package answers.
    assert passwords.is_common("password1234")
    assert not passwords.is_common(GOOD)
