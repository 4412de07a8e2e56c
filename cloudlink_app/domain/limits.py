"""Hard limits of the Customer step, and how a rule reports a problem against them;
the mail limits (MAIL_LIMITS).

Rules first report a Problem (a message key and its parameters), so that "Save and
return" can keep just the problems that stop a draft from being stored (see
Problem.is_hard_limit); states keep them as Texts (``texts``), worded only when shown,
in the language of the moment.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Collection, Mapping, Sized
from typing import TypeVar

from cloudlink_app.domain.i18n import Text, t

NAME_MAX = 100
ADDRESS_MAX = 200
CITY_MAX = 100
STATE_MAX = 100
POSTAL_CODE_MAX = 20
DOMAIN_MAX = 253  # RFC 1035, without the trailing dot
EMAIL_MAX = 254  # RFC 5321 path limit minus the angle brackets
MAX_ROWS = 500  # rows in any one list of the step

_Normal = TypeVar("_Normal")

# Problems with these message keys would break storage or the page, so even a draft
# that is saved half-way must not have them.
_HARD_LIMIT_SUFFIXES = (".too_long", ".too_many", ".unknown", ".unstorable")


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a catalog key (cloudlink_app/locale) and its parameters."""

    key: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def is_hard_limit(self) -> bool:
        """Whether even a draft may not be stored with this problem."""
        return self.key.endswith(_HARD_LIMIT_SUFFIXES)


Problems = dict[str, Problem]


class ProblemError(ValueError):
    """Raised by a normalising function when the value has a problem; ``key`` and
    ``params`` are its message key and parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def problem(self) -> Problem:
        """The problem, as rules report it."""
        return Problem(self.key, self.params)


def text_problem(
    value: str, maximum: int, prefix: str, *, required: bool = True, **params: object
) -> Problem | None:
    """Check a typed text: present when required, at most ``maximum`` characters after
    trimming, and storable. Keys are ``{prefix}.required`` and ``{prefix}.too_long``."""
    text = value.strip()
    if not text:
        return Problem(f"{prefix}.required", params) if required else None
    if len(text) > maximum:
        return Problem(f"{prefix}.too_long", {**params, "max": maximum})
    if not storable(value):
        return Problem("text.unstorable", params)
    return None


def normal_or_problem(
    value: str,
    maximum: int,
    prefix: str,
    normalize: Callable[[str], _Normal],
    **params: object,
) -> _Normal | Problem:
    """The stored form of a typed value, or its first problem: text_problem's (the
    hard limits first), else the one ``normalize`` raises as a ProblemError."""
    # required=True said outright: ``params`` are the message's parameters only.
    problem = text_problem(value, maximum, prefix, required=True, **params)
    if problem is not None:
        return problem
    try:
        return normalize(value)
    except ProblemError as error:
        return error.problem


def normal_or_none(normalize: Callable[[str], _Normal], value: str) -> _Normal | None:
    """The stored form of a typed value, or None when ``normalize`` finds it has a
    problem (raises a ProblemError): for what is stored or claimed only when valid."""
    try:
        return normalize(value)
    except ProblemError:
        return None


def typed_problem(
    value: str,
    maximum: int,
    prefix: str,
    normalize: Callable[[str], object],
    **params: object,
) -> Problem | None:
    """The problem of a typed value that has no rule beyond ``normalize``, if any."""
    found = normal_or_problem(value, maximum, prefix, normalize, **params)
    return found if isinstance(found, Problem) else None


def choice_problem(
    value: str, allowed: Collection[str], prefix: str, **params: object
) -> Problem | None:
    """Check a value chosen from a list: ``{prefix}.required`` when none was chosen,
    ``{prefix}.unknown`` when it is not one of ``allowed`` (only crafted input)."""
    if value in allowed:
        return None
    key = f"{prefix}.unknown" if value.strip() else f"{prefix}.required"
    return Problem(key, params)


def too_many_rows(rows: Sized, prefix: str) -> Problem | None:
    """Check a list's length against MAX_ROWS; the key is ``{prefix}.too_many``."""
    if len(rows) > MAX_ROWS:
        return Problem(f"{prefix}.too_many", {"max": MAX_ROWS})
    return None


def storable(value: str) -> bool:
    """Whether the database can store (and compare) this text."""
    # PostgreSQL rejects NUL in text, and a lone surrogate (which a browser can send as
    # JSON) has no UTF-8 form; both can only come from pasted or crafted input.
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# What no text the browser sends may contain (clean_text): C0 control characters but
# tab, line feed and carriage return, DEL, C1 control characters, and lone surrogates.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# How deep clean_payload looks into lists and dicts (an event's payload is shallow).
PAYLOAD_DEPTH_MAX = 8


def clean_text(value: str) -> str:
    """``value`` without the characters no text of the app may hold: control characters
    (a NUL, which PostgreSQL refuses and SQLite's search index cannot quote, an escape,
    a C1 control) but tab and line breaks, and lone surrogates (no UTF-8 form). Only
    pasted or crafted input has them; format characters such as U+202E are kept (they
    are text, and storable)."""
    return _NOT_TEXT.sub("", value)


