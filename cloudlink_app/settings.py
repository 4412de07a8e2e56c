"""Every environment variable the app reads, read once, typed and checked at start.

Nothing else in the app reads ``os.environ``: code asks ``settings.get()``. A bad value
raises SettingsError, whose message names the variable, what is wrong and what is
accepted (never a secret), so the app stops at start instead of misbehaving later. Tests
use other settings with ``override(**changes)`` or ``use(settings)``, never the
environment.

The variables are the fields of Settings (the alias is the variable), on pydantic-
settings with no .env file, secrets folder or anything of Reflex's (rxconfig.py imports
this module before Reflex is configured). docs/configuration.md shows them as the table
``python -m cloudlink_app.settings`` renders.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from cloudlink_app import setting_checks as checks
from cloudlink_app.setting_checks import SmtpServer

DEFAULT_DB_URL = "sqlite:///cloudlink.db"
SECRET_KEY_MIN = 32
SECRET_KEY_ENV = "CLOUDLINK_SECRET_KEY"
# Where `make run` serves the pages (its frontend port, 3000), by either local name.
DEMO_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")
# More reverse proxies in front of one app than anyone runs: a typo, not a setup.
PROXY_HOPS_MAX = 10
# Backend worker processes of `make serve` (more than 1 needs Redis; serve.py checks).
WORKERS_MAX = 64
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The sender of the outbox's messages while CLOUDLINK_MAIL_FROM is unset, which is
# allowed only without CLOUDLINK_SMTP_URL (nothing is sent: the outbox only shows them).
DEFAULT_MAIL_FROM = "CloudLink Onboarding <noreply@localhost>"

_BOOL_ACCEPTED = (
    f"{', '.join(checks.TRUE_WORDS)} (on); {', '.join(checks.FALSE_WORDS)}, empty or "
    "unset (off); in any letter case"
)
_GENERATE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


class SettingsError(ValueError):
    """A bad environment variable: which one, what is wrong, and what is accepted."""

    def __init__(self, variable: str, problem: str, accepted: str) -> None:
        self.variable = variable
        self.problem = problem
        self.accepted = accepted
        super().__init__(f"{variable}: {problem}. Accepted: {accepted}.")


def _setting(variable: str, default: Any, means: str, accepted: str, **checks: Any) -> Any:
    """A field read from ``variable``: what it ``means`` and what is ``accepted`` (error
    messages and docs/configuration.md say it); ``checks`` are pydantic's (ge, strict...)."""
    extra: dict[str, Any] = {"accepted": accepted}
    return Field(default, alias=variable, description=means, json_schema_extra=extra, **checks)


def _optional(check: Callable[[str], object]) -> BeforeValidator:
    """An optional text's validator: None or blank is unset, else ``check`` decides."""
    return BeforeValidator(checks.optional(check))


_LOG_FORMAT = checks.one_of("log format", str.lower, LOG_FORMATS)
_LOG_LEVEL = checks.one_of("log level", str.upper, LOG_LEVELS)
_LONG_ENOUGH = checks.at_least(SECRET_KEY_MIN, "key")  # never quoted: only its length


