"""The import graph of src/archivegen: no cycle, and no stage importing a later stage.

Every import counts, wherever it is written (module level, inside a function, under
``TYPE_CHECKING``), absolute or relative: an import tucked into a function to dodge a cycle is
still the cycle. Stages, bottom first (docs/architecture.md):

    problems.py, progress.py, locale/  <  records/  <  render/  <  index/  <  build/  <  commands/

``archivegen/__init__.py`` (the public API, which re-exports the build) and ``__main__.py`` stand
outside the stages: edges into and out of them are not checked.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = "archivegen"
SRC = Path(__file__).resolve().parents[2] / "src" / PACKAGE
STAGES = {"problems": 0, "progress": 0, "locale": 0, "records": 1, "render": 2, "index": 3, "build": 4, "commands": 5}
EXEMPT = {PACKAGE, f"{PACKAGE}.__main__"}

Graph = Mapping[str, Iterable[str]]


def module_names(src: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under ``src`` (a package ``__init__`` is the package)."""
    names = {}
    for file in sorted(src.rglob("*.py")):
        parts = [package, *file.relative_to(src).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = file
    return names


def imports_of(name: str, file: Path, modules: Iterable[str]) -> set[str]:
    """The package's modules ``name`` imports, anywhere in its file."""
    known = set(modules)
    is_package = file.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package, up level - 1 more
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # "from a.b import c" imports a.b.c when c is a module, else (c a name in a.b) a.b
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            # "import a.b.c" runs a, a.b and a.b.c: the deepest known module is the dependency
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@functools.cache
def import_graph(src: Path = SRC, package: str = PACKAGE) -> dict[str, set[str]]:
    modules = module_names(src, package)
    return {name: imports_of(name, file, modules) for name, file in modules.items()}


def find_cycle(graph: Graph) -> list[str] | None:
    """One import cycle as [a, b, …, a], or None. Depth-first, iterative, in sorted order."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        stack = [iter(sorted(graph.get(start, ())))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def stage_of(module: str, package: str = PACKAGE) -> int | None:
    parts = module.split(".")
    return STAGES.get(parts[1]) if len(parts) > 1 and parts[0] == package else None


def upward_imports(graph: Graph, package: str = PACKAGE) -> list[str]:
    """Every import of a later stage by an earlier one, as "importer -> imported"."""
    found = []
    for module, targets in sorted(graph.items()):
        here = stage_of(module, package)
        for target in sorted(targets):
            there = stage_of(target, package)
            if module in EXEMPT or target in EXEMPT or here is None or there is None:
                continue
            if there > here:
                found.append(f"{module} -> {target}")
    return found


def without_exempt(graph: Graph) -> dict[str, set[str]]:
    return {m: {t for t in ts if t not in EXEMPT} for m, ts in graph.items() if m not in EXEMPT}


# ---------------------------------------------------------------------------------------------
# The real package


def test_the_walk_sees_every_stage_and_function_level_imports() -> None:
    graph = import_graph()
    # Sanity: the walk found the package's modules and the edges everyone knows are there.
    assert {stage_of(m) for m in graph} >= set(STAGES.values())
    assert "archivegen.build.pipeline" in graph["archivegen.commands.cli"]
    assert "archivegen.records.model" in graph["archivegen.build.pipeline"]
    # cli imports the serve command inside a function (so that `build` does not load it)
    assert "archivegen.commands.serve" in graph["archivegen.commands.cli"]


def test_no_import_cycle_in_the_package() -> None:
    cycle = find_cycle(without_exempt(import_graph()))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_stage_imports_a_later_stage() -> None:
    assert upward_imports(import_graph()) == []


def test_every_module_has_a_stage() -> None:
    unplaced = [m for m in import_graph() if m not in EXEMPT and stage_of(m) is None]
    assert unplaced == [], f"modules outside the stages (add them to STAGES and docs/architecture.md): {unplaced}"


# ---------------------------------------------------------------------------------------------
# The detector itself, on small hand-made graphs and files


def test_find_cycle_finds_a_cycle_and_only_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None  # a diamond is no cycle
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"a"}, "a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def test_upward_imports_names_each_offender() -> None:
    graph = {"archivegen.records.model": {"archivegen.render.urls", "archivegen.problems"},
             "archivegen.render.urls": {"archivegen.records.settings"},
             "archivegen.commands.cli": {"archivegen.build.pipeline"},
             "archivegen": {"archivegen.build.pipeline"}}
    assert upward_imports(graph) == ["archivegen.records.model -> archivegen.render.urls"]


def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return import_graph(tmp_path, "pkg")


def test_the_walk_reads_relative_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    graph = _package(tmp_path, {
        "__init__.py": "",
        "records/__init__.py": "",
        "records/model.py": "def slugs():\n    from ..render import urls\n    return urls\n",
        "records/load.py": "from . import model\n",
        "render/__init__.py": "",
        "render/urls.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.records.load import x\n",
        "render/views.py": "import pkg.render.urls as u\nfrom .urls import url\nimport json\n",
        "render/page.py": "from pkg.render import views, urls\nfrom pkg import problems\n",
    })
    assert graph["pkg.records.model"] == {"pkg.render.urls"}
    assert graph["pkg.records.load"] == {"pkg.records.model"}
    assert graph["pkg.render.urls"] == {"pkg.records.load"}
    assert graph["pkg.render.views"] == {"pkg.render.urls"}
    assert graph["pkg.render.page"] == {"pkg.render.views", "pkg.render.urls", "pkg"}  # no pkg.problems module
    # records.model -> render.urls -> records.load -> records.model: found although every link hides
    assert find_cycle(graph) == ["pkg.records.load", "pkg.records.model", "pkg.render.urls", "pkg.records.load"]


@pytest.mark.parametrize("module, stage", [("archivegen.problems", 0), ("archivegen.records.fields", 1),
                                           ("archivegen.render.plan", 2), ("archivegen.commands.cli", 5),
                                           ("archivegen", None), ("json", None)])
def test_stage_of(module: str, stage: int | None) -> None:
    assert stage_of(module) == stage
