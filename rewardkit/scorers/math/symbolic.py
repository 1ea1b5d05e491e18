"""The symbolic backend of `verify`: parsed nodes -> sympy, and equivalence by exact arithmetic and
high-precision evaluation. Imported only inside a worker process of `rewardkit.runtime.pool` (sympy is slow
to import and its simplifier can run for ever on hostile input; the pool bounds and kills it).

Rules: constants are equal when they agree to 55 significant digits at 70-digit precision (distinct closed
forms that agree that far do not occur in answers; a value exactly 0 written as an expression is confirmed by
`simplify`); expressions with free symbols are equal when they agree to 50 digits at 6 fixed pseudo-random
complex points (so `\\sqrt{x^2}` is not `x`), falling back to `simplify` only when too few points evaluate.
When the prediction contains a written float the agreement needed is the relative tolerance of
`Options.float_rel_tol` instead. Arithmetic on the values uses a private mpmath context at 90 digits (the global
one stays untouched).
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import sympy

from rewardkit.scorers.math.parse import Node
from rewardkit.scorers.math.verify import Options, Verdict, has_float, verify_any

DIGITS = 70
_MP = mpmath.MPContext()
_MP.dps = DIGITS + 20
EXACT_REL_TOL = _MP.mpf(10) ** -55  # constants: agreement to 55 significant digits
POINT_REL_TOL = _MP.mpf(10) ** -50  # identities: agreement to 50 digits at every sample point
_NOISE = _MP.mpf(10) ** -55  # magnitudes below this may be cancellation noise of an exact 0
_ZERO = _MP.mpf(0)
_FUNCS = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot, "sec": sympy.sec,
          "csc": sympy.csc, "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan, "arccot": sympy.acot,
          "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh, "ln": sympy.log, "exp": sympy.exp,
          "floor": sympy.floor, "ceil": sympy.ceiling, "abs": sympy.Abs}
_CONSTS = {"pi": sympy.pi, "e": sympy.E, "i": sympy.I, "inf": sympy.oo}
_BINARY = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
           "frac": lambda a, b: a / b, "pow": lambda a, b: a ** b, "binom": sympy.binomial, "mod": sympy.Mod}


def to_sympy(node: Node) -> sympy.Expr:
    """A parsed expression node as a sympy expression (raises ValueError on non-expression nodes)."""
    tag = node[0]
    if tag == "num":
        value: Fraction = node[1]
        return sympy.Rational(value.numerator, value.denominator)
    if tag == "sym":
        return sympy.Symbol(node[1])
    if tag == "const":
        return _CONSTS[node[1]]
    if tag == "neg":
        return -to_sympy(node[1])
    if tag == "pct":
        return to_sympy(node[1]) / 100
    if tag == "fact":
        return sympy.factorial(to_sympy(node[1]))
    if tag in _BINARY:
        return _BINARY[tag](to_sympy(node[1]), to_sympy(node[2]))
    if tag == "root":
        return _root(to_sympy(node[1]), to_sympy(node[2]))
    if tag == "func":
        return _FUNCS[node[1]](to_sympy(node[2]))
    if tag == "nfunc":
        args = [to_sympy(arg) for arg in node[2]]
        return {"gcd": sympy.gcd, "lcm": sympy.lcm, "max": sympy.Max, "min": sympy.Min}[node[1]](*args)
    raise ValueError(f"not an expression: {tag}")


def _root(radicand: sympy.Expr, index: sympy.Expr) -> sympy.Expr:
    if index.is_Integer and int(index) % 2 == 1 and radicand.is_number and radicand.is_negative:
        return -((-radicand) ** (1 / index))  # the real cube root of -8 is -2
    return radicand ** (1 / index)


def _value(expr: sympy.Expr, point: dict | None = None) -> mpmath.mpc | None:
    """`expr` evaluated to DIGITS digits (at `point`), or None if it is not a finite number there."""
    try:
        value = expr.evalf(DIGITS, subs=point) if point else expr.evalf(DIGITS)
        if not value.is_number or value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            return None
        re, im = value.as_real_imag()
        return _MP.mpc(sympy.Float(re, DIGITS)._mpf_, sympy.Float(im, DIGITS)._mpf_)
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, ArithmeticError):
        return None


def _close(a: mpmath.mpc, b: mpmath.mpc, rel_tol: mpmath.mpf, floor: mpmath.mpf = _ZERO) -> bool:
    """Relative agreement; `floor`: below it both count as zero (only for sample points of an identity,
    where exactly equal expressions leave cancellation noise)."""
    scale = max(abs(a), abs(b))
    return scale <= floor or abs(a - b) <= rel_tol * scale


def _points(symbols: list[sympy.Symbol], count: int = 6) -> list[dict]:
    rng = random.Random(20240607)  # fixed: verdicts are deterministic
    out = []
    for k in range(count):
        point = {}
        for sym in symbols:
            real = rng.uniform(0.3, 1.9) * (1 if k % 2 == 0 else -1)
            imag = rng.uniform(-0.8, 0.8) if k >= 2 else 0.0
            point[sym] = sympy.Float(real, DIGITS + 10) + sympy.I * sympy.Float(imag, DIGITS + 10)
        out.append(point)
    return out


def _compare_constants(a: sympy.Expr, b: sympy.Expr, rel_tol: mpmath.mpf, opts: Options) -> Verdict:
    va, vb = _value(a), _value(b)
    if va is None or vb is None:
        return Verdict(False, "not a finite number")
    if min(abs(va), abs(vb)) < _NOISE and sympy.simplify(a - b) == 0:
        return Verdict(True, "simplify")  # zero written as an expression: evalf cannot give digits of 0
    rule = "numeric (55 digits)" if rel_tol == EXACT_REL_TOL else f"float within relative {opts.float_rel_tol:g}"
    return Verdict(_close(va, vb, rel_tol), rule)


def compare_expr(g: Node, p: Node, opts: Options) -> Verdict:
    a, b = to_sympy(g), to_sympy(p)
    rel_tol = _MP.mpf(opts.float_rel_tol) if has_float(p) else EXACT_REL_TOL
    if a == b:
        return Verdict(True, "symbolic identity")
    if a.is_infinite or b.is_infinite or a.has(sympy.zoo) or b.has(sympy.zoo):
        return Verdict(False, "infinity")
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    if not symbols:
        return _compare_constants(a, b, rel_tol, opts)
    checked = 0
    for point in _points(symbols):
        va, vb = _value(a, point), _value(b, point)
        if va is None and vb is None:
            continue
        if va is None or vb is None or not _close(va, vb, max(rel_tol, POINT_REL_TOL), _NOISE):
            return Verdict(False, "expressions differ at a sample point")
        checked += 1
    if checked >= 3:
        return Verdict(True, f"identity at {checked} sample points")
    return Verdict(sympy.simplify(a - b) == 0, "simplify")


def compare_equation(g: Node, p: Node, opts: Options) -> Verdict:
    """Two equations are equivalent when (lhs - rhs) of one is a nonzero constant multiple of the other's."""
    f = to_sympy(g[2][0]) - to_sympy(g[2][1])
    h = to_sympy(p[2][0]) - to_sympy(p[2][1])
    symbols = sorted(f.free_symbols | h.free_symbols, key=str)
    if not symbols:
        return Verdict(False, "equation without unknowns")
    ratios = []
    for point in _points(symbols):
        vf, vh = _value(f, point), _value(h, point)
        if vf is None or vh is None or abs(vh) < _NOISE:
            continue
        ratios.append(vf / vh)
    if len(ratios) < 3:
        return Verdict(False, "equation: too few sample points")
    first = ratios[0]
    same = abs(first) > _NOISE and all(_close(r, first, POINT_REL_TOL) for r in ratios)
    return Verdict(same, "equivalent equations")


def backend(kind: str, g: Node, p: Node, opts: Options) -> Verdict:
    return compare_equation(g, p, opts) if kind == "equation" else compare_expr(g, p, opts)


def verify_job(golds: tuple[Node, ...], preds: tuple[Node, ...], opts: Options) -> Verdict:
    """The pool entry point: `verify_any` with the symbolic backend."""
    try:
        return verify_any(golds, preds, opts, backend)
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        return Verdict(False, f"could not evaluate ({type(exc).__name__})")
