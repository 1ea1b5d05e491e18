"""The code's shape, where users or other parts depend on it: no import cycles, one owner for the recipe tree,
one error hierarchy, and a `rewardkit --help` that loads no scorer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "rewardkit"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every rewardkit module `path` imports, at module level or inside a function (a lazy import is still one
    edge of a cycle: whichever side loads first finds the other half-initialised)."""
    deps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                deps.add(child if child in modules else node.module)
        elif isinstance(node, ast.Import):
            deps.update(alias.name for alias in node.names)
    return {d for d in deps if d in modules}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            if not state.get(dep) and (found := visit(dep)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if not state.get(start) and (found := visit(start)):
            return found
    return None


def test_no_import_cycles_between_modules():
    """batch.py and batch_ray.py used to import each other. A package importing its own submodules (its
    `__init__` re-exports) is not a cycle, so edges into a module's parent packages are left out."""
    modules = _modules()
    graph = {name: {d for d in _imports(path, modules) if not name.startswith(d + ".")}
             for name, path in modules.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_only_the_recipe_walks_the_recipe_tree():
    """The tree used to be walked by hand in five places (one of which lost named combiners): everything outside
    rewardkit/recipe.py goes through Scorer methods (leaves, reported, component_names, spec, sum_terms)."""
    walkers = []
    for name, path in _modules().items():
        if name == "rewardkit.recipe":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "children":
                walkers.append(f"{name}:{node.lineno}")
    assert walkers == []


def test_errors_live_in_errors_py():
    """The exceptions users see form one hierarchy in rewardkit.errors; `ScoringUnavailable` used to be
    defined in the verl adapter. (Control-flow exceptions private to a scorer stay with it.)"""
    from rewardkit import errors
    from rewardkit.integrations import verl

    assert verl.ScoringUnavailable is errors.ScoringUnavailable
    assert issubclass(errors.ScoringUnavailable, errors.RewardkitError)
    ours = {name for name, value in vars(errors).items()
            if isinstance(value, type) and issubclass(value, errors.RewardkitError)}
    outside = []
    for name, path in _modules().items():
        if name == "rewardkit.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") in ours for b in node.bases):
                outside.append(f"{name}.{node.name}")
    assert outside == []


def test_help_imports_no_scorer():
    """`rewardkit --help` used to import the math scorer (through the `vote` command)."""
    code = ("import sys\nfrom rewardkit.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m == 'rewardkit.scorers' or m.startswith('rewardkit.scorers.')"
            " or m.split('.')[0] in ('torch', 'sympy', 'ray', 'fastapi', 'transformers')), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert "usage: rewardkit" in done.stdout and " score " in done.stdout and " vote " in done.stdout
    assert done.stderr.strip() == "[]"
