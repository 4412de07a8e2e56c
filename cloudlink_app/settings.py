"""Every environment variable the app reads, read once, typed and checked at start.

Nothing else in the app reads ``os.environ``: code asks ``settings.get()``. A bad value
raises SettingsError, whose message names the variable, what is wrong and what is
accepted, so the app stops at start instead of misbehaving later. Tests use other
settings with ``override(**changes)`` or ``use(settings)``, never the environment.

| variable | field | default |
| --- | --- | --- |
| REFLEX_DB_URL | db_url | sqlite:///cloudlink.db |
| REFLEX_REDIS_URL | redis_url | None (Reflex reads it itself; recorded and checked here) |
| REFLEX_DEPLOY_URL | deploy_url | None (demo mode: localhost origins open the websocket) |
| CLOUDLINK_DEMO_MODE | demo_mode | False |
| CLOUDLINK_ALLOW_PRIVATE_TARGETS | allow_private_targets | False |
| CLOUDLINK_SECRET_KEY | secret_key | None (required outside demo mode when signing in) |
| CLOUDLINK_TRUSTED_PROXY_HOPS | trusted_proxy_hops | 0 (X-Forwarded-For is ignored) |
| CLOUDLINK_WORKERS | workers | 1 (backend worker processes of `make serve`) |
| CLOUDLINK_LOG_FORMAT | log_format | text (one readable line per record; json: one JSON object) |
| CLOUDLINK_LOG_LEVEL | log_level | INFO (the app's loggers, `cloudlink_app.*`) |
| CLOUDLINK_SMTP_URL | smtp_url | None (no mail is sent: messages stay in the outbox) |
| CLOUDLINK_MAIL_FROM | mail_from | None (required with the SMTP URL; else DEFAULT_MAIL_FROM) |

Plain Python on purpose: rxconfig.py imports it before Reflex has a configuration.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import threading
from collections.abc import Iterator, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_DB_URL = "sqlite:///cloudlink.db"
SECRET_KEY_MIN = 32
SECRET_KEY_ENV = "CLOUDLINK_SECRET_KEY"

# The field each variable is read into (the Settings field order).
VARIABLES = {
    "db_url": "REFLEX_DB_URL",
    "redis_url": "REFLEX_REDIS_URL",
    "deploy_url": "REFLEX_DEPLOY_URL",
    "demo_mode": "CLOUDLINK_DEMO_MODE",
    "allow_private_targets": "CLOUDLINK_ALLOW_PRIVATE_TARGETS",
    "secret_key": SECRET_KEY_ENV,
    "trusted_proxy_hops": "CLOUDLINK_TRUSTED_PROXY_HOPS",
    "workers": "CLOUDLINK_WORKERS",
    "log_format": "CLOUDLINK_LOG_FORMAT",
    "log_level": "CLOUDLINK_LOG_LEVEL",
    "smtp_url": "CLOUDLINK_SMTP_URL",
    "mail_from": "CLOUDLINK_MAIL_FROM",
}

# Where `make run` serves the pages (its frontend port, 3000), by either local name.
DEMO_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
_BOOL_ACCEPTED = (
    f"{', '.join(TRUE_WORDS)} (on); {', '.join(FALSE_WORDS)}, empty or unset (off); "
    "in any letter case"
)
# Schemes Reflex accepts for REFLEX_REDIS_URL (reflex.utils.prerequisites.parse_redis_url).
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
# dialect[+driver]:// as SQLAlchemy's make_url expects.
_DB_URL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z0-9_]+)?://")
_GENERATE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
_SHOWN_MAX = 80  # longest value quoted back in an error message
# More reverse proxies in front of one app than anyone runs: a typo, not a setup.
PROXY_HOPS_MAX = 10
# Backend worker processes of `make serve` (more than 1 needs Redis; serve.py checks).
WORKERS_MAX = 64
# How the app's log records are written (cloudlink_app/logs.py), and from which level.
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The sender of the outbox's messages while CLOUDLINK_MAIL_FROM is unset, which is
# allowed only without CLOUDLINK_SMTP_URL (nothing is sent: the outbox only shows them).
DEFAULT_MAIL_FROM = "CloudLink Onboarding <noreply@localhost>"
# The mail server's default port per scheme (smtps: TLS from the first byte).
SMTP_PORTS = {"smtp": 25, "smtps": 465}
# An addr-spec as the app accepts it for its own sender: local@domain, printable ASCII,
# no white space, no brackets, quotes or commas (email-validator checks recipients).
_MAIL_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
)
# CLOUDLINK_MAIL_FROM: the address alone, or a display name without <>"@,;:\ and <address>.
_MAIL_FROM = re.compile(r'^(?:[^<>"@,;:\\]*<(?P<address>[^<>]*)>|(?P<bare>[^<>]*))$')


class SettingsError(ValueError):
    """A bad environment variable: which one, what is wrong, and what is accepted."""

    def __init__(self, variable: str, problem: str, accepted: str) -> None:
        self.variable = variable
        self.problem = problem
        self.accepted = accepted
        super().__init__(f"{variable}: {problem}. Accepted: {accepted}.")


def _shown(value: str) -> str:
    """``value`` quoted for an error message, shortened when long."""
    if len(value) > _SHOWN_MAX:
        value = value[:_SHOWN_MAX] + "..."
    return repr(value)


def _optional(field: str, value: object) -> str | None:
    """A stripped string, or None for None and blank strings."""
    if value is None:
        return None
    if not isinstance(value, str):
        # The type only: the value may be a secret.
        raise SettingsError(
            VARIABLES[field], f"a {type(value).__name__} is not text", "a string or unset"
        )
    return value.strip() or None


@dataclasses.dataclass(frozen=True)
class Settings:
    """The app's configuration. Constructing one checks it (also via ``override``), so
    a Settings value is always valid; strings come stripped, blank optional ones as
    None, and deploy_url without a trailing slash."""

    db_url: str = DEFAULT_DB_URL
    # Not in repr: these may hold a password or are the secret itself.
    redis_url: str | None = dataclasses.field(default=None, repr=False)
    deploy_url: str | None = None
    demo_mode: bool = False
    allow_private_targets: bool = False
    secret_key: str | None = dataclasses.field(default=None, repr=False)
    # Reverse proxies in front of the app that append to X-Forwarded-For (Reflex's
    # trusted_proxy_hops): what sign-in throttling takes the client's address from.
    trusted_proxy_hops: int = 0
    # Backend worker processes of `make serve` (Granian's workers).
    workers: int = 1
    # How cloudlink_app/logs.py writes the app's records to stderr (LOG_FORMATS), and
    # the level of the app's loggers (LOG_LEVELS); both normalised (json, INFO).
    log_format: str = "text"
    log_level: str = "INFO"
    # The mail server the outbox sends through (services/outbox.py); None: nothing is
    # sent. Not in repr: it may hold a password. ``smtp`` is its parsed form.
    smtp_url: str | None = dataclasses.field(default=None, repr=False)
    # The From of every message, "Name <address>" or "address"; normalised (stripped).
    mail_from: str | None = None

    def __post_init__(self) -> None:
        # Frozen: normalised values are written with object.__setattr__.
        set_ = object.__setattr__
        set_(self, "db_url", _check_db_url(self.db_url))
        set_(self, "redis_url", _check_redis_url(_optional("redis_url", self.redis_url)))
        set_(self, "deploy_url", _check_deploy_url(_optional("deploy_url", self.deploy_url)))
        for field in ("demo_mode", "allow_private_targets"):
            if not isinstance(getattr(self, field), bool):
                raise SettingsError(
                    VARIABLES[field], f"{getattr(self, field)!r} is not a boolean", "True or False"
                )
        set_(self, "secret_key", _check_secret_key(_optional("secret_key", self.secret_key)))
        _check_proxy_hops(self.trusted_proxy_hops)
        _check_workers(self.workers)
        set_(self, "log_format", _check_log_format(self.log_format))
        set_(self, "log_level", _check_log_level(self.log_level))
        set_(self, "smtp_url", _optional("smtp_url", self.smtp_url))
        if self.smtp_url is not None:
            _parse_smtp_url(self.smtp_url)
        set_(self, "mail_from", _check_mail_from(_optional("mail_from", self.mail_from)))
        if self.smtp_url is not None and self.mail_from is None:
            raise SettingsError(
                VARIABLES["mail_from"],
                "it is required when CLOUDLINK_SMTP_URL is set",
                _MAIL_FROM_ACCEPTED,
            )

    @property
    def smtp(self) -> SmtpServer | None:
        """smtp_url parsed (host, port, TLS, credentials); None when unset."""
        return None if self.smtp_url is None else _parse_smtp_url(self.smtp_url)

    @property
    def sender(self) -> str:
        """The From of the outbox's messages: mail_from, or DEFAULT_MAIL_FROM when unset
        (only without a mail server: nothing is sent then)."""
        return self.mail_from or DEFAULT_MAIL_FROM

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """The origins whose pages may open the websocket (rxconfig's
        cors_allowed_origins): the deploy URL's and, in demo mode, the app's own
        localhost origins of `make run` (DEMO_ORIGINS). Never "*"; empty outside demo
        mode without a deploy URL (the app does not start so)."""
        origins = [self.deploy_origin] if self.deploy_origin else []
        if self.demo_mode:
            origins += [origin for origin in DEMO_ORIGINS if origin not in origins]
        return tuple(origins)

    @property
    def deploy_origin(self) -> str | None:
        """scheme://host[:port] of deploy_url: the one origin browsers send, and so the
        one allowed to open the websocket. None when deploy_url is unset."""
        if self.deploy_url is None:
            return None
        parts = urlsplit(self.deploy_url)
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


@dataclasses.dataclass(frozen=True)
class SmtpServer:
    """CLOUDLINK_SMTP_URL parsed: where and how the outbox sends."""

    host: str
    port: int
    use_tls: bool  # smtps://: TLS from the first byte
    start_tls: bool  # smtp://...?starttls=1: STARTTLS required before sending
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)


_SMTP_ACCEPTED = (
    "smtp://user:password@host:port (plain; add ?starttls=1 to require STARTTLS) or "
    "smtps://user:password@host:port (TLS); user, password and port optional (ports "
    "25 and 465); unset to send nothing (messages stay in the outbox)"
)
_MAIL_FROM_ACCEPTED = (
    f"an email address, alone or as Name <address>, such as {DEFAULT_MAIL_FROM!r}; "
    "required when CLOUDLINK_SMTP_URL is set"
)


def _parse_smtp_url(value: str) -> SmtpServer:
    """The mail server ``value`` names; SettingsError otherwise. The value is never
    quoted back: it may hold a password."""
    name = VARIABLES["smtp_url"]

    def refuse(problem: str) -> SettingsError:
        return SettingsError(name, f"{problem} (not shown: it may hold a password)", _SMTP_ACCEPTED)

    if any(not c.isprintable() or c.isspace() for c in value):
        raise refuse("the value contains white space or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise refuse("the value is not a valid URL or has an invalid port") from None
    scheme = parts.scheme.lower()
    if scheme not in SMTP_PORTS:
        raise refuse("the value does not start with smtp:// or smtps://")
    if not parts.hostname:
        raise refuse("the value has no host name")
    if port == 0 or parts.path not in ("", "/") or parts.fragment:
        raise refuse("the value has port 0, a path or a fragment")
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    if set(query) - {"starttls"} or len(query.get("starttls", [])) > 1:
        raise refuse("the query may only be starttls=1 or starttls=0")
    start_tls = False
    if "starttls" in query:
        word = query["starttls"][0].strip().lower()
        if word not in TRUE_WORDS + FALSE_WORDS:
            raise refuse("starttls is not a yes/no value")
        start_tls = word in TRUE_WORDS
    if start_tls and scheme == "smtps":
        raise refuse("smtps:// is TLS already: starttls=1 is for smtp://")
    return SmtpServer(
        host=parts.hostname,
        port=port or SMTP_PORTS[scheme],
        use_tls=scheme == "smtps",
        start_tls=start_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def _check_mail_from(value: str | None) -> str | None:
    """``value`` if it is one address, alone or as ``Name <address>``."""
    if value is None:
        return None
    name = VARIABLES["mail_from"]
    if any(not c.isprintable() for c in value):
        raise SettingsError(name, "the value contains control characters", _MAIL_FROM_ACCEPTED)
    match = _MAIL_FROM.match(value)
    if match is None or not _MAIL_ADDRESS.match(match["address"] or match["bare"]):
        raise SettingsError(name, f"{_shown(value)} is not one email address", _MAIL_FROM_ACCEPTED)
    return value


def _check_db_url(value: object) -> str:
    # The value is never quoted back: a database URL may hold a password.
    name = VARIABLES["db_url"]
    accepted = (
        "a SQLAlchemy URL such as sqlite:///cloudlink.db or "
        "postgresql+psycopg://user:password@host:5432/name; unset for the default "
        f"{DEFAULT_DB_URL}"
    )
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(name, "the value is empty or not text", accepted)
    value = value.strip()
    if not _DB_URL.match(value):
        raise SettingsError(
            name, "the value is not a database URL (not shown: it may hold a password)", accepted
        )
    return value


def _check_redis_url(value: str | None) -> str | None:
    # Reflex would refuse it too, but only later; and never quoted back (passwords).
    if value is not None and not value.startswith(_REDIS_SCHEMES):
        raise SettingsError(
            VARIABLES["redis_url"],
            "the value does not start with redis://, rediss:// or unix:// "
            "(not shown: it may hold a password)",
            "a Redis URL such as redis://host:6379/0; unset to keep state on disk",
        )
    return value


def _check_deploy_url(value: str | None) -> str | None:
    """The URL without a trailing slash; SettingsError unless it is http(s) with a host
    and nothing that has no place in a public address."""
    if value is None:
        return None
    name = VARIABLES["deploy_url"]
    accepted = "the app's public address, such as https://onboarding.example.com"
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a malformed address or port
        raise SettingsError(name, f"{_shown(value)} is not a valid URL", accepted) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise SettingsError(name, f"{_shown(value)} is not an http:// or https:// URL", accepted)
    if not parts.hostname:
        raise SettingsError(name, f"{_shown(value)} has no host name", accepted)
    if not port_ok:
        raise SettingsError(name, f"{_shown(value)} has an invalid port", accepted)
    if any(c.isspace() for c in value):
        raise SettingsError(name, f"{_shown(value)} contains white space", accepted)
    if parts.username is not None or parts.query or parts.fragment:
        raise SettingsError(
            name, f"{_shown(value)} has a user name, a query or a fragment", accepted
        )
    return value.rstrip("/")


def _check_secret_key(value: str | None) -> str | None:
    # The key is never quoted back, only its length.
    if value is not None and len(value) < SECRET_KEY_MIN:
        raise SettingsError(
            SECRET_KEY_ENV,
            f"the key must be at least {SECRET_KEY_MIN} characters long, it has {len(value)}",
            f"a secret of at least {SECRET_KEY_MIN} characters, for example the output "
            f"of: {_GENERATE_KEY}; unset only in demo mode, which generates one",
        )
    return value


def _check_whole_number(field: str, value: object, low: int, high: int, accepted: str) -> None:
    """SettingsError naming ``field``'s variable unless ``value`` is an int (not a
    bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(
            VARIABLES[field],
            f"{_shown(str(value))} is not a whole number from {low} to {high}",
            accepted,
        )


