"""The package's shape, read from its source (every import, at the top of a module or inside a
function): no import cycles, the layers records < nlp < code, geo < fuse < store, the SQLite
(and PostgreSQL) backends reached only through ``rasd.store``, no private name imported across
modules. Each check names the offending module and line."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported (a package's name when a name is taken from its __init__)
    names: tuple[str, ...]  # the names taken (from X import a, b); () for `import X`
    line: int


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "rasd").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str:
    """The module a dotted name lives in (``rasd.geo.Geoparser`` -> ``rasd.geo``)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(module: str) -> list[Import]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in MODULES:  # `from . import merge`: the submodule itself
                    out.append(Import(module, sub, (), node.lineno))
                else:
                    out.append(Import(module, _resolve(base), (alias.name,), node.lineno))
        elif isinstance(node, ast.Import):
            out.extend(Import(module, _resolve(a.name), (), node.lineno) for a in node.names)
    return [i for i in out if i.target.startswith("rasd") and i.target != module]


IMPORTS = {m: _imports(m) for m in MODULES}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _where(i: Import) -> str:
    return f"{MODULES[i.source].relative_to(SRC)}:{i.line}: {i.source} imports {i.target}"


def test_the_package_has_no_import_cycle():
    graph = {m: sorted({i.target for i in IMPORTS[m]}) for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components (recursion as deep as the longest import chain)
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for m in graph:
        if m not in index:
            visit(m)
    edges = sorted({_where(i) for c in cycles for m in c for i in IMPORTS[m] if i.target in c})
    assert not cycles, "import cycles:\n" + "\n".join(edges)


# (lower, higher): nothing in `lower` imports anything in `higher`
LAYERS = [
    ("rasd.records", ["rasd.nlp", "rasd.code", "rasd.geo", "rasd.fuse", "rasd.store", "rasd.pipeline"]),
    ("rasd.nlp", ["rasd.code", "rasd.geo", "rasd.fuse", "rasd.store", "rasd.pipeline"]),
    ("rasd.code", ["rasd.geo", "rasd.fuse", "rasd.store", "rasd.pipeline"]),
    ("rasd.geo", ["rasd.code", "rasd.fuse", "rasd.store", "rasd.pipeline"]),
    ("rasd.fuse", ["rasd.pipeline", "rasd.serve", "rasd.cli"]),
    ("rasd.store.base", ["rasd.nlp", "rasd.code", "rasd.geo", "rasd.fuse", "rasd.pipeline"]),
]


@pytest.mark.parametrize("lower,higher", LAYERS, ids=[low for low, _ in LAYERS])
def test_a_layer_does_not_import_the_layers_above_it(lower, higher):
    bad = [_where(i) for m in MODULES if _within(m, lower) for i in IMPORTS[m]
           if any(_within(i.target, h) for h in higher)]
    assert not bad, f"{lower} must not import {', '.join(higher)}:\n" + "\n".join(bad)


def test_fusion_reaches_the_store_through_its_interface_only():
    bad = [_where(i) for m in MODULES if _within(m, "rasd.fuse") for i in IMPORTS[m]
           if _within(i.target, "rasd.store") and not _within(i.target, "rasd.store.base")]
    assert not bad, "rasd.fuse may import rasd.store.base only:\n" + "\n".join(bad)


@pytest.mark.parametrize("backend", ["rasd.store.sqlite", "rasd.store.postgres"])
def test_a_store_backend_is_imported_only_inside_the_store(backend):
    bad = [_where(i) for m in MODULES if not _within(m, "rasd.store") for i in IMPORTS[m]
           if _within(i.target, backend)]
    assert not bad, f"{backend} is opened through rasd.store (open_store), not imported:\n" + "\n".join(bad)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_is_imported_across_modules():
    bad = [f"{_where(i)} {n}" for m in MODULES for i in IMPORTS[m] for n in i.names if _private(n)]
    # `import rasd.x as x` / `from . import x`, then `x._y`
    for m, path in MODULES.items():
        aliases = {}
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for a in node.names:
                    aliases[a.asname or a.name.split(".")[0]] = a.name
        bad += [f"{path.relative_to(SRC)}:{node.lineno}: {node.value.id}.{node.attr}" for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and node.value.id not in ("os", "sys")]
    assert not bad, "private names used across modules (make them public or move them):\n" + "\n".join(bad)


def test_the_checks_see_the_imports_they_judge():
    """The reader of imports finds relative, nested and package imports (else the checks above
    would pass on nothing)."""
    fuser = {i.target for i in IMPORTS["rasd.fuse.fuser"]}
    assert {"rasd.records", "rasd.store.base", "rasd.fuse.merge", "rasd.fuse.rules"} <= fuser
    assert any(i.target == "rasd.pipeline" for i in IMPORTS["rasd.parallel"])
    nested = [i for i in IMPORTS["rasd.pipeline"] if i.target == "rasd.geo"]
    assert nested, "the pipeline imports the geoparser inside a function"