class Settings(BaseSettings):
    """The app's configuration. Constructing one checks it (also via ``override``), so a
    Settings value is always valid and immutable; strings come stripped, blank optional
    ones as None, deploy_url without a trailing slash. Built from keyword arguments only
    (field or variable names, typed values): ``from_environ`` reads an environment."""

    model_config = SettingsConfigDict(
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        case_sensitive=True,
        env_file=None,
        # Errors become SettingsError; this keeps values out of pydantic's own too.
        hide_input_in_errors=True,
    )

    # repr=False: the value may hold a password, or is the secret itself.
    db_url: Annotated[str, BeforeValidator(checks.database_url)] = _setting(
        "REFLEX_DB_URL",
        DEFAULT_DB_URL,
        "The database; Reflex gets it from rxconfig.py. `make serve` refuses SQLite.",
        "a SQLAlchemy URL such as sqlite:///cloudlink.db or postgresql+psycopg://user:"
        f"password@host:5432/name; unset for the default {DEFAULT_DB_URL}",
        repr=False,
    )
    redis_url: Annotated[str | None, _optional(checks.redis_url)] = _setting(
        "REFLEX_REDIS_URL",
        None,
        "Where Reflex keeps each browser tab's state (production: several workers); "
        "unset: on disk in `.states/`. Reflex reads it itself; checked here first.",
        "a Redis URL such as redis://host:6379/0; unset to keep state on disk",
        repr=False,
    )
    deploy_url: Annotated[str | None, _optional(checks.public_url)] = _setting(
        "REFLEX_DEPLOY_URL",
        None,
        "The app's public address; only its origin may open the websocket (demo mode "
        "adds `make run`'s). Required outside demo mode.",
        "the app's public address, such as https://onboarding.example.com: http:// or "
        "https://, a host, no user name, query or fragment",
    )
    demo_mode: bool = _setting(
        "CLOUDLINK_DEMO_MODE",
        False,
        "Demo mode (`make run` sets 1): demo accounts, a generated secret key, "
        "localhost origins, connection checks to private addresses, no mail sent.",
        _BOOL_ACCEPTED,
        strict=True,
    )
    allow_private_targets: bool = _setting(
        "CLOUDLINK_ALLOW_PRIVATE_TARGETS",
        False,
        "Connection checks may reach loopback and private networks outside demo mode "
        "(a deployment inside the customer's network).",
        _BOOL_ACCEPTED,
        strict=True,
    )
    secret_key: Annotated[str | None, _optional(_LONG_ENOUGH)] = _setting(
        SECRET_KEY_ENV,
        None,
        "The key session tokens and mailed links are made with, from your secret store. "
        "Required outside demo mode, which generates one into `.cloudlink-secret-key`.",
        f"a secret of at least {SECRET_KEY_MIN} characters, for example the output "
        f"of: {_GENERATE_KEY}; unset only in demo mode, which generates one",
        repr=False,
    )
    trusted_proxy_hops: int = _setting(
        "CLOUDLINK_TRUSTED_PROXY_HOPS",
        0,
        "Reverse proxies in front of the app that append to `X-Forwarded-For` (see "
        "Outside demo mode); 0: the header is ignored.",
        "the number of reverse proxies in front of the app that append the client's "
        "address to X-Forwarded-For (1 for one nginx or load balancer); 0 or unset "
        "when clients connect to the app directly",
        strict=True,
        ge=0,
        le=PROXY_HOPS_MAX,
    )
    workers: int = _setting(
        "CLOUDLINK_WORKERS",
        1,
        "Backend worker processes of `make serve` (Granian's workers).",
        "the number of backend worker processes `make serve` starts (about one per "
        "CPU core; more than 1 needs REFLEX_REDIS_URL); unset for 1",
        strict=True,
        ge=1,
        le=WORKERS_MAX,
    )
    redis_oplock: bool = _setting(
        "REFLEX_OPLOCK_ENABLED",
        False,
        "Reflex's opportunistic Redis lock: a worker keeps a tab's state and lock between "
        "events and writes the state to Redis 5 s later. Off: a killed instance would "
        "lose what its tabs typed in those seconds (docs/deployment.md, with `make "
        "bench`'s figures). `make serve` gives Reflex this value.",
        _BOOL_ACCEPTED,
        strict=True,
    )
    log_format: Annotated[str, BeforeValidator(_LOG_FORMAT)] = _setting(
        "CLOUDLINK_LOG_FORMAT",
        "text",
        "How the app's log records are written to stderr (`cloudlink_app/logs.py`).",
        "text (one readable line per record) or json (one JSON object per line), in "
        "any letter case; unset for text",
    )
    log_level: Annotated[str, BeforeValidator(_LOG_LEVEL)] = _setting(
        "CLOUDLINK_LOG_LEVEL",
        "INFO",
        "The level of the app's loggers (`cloudlink_app.*`); WARNING drops the event lines.",
        f"{', '.join(LOG_LEVELS)}, in any letter case; unset for INFO",
    )
    smtp_url: Annotated[str | None, _optional(checks.smtp_url)] = _setting(
        "CLOUDLINK_SMTP_URL",
        None,
        "The mail server of the outbox, over STARTTLS or TLS; unset: nothing is sent, "
        "messages stay in the outbox. Demo mode never sends. `smtp+plain://` (no TLS) is "
        "for a server on this machine only, and the app warns at start.",
        "smtp://user:password@host:port (STARTTLS required: a server that does not offer "
        "it gets no password and no mail) or smtps://user:password@host:port (TLS from "
        "the first byte); smtp+plain://127.0.0.1:port sends in clear and is refused for "
        "any host but a loopback address (127.0.0.1, [::1]); user, password and port "
        "optional (ports 25, 465 and 25; percent-encode @ : / in them); unset to send "
        "nothing (messages stay in the outbox)",
        repr=False,
    )
    mail_from: Annotated[str | None, _optional(checks.sender)] = _setting(
        "CLOUDLINK_MAIL_FROM",
        None,
        f"The From of every message; unset without a mail server: `{DEFAULT_MAIL_FROM}`.",
        f"an email address, alone or as Name <address>, such as {DEFAULT_MAIL_FROM!r}; "
        "required when CLOUDLINK_SMTP_URL is set",
    )

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(VARIABLES) - set(VARIABLES.values())
        if unknown:
            raise TypeError(f"Settings has no field {', '.join(sorted(unknown))}")
        try:
            super().__init__(**values)
        except ValidationError as error:
            # From None: a chained pydantic error would print the value, maybe a secret.
            raise _refusal(error) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The keyword arguments only: a Settings made in code never reads the
        environment, a .env file or secrets (``from_environ`` reads an environment)."""
        return (init_settings,)

    @model_validator(mode="after")
    def _mail_server_needs_a_sender(self) -> Settings:
        if self.smtp_url is not None and self.mail_from is None:
            problem = "it is required when CLOUDLINK_SMTP_URL is set"
            raise SettingsError(VARIABLES["mail_from"], problem, accepted("mail_from"))
        return self

    @property
    def smtp(self) -> SmtpServer | None:
        """smtp_url parsed (host, port, TLS, credentials); None when unset."""
        return None if self.smtp_url is None else checks.smtp_server(self.smtp_url)

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


# The variable each field is read from (in the fields' order), and the other way round.
VARIABLES = {name: str(field.alias) for name, field in Settings.model_fields.items()}
_FIELD_OF = {variable: name for name, variable in VARIABLES.items()}


def accepted(name: str) -> str:
    """What field ``name``'s variable accepts, as error messages and the docs say it."""
    extra = Settings.model_fields[name].json_schema_extra
    return str(extra["accepted"]) if isinstance(extra, dict) else ""


