"""The development frontend server on localhost only (a Reflex plugin, rxconfig.py).

`reflex run --env dev` (what `make run` starts) serves the frontend with
`react-router dev --host`: Reflex 0.10.1 writes that command into .web/package.json
on every run, and `--host` without a value makes Vite listen on every interface. Reflex
offers no setting for it, but a Vite plugin's ``config`` hook runs after the command
line's options are merged in, and its answer wins: this Reflex plugin adds such a Vite
plugin to the vite.config.js that Reflex generates on every compile, so the development
server listens on 127.0.0.1 only. (The backend's address is `--backend-host`, which
the Makefile's run target sets.) Production builds do not use the development server.
"""

from __future__ import annotations

from typing import Any

from reflex_base.plugins.base import Plugin

LOCALHOST = "127.0.0.1"
VITE_CONFIG_FILE = "vite.config.js"  # under .web, as Reflex names it
# Where Reflex's template lists its Vite plugins (reflex_base.compiler.templates).
_PLUGINS_START = "  plugins: [\n"
_VITE_PLUGIN = (
    '    { name: "cloudlink-localhost-only", '
    "config: (_config, env) => "
    f'(env.command === "serve" ? {{ server: {{ host: "{LOCALHOST}" }} }} : undefined) }},\n'
)


def bind_dev_server_to_localhost(vite_config: str) -> str:
    """Reflex's generated vite.config.js with the Vite plugin that makes the
    development server listen on LOCALHOST. Raises RuntimeError when the file no
    longer looks as this expects (a Reflex upgrade): better no start than a server
    open to the network."""
    if _VITE_PLUGIN in vite_config:
        return vite_config
    if vite_config.count(_PLUGINS_START) != 1:
        raise RuntimeError(
            f"cloudlink_app.reflex_internals.dev_server: {VITE_CONFIG_FILE} has no single "
            f"{_PLUGINS_START.strip()!r} line; Reflex's template changed, so the "
            "development server cannot be kept on localhost. Update this plugin."
        )
    return vite_config.replace(_PLUGINS_START, _PLUGINS_START + _VITE_PLUGIN)


class LocalhostDevServer(Plugin):
    """Keeps `reflex run --env dev`'s frontend server on 127.0.0.1."""

    def pre_compile(self, **context: Any) -> None:
        """Have Reflex pass the generated vite.config.js through
        bind_dev_server_to_localhost before it is written."""
        context["add_modify_task"](VITE_CONFIG_FILE, bind_dev_server_to_localhost)
