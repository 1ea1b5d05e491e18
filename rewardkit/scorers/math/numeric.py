"""In-process numeric equivalence for the `math` scorer: the worker's rules without sympy, where that is safe.

`verify` asks here first when exact rationals cannot decide (radicals, multiples of pi, logs, trig, expressions
in symbols). Each side is evaluated with mpmath at two precisions (80 and 110 digits) at the same points the
worker uses (none for a constant, six fixed pseudo-random complex points for an expression). A value that
changes between the two precisions has lost digits to cancellation and is not trusted. The verdict is the
worker's own rule on trusted values: constants equal when they agree to 55 significant digits, expressions when
they agree to 50 digits at every point (the relative tolerance when the prediction wrote a float). Anything
else returns None and goes to the sympy worker: values near 0 (an exact 0 needs `simplify`), agreement between
45 and 55 digits, undefined points, floors at integers, and inputs beyond the size bounds below (huge
exponents, trig of huge arguments, big factorials), so nothing here can run long.
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath

from rewardkit.scorers.math.parse import Node
from rewardkit.scorers.math.verdict import Options, Verdict, children, has_float

_LOW, _HIGH = mpmath.MPContext(), mpmath.MPContext()
_LOW.dps, _HIGH.dps = 80, 110
MAX_NODES = 400
MAX_EXP_ARG = 10_000  # |exponent| or |log of a result| beyond this: left to the worker
MAX_TRIG_ARG = 10**6
MAX_INT_ARG = 1000  # factorials and binomials of integers up to this
STABLE = _HIGH.mpf(10) ** -65  # relative change between the two precisions that is still trusted
SAME_CONST = _HIGH.mpf(10) ** -55
SAME_POINT = _HIGH.mpf(10) ** -50
DIFFERENT = _HIGH.mpf(10) ** -45
NEAR_ZERO = _HIGH.mpf(10) ** -40


class _Defer(Exception):
    """Not safe to decide here: the worker decides."""


class _Undefined(Exception):
    """Not a finite number at this point (division by zero, log of 0)."""


def decide(g: Node, p: Node, opts: Options) -> Verdict | None:
    """The verdict of the worker's numeric rule when it can be reached safely in-process, else None."""
    if _size(g) + _size(p) > MAX_NODES:
        return None
    symbols = sorted(_symbols(g) | _symbols(p))
    tol = _HIGH.mpf(opts.float_rel_tol) if has_float(p) else None
    try:
        if not symbols:
            return _constants(g, p, tol)
        return _points(g, p, symbols, tol)
    except (_Defer, _Undefined, ValueError, TypeError, ZeroDivisionError, OverflowError, RecursionError):
        return None


def decide_equation(g: Node, p: Node) -> Verdict | None:
    """Equations `lhs = rhs`: equivalent when (lhs - rhs) of one is a nonzero constant multiple of the other's
    at every sample point (`symbolic.compare_equation`); None when that is not clear from trusted values."""
    f = ("add", g[2][0], ("neg", g[2][1]))
    h = ("add", p[2][0], ("neg", p[2][1]))
    symbols = sorted(_symbols(f) | _symbols(h))
    if not symbols or _size(f) + _size(h) > MAX_NODES:
        return None
    ratios = []
    try:
        for point in _sample_points(symbols):
            vf, vh = _trusted(f, point), _trusted(h, point)
            if abs(vh) < NEAR_ZERO or abs(vf) < NEAR_ZERO:
                return None
            ratios.append(vf / vh)
    except (_Defer, _Undefined, ValueError, TypeError, ZeroDivisionError, OverflowError, RecursionError):
        return None
    spread = max(abs(r - ratios[0]) for r in ratios) / abs(ratios[0])
    if spread <= SAME_POINT:
        return Verdict(True, "equivalent equations")
    return Verdict(False, "equivalent equations") if spread > DIFFERENT else None


