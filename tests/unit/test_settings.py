"""cloudlink_app/settings.py: every environment variable read once, typed and checked."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import threading
import traceback
from pathlib import Path

import pytest

from cloudlink_app import settings
from cloudlink_app.settings import SECRET_KEY_MIN, Settings, SettingsError, from_environ

ROOT = Path(__file__).resolve().parents[2]
KEY = "s" * SECRET_KEY_MIN


# ----- defaults -------------------------------------------------------------------------


def test_an_empty_environment_gives_the_defaults():
    assert from_environ({}) == Settings(
        db_url="sqlite:///cloudlink.db",
        redis_url=None,
        deploy_url=None,
        demo_mode=False,
        allow_private_targets=False,
        secret_key=None,
    )
    assert from_environ({}).deploy_origin is None


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_values_count_as_unset(value):
    environ = dict.fromkeys(settings.VARIABLES.values(), value)
    assert from_environ(environ) == from_environ({})


def test_other_variables_are_ignored():
    assert from_environ({"PATH": "/bin", "REFLEX_BUN_PATH": "x"}) == from_environ({})


# ----- each variable --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "sqlite:///cloudlink.db",
        "sqlite:////tmp/x.db",
        "postgresql+psycopg://user:password@db.example.com:5432/cloudlink",
        "postgresql://postgres@127.0.0.1/test",
    ],
)
def test_the_database_url(value):
    assert from_environ({"REFLEX_DB_URL": f" {value} "}).db_url == value


@pytest.mark.parametrize(
    "value",
    [
        "redis://127.0.0.1:6379",
        "rediss://user:pw@cache.example.com:6380/1",
        "unix:///run/redis.sock",
    ],
)
def test_the_redis_url(value):
    assert from_environ({"REFLEX_REDIS_URL": value}).redis_url == value


@pytest.mark.parametrize(
    ("value", "url", "origin"),
    [
        (
            "https://onboarding.example.com",
            "https://onboarding.example.com",
            "https://onboarding.example.com",
        ),
        (
            "https://onboarding.example.com/",
            "https://onboarding.example.com",
            "https://onboarding.example.com",
        ),
        ("http://localhost:3000//", "http://localhost:3000", "http://localhost:3000"),
        (
            "HTTPS://Onboarding.Example.com:8443/app/",
            "HTTPS://Onboarding.Example.com:8443/app",
            "https://onboarding.example.com:8443",
        ),
        (" https://[::1]:3000 ", "https://[::1]:3000", "https://[::1]:3000"),
    ],
)
def test_the_deploy_url(value, url, origin):
    parsed = from_environ({"REFLEX_DEPLOY_URL": value})
    assert (parsed.deploy_url, parsed.deploy_origin) == (url, origin)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        (" on ", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("OFF", False),
        ("", False),
        (" ", False),
        (None, False),
    ],
)
@pytest.mark.parametrize(
    ("variable", "field"),
    [
        ("CLOUDLINK_DEMO_MODE", "demo_mode"),
        ("CLOUDLINK_ALLOW_PRIVATE_TARGETS", "allow_private_targets"),
    ],
)
def test_the_yes_no_variables(variable, field, value, expected):
    environ = {} if value is None else {variable: value}
    assert getattr(from_environ(environ), field) is expected
    assert settings.parse_bool(variable, value) is expected


def test_the_yes_no_variables_are_independent():
    parsed = from_environ({"CLOUDLINK_ALLOW_PRIVATE_TARGETS": "1"})
    assert (parsed.demo_mode, parsed.allow_private_targets) == (False, True)


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("CLOUDLINK_LOG_FORMAT", None, "log_format", "text"),
        ("CLOUDLINK_LOG_FORMAT", "text", "log_format", "text"),
        ("CLOUDLINK_LOG_FORMAT", " JSON ", "log_format", "json"),
        ("CLOUDLINK_LOG_LEVEL", None, "log_level", "INFO"),
        ("CLOUDLINK_LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("CLOUDLINK_LOG_LEVEL", " Warning ", "log_level", "WARNING"),
        ("CLOUDLINK_LOG_LEVEL", "ERROR", "log_level", "ERROR"),
        ("CLOUDLINK_LOG_LEVEL", "critical", "log_level", "CRITICAL"),
    ],
)
def test_the_log_format_and_level(variable, value, field, expected):
    environ = {} if value is None else {variable: value}
    assert getattr(from_environ(environ), field) == expected


@pytest.mark.parametrize("value", [KEY, " " + KEY + "\n", "k" * 100])
def test_the_secret_key(value):
    assert from_environ({"CLOUDLINK_SECRET_KEY": value}).secret_key == value.strip()


# ----- bad values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("CLOUDLINK_DEMO_MODE", "maybe", "'maybe' is not a yes/no value"),
        ("CLOUDLINK_DEMO_MODE", "2", "'2' is not a yes/no value"),
        ("CLOUDLINK_DEMO_MODE", "y", "'y' is not a yes/no value"),
        ("CLOUDLINK_ALLOW_PRIVATE_TARGETS", "enabled", "'enabled' is not a yes/no value"),
        ("CLOUDLINK_ALLOW_PRIVATE_TARGETS", "tru", "'tru' is not a yes/no value"),
        ("CLOUDLINK_SECRET_KEY", "short", "at least 32 characters long, it has 5"),
        ("CLOUDLINK_SECRET_KEY", "k" * 31, "at least 32 characters long, it has 31"),
        ("CLOUDLINK_SECRET_KEY", "  " + "k" * 30 + "  ", "it has 30"),
        ("REFLEX_DEPLOY_URL", "onboarding.example.com", "is not an http:// or https:// URL"),
        ("REFLEX_DEPLOY_URL", "ftp://files.example.com", "is not an http:// or https:// URL"),
        ("REFLEX_DEPLOY_URL", "https://", "has no host name"),
        ("REFLEX_DEPLOY_URL", "https:///path", "has no host name"),
        ("REFLEX_DEPLOY_URL", "https://example.com:99999", "is not a valid URL"),
        ("REFLEX_DEPLOY_URL", "https://example.com:0", "has an invalid port"),
        ("REFLEX_DEPLOY_URL", "https://exa mple.com", "contains white space"),
        ("REFLEX_DEPLOY_URL", "https://example.com/?a=1", "a query or a fragment"),
        ("REFLEX_DEPLOY_URL", "https://user:pw@example.com", "has a user name"),
        ("REFLEX_DB_URL", "cloudlink.db", "is not a database URL"),
        ("REFLEX_DB_URL", "postgres:/host/db", "is not a database URL"),
        ("REFLEX_REDIS_URL", "127.0.0.1:6379", "does not start with redis://"),
        ("REFLEX_REDIS_URL", "http://cache:6379", "does not start with redis://"),
        ("CLOUDLINK_LOG_FORMAT", "xml", "'xml' is not a log format"),
        ("CLOUDLINK_LOG_FORMAT", "json lines", "'json lines' is not a log format"),
        ("CLOUDLINK_LOG_LEVEL", "verbose", "'verbose' is not a log level"),
        ("CLOUDLINK_LOG_LEVEL", "20", "'20' is not a log level"),
        ("CLOUDLINK_LOG_LEVEL", "warn", "'warn' is not a log level"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable(variable, value, problem):
    with pytest.raises(SettingsError) as raised:
        from_environ({variable: value})
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.variable == variable
    assert problem in error.problem
    message = str(error)
    assert message.startswith(f"{variable}: ")
    assert problem in message
    assert "Accepted: " in message and error.accepted in message


def test_the_yes_no_error_lists_what_is_accepted():
    with pytest.raises(SettingsError) as raised:
        from_environ({"CLOUDLINK_DEMO_MODE": "maybe"})
    for word in ("1", "true", "yes", "on", "0", "false", "no", "off", "empty or unset"):
        assert word in raised.value.accepted


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CLOUDLINK_SECRET_KEY", "hunter2-secret"),
        ("REFLEX_DB_URL", "hunter2-secret@db/x"),
        ("REFLEX_REDIS_URL", "hunter2-secret@cache:6379"),
    ],
)
def test_an_error_never_shows_a_secret(variable, value):
    with pytest.raises(SettingsError) as raised:
        from_environ({variable: value})
    assert "hunter2" not in str(raised.value)


def test_a_long_value_is_shortened_in_the_message():
    with pytest.raises(SettingsError) as raised:
        from_environ({"CLOUDLINK_DEMO_MODE": "x" * 5000})
    assert len(str(raised.value)) < 400


def test_the_first_bad_variable_is_reported_even_with_several():
    with pytest.raises(SettingsError, match="^CLOUDLINK_DEMO_MODE: "):
        from_environ({"CLOUDLINK_DEMO_MODE": "maybe", "CLOUDLINK_SECRET_KEY": "short"})


def test_repr_hides_the_secret_and_the_redis_url():
    parsed = from_environ({"CLOUDLINK_SECRET_KEY": KEY, "REFLEX_REDIS_URL": "redis://:pw@r"})
    assert KEY not in repr(parsed) and "pw" not in repr(parsed)


# ----- what the settings library must not do --------------------------------------------


def test_settings_made_in_code_never_read_the_environment(monkeypatch):
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "1")
    monkeypatch.setenv("CLOUDLINK_WORKERS", "7")
    assert Settings() == from_environ({})
    assert Settings(secret_key=KEY).demo_mode is False


def test_no_env_file_is_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(
        "CLOUDLINK_DEMO_MODE=1\nREFLEX_DB_URL=sqlite:///elsewhere.db\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert Settings() == from_environ({}) == Settings(db_url="sqlite:///cloudlink.db")
    assert from_environ({}).demo_mode is False


@pytest.mark.parametrize("name", ["demo_mode", "cloudlink_demo_mode", "Cloudlink_Demo_Mode"])
def test_only_the_variables_exact_names_count(name):
    assert from_environ({name: "1"}) == from_environ({})


def test_settings_are_immutable():
    current = from_environ({})
    with pytest.raises(ValueError):
        current.demo_mode = True
    assert current.demo_mode is False


@pytest.mark.parametrize(
    ("changes", "variable", "problem"),
    [
        ({"demo_mode": 1}, "CLOUDLINK_DEMO_MODE", "1 is not a boolean"),
        ({"workers": "3"}, "CLOUDLINK_WORKERS", "'3' is not a whole number from 1 to 64"),
        ({"workers": True}, "CLOUDLINK_WORKERS", "'True' is not a whole number from 1 to 64"),
        ({"trusted_proxy_hops": 11}, "CLOUDLINK_TRUSTED_PROXY_HOPS", "from 0 to 10"),
        ({"deploy_url": 5}, "REFLEX_DEPLOY_URL", "a int is not text"),
        ({"db_url": ""}, "REFLEX_DB_URL", "the value is empty or not text"),
    ],
)
def test_values_made_in_code_must_have_their_type(changes, variable, problem):
    with pytest.raises(SettingsError) as raised:
        Settings(**changes)
    assert raised.value.variable == variable
    assert problem in raised.value.problem
    assert raised.value.accepted in str(raised.value)


def test_an_unknown_setting_is_a_type_error():
    with pytest.raises(TypeError, match="no_such_setting"):
        Settings(no_such_setting=True)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CLOUDLINK_SECRET_KEY", "hunter2-secret"),
        ("REFLEX_DB_URL", "hunter2-secret@db/x"),
        ("CLOUDLINK_SMTP_URL", "ftp://u:hunter2@mail.example.com"),
    ],
)
def test_the_refusal_carries_no_trace_of_the_value(variable, value):
    # Not chained to pydantic's own error, whose traceback would quote the value.
    with pytest.raises(SettingsError) as raised:
        from_environ({variable: value})
    error = raised.value
    assert error.__cause__ is None and error.__suppress_context__
    assert "hunter2" not in "".join(traceback.format_exception(error))


def test_a_secret_of_the_wrong_type_is_not_shown():
    with pytest.raises(SettingsError) as raised, settings.override(secret_key=12345678):
        pass
    assert "12345678" not in str(raised.value)


def test_repr_hides_the_database_url():
    parsed = from_environ({"REFLEX_DB_URL": "postgresql://u:hunter2@db/x"})
    assert "hunter2" not in repr(parsed)


# ----- the current settings, and the test hook ------------------------------------------


def test_get_reads_the_environment_once(monkeypatch):
    monkeypatch.setattr(settings, "_from_environ", None)
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "yes")
    first = settings.get()
    assert first.demo_mode is True
    monkeypatch.setenv("CLOUDLINK_DEMO_MODE", "no")
    assert settings.get() is first


def test_get_raises_for_a_bad_environment(monkeypatch):
    monkeypatch.setattr(settings, "_from_environ", None)
    monkeypatch.setenv("CLOUDLINK_ALLOW_PRIVATE_TARGETS", "perhaps")
    with pytest.raises(SettingsError, match="^CLOUDLINK_ALLOW_PRIVATE_TARGETS: "):
        settings.get()


def test_the_test_run_sees_none_of_the_callers_flags():
    # tests/conftest.py removes them before anything reads the environment.
    current = settings.get()
    assert (current.demo_mode, current.allow_private_targets) == (False, False)
    assert (current.deploy_url, current.redis_url) == (None, None)


def test_override_changes_fields_for_the_block_only():
    before = settings.get()
    with settings.override(demo_mode=True, deploy_url="https://x.example/") as changed:
        assert settings.get() is changed
        assert changed.demo_mode is True
        assert changed.deploy_url == "https://x.example"  # checked and normalised
        assert changed.db_url == before.db_url
        with settings.override(demo_mode=False):
            assert settings.get().demo_mode is False
            assert settings.get().deploy_url == "https://x.example"
        assert settings.get() is changed
    assert settings.get() is before


def test_override_restores_after_an_exception():
    before = settings.get()
    with pytest.raises(KeyError), settings.override(demo_mode=True):
        raise KeyError("boom")
    assert settings.get() is before


def test_override_checks_the_values():
    short = pytest.raises(SettingsError, match="^CLOUDLINK_SECRET_KEY: ")
    with short, settings.override(secret_key="short"):
        pass
    not_a_bool = pytest.raises(SettingsError, match="^CLOUDLINK_DEMO_MODE: 'yes' is not a bool")
    with not_a_bool, settings.override(demo_mode="yes"):
        pass
    with pytest.raises(TypeError), settings.override(no_such_setting=True):
        pass
    not_a_format = pytest.raises(SettingsError, match="^CLOUDLINK_LOG_FORMAT: 'yaml' is not")
    with not_a_format, settings.override(log_format="yaml"):
        pass
    not_a_level = pytest.raises(SettingsError, match="^CLOUDLINK_LOG_LEVEL: 'None' is not")
    with not_a_level, settings.override(log_level=None):
        pass
    with settings.override(log_format="JSON", log_level="debug") as changed:
        assert (changed.log_format, changed.log_level) == ("json", "DEBUG")


def test_use_puts_given_settings_in_place():
    mine = from_environ({"CLOUDLINK_DEMO_MODE": "1"})
    with settings.use(mine):
        assert settings.get() is mine
    assert settings.get() is not mine
    with pytest.raises(TypeError), settings.use({"demo_mode": True}):  # type: ignore[arg-type]
        pass


def test_equal_settings_used_twice_are_undone_in_order():
    first, second = from_environ({}), from_environ({})
    with settings.use(first):
        with settings.use(second):
            assert settings.get() is second
        assert settings.get() is first


def test_overridden_settings_are_seen_from_other_threads():
    # The browser tests' backend runs in a thread of the test process.
    seen = []
    with settings.override(allow_private_targets=True):
        thread = threading.Thread(target=lambda: seen.append(settings.get()))
        thread.start()
        thread.join()
    assert seen[0].allow_private_targets is True


def test_the_test_hook_never_touches_the_environment():
    before = dict(os.environ)
    with settings.override(demo_mode=True, secret_key=KEY):
        assert dict(os.environ) == before


# ----- nothing else reads the environment -----------------------------------------------

_ENVIRONMENT_READERS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _environment_reads(source: str, name: str) -> list[str]:
    """Where the module ``source`` (shown as ``name``) uses os.environ, os.getenv and the
    like (also through an alias of os or a ``from os import``), as "name:line what"."""
    tree = ast.parse(source, filename=name)
    os_names = {"os"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname or a.name for a in node.names if a.name == "os"}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in _ENVIRONMENT_READERS
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            found.append(f"{name}:{node.lineno} os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "posix", "nt"):
            for alias in node.names:
                if alias.name in _ENVIRONMENT_READERS:
                    found.append(f"{name}:{node.lineno} from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("posix", "nt"):
                    found.append(f"{name}:{node.lineno} import {alias.name}")
    return found


def _app_sources() -> list[Path]:
    sources = sorted((ROOT / "cloudlink_app").rglob("*.py")) + [ROOT / "rxconfig.py"]
    return [p for p in sources if p != ROOT / "cloudlink_app" / "settings.py"]


def test_only_settings_reads_the_environment():
    sources = _app_sources()
    assert len(sources) > 10  # the walk found the app
    found = [
        hit
        for path in sources
        for hit in _environment_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == [], "read the variable through cloudlink_app.settings instead"


@pytest.mark.parametrize(
    "source",
    [
        "import os\nos.environ.get('X')\n",
        "import os\nos.getenv('X')\n",
        "import os\nos.environ['X'] = '1'\n",
        "import os as o\no.environ['X']\n",
        "from os import environ\n",
        "from os import getenv as g\n",
        "import posix\n",
    ],
)
def test_the_environment_check_catches_each_form(source):
    assert _environment_reads(source, "sample.py")


def test_the_environment_check_lets_other_os_uses_pass():
    assert _environment_reads("import os\nos.getpid()\nos.path.join('a')\n", "x.py") == []


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports (``from package import module`` as package.module)."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "cloudlink_app":
            imported |= {f"cloudlink_app.{a.name}" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    return imported


def test_settings_is_plain_python():
    # rxconfig.py imports it before Reflex is configured; the domain rules stay pure.
    # Plain Python and the settings library it stands on (pydantic-settings); of the app
    # only its checks of values, which are plain Python.
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    imported = _imports(ROOT / "cloudlink_app" / "settings.py")
    of_the_app = {name for name in imported if name.startswith("cloudlink_app")}
    assert of_the_app == {"cloudlink_app.setting_checks"}
    others = {name.split(".")[0] for name in imported - of_the_app}
    assert others <= stdlib | {"pydantic", "pydantic_settings"}, others
    checks = {n.split(".")[0] for n in _imports(ROOT / "cloudlink_app" / "setting_checks.py")}
    assert checks <= stdlib, checks


def test_settings_loads_nothing_of_reflex():
    script = (
        "import sys, cloudlink_app.settings as s; s.from_environ({}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0].startswith('reflex')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


# ----- validation at start --------------------------------------------------------------


def _import_in_a_new_process(module: str, **variables: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in settings.VARIABLES.values()}
    environ.update(REFLEX_DB_URL=settings.get().db_url, **variables)
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["rxconfig", "cloudlink_app.cloudlink_app"])
def test_a_bad_value_stops_the_app_at_start(module):
    result = _import_in_a_new_process(module, CLOUDLINK_DEMO_MODE="maybe")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "cloudlink_app.settings.SettingsError: CLOUDLINK_DEMO_MODE: 'maybe' is not a yes/no"
    ), result.stderr[-2000:]


def test_rxconfig_takes_the_database_and_the_origin_from_settings():
    script = (
        "import rxconfig; c = rxconfig.config; print(c.db_url); print(list(c.cors_allowed_origins))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in settings.VARIABLES.values()}
    environ.update(
        REFLEX_DB_URL="sqlite:////tmp/elsewhere.db",
        REFLEX_DEPLOY_URL="https://Onboarding.example.com/",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-2:] == [
        "sqlite:////tmp/elsewhere.db",
        "['https://onboarding.example.com']",
    ]


# ----- email: CLOUDLINK_SMTP_URL and CLOUDLINK_MAIL_FROM ---------------------------------

FROM = "CloudLink Onboarding <noreply@cloudlink.example>"


@pytest.mark.parametrize(
    ("url", "host", "port", "use_tls", "start_tls", "username", "password"),
    [
        # smtp:// requires STARTTLS (?starttls=1 says the same).
        ("smtp://mail.example.com", "mail.example.com", 25, False, True, None, None),
        (
            "smtp://u:p@mail.example.com:587?starttls=1",
            "mail.example.com",
            587,
            False,
            True,
            "u",
            "p",
        ),
        (
            "smtps://u%40x:p%3Aw%40@mail.example.com",
            "mail.example.com",
            465,
            True,
            False,
            "u@x",
            "p:w@",
        ),
        # In clear only when said so, to a loopback address.
        ("SMTP+PLAIN://127.0.0.1:2525", "127.0.0.1", 2525, False, False, None, None),
        ("smtp+plain://u:p@127.0.0.53", "127.0.0.53", 25, False, False, "u", "p"),
        ("smtp+plain://[::1]:2525", "::1", 2525, False, False, None, None),
    ],
)
def test_the_smtp_url(url, host, port, use_tls, start_tls, username, password):
    parsed = from_environ({"CLOUDLINK_SMTP_URL": f" {url} ", "CLOUDLINK_MAIL_FROM": FROM})
    assert parsed.smtp == settings.SmtpServer(host, port, use_tls, start_tls, username, password)
    assert parsed.smtp is not None and parsed.smtp.password == password
    assert parsed.sender == FROM


def test_without_a_mail_server_the_sender_has_a_default():
    assert from_environ({}).smtp is None
    assert from_environ({}).sender == settings.DEFAULT_MAIL_FROM
    assert from_environ({"CLOUDLINK_MAIL_FROM": "a@b.example"}).sender == "a@b.example"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mail.example.com:25", "does not start with smtp://"),
        ("http://mail.example.com", "does not start with smtp://"),
        ("smtp://mail.example.com?starttls=0", "STARTTLS cannot be turned off"),
        ("smtp+plain://mail.example.com", "allowed to a loopback address only"),
        ("smtp+plain://10.0.0.5:25", "allowed to a loopback address only"),
        ("smtp+plain://localhost:25", "allowed to a loopback address only"),
        ("smtp+plain://127.0.0.1?starttls=1", "starttls=1 is for smtp:// only"),
        ("smtp://", "has no host name"),
        ("smtp://mail.example.com:99999", "invalid port"),
        ("smtp://mail.example.com/path", "a path or a fragment"),
        ("smtp://mail.example.com?tls=1", "the query may only be"),
        ("smtp://mail.example.com?starttls=maybe", "starttls is not a yes/no value"),
        ("smtps://mail.example.com?starttls=1", "starttls=1 is for smtp:// only"),
        ("smtp://mail.example.com\r\nX: y", "white space or control"),
    ],
)
def test_a_bad_smtp_url_is_refused_without_showing_it(url, problem):
    secret_url = url.replace("mail.", "hunter2@mail.", 1) if "mail." in url else url
    with pytest.raises(SettingsError) as raised:
        from_environ({"CLOUDLINK_SMTP_URL": secret_url, "CLOUDLINK_MAIL_FROM": FROM})
    assert raised.value.variable == "CLOUDLINK_SMTP_URL"
    assert problem in raised.value.problem
    assert "hunter2" not in str(raised.value)


def test_the_smtp_password_is_never_in_repr():
    parsed = from_environ(
        {"CLOUDLINK_SMTP_URL": "smtp://u:hunter2@mail.example.com", "CLOUDLINK_MAIL_FROM": FROM}
    )
    assert "hunter2" not in repr(parsed) and "hunter2" not in repr(parsed.smtp)


def test_a_mail_server_needs_a_sender():
    with pytest.raises(SettingsError) as raised:
        from_environ({"CLOUDLINK_SMTP_URL": "smtp://mail.example.com"})
    assert raised.value.variable == "CLOUDLINK_MAIL_FROM"
    assert "required" in raised.value.problem


@pytest.mark.parametrize(
    "value",
    [
        "a@b.example, c@d.example",
        "Name <a@b.example>, c@d.example",
        '"a, b" <a@b.example>',
        "a@b.example\r\nBcc: c@d.example",
        "Name <a@b.example> trailing",
        "not an address",
        "<a@b.example",
    ],
)
def test_a_bad_sender_is_refused(value):
    with pytest.raises(SettingsError) as raised:
        from_environ({"CLOUDLINK_MAIL_FROM": value})
    assert raised.value.variable == "CLOUDLINK_MAIL_FROM"


@pytest.mark.parametrize("value", ["a@b.example", FROM, "<a@b.example>"])
def test_a_good_sender_is_kept(value):
    assert from_environ({"CLOUDLINK_MAIL_FROM": f" {value} "}).mail_from == value
