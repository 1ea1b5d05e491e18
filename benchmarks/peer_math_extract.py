"""Turn peer verifiers' public test suites into data: (gold, prediction, expected verdict) rows as JSON lines.

The peers' tests are facts about answers ("`\\frac{10}{9}` equals `10/9`"); this script reads them with `ast`
(their code is never imported or copied) and writes one row per case to tests/data/peer_math/*.jsonl:

    pip download --no-deps --no-binary :all: math-verify==0.9.0 -d /tmp/peer && tar xzf ... (the sdist has tests/)
    python benchmarks/peer_math_extract.py math-verify /tmp/peer/math_verify-0.9.0/tests
    python benchmarks/peer_math_extract.py latex2sympy2 /path/to/latex2sympy2_extended/tests   (GitHub snapshot:
        the PyPI sdist of latex2sympy2_extended ships no tests)

math-verify rows: every `pytest.mark.parametrize` table whose columns include gold, pred and an expected verdict,
with the remaining columns (precision, strict, ...) and the extraction targets its test function passes
(`match_types`) kept as `params`. latex2sympy2 rows: `(latex, expected sympy value)` cases whose expected value is
a number; the value is rendered as LaTeX by sympy and the row says the two denote the same number (label true).
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "peer_math"
_VERDICT_NAMES = ("expected", "result")


def _literal(node: ast.AST) -> object:
    """A literal, or a tiny expression of `math` (their float-precision case formats `math.sqrt(17)`)."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        code = compile(ast.Expression(node), "<case>", "eval")
        return eval(code, {"__builtins__": {}, "math": math})


def _call_keywords(func: ast.FunctionDef) -> dict:
    """The extraction targets the test body passes to its comparison call (`match_types=[...]`)."""
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "match_types":
                    return {"match_types": ast.literal_eval(kw.value)}
    return {}


def math_verify_rows(tests: Path) -> list[dict]:
    rows = []
    for path in sorted(tests.glob("test_*.py")):
        tree = ast.parse(path.read_text())
        for func in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
            defaults = _call_keywords(func)
            for deco in func.decorator_list:
                if not (isinstance(deco, ast.Call) and getattr(deco.func, "attr", "") == "parametrize"):
                    continue
                names = [n.strip() for n in ast.literal_eval(deco.args[0]).split(",")]
                verdict = next((n for n in names if n in _VERDICT_NAMES), None)
                if "gold" not in names or "pred" not in names or verdict is None:
                    continue
                for case in deco.args[1].elts:
                    values = dict(zip(names, (_literal(v) for v in case.elts), strict=True))
                    extra = {k: v for k, v in values.items() if k not in ("gold", "pred", verdict)}
                    rows.append({"suite": "math-verify", "file": path.name, "test": func.name,
                                 "gold": values["gold"], "pred": values["pred"], "label": bool(values[verdict]),
                                 "params": {**defaults, **extra}})
    return rows


def latex2sympy_rows(tests: Path) -> list[dict]:
    import sympy

    namespace = {name: getattr(sympy, name) for name in dir(sympy) if not name.startswith("_")}
    rows = []
    for path in sorted(tests.glob("*_test.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            for latex, expr in _latex_cases(node):
                try:
                    value = eval(compile(ast.Expression(expr), "<case>", "eval"), namespace)
                    value = sympy.sympify(value)
                except Exception:  # noqa: BLE001 - a case built from helpers of their test module: skipped
                    continue
                if not isinstance(value, sympy.Expr) or not value.is_number or value.has(sympy.zoo, sympy.nan):
                    continue
                rows.append({"suite": "latex2sympy2", "file": path.name, "gold": sympy.latex(value),
                             "pred": latex, "label": True, "params": {"sympy": sympy.srepr(value)}})
    return rows


def _latex_cases(node: ast.AST) -> list[tuple[str, ast.AST]]:
    """`assert_equal("latex", expr)` calls and `parametrize('latex, ...', [(latex, expr), ...])` tables."""
    if not isinstance(node, ast.Call):
        return []
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    if name == "assert_equal" and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str) and not node.keywords:
        return [(node.args[0].value, node.args[1])]
    if name == "parametrize" and len(node.args) == 2 and isinstance(node.args[1], ast.List):
        out = []
        for case in node.args[1].elts:
            if isinstance(case, ast.Tuple) and len(case.elts) == 2 and isinstance(case.elts[0], ast.Constant) \
                    and isinstance(case.elts[0].value, str):
                out.append((case.elts[0].value, case.elts[1]))
        return out
    return []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("suite", choices=("math-verify", "latex2sympy2"))
    ap.add_argument("tests", type=Path, help="the peer's tests/ directory")
    args = ap.parse_args()
    rows = math_verify_rows(args.tests) if args.suite == "math-verify" else latex2sympy_rows(args.tests)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{args.suite.replace('-', '_')}.jsonl"
    seen: dict[str, int] = {}
    with target.open("w") as fh:
        for row in rows:
            key = f"{row['file']}:{row.get('test', 'cases')}"
            seen[key] = seen.get(key, 0) + 1
            row = {"id": f"{key}:{seen[key]}", **row}  # stable: the n-th case of that test
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows -> {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