def _check_proxy_hops(value: object) -> None:
    _check_whole_number(
        "trusted_proxy_hops",
        value,
        0,
        PROXY_HOPS_MAX,
        "the number of reverse proxies in front of the app that append the client's "
        "address to X-Forwarded-For (1 for one nginx or load balancer); 0 or unset "
        "when clients connect to the app directly",
    )


def _check_workers(value: object) -> None:
    _check_whole_number(
        "workers",
        value,
        1,
        WORKERS_MAX,
        "the number of backend worker processes `make serve` starts (about one per "
        "CPU core; more than 1 needs REFLEX_REDIS_URL); unset for 1",
    )


def _check_log_format(value: object) -> str:
    word = value.strip().lower() if isinstance(value, str) else value
    if word not in LOG_FORMATS:
        raise SettingsError(
            VARIABLES["log_format"],
            f"{_shown(str(value))} is not a log format",
            "text (one readable line per record) or json (one JSON object per line), "
            "in any letter case; unset for text",
        )
    return str(word)


def _check_log_level(value: object) -> str:
    word = value.strip().upper() if isinstance(value, str) else value
    if word not in LOG_LEVELS:
        raise SettingsError(
            VARIABLES["log_level"],
            f"{_shown(str(value))} is not a log level",
            f"{', '.join(LOG_LEVELS)}, in any letter case; unset for INFO",
        )
    return str(word)


