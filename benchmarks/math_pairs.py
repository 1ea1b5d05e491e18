"""Realistic labelled (completion, gold, is_equivalent) pairs for the math benchmark, generated with a fixed
seed (no downloads): R1 / MATH-style completions with think blocks, boxed answers, answer tags, prose with
distractor numbers, hedges and self-corrections, over every answer category the `math` scorer documents.

A label says whether the completion's *final answer* is mathematically equal to the gold answer under the
documented policies (docs/math.md): hedges between two different boxes, lists of candidates and answers
never anchored (a number mentioned in prose) are not equivalent; a written float counts when within a relative
1e-6 of the gold; a `%` sign decorates the written number (`p\\%` equals `p`, never `p/100` or `100p`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

Case = tuple[str, list[str], list[str]]  # gold, equivalent predictions, non-equivalent predictions


def _frac(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"\\frac{{{v.numerator}}}{{{v.denominator}}}"


def _ints(r: random.Random) -> Case:
    n = r.randint(-500, 5000) or 7
    return str(n), [str(n), f"{n}.0", f"x = {n}"], [str(n + 1), str(n * 10), str(n - r.randint(2, 9))]


def _fractions(r: random.Random) -> Case:
    q = r.choice([3, 6, 7, 9, 11, 12, 13])
    p = r.choice([k for k in range(1, 3 * q) if Fraction(k, q).denominator == q])
    v = Fraction(p, q)
    whole, rest = divmod(p, q)
    equiv = [f"\\dfrac{{{p}}}{{{q}}}", f"{p}/{q}", f"\\frac{{{2 * p}}}{{{2 * q}}}"]
    if whole:
        equiv.append(f"{whole}\\frac{{{rest}}}{{{q}}}")
    return _frac(v), equiv, [f"\\frac{{{q}}}{{{p}}}" if p != q else "2", f"\\frac{{{p + 1}}}{{{q}}}",
                             f"{float(v):.2f}"]


def _decimals(r: random.Random) -> Case:
    v = Fraction(r.randint(1, 999), r.choice([2, 4, 5, 8, 10, 20, 25]))
    dec = f"{float(v):g}"
    return dec, [_frac(v), f"{float(v):.3f}", dec], [f"{float(v) * 10:g}", f"{float(v) + 0.01:g}"]


def _thousands(r: random.Random) -> Case:
    n = r.randint(1000, 9_999_999)
    return str(n), [f"{n:,}", f"{n:,}".replace(",", "{,}"), f"{n:,}".replace(",", "\\,")], [f"{n + 1:,}",
                                                                                          f"{n // 10:,}"]


def _scientific(r: random.Random) -> Case:
    m, k = r.randint(11, 99), r.randint(3, 9)
    return f"{m / 10} \\times 10^{{{k}}}", [str(m * 10 ** (k - 1)), f"{m / 10}e{k}"], [
        f"{m / 10} \\times 10^{{{k + 1}}}", str(m * 10 ** k)]


def _percent(r: random.Random) -> Case:
    p = r.randint(2, 98)
    return f"{p}\\%", [str(p), f"{p}\\%"], [f"{p / 100:g}", f"{p / 1000:g}", f"{p + 1}\\%"]


def _times100(r: random.Random) -> Case:
    p = r.randint(2, 98)
    return str(p), [f"{p}", f"{p}\\%"], [f"{p / 100:g}", f"{p * 100}", f"{p * 100}\\%"]


def _units(r: random.Random) -> Case:
    n, unit = r.randint(2, 400), r.choice(["cm", "meters", "square units", "dollars", "inches"])
    return str(n), [f"{n} \\text{{ {unit}}}", f"{n}\\mbox{{ {unit}}}"], [f"{n + 2} \\text{{ {unit}}}"]


def _degrees(r: random.Random) -> Case:
    d = r.choice([30, 45, 60, 72, 90, 120, 135, 150])
    return f"{d}^\\circ", [str(d), f"{d}^{{\\circ}}"], [str(180 - d) if d != 90 else "45", f"{d + 5}^\\circ"]


def _pi(r: random.Random) -> Case:
    a, b = r.randint(1, 9), r.choice([2, 3, 4, 6, 8])
    v = Fraction(a, b)
    gold = f"\\frac{{{v.numerator}\\pi}}{{{v.denominator}}}" if v.denominator > 1 else f"{v.numerator}\\pi"
    return gold, [f"{_frac(v)}\\pi", f"\\pi \\cdot {_frac(v)}"], [f"{float(v) * 3.14:.2f}",
                                                                   f"{_frac(v + 1)}\\pi"]


def _sqrt(r: random.Random) -> Case:
    a, b = r.randint(2, 9), r.choice([3, 5, 6, 7])
    if a == b:
        a += 1
    return f"{a}\\sqrt{{{b}}}", [f"\\sqrt{{{a * a * b}}}", f"{a}\\sqrt {b}"], [f"{b}\\sqrt{{{a}}}",
                                                                            f"{a + 1}\\sqrt{{{b}}}"]


def _rationalize(r: random.Random) -> Case:
    b = r.choice([2, 3, 5, 7])
    return f"\\frac{{\\sqrt{{{b}}}}}{{{b}}}", [f"\\frac{{1}}{{\\sqrt{{{b}}}}}", f"\\frac{{1}}{{\\sqrt {b}}}"], [
        f"\\sqrt{{{b}}}", f"\\frac{{1}}{{{b}}}"]


def _pm(r: random.Random) -> Case:
    a, b = r.randint(1, 9), r.choice([2, 3, 5])
    return f"{a} \\pm \\sqrt{{{b}}}", [f"{a}+\\sqrt{{{b}}}, {a}-\\sqrt{{{b}}}", f"{a}-\\sqrt{b},{a}+\\sqrt{b}"], [
        f"{a}+\\sqrt{{{b}}}", f"{a} \\pm \\sqrt{{{b + 1}}}"]


def _complex(r: random.Random) -> Case:
    a, b = r.sample(range(1, 10), 2)
    return f"{a}+{b}i", [f"{b}i+{a}", f"{a} + {b} i"], [f"{a}-{b}i", f"{b}+{a}i"]


def _sets(r: random.Random) -> Case:
    items = r.sample(range(-9, 20), r.randint(2, 4))
    shuffled = r.sample(items, len(items))
    return f"\\{{{', '.join(map(str, items))}\\}}", [f"\\{{{', '.join(map(str, shuffled))}\\}}",
                                                    ", ".join(map(str, shuffled))], [
        f"\\{{{', '.join(map(str, items[:-1]))}\\}}", f"\\{{{', '.join(map(str, [*items, 99]))}\\}}"]


def _tuples(r: random.Random) -> Case:
    a, b = r.sample(range(-9, 20), 2)
    return f"({a}, {b})", [f"({a},{b})", f"\\left({a}, {b}\\right)"], [f"({b}, {a})", f"({a}, {b + 1})"]


def _intervals(r: random.Random) -> Case:
    a = r.randint(-9, 9)
    b = a + r.randint(1, 9)
    return f"[{a}, {b})", [f"{a} \\le x < {b}", f"[{a},{b})"], [f"[{a}, {b}]", f"({a}, {b})"]


def _unions(r: random.Random) -> Case:
    a = r.randint(-9, 5)
    b = a + r.randint(1, 5)
    return (f"(-\\infty, {a}) \\cup ({b}, \\infty)", [f"({b}, \\infty) \\cup (-\\infty, {a})",
                                                      f"x < {a} \\text{{ or }} x > {b}"],
            [f"(-\\infty, {a}] \\cup ({b}, \\infty)", f"({a}, {b})"])


def _inequalities(r: random.Random) -> Case:
    a = r.randint(-9, 9)
    return f"x > {a}", [f"({a}, \\infty)", f"x>{a}"], [f"[{a}, \\infty)", f"x < {a}"]


def _equations(r: random.Random) -> Case:
    m, c = r.randint(2, 9), r.randint(1, 9)
    swapped = f"y = {c}x + {m}" if c != m else f"y = {m}x + {c + 1}"  # y = 9x + 9 swapped is itself
    return f"y = {m}x + {c}", [f"y - {m}x = {c}", f"y={m}x+{c}", f"{m}x + {c}"], [f"y = {m}x - {c}", swapped]


def _matrices(r: random.Random) -> Case:
    a, b, c, d = (r.randint(-9, 9) for _ in range(4))
    if b == c:
        c += 1
    return (f"\\begin{{pmatrix}} {a} & {b} \\\\ {c} & {d} \\end{{pmatrix}}",
            [f"\\begin{{bmatrix}}{a}&{b}\\\\{c}&{d}\\end{{bmatrix}}"],
            [f"\\begin{{pmatrix}} {a} & {c} \\\\ {b} & {d} \\end{{pmatrix}}"])


def _vectors(r: random.Random) -> Case:
    a, b = r.sample(range(-9, 9), 2)
    return f"\\begin{{pmatrix}} {a} \\\\ {b} \\end{{pmatrix}}", [f"({a}, {b})"], [f"({b}, {a})"]


def _algebra(r: random.Random) -> Case:
    a = r.randint(1, 9)
    return f"(x+{a})^2", [f"x^2+{2 * a}x+{a * a}", f"x^{{2}} + {2 * a} x + {a * a}"], [f"x^2+{a * a}",
                                                                                      f"(x-{a})^2"]


def _factoring(r: random.Random) -> Case:
    a = r.randint(1, 9)
    return f"x^2-{a * a}", [f"(x-{a})(x+{a})", f"(x+{a})(x-{a})"], [f"(x-{a})^2", f"x^2+{a * a}"]


def _trig(r: random.Random) -> Case:
    gold, equiv, wrong = r.choice([("\\frac{\\sqrt{3}}{2}", "\\sin\\frac{\\pi}{3}", "\\sin\\frac{\\pi}{6}"),
                                   ("\\frac{1}{2}", "\\cos(\\frac{\\pi}{3})", "\\cos(\\frac{\\pi}{6})"),
                                   ("1", "\\tan\\frac{\\pi}{4}", "\\tan\\frac{\\pi}{3}")])
    return gold, [equiv], [wrong]


def _logs(r: random.Random) -> Case:
    k = r.randint(2, 7)
    return str(k), [f"\\log_2 {2 ** k}", f"\\log_{{3}}{{{3 ** k}}}"], [f"\\log_2 {2 ** k + 1}", str(2 ** k)]


def _choice(r: random.Random) -> Case:
    letter = r.choice("ABCDE")
    other = r.choice([c for c in "ABCDE" if c != letter])
    return f"\\text{{({letter})}}", [letter, f"({letter})", f"\\textbf{{({letter})}}"], [other, f"({other})"]


def _text(r: random.Random) -> Case:
    word = r.choice(["Monday", "Tuesday", "Friday", "even", "odd", "yes", "no"])
    other = {"Monday": "Tuesday", "Tuesday": "Monday", "Friday": "Sunday", "even": "odd", "odd": "even",
             "yes": "no", "no": "yes"}[word]
    return f"\\text{{{word}}}", [word, word.lower(), f"\\text{{{word.upper()}}}"], [other]


def _base(r: random.Random) -> Case:
    n = r.randint(5, 60)
    digits = format(n, "b")
    return f"{digits}_2", [f"{digits}_{{2}}", digits], [f"{format(n + 1, 'b')}_2", str(n)]


def _float_tol(r: random.Random) -> Case:
    q = r.choice([3, 7, 9, 11])
    v = Fraction(r.randint(1, q - 1), q)
    return _frac(v), [f"{float(v):.10f}", f"{float(v):.8f}"], [f"{float(v):.2f}", f"{float(v):.3f}"]


def _close_ints(r: random.Random) -> Case:
    n = r.randint(10 ** 5, 10 ** 9)
    return str(n), [str(n)], [str(n + 1), str(n - 1)]


def _tiny(r: random.Random) -> Case:
    k = r.randint(20, 120)
    return f"\\frac{{1}}{{2^{{{k}}}}}", [f"2^{{-{k}}}", f"\\left(\\frac{{1}}{{2}}\\right)^{{{k}}}"], [
        f"\\frac{{1}}{{2^{{{k - 1}}}}}", f"\\frac{{1}}{{2^{{{k + 1}}}}}"]


def _candidates(r: random.Random) -> Case:
    n = r.randint(1, 50)
    return str(n), [str(n)], [f"{n}, {n + 1}", f"{n} \\text{{ or }} {n + 2}"]


def _infinity(r: random.Random) -> Case:
    return "\\infty", ["\\infty", "+\\infty"], ["-\\infty", "10^{10}"]


def _empty(r: random.Random) -> Case:
    return "\\emptyset", ["\\varnothing", "\\{\\}"], ["\\{0\\}", "0"]


def _misc(r: random.Random) -> Case:
    return r.choice([("120", ["5!", "\\binom{10}{3}"], ["4!", "\\binom{10}{2}"]),
                     ("1024", ["2^{10}", "4^5"], ["2^{9}", "10^{3}"]),
                     ("\\frac{1}{3}", ["0.\\overline{3}"], ["0.3"]),
                     ("18", ["\\$18", "18 \\text{ dollars}"], ["\\$19"]),
                     ("-\\frac{3}{4}", ["-0.75", "\\frac{-3}{4}"], ["\\frac{3}{4}", "-\\frac{4}{3}"])])


CATEGORIES: dict[str, Callable[[random.Random], Case]] = {
    f.__name__.strip("_"): f for f in (
        _ints, _fractions, _decimals, _thousands, _scientific, _percent, _times100, _units, _degrees, _pi, _sqrt,
        _rationalize, _pm, _complex, _sets, _tuples, _intervals, _unions, _inequalities, _equations, _matrices,
        _vectors, _algebra, _factoring, _trig, _logs, _choice, _text, _base, _float_tol, _close_ints, _tiny,
        _candidates, _infinity, _empty, _misc)}

_FILLER = ["Let me set up the problem.", "First, note that the total is split into parts.",
           "Hmm, let me double-check the arithmetic.", "We can simplify using the identity above.",
           "Substituting back gives the value.", "This matches the constraint from the problem statement."]


def _reasoning(r: random.Random) -> str:
    a, b, c = r.randint(2, 99), r.randint(2, 99), r.randint(2, 12)
    steps = [f"We have {a} items and {b} more, so {a} + {b} = {a + b}.", f"Multiplying by {c} gives {(a + b) * c}.",
             *r.sample(_FILLER, 3), f"Check: {c} \\cdot {a} = {a * c}."]
    r.shuffle(steps)
    return " ".join(steps)


def _wrap(r: random.Random, pred: str, gold: str, wrong: str) -> tuple[str, str]:
    """A completion whose final answer is `pred`; returns (completion, template name)."""
    think = _reasoning(r)
    style = r.choices(["r1_answer_tag", "r1_boxed", "math_solution", "anchored", "self_correction",
                       "answer_tag_prose"], weights=[25, 25, 20, 10, 10, 10])[0]
    if style == "r1_answer_tag":
        return f"<think>\n{think}\n</think>\n<answer>{pred}</answer>", style
    if style == "r1_boxed":
        return f"<think>\n{think}\n</think>\nTherefore, the final answer is $\\boxed{{{pred}}}$.", style
    if style == "math_solution":
        return f"{think}\n\nPutting everything together, we get $\\boxed{{{pred}}}$.", style
    if style == "anchored":
        return f"{think}\n\nThe final answer is ${pred}$.", style
    if style == "self_correction":
        return (f"<think>{think} So the answer would be $\\boxed{{{wrong}}}$. Wait, that is not right: I "
                f"dropped a term. Redoing the last step carefully. {_reasoning(r)}</think>\n"
                f"The answer is $\\boxed{{{pred}}}$."), style
    return f"<think>{think}</think>\n<answer>The answer is ${pred}$.</answer>", style


def _gold_form(r: random.Random, gold: str) -> str:
    form = r.choices(["raw", "dollar", "solution"], weights=[60, 20, 20])[0]
    if form == "dollar":
        return f"${gold}$"
    if form == "solution":
        return f"{_reasoning(r)} Hence the answer is $\\boxed{{{gold}}}$."
    return gold


def make_pairs(n: int = 2400, seed: int = 1234) -> list[dict]:
    """`n` labelled rows {completion, gold, label, category, style, pred}; about half equivalent, plus hedges
    and unanchored answers (both labelled not equivalent, `pred` None)."""
    r = random.Random(seed)
    names = list(CATEGORIES)
    rows = []
    while len(rows) < n:
        category = names[len(rows) % len(names)]
        gold, equiv, wrong = CATEGORIES[category](r)
        kind = r.random()
        if kind < 0.05:  # a hedge between a right and a wrong box: never rewarded
            pair = [r.choice(equiv), r.choice(wrong)]
            r.shuffle(pair)
            completion = f"<think>{_reasoning(r)}</think>\nThe answer is $\\boxed{{{pair[0]}}}$ or " \
                         f"$\\boxed{{{pair[1]}}}$."
            rows.append({"completion": completion, "label": False, "style": "hedge", "pred": None})
        elif kind < 0.09 and category in ("ints", "close_ints", "candidates", "times100"):  # not anchored
            completion = f"{_reasoning(r)} There are {gold} balls in total. I am not sure about this."
            rows.append({"completion": completion, "label": False, "style": "unanchored", "pred": None})
        else:
            label = kind < 0.55
            pred = r.choice(equiv if label else wrong)
            completion, style = _wrap(r, pred, gold, r.choice(wrong))
            rows.append({"completion": completion, "label": label, "style": style, "pred": pred})
        rows[-1].update(gold=_gold_form(r, gold), category=category)
    return rows
