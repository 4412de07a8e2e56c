"""What the value of a setting must look like: the checks of cloudlink_app/settings.py.

Pure functions on values, no environment and no variable names: each returns the value
(normalised) or raises ValueError whose text says what is wrong with it. settings.py
adds which variable and what it accepts. A text quotes the value only where it cannot
hold a secret: database, Redis and mail server URLs may hold a password.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
# The mail server's default port per scheme: smtp, STARTTLS required; smtps, TLS from
# the first byte; smtp+plain, no TLS at all (a loopback server only: PLAIN_SMTP_SCHEME).
PLAIN_SMTP_SCHEME = "smtp+plain"
SMTP_PORTS = {"smtp": 25, "smtps": 465, PLAIN_SMTP_SCHEME: 25}
NOT_SHOWN = "(not shown: it may hold a password)"

_SHOWN_MAX = 80  # longest value quoted back in an error message
# Schemes Reflex accepts for REFLEX_REDIS_URL (reflex.utils.prerequisites.parse_redis_url).
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
# dialect[+driver]:// as SQLAlchemy's make_url expects.
_DB_URL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z0-9_]+)?://")
# An addr-spec as the app accepts it for its own sender: local@domain, printable ASCII,
# no white space, no brackets, quotes or commas (email-validator checks recipients).
_MAIL_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
)
# A sender: the address alone, or a display name without <>"@,;:\ and <address>.
_MAIL_FROM = re.compile(r'^(?:[^<>"@,;:\\]*<(?P<address>[^<>]*)>|(?P<bare>[^<>]*))$')


def shown(value: str) -> str:
    """``value`` quoted for an error message, shortened when long."""
    if len(value) > _SHOWN_MAX:
        value = value[:_SHOWN_MAX] + "..."
    return repr(value)


def yes_no(text: str | None) -> bool:
    """1/true/yes/on is True; 0/false/no/off, empty or None is False (any case,
    surrounding spaces ignored); anything else is a ValueError."""
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    raise ValueError(f"{shown(text or '')} is not a yes/no value")


def optional_text(value: object) -> str | None:
    """A stripped string, or None for None and blank strings."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"a {type(value).__name__} is not text")  # the type only
    return value.strip()


def optional(check: Callable[[str], object]) -> Callable[[object], object]:
    """A check of an optional text: None or blank is unset (None), else the text
    stripped is given to ``check``."""

    def check_optional(value: object) -> object:
        text = optional_text(value)
        return None if text is None else check(text)

    return check_optional


def at_least(minimum: int, noun: str) -> Callable[[str], str]:
    """A check that a text has ``minimum`` characters, saying only how many it has."""

    def check(text: str) -> str:
        if len(text) < minimum:
            raise ValueError(
                f"the {noun} must be at least {minimum} characters long, it has {len(text)}"
            )
        return text

    return check


def one_of(
    noun: str, case: Callable[[str], str], words: tuple[str, ...]
) -> Callable[[object], str]:
    """A check that a value is one of ``words`` in any letter case, returning it in
    ``case``; refusing it as not a ``noun``."""

    def check(value: object) -> str:
        word = case(value.strip()) if isinstance(value, str) else None
        if word not in words:
            raise ValueError(f"{shown(str(value))} is not a {noun}")
        return word

    return check