def _parse_count(value: str | None, default: int, check) -> int:
    """A whole-number variable: empty or unset is ``default``; anything but up to three
    digits is a SettingsError from ``check`` (which also checks the range later)."""
    word = (value or "").strip()
    if not word:
        return default
    if not word.isascii() or not word.isdigit() or len(word) > 3:
        check(word)  # raises, naming the variable
    return int(word)


def parse_workers(value: str | None) -> int:
    """CLOUDLINK_WORKERS as a number: empty or unset is 1."""
    return _parse_count(value, 1, _check_workers)


def parse_hops(value: str | None) -> int:
    """CLOUDLINK_TRUSTED_PROXY_HOPS as a number: empty or unset is 0; anything but
    digits is a SettingsError (the range is checked by Settings)."""
    return _parse_count(value, 0, _check_proxy_hops)


def parse_bool(variable: str, value: str | None) -> bool:
    """A yes/no variable, read the one way the app reads them all: 1/true/yes/on is
    True; 0/false/no/off, empty or unset is False (any case, surrounding spaces
    ignored); anything else is a SettingsError naming ``variable``."""
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    raise SettingsError(variable, f"{_shown(value or '')} is not a yes/no value", _BOOL_ACCEPTED)


def from_environ(environ: Mapping[str, str]) -> Settings:
    """The settings that ``environ`` (os.environ, or a dict in tests) describes.
    Raises SettingsError for the first bad value."""

    def text(field: str) -> str | None:
        return environ.get(VARIABLES[field])

    db_url = (text("db_url") or "").strip() or DEFAULT_DB_URL  # empty: Reflex's default too
    return Settings(
        db_url=db_url,
        redis_url=text("redis_url"),
        deploy_url=text("deploy_url"),
        demo_mode=parse_bool(VARIABLES["demo_mode"], text("demo_mode")),
        allow_private_targets=parse_bool(
            VARIABLES["allow_private_targets"], text("allow_private_targets")
        ),
        secret_key=text("secret_key"),
        trusted_proxy_hops=parse_hops(text("trusted_proxy_hops")),
        workers=parse_workers(text("workers")),
        log_format=(text("log_format") or "").strip() or "text",
        log_level=(text("log_level") or "").strip() or "INFO",
        smtp_url=text("smtp_url"),
        mail_from=text("mail_from"),
    )


