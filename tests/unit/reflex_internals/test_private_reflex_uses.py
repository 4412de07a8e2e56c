"""Every use of a private part of Reflex lives in cloudlink_app/reflex_internals.

Read from the source with ``ast`` (nothing is imported). Outside that package a module
of the app (and rxconfig.py) may not:

- import from ``reflex_base`` or Reflex's component packages (``reflex_components_*``):
  Reflex's public names are re-exported by ``reflex`` itself;
- import a name with a leading underscore from Reflex or alembic, or a module of
  Reflex's undocumented internals (``reflex.utils``, ``reflex.istate``,
  ``reflex.environment``, ``reflex.components.core.banner``);
- use an attribute or keyword with a leading underscore that the app itself does not
  define (``state._get_root_state()``, ``Var(_js_expr=...)``): someone else's private;
- name one of the attributes and classes below, which are Reflex's (or alembic's,
  python-engineio's) internals without an underscore.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "cloudlink_app"
HOME = PACKAGE / "reflex_internals"

PRIVATE_PACKAGES = ("reflex_base", "reflex_components_")
PRIVATE_MODULES = (
    "reflex.utils",
    "reflex.istate",
    "reflex.environment",
    "reflex.components.core.banner",
    "alembic.runtime",
)
PRIVATE_NAMES = frozenset(
    {
        "app_wraps",  # rx.App's page wrappers
        "event_namespace",  # rx.App's Socket.IO namespace
        "cors_allowed_origins_check",
        "eio",  # python-engineio's server under app.sio
        "EnvironmentContext",  # alembic's, patched for Reflex's comparisons
        "EventContext",  # reflex_base.event.context
        "RedisTokenManager",
        "run_backend_prod",
    }
)


def _sources() -> list[Path]:
    files = [p for p in sorted(PACKAGE.rglob("*.py")) if HOME not in p.parents]
    return [*files, ROOT / "rxconfig.py"]


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def defined_names(trees: list[ast.AST]) -> set[str]:
    """Every name the app itself defines: functions, classes, their parameters,
    assigned names and attributes (``self._x = ...``, class fields)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                    names.add(arg.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.alias) and node.asname:
                names.add(node.asname)
    return names


def private_uses(source: str, own: set[str]) -> list[str]:
    """What ``source`` uses of others' private parts (see the module's docstring)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for module in modules:
                if module.startswith(PRIVATE_PACKAGES) or module.startswith(PRIVATE_MODULES):
                    found.append(f"line {node.lineno}: imports {module}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("reflex", "alembic")
            ):
                for alias in node.names:
                    if _is_private(alias.name) or alias.name in PRIVATE_NAMES:
                        found.append(f"line {node.lineno}: imports {node.module}.{alias.name}")
        elif isinstance(node, ast.Attribute):
            if node.attr in PRIVATE_NAMES or (_is_private(node.attr) and node.attr not in own):
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.keyword) and node.arg:
            if _is_private(node.arg) and node.arg not in own:
                found.append(f"line {getattr(node, 'lineno', '?')}: keyword {node.arg}")
        elif isinstance(node, ast.Name) and node.id in PRIVATE_NAMES:
            found.append(f"line {node.lineno}: {node.id}")
    return found


def test_private_reflex_uses_are_in_reflex_internals_only():
    sources = {path: path.read_text(encoding="utf-8") for path in _sources()}
    own = defined_names([ast.parse(text) for text in sources.values()])
    found = {
        str(path.relative_to(ROOT)): uses
        for path, text in sources.items()
        if (uses := private_uses(text, own))
    }
    assert not found, (
        "private Reflex uses outside cloudlink_app/reflex_internals (move them there, "
        f"with why and the Reflex version): {found}"
    )


def test_the_checker_finds_each_kind_of_private_use():
    source = (
        "from reflex_base.event.context import EventContext\n"
        "from reflex.model import _alembic_upgrade\n"
        "from reflex.utils import exec\n"
        "import reflex as rx\n"
        "root = state._get_root_state()\n"
        "v = rx.Var(_js_expr='x')\n"
        "del app.app_wraps[(5, 'Overlay')]\n"
        "self._session_id = 1\n"  # the app's own private attribute: fine
        "x = self._session_id\n"
    )
    own = defined_names([ast.parse(source)])
    assert private_uses(source, own) == [
        "line 1: imports reflex_base.event.context",
        "line 1: imports reflex_base.event.context.EventContext",
        "line 2: imports reflex.model._alembic_upgrade",
        "line 3: imports reflex.utils",
        "line 5: ._get_root_state",
        "line 6: keyword _js_expr",
        "line 7: .app_wraps",
    ]