def database_url(value: object) -> str:
    """A SQLAlchemy URL (dialect[+driver]://...), stripped."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("the value is empty or not text")
    if not _DB_URL.match(value.strip()):
        raise ValueError(f"the value is not a database URL {NOT_SHOWN}")
    return value.strip()


def redis_url(value: str) -> str:
    """A URL Reflex takes for Redis (it would refuse others too, but only later)."""
    if not value.startswith(_REDIS_SCHEMES):
        raise ValueError(
            f"the value does not start with redis://, rediss:// or unix:// {NOT_SHOWN}"
        )
    return value


def public_url(value: str) -> str:
    """An http(s) URL with a host and nothing that has no place in a public address,
    without its trailing slashes."""
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a malformed address or port
        raise ValueError(f"{shown(value)} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        problem = "is not an http:// or https:// URL"
    elif not parts.hostname:
        problem = "has no host name"
    elif not port_ok:
        problem = "has an invalid port"
    elif any(c.isspace() for c in value):
        problem = "contains white space"
    elif parts.username is not None or parts.query or parts.fragment:
        problem = "has a user name, a query or a fragment"
    else:
        return value.rstrip("/")
    raise ValueError(f"{shown(value)} {problem}")


def sender(value: str) -> str:
    """One email address, alone or as ``Name <address>``: never a list, nor anything
    that could add a header."""
    if any(not c.isprintable() for c in value):
        raise ValueError("the value contains control characters")
    match = _MAIL_FROM.match(value)
    if match is None or not _MAIL_ADDRESS.match(match["address"] or match["bare"]):
        raise ValueError(f"{shown(value)} is not one email address")
    return value


@dataclasses.dataclass(frozen=True)
class SmtpServer:
    """CLOUDLINK_SMTP_URL parsed: where and how the outbox sends. Exactly one of
    ``use_tls`` and ``start_tls`` is true, unless the URL said ``smtp+plain://`` to a
    loopback address (``plain``)."""

    host: str
    port: int
    use_tls: bool  # smtps://: TLS from the first byte
    start_tls: bool  # smtp://: STARTTLS required before AUTH and the message
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)

    @property
    def plain(self) -> bool:
        """smtp+plain://: nothing encrypted (a mail server on this machine only)."""
        return not self.use_tls and not self.start_tls


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a literal loopback address (127.0.0.0/8, ::1): a name is
    not, as whatever resolves it decides where it points."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def smtp_server(value: str) -> SmtpServer:
    """The mail server a smtp://, smtps:// or smtp+plain:// URL names; ValueError
    otherwise, which never quotes the value: it may hold a password.

    smtp:// requires STARTTLS (a server that does not offer it gets neither the
    password nor a message: a network attacker cannot strip it), smtps:// is TLS from
    the first byte, and smtp+plain:// sends in clear, allowed to a loopback address
    only (a relay on the same machine)."""

    def refuse(problem: str) -> ValueError:
        return ValueError(f"{problem} {NOT_SHOWN}")

    if any(not c.isprintable() or c.isspace() for c in value):
        raise refuse("the value contains white space or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise refuse("the value is not a valid URL or has an invalid port") from None
    scheme = parts.scheme.lower()
    if scheme not in SMTP_PORTS:
        raise refuse("the value does not start with smtp://, smtps:// or smtp+plain://")
    if not parts.hostname:
        raise refuse("the value has no host name")
    if port == 0 or parts.path not in ("", "/") or parts.fragment:
        raise refuse("the value has port 0, a path or a fragment")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    if set(query) - {"starttls"} or len(query.get("starttls", [])) > 1:
        raise refuse("the query may only be starttls=1")
    if "starttls" in query:
        word = query["starttls"][0].strip().lower()
        if word not in TRUE_WORDS + FALSE_WORDS:
            raise refuse("starttls is not a yes/no value")
        if word in FALSE_WORDS:
            raise refuse(
                "STARTTLS cannot be turned off: smtp:// always requires it; for a mail "
                f"server on this machine without TLS use {PLAIN_SMTP_SCHEME}://127.0.0.1"
            )
        if scheme != "smtp":
            raise refuse(f"starttls=1 is for smtp:// only ({scheme}:// is not STARTTLS)")
    if scheme == PLAIN_SMTP_SCHEME and not is_loopback(parts.hostname):
        raise refuse(
            f"{PLAIN_SMTP_SCHEME}:// sends the password and the mail in clear: it is "
            "allowed to a loopback address only (127.0.0.1 or [::1]); use smtp:// "
            "(STARTTLS) or smtps:// (TLS) for this server"
        )
    return SmtpServer(
        host=parts.hostname,
        port=port or SMTP_PORTS[scheme],
        use_tls=scheme == "smtps",
        start_tls=scheme == "smtp",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def smtp_url(value: str) -> str:
    """``value``, if it names a mail server (smtp_server)."""
    smtp_server(value)
    return value