def _constants(g: Node, p: Node, tol: mpmath.mpf | None) -> Verdict | None:
    va, vb = _trusted(g, None), _trusted(p, None)
    scale = max(abs(va), abs(vb))
    if scale == 0:
        return None  # both 0 in floating point: (\pi + 10^{-150}) - \pi is 0 at 110 digits too; simplify decides
    if min(abs(va), abs(vb)) < NEAR_ZERO * max(scale, 1):
        return None  # a 0 written as an expression, or a tiny value: simplify decides
    diff = abs(va - vb) / scale
    if tol is not None:
        return Verdict(diff <= tol, f"float within relative {float(tol):g}")
    if diff <= SAME_CONST:
        return Verdict(True, "numeric (55 digits)")
    return Verdict(False, "numeric (55 digits)") if diff > DIFFERENT else None


def _points(g: Node, p: Node, symbols: list[str], tol: mpmath.mpf | None) -> Verdict | None:
    checked = 0
    for point in _sample_points(symbols):
        try:
            va = _trusted(g, point)
        except _Undefined:
            va = None
        try:
            vb = _trusted(p, point)
        except _Undefined:
            vb = None
        if va is None and vb is None:
            continue
        if va is None or vb is None:
            return None
        scale = max(_norm(va), _norm(vb))
        if scale < NEAR_ZERO:
            return None
        diff = _norm(va - vb) / scale
        if diff > max(tol or 0, DIFFERENT):
            return Verdict(False, "expressions differ at a sample point")
        if diff > max(tol or 0, SAME_POINT):
            return None
        checked += 1
    return Verdict(True, f"identity at {checked} sample points") if checked >= 3 else None


def _trusted(node: Node, point: dict | None) -> mpmath.mpc:
    """The value at both precisions; _Defer unless they agree (no digits lost to cancellation)."""
    low = _eval(node, _LOW, None if point is None else point[0])
    high = _eval(node, _HIGH, None if point is None else point[1])
    if not (_HIGH.isfinite(high.real) and _HIGH.isfinite(high.imag)):
        raise _Defer
    if _norm(high - _HIGH.mpc(low)) > STABLE * _norm(high):
        raise _Defer
    return high


def _norm(z: mpmath.mpc) -> mpmath.mpf:
    """max(|re|, |im|): within a factor 1.42 of |z| and much cheaper (no square root); the thresholds here
    are tens of orders of magnitude apart."""
    return max(abs(z.real), abs(z.imag))


def _sample_points(symbols: list[str]) -> list[tuple[dict, dict]]:
    """The worker's points (`symbolic._points`: the same seed and draws), in both contexts."""
    rng = random.Random(20240607)
    out = []
    for k in range(6):
        low, high = {}, {}
        for sym in symbols:
            real = rng.uniform(0.3, 1.9) * (1 if k % 2 == 0 else -1)
            imag = rng.uniform(-0.8, 0.8) if k >= 2 else 0.0
            low[sym], high[sym] = _LOW.mpc(real, imag), _HIGH.mpc(real, imag)
        out.append((low, high))
    return out


def _eval(node: Node, ctx: mpmath.MPContext, point: dict | None) -> mpmath.mpc:
    tag = node[0]
    if tag == "num":
        value: Fraction = node[1]
        return ctx.mpc(ctx.mpf(value.numerator) / value.denominator)
    if tag == "sym":
        if point is None or node[1] not in point:
            raise _Defer
        return point[node[1]]
    if tag == "const":
        if node[1] == "inf":
            raise _Defer
        return ctx.mpc({"pi": ctx.pi, "e": ctx.e, "i": ctx.j}[node[1]])
    if tag == "neg":
        return -_eval(node[1], ctx, point)
    if tag == "pct":
        return _eval(node[1], ctx, point) / 100
    if tag in ("add", "mul", "div", "frac"):
        a, b = _eval(node[1], ctx, point), _eval(node[2], ctx, point)
        if tag == "add":
            return a + b
        if tag == "mul":
            return a * b
        if b == 0:
            raise _Undefined
        return a / b
    if tag == "pow":
        return _power(_eval(node[1], ctx, point), _eval(node[2], ctx, point), ctx)
    if tag == "root":
        return _root(_eval(node[1], ctx, point), _eval(node[2], ctx, point), ctx, point is None)
    if tag == "func":
        return _function(node[1], _eval(node[2], ctx, point), ctx)
    if tag in ("fact", "binom"):
        args = [_small_int(_eval(child, ctx, point)) for child in node[1:]]
        return ctx.mpc(ctx.factorial(args[0]) if tag == "fact" else ctx.binomial(*args))
    raise _Defer  # sets, tuples, relations ... never reach here; mod, base subscripts: the worker