def clean_payload(value: object, depth: int = 0) -> object:
    """``value`` with clean_text applied to every string in it, through lists, tuples
    and dicts (keys too) up to PAYLOAD_DEPTH_MAX levels; deeper, or anything else, as
    it is (the handler's own checks refuse what is not of its type)."""
    if isinstance(value, str):
        return clean_text(value)
    if depth >= PAYLOAD_DEPTH_MAX:
        return value
    if isinstance(value, list | tuple):
        return type(value)(clean_payload(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return {
            clean_payload(key, depth + 1): clean_payload(item, depth + 1)
            for key, item in value.items()
        }
    return value


def problems_found(checks: Mapping[str, Problem | None]) -> Problems:
    """Keep the checks that found a problem, in their order, keyed by field id."""
    return {field: problem for field, problem in checks.items() if problem is not None}


def hard_limits(problems: Problems) -> Problems:
    """The problems that stop even a draft from being stored, in their order."""
    return {field: p for field, p in problems.items() if p.is_hard_limit}


def render(problems: Mapping[str, Problem], lang: str) -> dict[str, str]:
    """Turn problems into the messages shown beside their fields, in ``lang``."""
    return {field: t(p.key, lang, **p.params) for field, p in problems.items()}


def texts(problems: Mapping[str, Problem]) -> dict[str, Text]:
    """Problems as the texts kept in state beside their fields: key and parameters,
    worded in the UI language only when shown (i18n.render)."""
    return {field: problem_text(p) for field, p in problems.items()}


def problem_text(problem: Problem) -> Text:
    """One problem as a Text (numbers stay numbers, anything else becomes text)."""
    return Text(
        problem.key,
        {
            name: value if isinstance(value, int) and not isinstance(value, bool) else str(value)
            for name, value in problem.params.items()
        },
    )


# ----- mail limits ---------------------------------------------------------------------
# What anyone who can edit a customer or report a problem can make the app mail, and so
# what an abuser could send through our sender (docs/email.md, "Mail limits"). Each is
# far above what a real partner does: a customer has a handful of admin contacts and is
# completed once; a person needs an invitation and now and then one sent again; a
# partner onboards a few customers a day. An abuser (500 addresses typed, removed and
# added again, or 500 support contacts mailed by every report) meets them at once.
# What goes over a limit is kept: it waits in the outbox for the first window with room
# (services/mail_limits.py). Windows are fixed, in UTC: a day from 00:00, an hour from
# :00 (a burst may use the end of one window and the start of the next).

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# Whose count a limit keeps: one per partner, per customer or per recipient address.
PER_PARTNER, PER_CUSTOMER, PER_RECIPIENT = "partner", "customer", "recipient"
INVITATION_KIND = "invitation"  # the outbox kinds the limits apply to
PROBLEM_REPORT_KIND = "problem_report"


@dataclasses.dataclass(frozen=True)
class MailLimit:
    """At most ``count`` messages of ``kinds`` per ``scope`` in each ``window``."""

    name: str  # stored on a held message (outbox_message.held_reason): short, stable
    count: int
    window: datetime.timedelta
    scope: str
    kinds: frozenset[str]

    def __post_init__(self) -> None:
        if self.count < 1 or self.window < HOUR or DAY % self.window:
            raise ValueError(f"{self.name}: at least 1 per window, a window dividing a day")

    def window_start(self, moment: datetime.datetime) -> datetime.datetime:
        """The start of the window ``moment`` (aware) is in."""
        return moment - (moment - _EPOCH) % self.window

    def next_window(self, moment: datetime.datetime) -> datetime.datetime:
        """The start of the window after the one ``moment`` is in."""
        return self.window_start(moment) + self.window


INVITATIONS = frozenset({INVITATION_KIND})
LIMITED_KINDS = frozenset({INVITATION_KIND, PROBLEM_REPORT_KIND})
# A customer with 50 new admin contacts in a day is not onboarding: it is a list.
CUSTOMER_INVITATIONS = MailLimit("customer_invitations", 50, DAY, PER_CUSTOMER, INVITATIONS)
# 200 a day: 40 customers with 5 admins each, more than any partner onboards in a day.
PARTNER_INVITATIONS = MailLimit("partner_invitations", 200, DAY, PER_PARTNER, INVITATIONS)
# The invitation and three "Send invitation again" a day, for one person (any cause:
# sent again, or the contact removed and added back).
RECIPIENT_INVITATIONS = MailLimit("recipient_invitations", 4, DAY, PER_RECIPIENT, INVITATIONS)
# Every mail a partner's users cause (invitations and problem reports): 100 an hour.
PARTNER_MAIL = MailLimit("partner_mail", 100, HOUR, PER_PARTNER, LIMITED_KINDS)
MAIL_LIMITS = (CUSTOMER_INVITATIONS, PARTNER_INVITATIONS, RECIPIENT_INVITATIONS, PARTNER_MAIL)
# One problem report mails at most this many support contacts at once; each next 30
# an hour later (a real customer has a few support contacts; 500 is a mailing list).
REPORT_RECIPIENTS = 30
REPORT_RECIPIENTS_LIMIT = "report_recipients"  # its held_reason
MAIL_LIMIT_NAMES = tuple(limit.name for limit in MAIL_LIMITS) + (REPORT_RECIPIENTS_LIMIT,)


def mail_limits_of(kind: str) -> tuple[MailLimit, ...]:
    """The mail limits a message of ``kind`` counts in."""
    return tuple(limit for limit in MAIL_LIMITS if kind in limit.kinds)