def _refusal(error: ValidationError) -> SettingsError:
    """The SettingsError for the first field refused: what its check said, or what its
    type says (a boolean, a whole number in a range)."""
    first = error.errors(include_url=False)[0]
    raised = first.get("ctx", {}).get("error")
    if isinstance(raised, SettingsError):
        return raised
    name = _FIELD_OF.get(str(first["loc"][0]), str(first["loc"][0]))
    field, value = Settings.model_fields[name], first["input"]
    if isinstance(raised, ValueError):
        problem = str(raised)
    elif field.annotation is bool:
        return SettingsError(VARIABLES[name], f"{value!r} is not a boolean", "True or False")
    elif field.annotation is int:
        bounds = {b: getattr(c, b) for c in field.metadata for b in ("ge", "le") if hasattr(c, b)}
        whole = f"a whole number from {bounds['ge']} to {bounds['le']}"
        problem = f"{checks.shown(str(value))} is not {whole}"
    else:  # no check of the app's refused it: say nothing of the value
        problem = f"the value is not valid {checks.NOT_SHOWN}"
    return SettingsError(VARIABLES[name], problem, accepted(name))


def parse_bool(variable: str, value: str | None) -> bool:
    """A yes/no variable, read the one way the app reads them all: 1/true/yes/on is
    True; 0/false/no/off, empty or unset is False (any case, surrounding spaces
    ignored); anything else is a SettingsError naming ``variable``."""
    try:
        return checks.yes_no(value)
    except ValueError as error:
        raise SettingsError(variable, str(error), _BOOL_ACCEPTED) from None


