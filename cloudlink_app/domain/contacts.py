"""Admin and support contact rules, and the two forms of an email address.

Addresses are checked with email-validator without a DNS look-up, stored in its
normalised form and compared in that form. Messages number rows by their 1-based
position in the list, as the page labels them ("Admin contact 2: First name").

The other form, ``email_key``, is what a user is looked up and sign-in failures are
counted by: any text, trimmed and in lower case, never refused (see there why).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email

from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import Text
from cloudlink_app.domain.limits import (
    EMAIL_MAX,
    NAME_MAX,
    Problem,
    ProblemError,
    Problems,
    choice_problem,
    normal_or_problem,
    problems_found,
    text_problem,
    texts,
    too_many_rows,
)

_Row = TypeVar("_Row", forms.AdminContactRow, forms.SupportContactRow)


class EmailError(ProblemError):
    """A value that is not an email address; ``key`` is the message key saying why."""


def normalize_email(value: str) -> str:
    """The stored form of a typed email address (internationalised ones included).
    Raises EmailError when it is not an address."""
    text = value.strip()
    if not text:
        raise EmailError("email.required")
    # Checked first so that a huge paste is refused before the parser sees it.
    if len(text) > EMAIL_MAX:
        raise EmailError("email.too_long", max=EMAIL_MAX)
    normalized = _parse_email(text)
    if normalized is None:
        # The library's explanation is technical; the SPEC's message says what to do.
        raise EmailError("email.format")
    return normalized


def email_key(value: str) -> str:
    """The form an email address is compared and counted in where anything may have
    been typed (signing in, the sign-in throttle, the accounts tool's look-ups): the
    text trimmed and in lower case, local part included.

    Deliberately not ``normalize_email``: that one refuses what is not an address
    (sign-in must answer any text exactly as a wrong password, and count it) and keeps
    the case of the part before the @ (stored addresses are compared in lower case)."""
    return value.strip().lower()


@functools.lru_cache(maxsize=4096)
def _parse_email(text: str) -> str | None:
    # The live check re-validates the whole form on every change; most addresses in
    # it did not change, and parsing them is most of the cost (bench/validation.py).
    try:
        return validate_email(text, check_deliverability=False, allow_smtputf8=True).normalized
    except EmailNotValidError:
        return None


def admin_contact_problems(rows: list[forms.AdminContactRow]) -> Problems:
    """Problems of the admin contact rows, keyed by field id, in page order."""
    if not rows:
        return {forms.ADMIN_CONTACTS: Problem("admin_contacts.required")}
    if too_many := too_many_rows(rows, "admin_contacts"):
        return {forms.ADMIN_CONTACTS: too_many}
    return _row_problems(
        rows,
        "admin",
        forms.admin_field,
        lambda row, n: {
            "first_name": text_problem(row.first_name, NAME_MAX, "admin.first_name", n=n),
            "last_name": text_problem(row.last_name, NAME_MAX, "admin.last_name", n=n),
        },
    )


def support_contact_problems(rows: list[forms.SupportContactRow]) -> Problems:
    """Problems of the support contact rows, keyed by field id, in page order, then
    one problem per missing required role."""
    if too_many := too_many_rows(rows, "support_contacts"):
        return {forms.SUPPORT_CONTACTS: too_many}
    problems = _row_problems(
        rows,
        "support",
        forms.support_field,
        lambda row, n: {
            "role": choice_problem(row.role, forms.ROLES, "support.role", n=n),
            "name": text_problem(row.name, NAME_MAX, "support.name", n=n),
        },
    )
    # A row with a role but other problems still counts: its own errors say what to fix.
    roles = {row.role for row in rows}
    if forms.ROLE_MAINTAINER not in roles:
        problems[forms.SUPPORT_MISSING_MAINTAINER] = Problem("support_contacts.missing_maintainer")
    if forms.ROLE_ONSITE_ADMIN not in roles:
        problems[forms.SUPPORT_MISSING_ONSITE_ADMIN] = Problem(
            "support_contacts.missing_onsite_admin"
        )
    return problems


def validate_admin_contacts(rows: list[forms.AdminContactRow]) -> dict[str, Text]:
    """Messages for the admin contacts that break a rule, by field id."""
    return texts(admin_contact_problems(rows))


def validate_support_contacts(rows: list[forms.SupportContactRow]) -> dict[str, Text]:
    """Messages for the support contacts that break a rule, by field id."""
    return texts(support_contact_problems(rows))


def _row_problems(
    rows: Sequence[_Row],
    prefix: str,
    field_id: Callable[[int, str], str],
    own_checks: Callable[[_Row, int], dict[str, Problem | None]],
) -> Problems:
    # Each row n: its own parts (own_checks, by part), then its email address, which
    # no two rows of the list may share; keyed by field id, in page order.
    problems: Problems = {}
    first_with: dict[str, int] = {}
    for n, row in enumerate(rows, start=1):
        checks = own_checks(row, n)
        checks["email"] = _email_problem(row.email, f"{prefix}.email", n, first_with)
        problems.update(problems_found({field_id(row.id, part): p for part, p in checks.items()}))
    return problems


def _email_problem(value: str, prefix: str, n: int, first_with: dict[str, int]) -> Problem | None:
    # first_with maps each normalised address to the first row that has it.
    normal = normal_or_problem(value, EMAIL_MAX, prefix, normalize_email, n=n)
    if isinstance(normal, Problem):
        return normal
    first = first_with.setdefault(normal, n)
    if first != n:
        return Problem(f"{prefix}.duplicate", {"n": n, "first": first})
    return None
