"""The layering DESIGN.md promises, checked on the source: no import cycles, stages that do not import each other,
each heavy library behind one module."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src" / "policybrief"


def _module(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(top_level_only: bool) -> dict[str, set[str]]:
    """module -> policybrief modules (and third-party top names) it imports."""
    out: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = tree.body if top_level_only else list(ast.walk(tree))
        names: set[str] = set()
        for node in nodes:
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
        out[_module(path)] = names
    return out


def _ours(names: set[str], modules: set[str]) -> set[str]:
    return {n for n in names if n in modules}


def test_no_import_cycles_at_module_level():
    imports = _imports(top_level_only=True)
    modules = set(imports)
    graph = {m: _ours(names, modules) - {m} for m, names in imports.items()}
    # A package's __init__ importing its own submodule is fine; anything else that loops is a cycle.
    done: set[str] = set()
    cycle: list[str] = []

    def visit(m: str, stack: list[str]) -> None:
        for n in sorted(graph[m]):
            if n in stack and m.rsplit(".", 1)[0] != n and not cycle:
                cycle.extend(stack[stack.index(n):] + [n])
            elif n not in done and n not in stack:
                visit(n, stack + [n])
        done.add(m)

    for m in sorted(graph):
        if m not in done:
            visit(m, [m])
    assert not cycle, " -> ".join(cycle)


def test_stages_do_not_import_each_other():
    imports = _imports(top_level_only=False)
    stages = ("readers", "analysis", "writers", "delivery")
    for mod, names in imports.items():
        parts = mod.split(".")
        if len(parts) < 2 or parts[1] not in stages:
            continue
        for other in stages:
            if other == parts[1]:
                continue
            bad = [n for n in names if n.startswith(f"policybrief.{other}")]
            assert not bad, f"{mod} imports {bad}"
    for low in ("policybrief.model", "policybrief.errors", "policybrief.lang.words", "policybrief.lang.sentences"):
        heavy = [n for n in imports[low] if n.startswith("policybrief.") and not n.startswith(("policybrief.lang", "policybrief.errors"))]
        assert not heavy, f"{low} (bottom layer) imports {heavy}"


def test_each_library_behind_its_module():
    imports = _imports(top_level_only=False)
    homes = {
        "reportlab": {"policybrief.writers.pdf"},
        "docx": {"policybrief.readers.docx", "policybrief.writers.docx"},
        "jinja2": {"policybrief.delivery.templating"},
        "markdown_it": {"policybrief.readers.markdown"},
        "yaml": {"policybrief.yamlio"},
        "pydantic": {"policybrief.profiles.schema"},
        "typer": {"policybrief.cli"},
    }
    for lib, allowed in homes.items():
        users = {m for m, names in imports.items() if any(n == lib or n.startswith(lib + ".") for n in names)}
        assert users <= allowed, f"{lib} imported by {sorted(users - allowed)}"
