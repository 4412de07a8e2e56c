"""The import rules of cloudlink_app: layers one way, and no import cycles, so that
every module can be read, tested and changed without dragging in a module that needs it
back (docs/architecture.md, "The layers and what may import what").

The graph is read from the source with ``ast`` (nothing is imported): every ``import``
and ``from ... import`` statement anywhere in a module (at module level, inside
functions, inside ``if`` blocks alike) gives an edge to the cloudlink_app module it
names. ``from package import name`` counts as importing the submodule
``package.name`` when there is one, else the package itself. The parent packages that
Python initialises on the way are not edges: they are empty or only re-export their
own submodules, and a module importing its own package is how such packages work.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "cloudlink_app"


def module_files(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of ``package`` by dotted name (a package by its own name)."""
    files = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    # `from . import x` in a package's __init__ is relative to the package itself.
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports_of(module: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``module`` imports anywhere in ``source``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                # `import a.b.c` binds a and loads a.b.c: the edge is to the deepest
                # known module named.
                parts = alias.name.split(".")
                for end in range(len(parts), 0, -1):
                    if ".".join(parts[:end]) in known:
                        found.add(".".join(parts[:end]))
                        break
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    found.add(submodule)
                elif base in known:
                    found.add(base)
    return found


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    """module -> the package's modules it imports."""
    files = module_files(root, package)
    known = set(files)
    return {
        module: imports_of(
            module, path.read_text(encoding="utf-8"), path.name == "__init__.py", known
        )
        for module, path in files.items()
    }


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: every strongly connected component of more than
    one module, and every module that imports itself, each sorted (Tarjan's algorithm,
    iterative so that a long chain cannot overflow the stack)."""
    edges = {node: sorted(set(targets)) for node, targets in graph.items()}
    for targets in list(edges.values()):
        for target in targets:
            edges.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    found.append(sorted(component))
    return sorted(found)


# What each layer may import of the app, deny by default. A module's layer is its
# package under cloudlink_app (``state``, ``services``...) or, for a module at the top,
# its own name. Imports go pages -> components -> state -> views -> services -> domain
# and models; http sits beside state; reflex_internals (every private Reflex use) and
# domain import nothing of the app; the app module (cloudlink_app.cloudlink_app)
# assembles everything.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "models": frozenset({"domain"}),
    "settings": frozenset({"setting_checks"}),
    "setting_checks": frozenset(),
    "routes": frozenset({"domain"}),
    "reflex_internals": frozenset(),
    "locale": frozenset({"domain", "routes"}),
    "logs": frozenset({"settings"}),
    "services": frozenset({"domain", "models", "settings", "routes", "reflex_internals"}),
    "views": frozenset({"domain", "services", "routes"}),
    # demo_data: the sign-in page lists the demo accounts in demo mode.
    "state": frozenset(
        {"domain", "services", "views", "routes", "settings", "reflex_internals", "demo_data"}
    ),
    "components": frozenset({"domain", "state", "views", "routes", "reflex_internals"}),
    "pages": frozenset({"domain", "components", "state", "views", "routes"}),
    "http": frozenset({"domain", "services", "routes", "settings", "reflex_internals"}),
    "demo_data": frozenset({"domain", "models", "services", "settings", "routes"}),
    "accounts": frozenset({"domain", "models", "services", "settings", "routes"}),
    "serve": frozenset({"services", "settings", "reflex_internals"}),
}
# The app module and the package itself (empty) are not a layer.
NOT_LAYERED = frozenset({PACKAGE, f"{PACKAGE}.{PACKAGE}"})


def layer(module: str) -> str:
    """The layer of a module of the package: its first part below the package."""
    return module.split(".")[1]


def broken_rules(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Every import of ``graph`` that MAY_IMPORT forbids, as "importer -> imported"; a
    module of a layer MAY_IMPORT does not know is itself a broken rule."""
    broken = []
    for module, targets in sorted(graph.items()):
        if module in NOT_LAYERED:
            continue
        own = layer(module)
        if own not in MAY_IMPORT:
            broken.append(f"{module}: the layer {own!r} is not in MAY_IMPORT")
            continue
        for target in sorted(targets):
            if target in NOT_LAYERED or layer(target) == own:
                if target == f"{PACKAGE}.{PACKAGE}":
                    broken.append(f"{module} -> {target}")
                continue
            if layer(target) not in MAY_IMPORT[own]:
                broken.append(f"{module} -> {target}")
    return broken


def test_layers_import_one_way():
    graph = import_graph()
    # The reader found the app's own imports (a broken reader would pass vacuously).
    assert "cloudlink_app.state.session" in graph["cloudlink_app.state.sign_in"]
    broken = broken_rules(graph)
    assert not broken, "imports against the layers (MAY_IMPORT):\n" + "\n".join(broken)


def test_a_forbidden_import_is_found():
    graph = {
        "cloudlink_app.services.customers": {"cloudlink_app.domain.forms"},
        "cloudlink_app.state.page": {"cloudlink_app.services.users"},
    }
    assert broken_rules(graph) == []
    graph["cloudlink_app.services.customers"].add("cloudlink_app.state.page")  # upward
    graph["cloudlink_app.state.page"].add("cloudlink_app.models")  # state reads rows
    graph["cloudlink_app.domain.forms"] = {"cloudlink_app.routes"}  # domain imports the app
    graph["cloudlink_app.newthing.x"] = set()  # a package nobody placed
    assert broken_rules(graph) == [
        "cloudlink_app.domain.forms -> cloudlink_app.routes",
        "cloudlink_app.newthing.x: the layer 'newthing' is not in MAY_IMPORT",
        "cloudlink_app.services.customers -> cloudlink_app.state.page",
        "cloudlink_app.state.page -> cloudlink_app.models",
    ]


def test_cloudlink_app_has_no_import_cycles():
    graph = import_graph()
    # The reader found the app's own imports (a broken reader would pass vacuously).
    assert "cloudlink_app.services.sessions" in graph["cloudlink_app.http.middleware"]
    assert "cloudlink_app.domain.forms" in graph["cloudlink_app.domain.validation"]
    found = cycles(graph)
    assert not found, "import cycles in cloudlink_app:\n" + "\n".join(
        " <-> ".join(cycle) for cycle in found
    )


def test_the_detector_finds_a_cycle_and_a_self_import():
    graph = {
        "app.a": {"app.b"},
        "app.b": {"app.c"},
        "app.c": {"app.a", "app.d"},  # a -> b -> c -> a
        "app.d": set(),
        "app.e": {"app.e"},  # imports itself
        "app.f": {"app.d"},
    }
    assert cycles(graph) == [["app.a", "app.b", "app.c"], ["app.e"]]
    assert cycles({"app.a": {"app.b"}, "app.b": set()}) == []


def test_the_reader_sees_function_level_and_submodule_imports(tmp_path):
    package = tmp_path / "app"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "users.py").write_text(
        "def ensure():\n    from app.services.auth import hash_password\n"
    )
    (package / "services" / "auth.py").write_text("from app.services import users\n")
    (package / "services" / "other.py").write_text(
        "from . import auth\nfrom .users import ensure\nimport app.services.users as u\n"
    )
    graph = import_graph(tmp_path, "app")
    assert graph["app.services.users"] == {"app.services.auth"}
    assert graph["app.services.auth"] == {"app.services.users"}
    assert graph["app.services.other"] == {"app.services.auth", "app.services.users"}
    assert cycles(graph) == [["app.services.auth", "app.services.users"]]