def _small_int(value: mpmath.mpc) -> int:
    if value.imag != 0 or value.real != int(value.real) or not 0 <= value.real <= MAX_INT_ARG:
        raise _Defer
    return int(value.real)


def _power(base: mpmath.mpc, exponent: mpmath.mpc, ctx: mpmath.MPContext) -> mpmath.mpc:
    if abs(exponent) > MAX_EXP_ARG:
        raise _Defer
    if base == 0:
        if exponent.imag == 0 and exponent.real > 0:
            return ctx.mpc(0)
        raise _Defer  # 0^0, 0^-1: the worker (and verify's 0^0 rule) decides
    if abs(exponent) * abs(ctx.mag(base)) > 4 * MAX_EXP_ARG:  # ~log2 of the result, without a log
        raise _Defer
    if exponent.imag == 0 and exponent.real == int(exponent.real):
        return base ** int(exponent.real)  # integer powers exactly, as sympy does (no branch cut)
    return base ** exponent


def _root(radicand: mpmath.mpc, index: mpmath.mpc, ctx: mpmath.MPContext, constant: bool) -> mpmath.mpc:
    if index == 0:
        raise _Undefined
    odd = index.imag == 0 and index.real == int(index.real) and int(index.real) % 2 == 1
    if constant and odd and radicand.imag == 0 and radicand.real < 0:
        return -_power(-radicand, 1 / index, ctx)  # the real cube root of -8 is -2 (symbolic._root)
    return _power(radicand, 1 / index, ctx)


def _function(name: str, x: mpmath.mpc, ctx: mpmath.MPContext) -> mpmath.mpc:
    if name in ("floor", "ceil"):
        if x.imag != 0 or abs(x.real - ctx.nint(x.real)) < NEAR_ZERO:
            raise _Defer  # at (or numerically at) an integer the floor is not stable
        return ctx.mpc(ctx.floor(x.real) if name == "floor" else ctx.ceil(x.real))
    if name == "abs":
        return ctx.mpc(abs(x))
    if name in ("exp", "sinh", "cosh", "tanh") and abs(x.real) > MAX_EXP_ARG:
        raise _Defer
    if abs(x) > MAX_TRIG_ARG:
        raise _Defer
    if name == "ln":
        if x == 0:
            raise _Undefined
        return ctx.mpc(ctx.log(x))
    func = {"sin": ctx.sin, "cos": ctx.cos, "tan": ctx.tan, "cot": ctx.cot, "sec": ctx.sec, "csc": ctx.csc,
            "arcsin": ctx.asin, "arccos": ctx.acos, "arctan": ctx.atan, "arccot": ctx.acot, "sinh": ctx.sinh,
            "cosh": ctx.cosh, "tanh": ctx.tanh, "exp": ctx.exp, "sqrt": ctx.sqrt}.get(name)
    if func is None:
        raise _Defer
    return ctx.mpc(func(x))


def _size(node: object) -> int:
    if not isinstance(node, tuple):
        return 0
    return 1 + sum(_size(child) for child in children(node))


def _symbols(node: object) -> set[str]:
    if not isinstance(node, tuple) or not node:
        return set()
    if node[0] == "sym":
        return {node[1]}
    return set().union(*(_symbols(child) for child in children(node)))
