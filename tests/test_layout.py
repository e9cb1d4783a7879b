"""The package's shape: stages as subpackages, every module importable on its own, no import cycle (imports
written inside functions count), no private name imported across modules, no oversized module."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "rag"
MAX_LINES = 500
STAGES = ("lang", "ingest", "index", "answering", "web")


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it) for every import in the file, at any depth."""
    found = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                found.append((full, None) if full in known else (base, a.name))
    return found


def graph() -> tuple[dict[str, set[str]], list[str]]:
    known = modules()
    edges: dict[str, set[str]] = {m: set() for m in known}
    private = []
    for name, path in known.items():
        for target, taken in imports(name, path, known):
            while target and target not in known and "." in target:
                target = target.rpartition(".")[0]
            if target in known and target != name:
                edges[name].add(target)
                if taken and taken.startswith("_") and not taken.startswith("__"):
                    private.append(f"{name} takes {taken} from {target}")
    return edges, private


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (a package importing its own submodules aside)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            nested = all(any(o.startswith(x + ".") or x.startswith(o + ".") for o in comp if o != x) for x in comp)
            if len(comp) > 1 and not nested:
                found.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("name", sorted(m for m in modules() if m != "rag.__main__"))  # __main__ runs the CLI
def test_every_module_imports_on_its_own(name):
    importlib.import_module(name)


def test_no_import_cycle_and_no_private_import():
    edges, private = graph()
    assert cycles(edges) == []
    assert private == []


def test_stages_are_folders_and_modules_stay_small():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
    big = {str(p.relative_to(ROOT)): n for p in modules().values() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}
    assert len((ROOT / "app.py").read_text(encoding="utf-8").splitlines()) <= 30  # app.py only wires


def test_the_cycle_finder_finds_a_cycle():
    """The check above would pass on a finder that finds nothing: it must find this one."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