def _typed(variable: str, text: str) -> object:
    """``text`` as the type of ``variable``'s field: yes/no words (else SettingsError);
    up to three digits (else the text, which the field refuses as no whole number)."""
    annotation = Settings.model_fields[_FIELD_OF[variable]].annotation
    if annotation is bool:
        return parse_bool(variable, text)
    word = text.strip()
    if annotation is int:
        return int(word) if word.isascii() and word.isdigit() and len(word) <= 3 else word
    return text


def from_environ(environ: Mapping[str, str]) -> Settings:
    """The settings that ``environ`` (os.environ, or a dict in tests) describes.
    Raises SettingsError for the first bad value."""
    names = _FIELD_OF.keys()
    # The app's variables only, blank ones as unset; the yes/no and number ones read
    # from their text here, as Settings takes only typed values.
    return Settings(
        **{
            name: _typed(name, text)
            for name, text in environ.items()
            if name in names and text.strip()
        }
    )


# ---------------------------------------------------------------------------- the current

_lock = threading.Lock()
_from_environ: Settings | None = None
# Settings tests put in place (innermost last). Module-wide, not a context variable:
# the app's backend may run in another thread (the browser tests' in-process server).
_used: list[Settings] = []


# The accounts tool's configure-sso reads the partner's client secret from this variable
# at the moment it runs (never from its command line); the app itself never needs it,
# so it is not one of the Settings above (docs/sso.md).
SSO_CLIENT_SECRET = "CLOUDLINK_SSO_CLIENT_SECRET"


def sso_client_secret() -> str:
    """CLOUDLINK_SSO_CLIENT_SECRET as the environment has it now ("" when unset)."""
    return os.environ.get(SSO_CLIENT_SECRET, "")


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
    with use(Settings(**{**dict(get()), **changes})) as changed:
        yield changed


# ------------------------------------------------------------ docs/configuration.md's table

TABLE_START = "<!-- The table is generated: python -m cloudlink_app.settings FILE -->"
TABLE_END = "<!-- End of the generated table -->"


def markdown_table() -> str:
    """Every variable once, as docs/configuration.md shows it between TABLE_START and
    TABLE_END: default, meaning and what is accepted, all taken from the fields."""
    rows = ["| variable | default | meaning | accepted |", "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = field.default
        default = "unset" if default is None else "off" if default is False else f"`{default}`"
        said = accepted(name).replace("<", "\\<").replace(">", "\\>")  # not HTML tags
        rows.append(f"| `{field.alias}` | {default} | {field.description} | {said} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    # python -m cloudlink_app.settings [FILE]: print the table, or renew it in FILE.
    if len(sys.argv) == 1:
        sys.stdout.write(markdown_table())
    else:
        with open(sys.argv[1], encoding="utf-8") as file:
            head, start, rest = file.read().partition(TABLE_START)
            tail = rest.partition(TABLE_END)[2]
        if not start or TABLE_END not in rest:
            sys.exit(f"{sys.argv[1]}: no {TABLE_START} ... {TABLE_END}")
        with open(sys.argv[1], "w", encoding="utf-8") as file:
            file.write(f"{head}{TABLE_START}\n{markdown_table()}{TABLE_END}{tail}")
