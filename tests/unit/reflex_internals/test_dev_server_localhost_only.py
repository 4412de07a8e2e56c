"""`make run` listens on localhost only: the backend through `--backend-host 127.0.0.1`,
the development frontend through the LocalhostDevServer plugin, which makes Vite's
server listen on 127.0.0.1 although Reflex starts it with `react-router dev --host`
(every interface). And `make run` is demo mode only when CLOUDLINK_DEMO_MODE is unset,
not when it is empty, and so are the demo data it loads (demo-data, reset-demo)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from reflex.utils import frontend_skeleton
from reflex_base.config import get_config

from cloudlink_app.reflex_internals import dev_server
from cloudlink_app.reflex_internals.dev_server import (
    LocalhostDevServer,
    bind_dev_server_to_localhost,
)

ROOT = Path(__file__).resolve().parents[3]


def generated_vite_config() -> str:
    """vite.config.js as Reflex generates it on every compile."""
    return frontend_skeleton._compile_vite_config(get_config())


def test_the_dev_server_gets_a_vite_plugin_that_binds_it_to_localhost():
    config = generated_vite_config()
    bound = bind_dev_server_to_localhost(config)
    plugin = re.search(r'\{ name: "cloudlink-localhost-only".*\},\n', bound)
    assert plugin is not None
    assert 'env.command === "serve"' in plugin.group(0)
    assert 'server: { host: "127.0.0.1" }' in plugin.group(0)
    # Inside the plugins list, as its first entry.
    assert bound.index("plugins: [") < plugin.start() < bound.index("reactRouter()")
    assert bind_dev_server_to_localhost(bound) == bound  # once only


def test_a_changed_template_stops_the_compile_rather_than_open_the_server():
    with pytest.raises(RuntimeError, match="cannot be kept on localhost"):
        bind_dev_server_to_localhost("export default defineConfig({});")


def test_rxconfig_uses_the_plugin_and_it_modifies_vite_config():
    assert any(isinstance(plugin, LocalhostDevServer) for plugin in get_config().plugins)
    tasks: list[tuple[str, object]] = []
    LocalhostDevServer().pre_compile(add_modify_task=lambda path, fn: tasks.append((path, fn)))
    assert tasks == [("vite.config.js", bind_dev_server_to_localhost)]
    assert dev_server.VITE_CONFIG_FILE == "vite.config.js"


def recipe(target: str) -> str:
    """The commands of the Makefile's ``target`` as make expands them (``make -n``, its
    prerequisites taken as done), one line."""
    done = [
        option
        for name in ("setup", "migrate", "demo-data")
        if name != target
        for option in ("-o", name)
    ]
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", *done, target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    return " ".join(line.strip().removesuffix("\\") for line in printed.splitlines())


def test_make_run_serves_the_demo_on_localhost():
    assert "-m cloudlink_app.serve --demo --host 127.0.0.1 --port 3000" in recipe("run")


@pytest.mark.parametrize("target", ["run", "demo-data", "reset-demo"])
@pytest.mark.parametrize(("value", "expected"), [(None, "1"), ("", ""), ("0", "0"), ("1", "1")])
def test_make_run_is_demo_mode_only_when_the_variable_is_unset(target, value, expected):
    # The shell expansion of the recipe, with the variable unset, empty or set: the app
    # and the demo data it loads (their invitations need the demo secret key).
    expansion = re.search(r"CLOUDLINK_DEMO_MODE=(\$\{CLOUDLINK_DEMO_MODE[^}]*\})", recipe(target))
    assert expansion is not None
    prefix = "unset CLOUDLINK_DEMO_MODE; " if value is None else f"CLOUDLINK_DEMO_MODE={value}; "
    result = subprocess.run(
        ["bash", "-c", prefix + f"printf %s {expansion.group(1)}"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    assert result.stdout == expected
