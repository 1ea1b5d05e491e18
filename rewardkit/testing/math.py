"""Hypothesis strategies for math verifiers: exact values rendered in equivalent forms, shuffled sets,
intervals as brackets and as inequalities, and near-miss pairs that must never verify.

    from rewardkit.testing.math import equivalent_pairs, near_miss_pairs
    @given(equivalent_pairs())
    def test_equivalent(pair):
        gold, pred = pair
        assert my_verifier(gold, pred)

Every strategy yields `(gold, prediction)` strings of answer text (no `\\boxed{}`); wrap them as you need.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

_INT = st.integers(-2000, 2000)


def rationals(max_denominator: int = 64) -> st.SearchStrategy[Fraction]:
    """Exact rational values with small denominators (integers included)."""
    return st.builds(Fraction, _INT, st.integers(1, max_denominator))


def _terminating(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _decimal(value: Fraction, extra_zeros: int = 0) -> str:
    """The exact decimal of a terminating fraction, e.g. 5/4 -> '1.25' (`extra_zeros` trailing zeros)."""
    places = 0
    while (value * 10 ** places).denominator != 1:
        places += 1
    places += extra_zeros
    scaled = abs(value) * 10 ** places
    digits = str(scaled.numerator).rjust(places + 1, "0")
    text = digits if places == 0 else f"{digits[:-places]}.{digits[-places:]}"
    return ("-" if value < 0 else "") + text


def forms(value: Fraction) -> list[str]:
    """Every rendering of `value` the verifier must accept as equal (exactly, with no tolerance)."""
    p, q = value.numerator, value.denominator
    sign = "-" if value < 0 else ""
    out = [f"\\frac{{{p}}}{{{q}}}", f"{p}/{q}", f"\\dfrac{{{p * 3}}}{{{q * 3}}}", f"{sign}\\frac{{{abs(p)}}}{{{q}}}"]
    if q == 1:
        out += [str(p), f"{p}.0", f"{p}.00"]
        if abs(p) >= 1000:
            out.append(f"{sign}{abs(p):,}")
            out.append(f"{sign}{abs(p):,}".replace(",", "{,}"))
        if p != 0 and p % 100 == 0:
            out.append(f"{p // 100} \\times 10^{{2}}")
    if _terminating(value):
        out += [_decimal(value), _decimal(value, 2)]
        if value > 0 and abs(value) < 1:
            out.append(_decimal(value)[1:])  # .25
    if value > 1 and q > 1:
        whole, rest = divmod(p, q)
        out.append(f"{whole}\\frac{{{rest}}}{{{q}}}")
    return out


def equivalent_forms(value: Fraction) -> st.SearchStrategy[str]:
    return st.sampled_from(forms(value))


def equivalent_pairs() -> st.SearchStrategy[tuple[str, str]]:
    """(gold, prediction): one exact value in two forms (fraction, decimal, percent, mixed, ...)."""
    return rationals().flatmap(lambda v: st.tuples(equivalent_forms(v), equivalent_forms(v)))


def percent_pairs() -> st.SearchStrategy[tuple[str, str]]:
    """(gold, prediction) under the default percent policy: a % sign decorates the number written, on either
    side (`14` and `14\\%`)."""
    def build(value: Fraction, sign_on_gold: bool) -> tuple[str, str]:
        plain = f"\\frac{{{value.numerator}}}{{{value.denominator}}}" if value.denominator > 1 else str(value)
        return (f"{plain}\\%", plain) if sign_on_gold else (plain, f"{plain}\\%")
    return st.builds(build, rationals(), st.booleans())


def symbolic_pairs() -> st.SearchStrategy[tuple[str, str]]:
    """(gold, prediction) equal forms that need algebra: roots, pi, expanded polynomials."""
    small = st.integers(1, 12)

    def build(a: int, b: int, kind: int) -> tuple[str, str]:
        return [
            (f"{a}\\sqrt{{{b * b * 2}}}", f"{a * b}\\sqrt{{2}}"),
            (f"\\frac{{{a}\\pi}}{{{b}}}", f"\\frac{{{a}}}{{{b}}}\\pi"),
            (f"(x+{a})^2", f"x^2 + {2 * a}x + {a * a}"),
            (f"\\frac{{\\sqrt{{{a * a * 3}}}}}{{{b}}}", f"\\frac{{{a}\\sqrt{{3}}}}{{{b}}}"),
            (f"{a} + {b}i", f"{b}i + {a}"),
        ][kind]
    return st.builds(build, small, small, st.integers(0, 4))


def shuffled_sets() -> st.SearchStrategy[tuple[str, str]]:
    """(gold, prediction): the same finite set, written in another order and other element forms."""
    def build(values: list[Fraction], order: list[int], data: st.DataObject) -> tuple[str, str]:
        gold = ", ".join(str(v) if v.denominator == 1 else f"\\frac{{{v.numerator}}}{{{v.denominator}}}"
                         for v in values)
        # inside a set a plain comma separates elements, so `2,000` is not a thousands form there
        plain = [[f for f in forms(values[i]) if "%" not in f and "," not in f.replace("{,}", "")] for i in order]
        pred = ", ".join(data.draw(st.sampled_from(options)) for options in plain)
        return f"\\{{{gold}\\}}", f"\\{{{pred}\\}}"
    return st.lists(rationals(), min_size=1, max_size=5, unique=True).flatmap(
        lambda vs: st.builds(build, st.just(vs), st.permutations(range(len(vs))), st.data()))


def intervals() -> st.SearchStrategy[tuple[str, str]]:
    """(gold, prediction): an interval in bracket notation and the same set as an inequality in x."""
    def build(a: int, width: int, left: bool, right: bool, kind: int) -> tuple[str, str]:
        b = a + width
        lo, hi = "[" if left else "(", "]" if right else ")"
        lo_op, hi_op = "\\le" if left else "<", "\\le" if right else "<"
        bracket = f"{lo}{a}, {b}{hi}"
        if kind == 0:
            return bracket, f"{a} {lo_op} x {hi_op} {b}"
        if kind == 1:
            return f"(-\\infty, {b}{hi}", f"x {hi_op} {b}"
        return f"{bracket} \\cup ({b + 1}, \\infty)", f"({b + 1}, \\infty) \\cup {bracket}"
    return st.builds(build, st.integers(-50, 50), st.integers(1, 20), st.booleans(), st.booleans(),
                     st.integers(0, 2))


def near_miss_pairs() -> st.SearchStrategy[tuple[str, str]]:
    """(gold, prediction) that must NOT verify: off by one, x100 / x0.01, sign, reciprocal, a close large
    integer, 3.14 for pi, a subset, a list of candidates, a flipped interval end."""
    def numeric(value: Fraction, kind: int) -> tuple[str, str]:
        gold = f"\\frac{{{value.numerator}}}{{{value.denominator}}}" if value.denominator > 1 else str(value)
        other = [value + 1, value * 100, value / 100, -value, 1 / value if value else Fraction(7),
                 value + Fraction(1, 10 ** 7)][kind]
        if other == value:
            other = value + 1
        return gold, f"{other.numerator}/{other.denominator}" if other.denominator > 1 else str(other.numerator)
    fixed = st.sampled_from([
        ("\\pi", "3.14"), ("\\pi", "3.1416"), ("100000", "100001"), ("\\frac{1}{2^{99}}", "\\frac{1}{2^{98}}"),
        ("3", "3, 4"), ("3", "3 \\text{ or } 4"), ("\\{1, 2, 3\\}", "\\{1, 2\\}"), ("[1, 2)", "[1, 2]"),
        ("(1, 2)", "(2, 1)"), ("x^2+2x+1", "x^2+1"), ("\\sqrt{2}", "1.41"), ("e", "2.718"),
        ("50", "0.5"), ("2", "-2"), ("1 \\pm \\sqrt{2}", "1 + \\sqrt{2}"), ("\\text{Monday}", "Tuesday"),
        ("B", "C"), ("y = 2x + 1", "y = 2x - 1"), ("(-\\infty, 3]", "x < 3"), ("10^{20}", "10^{20} + 1"),
        ("14", "1400\\%"), ("\\frac{1}{8}", "12.5\\%"), ("50\\%", "0.5"), ("0.5", "50\\%"),
        ("3", "3 \\text{ million}"),
    ])
    nonzero = rationals().filter(lambda v: v not in (0, 1, -1))
    return fixed | st.builds(numeric, nonzero, st.integers(0, 5))


__all__ = ["equivalent_forms", "equivalent_pairs", "forms", "intervals", "near_miss_pairs", "percent_pairs",
           "rationals", "shuffled_sets", "symbolic_pairs"]
