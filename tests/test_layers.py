"""The layers of the code base, checked on its import statements (every import, also those inside functions).

Ground: ``monitor.config``, ``monitor.db`` (settings, schema, sessions, stored codes) and ``monitor.i18n``
(the message catalogue: what people read instead of those codes).
Middle: ``spiders`` (collect), ``models`` (classify), ``reports`` (render figures) — each stands on the
ground only, and ``models`` not even on that: it takes its settings as arguments.
Roof: the rest of ``monitor`` (registry, classify, review, selfaudit, exports, access, ops, demo, web,
cli) wires the middle together. Nothing imports upward, and no module imports itself back in a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("monitor", "spiders", "models", "reports")
GROUND = ("monitor.config", "monitor.db", "monitor.i18n")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:  # alembic's env and revisions are loaded by alembic, not imported
                continue
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    return _imports_in(name, path.read_text(encoding="utf-8"), package=path.name == "__init__.py")


def _imports_in(name: str, source: str, *, package: bool = False) -> set[str]:
    """First-party modules ``name`` imports, resolved to the module (not the attribute) they name."""
    tree = ast.parse(source)
    for guard in [n for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]:
        guard.body = []  # imports for type hints only never run: no layer is crossed, no cycle made
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            named.add(module)
            named.update(f"{module}.{alias.name}" for alias in node.names)
    resolved = set()
    for target in named:
        if target.split(".")[0] not in PACKAGES:
            continue
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _in(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _violations(allowed: tuple[str, ...], *layer: str, graph: dict[str, set[str]] = GRAPH) -> list[str]:
    return sorted(
        f"{name} imports {target}"
        for name, targets in graph.items() if _in(name, *layer)
        for target in targets if not _in(target, *layer, *allowed)
    )


def test_the_graph_covers_the_code_base() -> None:
    assert len(GRAPH) > 100
    assert "monitor.classify.pipeline" in GRAPH["monitor.demo.run"]  # resolves `from x import y` to x


def test_ground_imports_nothing_above_it() -> None:
    assert _violations((), *GROUND) == []


def test_spiders_stand_on_the_ground_only() -> None:
    assert _violations(GROUND, "spiders") == []


def test_reports_stand_on_the_ground_and_read_vocabulary_only() -> None:
    # reports label candidates from the stored profile (models.profile), gestures and platforms from their
    # tables (models.photos.labels, the spiders.platforms registry); they never classify or crawl.
    vocabulary = ("models.profile", "models.photos.labels", "spiders.platforms")
    assert _violations((*GROUND, *vocabulary), "reports") == []
    deeper = [f"{name} imports {target}" for name, targets in GRAPH.items() if _in(name, "reports")
              for target in targets if target.startswith("spiders.platforms.")]
    assert deeper == []  # the registry itself, never a platform's spider or importer


def test_models_take_their_settings_as_arguments() -> None:
    assert _violations((), "models") == []


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert cycles == []


@pytest.mark.parametrize("source", [
    "import monitor.review.queue",
    "from monitor.access import scoping",
    "def f():\n    from monitor.ops.jobs import resolve",
])
def test_an_upward_import_is_caught(source: str) -> None:
    graph = {"spiders.probe": _imports_in("spiders.probe", source)}
    assert _violations(GROUND, "spiders", graph=graph) != []


def test_imports_for_type_hints_only_do_not_count() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from monitor.web.app import create_app\n"
    assert _imports_in("spiders.probe", source) == set()


def test_a_relative_import_resolves_within_its_package() -> None:
    # importing from a package runs its __init__ too
    assert _imports_in("monitor.review.queue", "from ..access import scoping") == {"monitor.access",
                                                                                  "monitor.access.scoping"}
    assert _imports_in("monitor.review", "from .queue import enqueue", package=True) == {"monitor.review.queue"}
