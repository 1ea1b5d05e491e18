"""Equivalence of two parsed answers (see `parse.py`): which rule decides, and its verdict.

Structure first (choice letters, text, base subscripts, assignments, equations, intervals, sets, tuples,
matrices, percent), then values: exact Fractions here, in the caller's process; whatever needs algebra
(roots, pi, symbols, trig, logs) is handed to `symbolic` - a callable that only exists inside a worker
process. Without it `verify` raises `NeedsSymbolic` and the scorer re-runs the same check in its pool, so the
rules live in one place and the fast path never touches sympy or the pool.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import lru_cache

from rewardkit.scorers.math.parse import Node
from rewardkit.scorers.math.verdict import Options, Verdict, children, has_float

__all__ = ["NeedsSymbolic", "Options", "TooLarge", "Verdict", "exact", "has_float", "too_large", "verify",
           "verify_any"]

MAX_EXPONENT = 10_000  # larger integer exponents (and factorials) are not evaluated: towers, (10^7)!
MAX_BITS = 400_000
DEFAULT_OPTIONS = Options()


class NeedsSymbolic(Exception):
    """The verdict needs sympy; run `verify` again in a worker with a `symbolic` backend."""


class TooLarge(Exception):
    """A value too large to evaluate (exponent tower, huge factorial)."""


Symbolic = Callable[[str, Node, Node, Options], Verdict]
_INEQ = {"<", ">", "<=", ">=", "!=", "in"}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
_INF = ("const", "inf")


def exact(node: Node) -> Fraction | float | None:
    """The exact rational value of a node (or +-inf), None if it is not a plain rational expression.
    Raises TooLarge instead of computing a gigantic number."""
    tag = node[0]
    if tag == "num":
        return node[1]
    if tag == "const":
        return math.inf if node[1] == "inf" else None
    if tag in ("neg", "pct"):
        value = exact(node[1])
        return None if value is None else (-value if tag == "neg" else value / 100)
    if tag in ("add", "mul", "div", "frac"):
        return _arith(tag, exact(node[1]), exact(node[2]))
    if tag == "nfunc":
        return _nary(node[1], [exact(arg) for arg in node[2]])
    if tag == "mod":
        a, b = exact(node[1]), exact(node[2])
        rational = all(isinstance(v, Fraction) for v in (a, b))  # sign of the divisor, as sympy's Mod
        return a % b if rational and b and _bits(a) + _bits(b) < MAX_BITS else None
    if tag == "pow":
        return _power(exact(node[1]), exact(node[2]))
    if tag == "fact":
        value = exact(node[1])
        if value is None or value == math.inf or value < 0 or value.denominator != 1:
            return None
        if value > MAX_EXPONENT:
            raise TooLarge("factorial")
        return _factorial(int(value))
    return None


@lru_cache(maxsize=64)
def _factorial(n: int) -> Fraction:
    return Fraction(math.factorial(n))


def _arith(tag: str, a: Fraction | float | None, b: Fraction | float | None) -> Fraction | float | None:
    if a is None or b is None:
        return None
    if isinstance(a, float) or isinstance(b, float):  # an infinity is involved
        out = a + b if tag == "add" else a * b if tag == "mul" else (a / b if b else math.nan)
        return None if math.isnan(out) else out
    if _bits(a) + _bits(b) > MAX_BITS:  # keeps main-process work bounded: 100 factors of 10000! do not run
        raise TooLarge("product")
    if tag == "add":
        return a + b
    if tag == "mul":
        return a * b
    return None if b == 0 else a / b


def _nary(name: str, values: list) -> Fraction | None:
    """gcd / lcm of rationals (gcd(a/b, c/d) = gcd(a, c) / lcm(b, d), as sympy defines it), max, min."""
    if not values or any(not isinstance(v, Fraction) for v in values):
        return None
    if name in ("max", "min"):
        return max(values) if name == "max" else min(values)
    if any(_bits(v) > 4096 for v in values):
        return None
    nums, dens = [abs(v.numerator) for v in values], [v.denominator for v in values]
    if name == "gcd":
        return Fraction(math.gcd(*nums), math.lcm(*dens))
    return Fraction(math.lcm(*nums), math.gcd(*dens))


def _bits(value: Fraction) -> int:
    return value.numerator.bit_length() + value.denominator.bit_length()


def _power(base: Fraction | float | None, exponent: Fraction | float | None) -> Fraction | None:
    if base is None or exponent is None or isinstance(base, float) or isinstance(exponent, float):
        return None
    if exponent.denominator != 1:
        return Fraction(1) if base == 1 else None  # 4^{1/2}: sympy decides
    if base == 0:
        return Fraction(0) if exponent > 0 else None
    if abs(base) == 1:
        return base ** (int(exponent) % 2)
    if abs(exponent) > MAX_EXPONENT:
        raise TooLarge("exponent")
    if _bits(base) * abs(exponent) > MAX_BITS:
        raise TooLarge("power")
    return base ** int(exponent)


def too_large(node: Node) -> bool:
    """Pre-check before sympy: does any power or factorial in `node` have an enormous numeric argument?"""
    if not isinstance(node, tuple) or not node:
        return False
    try:
        if node[0] == "pow":
            exponent = exact(node[2])
            if exponent is not None and exponent != math.inf and abs(exponent) > MAX_EXPONENT:
                return True
        if node[0] == "fact":
            exact(node)
    except TooLarge:
        return True
    return any(too_large(child) for child in node[1:] if isinstance(child, tuple))


def verify(gold: Node, pred: Node, opts: Options = DEFAULT_OPTIONS, symbolic: Symbolic | None = None) -> Verdict:
    """Is `pred` equivalent to `gold` under the policy? Raises NeedsSymbolic when `symbolic` is None and
    the answer needs algebra."""
    return _Judge(opts, symbolic).equal(gold, pred)


def verify_any(golds: Sequence[Node], preds: Sequence[Node], opts: Options = DEFAULT_OPTIONS,
               symbolic: Symbolic | None = None) -> Verdict:
    """First matching (gold, prediction) pair, else the last verdict (several references / 'any' boxes)."""
    verdict = Verdict(False, "no candidates")
    for gold in golds:
        for pred in preds:
            verdict = verify(gold, pred, opts, symbolic)
            if verdict.equal:
                return verdict
    return verdict


class _Judge:
    """One verification: the rules as methods, each returning a Verdict."""

    def __init__(self, opts: Options, symbolic: Symbolic | None) -> None:
        self.opts, self.symbolic = opts, symbolic

    def equal(self, g: Node, p: Node) -> Verdict:
        if g == p:
            return Verdict(True, "identical")
        for rule in (self._choice, self._text, self._base, self._relations, self._ratio, self._intervals,
                     self._collections):
            verdict = rule(g, p)
            if verdict is not None:
                return verdict
        return self._value(g, p)

    def _choice(self, g: Node, p: Node) -> Verdict | None:
        if g[0] != "choice" and p[0] != "choice":
            return None
        if g[0] == "choice" and p[0] == "choice":
            return Verdict(g[1] == p[1], "choice letter")
        choice, other = (g, p) if g[0] == "choice" else (p, g)
        if choice[2] is None:
            return Verdict(False, "choice letter vs a value")
        inner = self.equal(choice[2], other) if choice is g else self.equal(other, choice[2])
        return Verdict(inner.equal, f"choice content, {inner.rule}")

    def _text(self, g: Node, p: Node) -> Verdict | None:
        if g[0] != "text" and p[0] != "text":
            return None
        return Verdict(g[0] == p[0] == "text" and g[1] == p[1], "text")

    def _base(self, g: Node, p: Node) -> Verdict | None:
        if g[0] != "base" and p[0] != "base":
            return None
        if g[0] == p[0] == "base":
            return Verdict(g[1:] == p[1:], "base-subscript digits")
        base, other = (g, p) if g[0] == "base" else (p, g)
        plain = other[0] == "num" and not other[2] and other[1].denominator == 1
        return Verdict(plain and str(other[1]) == base[1], "base-subscript digits (subscript dropped)")

    def _relations(self, g: Node, p: Node) -> Verdict | None:
        if g[0] != "rel" and p[0] != "rel":
            return None
        g, p = self._chain(g), self._chain(p)
        if "false" in (g[0], p[0]):
            return Verdict(False, "a false computation")
        ga, pa = _assignment(g), _assignment(p)
        for side, found in ((g, ga), (p, pa)):
            # "3 = 4" is not the value 4: a computation must equal the value it ends in
            if found is not None and found[0] == "" and not self.equal(side[2][0], side[2][1]).equal:
                return Verdict(False, "a false computation")
            if found is not None and found[0] == "~" and not _roughly(side[2][0], side[2][1]):
                return Verdict(False, "a wrong approximation")
        if g[0] == p[0] == "rel":
            if ga and pa and ga[0] == pa[0]:
                return self._tag(self.equal(ga[1], pa[1]), "assignment")
            if ga and pa and ga[0] and pa[0] and not _has_symbols(ga[1]) and not _has_symbols(pa[1]):
                return Verdict(False, "values of different names")
            if g[1] == p[1] == ("=",):
                return self._equation(g, p)
            if set(g[1]) <= _INEQ and set(p[1]) <= _INEQ:
                return None  # inequalities: compared as intervals
            return Verdict(False, "different relations")
        if ga is not None:
            return self._tag(self.equal(ga[1], p), "assignment")
        if pa is not None:
            return self._tag(self.equal(g, pa[1]), "assignment")
        return None

    def _chain(self, node: Node) -> Node:
        """`f(3) = 3^2 + 3 = 12` -> `f(3) = 12` when every step without symbols equals the last; a false step
        gives ("false",)."""
        if node[0] != "rel" or len(node[1]) < 2 or set(node[1]) != {"="}:
            return node
        *steps, last = node[2]
        for step in steps[1:] if _has_symbols(steps[0]) else steps:  # the first step may be the name
            if not _has_symbols(step) and not self.equal(last, step).equal:
                return ("false",)
        return ("rel", ("=",), (steps[0], last))

    def _equation(self, g: Node, p: Node) -> Verdict:
        if len(g[2]) != 2 or len(p[2]) != 2:
            return Verdict(False, "chained equations")
        if too_large(g) or too_large(p):
            return Verdict(False, "too large to compare")
        if self.symbolic is None:
            from rewardkit.scorers.math.numeric import decide_equation

            verdict = decide_equation(g, p)
            if verdict is None:
                raise NeedsSymbolic
            return verdict
        return self.symbolic("equation", g, p, self.opts)

    def _ratio(self, g: Node, p: Node) -> Verdict | None:
        """`2:3`, `1:2:3`, a time `2:30`: the same terms in the same order (`2:30` is not `1:15`)."""
        if g[0] != "ratio" and p[0] != "ratio":
            return None
        if g[0] != p[0] or len(g[1]) != len(p[1]):
            return Verdict(False, "ratio vs another form")
        if all(self.equal(a, b).equal for a, b in zip(g[1], p[1], strict=True)):
            return Verdict(True, "ratio terms")
        return Verdict(_proportional(g[1], p[1]), "equal ratios")

    def _intervals(self, g: Node, p: Node) -> Verdict | None:
        gi, pi = _intervals(g, strict=True), _intervals(p, strict=True)
        if gi is None and pi is None:
            return None
        gi = gi if gi is not None else _intervals(g, strict=False)
        pi = pi if pi is not None else _intervals(p, strict=False)
        if gi is None or pi is None:
            return Verdict(False, "interval vs non-interval")
        if len(gi) != len(pi):
            return Verdict(False, "intervals: different number of pieces")
        unmatched = list(pi)
        for lo, hi, lc, hc in gi:
            for k, (plo, phi, plc, phc) in enumerate(unmatched):
                if (lc, hc) == (plc, phc) and self.equal(lo, plo).equal and self.equal(hi, phi).equal:
                    del unmatched[k]
                    break
            else:
                return Verdict(False, "intervals differ")
        return Verdict(True, "intervals")

    def _collections(self, g: Node, p: Node) -> Verdict | None:
        gk, pk = _kind(g), _kind(p)
        if gk is None and pk is None:
            return None
        if gk == "tuple" or pk == "tuple":
            return self._ordered(g, p)
        # A single gold is a one-element set: a list of candidates passes only if every candidate equals it.
        gi, pi = _members(g), _members(p)
        for item in gi:
            if not any(self.equal(item, other).equal for other in pi):
                return Verdict(False, "set: a gold element is missing" if gk else "several candidates")
        for item in pi:
            if not any(self.equal(other, item).equal for other in gi):
                return Verdict(False, "set: an extra element" if gk else "several candidates for one answer")
        return Verdict(True, "set (order-free)")

    def _ordered(self, g: Node, p: Node) -> Verdict:
        gi, pi = _sequence(g), _sequence(p)
        if gi is None or pi is None:
            return Verdict(False, "tuple vs non-tuple")
        if g[0] == p[0] == "tuple" and (g[2], g[3]) != (p[2], p[3]):
            return Verdict(False, "tuple brackets differ")
        if len(gi) != len(pi):
            return Verdict(False, "tuple lengths differ")
        for a, b in zip(gi, pi, strict=True):
            if not self.equal(a, b).equal:
                return Verdict(False, "tuple element differs")
        return Verdict(True, "ordered tuple")

    def _value(self, g: Node, p: Node) -> Verdict:
        if g[0] == "matrix" or p[0] == "matrix":
            return self._matrix(g, p)
        if g[0] == "pct" or p[0] == "pct":
            return self._percent(g, p)
        if _zero_power(g) or _zero_power(p):
            return Verdict(False, "0^0 is indeterminate")
        try:
            gv, pv = exact(g), exact(p)
        except TooLarge:
            return Verdict(False, "too large to compare")
        if gv is not None and pv is not None:
            return self._rational(gv, pv, has_float(p))
        if too_large(g) or too_large(p):
            return Verdict(False, "too large to compare")
        if self.symbolic is None:
            from rewardkit.scorers.math.numeric import decide  # mpmath, imported on first use only

            verdict = decide(g, p, self.opts)
            if verdict is None:
                raise NeedsSymbolic
            return verdict
        return self.symbolic("expr", g, p, self.opts)

    def _rational(self, gv: Fraction | float, pv: Fraction | float, pred_float: bool) -> Verdict:
        rule = "integer" if all(isinstance(v, Fraction) and v.denominator == 1 for v in (gv, pv)) else "rational"
        if gv == pv:
            return Verdict(True, rule)
        # tolerance only for a written float against a non-integer: integers stay exact (10^7 vs 10000001.0)
        if pred_float and isinstance(gv, Fraction) and isinstance(pv, Fraction) and gv.denominator != 1 \
                and pv.denominator != 1:
            tol = self.opts.float_rel_tol
            if abs(gv - pv) <= Fraction(tol) * max(abs(gv), abs(pv)):
                return Verdict(True, f"float within relative {tol:g}")
        return Verdict(False, rule)

    def _percent(self, g: Node, p: Node) -> Verdict:
        """`strict` (default): a percent sign decorates the number written, on either side: `14\\%` = `14`,
        never `0.14`, `1400\\%` or (for gold 1/8) `12.5\\%`, so a value off by x100 never passes.
        `flexible`: the number or its value (`50\\%` = `50` = `0.5`); it lets x100 errors through."""
        if g[0] == p[0] == "pct":
            return self._tag(self.equal(g[1], p[1]), "percent")
        pct, other = (g, p) if g[0] == "pct" else (p, g)
        value = ("div", pct[1], ("num", Fraction(100), False))
        forms = [pct[1], value] if self.opts.percent == "flexible" else [pct[1]]
        for form in forms:
            verdict = self.equal(form, other) if pct is g else self.equal(other, form)
            if verdict.equal:
                return self._tag(verdict, "percent")
        return Verdict(False, "percent")

    def _matrix(self, g: Node, p: Node) -> Verdict:
        ga, pa = _grid(g), _grid(p)
        if ga is None or pa is None:
            return Verdict(False, "matrix vs non-matrix")
        if len(ga) != len(pa) or any(len(r) != len(s) for r, s in zip(ga, pa, strict=True)):
            return Verdict(False, "matrix shapes differ")
        for row, other in zip(ga, pa, strict=True):
            for a, b in zip(row, other, strict=True):
                if not self.equal(a, b).equal:
                    return Verdict(False, "matrix entry differs")
        return Verdict(True, "matrix")

    @staticmethod
    def _tag(verdict: Verdict, rule: str) -> Verdict:
        return Verdict(verdict.equal, f"{rule}, {verdict.rule}")


_FUNCTION_NAMES = {"f", "g", "h", "p", "q", "r", "P", "Q", "F", "G"}


def _assignment(node: Node) -> tuple[str, Node] | None:
    """`x = 3` -> ("x", 3); `f(x) = 2x+1` -> ("f", 2x+1); `(x, y) = (1, 2)` -> ("(x, y)", (1, 2));
    `2+3\\cdot4 = 14` (a computation ending in its value) -> ("", 14); `x \\in \\{1, 2\\}` -> ("x", {1, 2})."""
    if node[0] != "rel" or node[1] not in (("=",), ("in",), ("~",)):
        return None
    lhs, rhs = node[2]
    if node[1] == ("~",):  # "\\frac{5}{36} \\approx 0.139": the exact value is the answer, the decimal a gloss
        if lhs[0] == "sym":
            return (lhs[1], rhs)
        return ("~", lhs) if not _has_symbols(lhs) and not _has_symbols(rhs) else None
    if node[1] == ("in",):  # membership in an interval is an inequality (see _inequality), in a set a value
        return (lhs[1], rhs) if lhs[0] == "sym" and rhs[0] == "set" else None
    if lhs[0] == "sym":
        return (lhs[1], rhs)
    if lhs[0] == "mul" and lhs[1][0] == "sym" and lhs[1][1] in _FUNCTION_NAMES:
        # f(x) = ... names the function; f(3) = 12 names the value f(3)
        return (lhs[1][1] if _has_symbols(lhs[2]) else f"{lhs[1][1]}({lhs[2]!r})", rhs)
    if lhs[0] == "ratio" and all(_has_symbols(term) for term in lhs[1]):
        return (repr(lhs), rhs)  # V_1 : V_2 = 11 : 21
    if lhs[0] == "tuple" and all(item[0] == "sym" for item in lhs[1]):
        return (str(lhs[1]), rhs)
    if not _has_symbols(lhs) and not _has_symbols(rhs):
        return ("", rhs)
    return None


def _proportional(a: tuple[Node, ...], b: tuple[Node, ...]) -> bool:
    """`12:18` = `2:3`: nonzero rational terms in one proportion. A term 0 (a clock time `12:00`) never scales."""
    try:
        va, vb = [exact(x) for x in a], [exact(x) for x in b]
    except TooLarge:
        return False
    if any(not isinstance(v, Fraction) or v == 0 for v in va + vb):
        return False
    return len({x / y for x, y in zip(va, vb, strict=True)}) == 1


def _zero_power(node: object) -> bool:
    """Does the expression contain `0^0` (indeterminate, never 1)?"""
    if not isinstance(node, tuple) or not node or node[0] in ("num", "sym", "const", "text"):
        return False
    if node[0] == "pow":
        try:
            if exact(node[1]) == 0 and exact(node[2]) == 0:
                return True
        except TooLarge:
            return False
    return any(_zero_power(child) for child in node[1:])


def _roughly(value: Node, approximation: Node) -> bool:
    """Is `approximation` within 1% of `value`? True when that needs algebra (the exact value is judged)."""
    try:
        a, b = exact(value), exact(approximation)
    except TooLarge:
        return False
    if not isinstance(a, Fraction) or not isinstance(b, Fraction):
        return True
    return abs(a - b) <= Fraction(1, 100) * max(abs(a), abs(b))


def _has_symbols(node: object) -> bool:
    if not isinstance(node, tuple) or not node:
        return False
    if node[0] == "sym":
        return True
    return any(_has_symbols(child) for child in children(node))


def _kind(node: Node) -> str | None:
    if node[0] in ("set", "list") or _has_pm(node):
        return "set"
    if node[0] == "tuple":
        return "tuple"
    return None


def _members(node: Node) -> tuple[Node, ...]:
    if node[0] in ("set", "list"):
        return tuple(x for item in node[1] for x in _expand_pm(item))
    return tuple(_expand_pm(node))


_ATOMS = {"num", "sym", "const", "base", "text", "choice", "set", "list", "tuple", "union", "rel", "matrix"}


def _has_pm(node: object) -> bool:
    if not isinstance(node, tuple) or not node or node[0] in _ATOMS:
        return False
    return node[0] == "pm" or any(_has_pm(child) for child in node[1:])


def _expand_pm(node: Node) -> list[Node]:
    """`\\frac{1 \\pm \\sqrt5}{2}` -> both values (at most 8 combinations)."""
    if not _has_pm(node):
        return [node]
    if node[0] == "pm":
        return [out for a in _expand_pm(node[1]) for b in _expand_pm(node[2])
                for out in (("add", a, b), ("add", a, ("neg", b)))][:8]
    combos: list[tuple] = [(node[0],)]
    for child in node[1:]:
        options = _expand_pm(child) if isinstance(child, tuple) else [child]
        combos = [(*c, o) for c in combos for o in options][:8]
    return combos


def _sequence(node: Node) -> tuple[Node, ...] | None:
    if node[0] == "list":
        return _by_name(node[1])
    if node[0] == "tuple":
        return node[1]
    if node[0] == "matrix" and (len(node[1]) == 1 or all(len(r) == 1 for r in node[1])):
        return tuple(x for row in node[1] for x in row)
    return None


def _by_name(items: tuple[Node, ...]) -> tuple[Node, ...]:
    """Coordinates given as assignments are matched by name, not position: `y=3, x=2` is the point (2, 3)."""
    found = [_assignment(item) for item in items]
    names = [f[0] for f in found if f is not None and f[0] and len(f[0]) == 1]
    if len(names) != len(items) or len(set(names)) != len(names):
        return items
    return tuple(value for _, value in sorted((f for f in found if f is not None), key=lambda nv: nv[0]))


def _grid(node: Node) -> tuple[tuple[Node, ...], ...] | None:
    if node[0] == "matrix":
        return node[1]
    if node[0] == "tuple":  # a tuple against a column vector
        return tuple((x,) for x in node[1])
    return None


def _interval_of(node: Node, strict: bool) -> list[tuple[Node, Node, bool, bool]] | None:
    if node[0] == "tuple" and len(node[1]) == 2:
        lo, hi = node[1]
        if strict and node[2] + node[3] == "()" and hi != _INF and lo != ("neg", _INF):
            return None
        return [(lo, hi, node[2] == "[", node[3] == "]")]
    if node[0] == "set" and len(node[1]) == 1 and not strict:
        return [(node[1][0], node[1][0], True, True)]
    if node[0] == "rel" and set(node[1]) <= _INEQ:
        return _inequality(node)
    return None


def _intervals(node: Node, strict: bool) -> list[tuple[Node, Node, bool, bool]] | None:
    """The node as a list of intervals (lo, hi, lo_closed, hi_closed); None if it is not one. `strict`:
    only what is unambiguously an interval (a union, an inequality, a half-open or infinite bracket pair)."""
    if node[0] == "union":
        out = []
        for part in node[1]:
            piece = _interval_of(part, strict=False) if part[0] != "set" else [(x, x, True, True) for x in part[1]]
            if piece is None:
                return None
            out.extend(piece)
        return out
    if node[0] == "list" and all(item[0] == "rel" for item in node[1]):
        out = []
        for item in node[1]:
            piece = _inequality(item)
            if piece is None:
                return None
            out.extend(piece)
        return out
    return _interval_of(node, strict)


def _inequality(node: Node) -> list[tuple[Node, Node, bool, bool]] | None:
    """`x < 3`, `3 > x`, `1 <= x < 2`, `x != 0`, `x \\in [1, 2)` as intervals of the one variable."""
    ops, exprs = list(node[1]), list(node[2])
    if len(ops) == 1 and ops[0] == "in" and exprs[0][0] == "sym":
        return _intervals(exprs[1], strict=False)
    if len(ops) == 1 and exprs[1][0] == "sym" and exprs[0][0] != "sym" and ops[0] in _FLIP:
        ops, exprs = [_FLIP[ops[0]]], exprs[::-1]
    low = ("neg", _INF)
    if len(ops) == 1 and exprs[0][0] == "sym":
        op, bound = ops[0], exprs[1]
        if op == "!=":
            return [(low, bound, False, False), (bound, _INF, False, False)]
        if op in ("<", "<="):
            return [(low, bound, False, op == "<=")]
        if op in (">", ">="):
            return [(bound, _INF, op == ">=", False)]
        return None
    if len(ops) == 2 and exprs[1][0] == "sym":
        if ops[0] in ("<", "<=") and ops[1] in ("<", "<="):
            return [(exprs[0], exprs[2], ops[0] == "<=", ops[1] == "<=")]
        if ops[0] in (">", ">=") and ops[1] in (">", ">="):
            return [(exprs[2], exprs[0], ops[1] == ">=", ops[0] == ">=")]
    return None