# ---------------------------------------------------------------------------- the current

_lock = threading.Lock()
_from_environ: Settings | None = None
# Settings tests put in place (innermost last). Module-wide, not a context variable:
# the app's backend may run in another thread (the browser tests' in-process server).
_used: list[Settings] = []


def get() -> Settings:
    """The app's settings: os.environ read and checked once, on the first call (the
    settings a test put in place with ``use``/``override`` while it runs). Raises
    SettingsError for a bad value."""
    global _from_environ
    if _used:
        return _used[-1]
    current = _from_environ
    if current is None:
        with _lock:
            if _from_environ is None:
                _from_environ = from_environ(os.environ)
            current = _from_environ
    return current


def set_for_reflex(name: str, value: str) -> None:
    """Put a variable that Reflex or Granian reads themselves into this process's
    environment (serve.py: GRANIAN_WORKERS); the one place the app writes it."""
    os.environ[name] = value


@contextlib.contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Within the block, ``get()`` returns ``settings`` (for tests); nests."""
    if not isinstance(settings, Settings):
        raise TypeError(f"expected Settings, got {type(settings).__name__}")
    with _lock:
        _used.append(settings)
    try:
        yield settings
    finally:
        with _lock:
            # By identity, the innermost first: equal settings may be used twice.
            for index in range(len(_used) - 1, -1, -1):
                if _used[index] is settings:
                    del _used[index]
                    break


@contextlib.contextmanager
def override(**changes: object) -> Iterator[Settings]:
    """Within the block, ``get()`` returns the current settings with ``changes`` (field
    names, typed values), checked as at start: ``override(demo_mode=True)``."""
    changed_settings = dataclasses.replace(get(), **changes)  # type: ignore[arg-type]
    with use(changed_settings) as changed:
        yield changed
