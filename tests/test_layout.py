"""The package layout, read from the source: import layering, no import cycles, size limits.

Every import counts, wherever it is written: at the top of a module, inside a function, under
`if TYPE_CHECKING:`, relative, or `importlib.import_module("rasid....")` with a literal name.
An import of `pkg.mod` (or `from pkg import mod`) is an edge to the file of `pkg.mod`; the
package `__init__` files Python runs on the way are not counted, so a package may re-export
its modules without making a cycle with them.

Layers, lowest first (a layer never imports one above it):
  base      rasid, rasid.document, rasid.errors, rasid.serialize, rasid.records
  domain    rasid.text, .knowledge, .extract, .stories, .verify, .export
  services  rasid.ingest (reads files, runs the pipeline, writes the store), .pipeline, .stages,
            .store, .indexing, .watch (follows feeds and folders through the ingest path)
  api       rasid.api, rasid.web
  eval      rasid.eval (evaluation, training, benchmark)
  cli       rasid.cli
Domain modules may use the leaf helpers of `rasid.ingest` (e.g. MinHash signatures), never
the services that drive the pipeline or the store.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "rasid"
MAX_FILE_LINES = 1000
MAX_FUNCTION_LINES = 100

BASE = ("rasid.document", "rasid.errors", "rasid.serialize", "rasid.records")
DOMAIN = ("rasid.text", "rasid.knowledge", "rasid.extract", "rasid.stories", "rasid.verify", "rasid.export")
SERVICES = ("rasid.ingest", "rasid.pipeline", "rasid.stages", "rasid.store", "rasid.indexing", "rasid.watch")
API = ("rasid.api", "rasid.web")
EVAL = ("rasid.eval",)
CLI = ("rasid.cli", "rasid.__main__")

# What each group of modules must not import.
FORBIDDEN: dict[tuple[str, ...], tuple[str, ...]] = {
    BASE: DOMAIN + SERVICES + API + EVAL + CLI,
    DOMAIN: ("rasid.cli", "rasid.api", "rasid.store", "rasid.pipeline", "rasid.stages", "rasid.eval",
             "rasid.indexing", "rasid.ingest.runner"),
    SERVICES: API + EVAL + CLI,
    API: EVAL + CLI,
    EVAL: CLI,
}  # fmt: skip


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(node: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, str | None]]:
    """(module, imported name or None) for each name an import statement or call brings in."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, base] if base else package)
        for alias in node.names:
            yield base, alias.name
    elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
            yield node.args[0].value, None


def import_graph(root: Path, package: str = PACKAGE) -> dict[str, set[str]]:
    """Each module of `package` under `root` -> the modules of the package it imports."""
    files = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            for base, name in _imported_names(node, module, is_package):
                target = f"{base}.{name}" if name and f"{base}.{name}" in files else base
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    edges.add(target)
        graph[module] = edges
    return graph


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return cycles


def _within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layer_violations(
    graph: Mapping[str, Iterable[str]], rules: Mapping[tuple[str, ...], tuple[str, ...]] = FORBIDDEN
) -> list[str]:
    return [
        f"{module} imports {target}"
        for module, targets in sorted(graph.items())
        for group, forbidden in rules.items()
        if _within(module, group)
        for target in sorted(targets)
        if _within(target, forbidden)
    ]


def unplaced_modules(graph: Mapping[str, Iterable[str]]) -> list[str]:
    layers = (PACKAGE, *BASE, *DOMAIN, *SERVICES, *API, *EVAL, *CLI)
    return [m for m in sorted(graph) if m != PACKAGE and not _within(m, layers[1:])]


def long_files(root: Path, package: str = PACKAGE, limit: int = MAX_FILE_LINES) -> list[str]:
    out = []
    for path in sorted((root / package).rglob("*.py")):
        lines = len(path.read_text("utf-8").splitlines())
        if lines > limit:
            out.append(f"{path.relative_to(root)}: {lines} lines")
    return out


def long_functions(root: Path, package: str = PACKAGE, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    out = []
    for path in sorted((root / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    out.append(f"{path.relative_to(root)}:{node.lineno} {node.name}: {lines} lines")
    return out


# -- the checks on rasid/ ----------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT)


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_layers_import_only_downwards(graph: dict[str, set[str]]) -> None:
    violations = layer_violations(graph)
    assert not violations, "imports against the layering:\n" + "\n".join(violations)


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    assert not unplaced_modules(graph), "add these modules to a layer in tests/test_layout.py"


def test_no_file_over_the_size_limit() -> None:
    too_long = long_files(ROOT)
    assert not too_long, f"files over {MAX_FILE_LINES} lines:\n" + "\n".join(too_long)


def test_no_function_over_the_size_limit() -> None:
    too_long = long_functions(ROOT)
    assert not too_long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(too_long)


# -- the checker itself can fail -------------------------------------------------------------


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_checker_finds_a_cycle_through_type_only_and_function_imports(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "rasid/__init__.py": "",
            "rasid/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rasid.b import B\n",
            "rasid/b.py": "def f():\n    from . import c\n",
            "rasid/c.py": "import importlib\nimportlib.import_module('rasid.a')\n",
            "rasid/d.py": "import rasid.a\n",
        },
    )
    graph = import_graph(tmp_path)
    assert graph["rasid.a"] == {"rasid.b"} and graph["rasid.b"] == {"rasid.c"} and graph["rasid.c"] == {"rasid.a"}
    assert find_cycles(graph) == [["rasid.a", "rasid.b", "rasid.c"]]


def test_checker_resolves_names_and_finds_layer_violations(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "rasid/__init__.py": "",
            "rasid/store/__init__.py": "from rasid.store.base import Store\n",
            "rasid/store/base.py": "class Store: ...\n",
            "rasid/stories/__init__.py": "",
            # `from package import module` is an edge to the module; a name in __init__ to the package.
            "rasid/stories/build.py": "from rasid.store import base\nfrom rasid.store import Store\n",
            "rasid/text/__init__.py": "from .. import document\n",
            "rasid/document.py": "",
        },
    )
    graph = import_graph(tmp_path)
    assert graph["rasid.stories.build"] == {"rasid.store", "rasid.store.base"}
    assert graph["rasid.text"] == {"rasid.document"}
    assert find_cycles(graph) == []
    assert layer_violations(graph) == [
        "rasid.stories.build imports rasid.store",
        "rasid.stories.build imports rasid.store.base",
    ]


def test_checker_finds_long_files_and_functions(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(12))
    _write(tmp_path, {"rasid/__init__.py": "", "rasid/m.py": f"def long():\n{body}\n\ndef short():\n    pass\n"})
    assert long_functions(tmp_path, limit=10) == ["rasid/m.py:1 long: 13 lines"]
    assert long_files(tmp_path, limit=15) == ["rasid/m.py: 17 lines"]
    assert long_files(tmp_path, limit=17) == []
