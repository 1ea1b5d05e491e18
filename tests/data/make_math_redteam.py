"""Build tests/data/math_redteam.jsonl: hand-written, hand-labelled red-team pairs for the `math` scorer.

Written by an independent session that saw only docs/math.md, DESIGN.md's Math paragraph and issue 12; every
label comes from the mathematics and the documented policy, written before any scorer was run.
Run: python tests/data/make_math_redteam.py  (rewrites math_redteam.jsonl next to this file).
"""

# ruff: noqa: E501  (hand-written completions are data; wrapping them would change their text)

import json
from pathlib import Path

ROWS: list[tuple[str, str, str, str, bool, str]] = []


def add(suite: str, category: str, answer: str, completion: str, label: bool, why: str) -> None:
    """Record one labelled pair."""
    ROWS.append((suite, category, answer, completion, label, why))


OPENINGS = (
    "Okay, let me work through this step by step.",
    "Alright, so I need to figure out what the problem is really asking first.",
    "Let me start by restating what we know and what we want.",
    "Hmm, let's see. I'll set this up carefully.",
)
CLOSINGS = (
    "Let me double-check that this is what the question asks for... yes, it is. I'm fairly confident now, so I'll write it up.",
    "Wait, let me re-read the question once more to be sure I'm answering the right thing. Okay, that matches. Time to write it up.",
    "Before I finish, a quick sanity check of the arithmetic and the units. Everything seems consistent, so I'll present the result.",
    "I think that's it. Let me make sure I haven't misread any condition in the statement. No, looks fine.",
)

ZH_OPENINGS = ("好的，我先仔细读一遍题目，弄清楚已知条件和要求的量。", "嗯，这道题需要一步一步来，先把条件整理一下。")
ZH_CLOSINGS = ("再检查一遍计算过程，没有发现错误，可以写出最后的结论了。", "回头看一下题目要求，确认求的就是这个量，没有问题。")


def th(reasoning: str, final: str) -> str:
    """An R1-style completion: a think block, then the final part.

    Short reasoning gets one of a few stock opening and closing sentences of the kind R1-style models write, so
    completions have realistic length; these never contain a value, so they cannot change any label.
    """
    body = reasoning.strip()
    k = len(ROWS)
    if len(body) < 250 and any("\u4e00" <= ch <= "\u9fff" for ch in body):
        body = f"{ZH_OPENINGS[k % 2]}\n\n{body}\n\n{ZH_CLOSINGS[(k // 2) % 2]}"
    elif len(body) < 250:
        body = f"{OPENINGS[k % 4]}\n\n{body}\n\n{CLOSINGS[(k // 4) % 4]}".strip()
    return f"<think>\n{body}\n</think>\n\n{final.strip()}"


FA = "Final Answer: The final answer is ${}$. I hope it is correct."


def fa(x: str) -> str:
    """The Minerva/MATH few-shot closing line."""
    return FA.format(x)


# ---------------------------------------------------------------- MATH: fractions, separators, money
R = r"""We need the ratio of the areas. The big square has side 6 so area 36, the small one has side $\sqrt{24}$, area 24.
So the ratio of big to small is 36/24. Simplify: divide by 12, we get 3/2. Let me double check: 24 * 3/2 = 36. Yes."""
add("MATH", "fraction", r"\frac{3}{2}", th(R, r"The ratio of the areas is $\boxed{\dfrac{3}{2}}$."), True,
    "dfrac 3/2 equals frac 3/2")
add("MATH", "fraction", r"\frac{3}{2}", th(R, r"The ratio is $\boxed{1.5}$."), True, "1.5 is exactly 3/2")
add("MATH", "fraction", r"\frac{3}{2}", th(R.replace("big to small is 36/24", "small to big is 24/36").replace(
    "we get 3/2", "we get 2/3").replace("24 * 3/2 = 36", "36 * 2/3 = 24"),
    r"The ratio is $\boxed{\frac{2}{3}}$."), False, "reciprocal of the gold")
add("MATH", "fraction", r"\frac{3}{2}", th(R, r"So the ratio is $\boxed{3/2}$."), True, "slash fraction equals 3/2")
add("MATH", "fraction", r"\frac{3}{2}", th(R, r"The ratio is $\boxed{\frac{6}{4}}$."), True,
    "unreduced 6/4 is the same rational")

R = r"""There are $10^4$ four-digit strings of digits 0-9 when leading zeros are allowed: each of the 4 places has 10 choices,
so $10\cdot10\cdot10\cdot10 = 10000$. The problem allows leading zeros (it is a PIN), so the count is 10000."""
add("MATH", "thousands_separator", r"10,\!000", th(R, fa("10000")), True, "MATH's 10,\\!000 is 10000")
add("MATH", "thousands_separator", r"10,\!000", th(R, r"There are $\boxed{10,\!000}$ possible PINs."), True,
    "same notation as the gold")
add("MATH", "thousands_separator", r"10,\!000", th(R, r"There are $\boxed{10{,}000}$ possible PINs."), True,
    "10{,}000 is 10000")
add("MATH", "thousands_separator", r"10,\!000", th(R.replace("10\\cdot10\\cdot10\\cdot10 = 10000", "10\\cdot10\\cdot10 = 1000").replace(
    "count is 10000", "count is 1000"), fa("1000")), False, "1000 is not 10000")
add("MATH", "thousands_separator", r"10,\!000", th(R, r"There are $\boxed{10,\!001}$ PINs counting the empty one."), False,
    "off by one")

R = r"""Compound interest: $P(1+r)^n = 10000(1.05)^{10}$. $(1.05)^{10} \approx 1.628894627$. So the amount is
$10000 \times 1.628894627 \approx 16288.95$. Hmm wait, the problem says 6% for 5 years on 12,250: $12250 \cdot 1.06^5$.
$1.06^5 = 1.3382255776$, times 12250 = 16393.26... Let me reread: principal \$12,\!245 at 6% for 5 years? I'll trust the
recomputation with the numbers given: the answer to the nearest cent is \$16,386.20."""
add("MATH", "money", r"\$16,\!386.20", th(R, r"The balance will be $\boxed{\$16,386.20}$."), True,
    "same amount, plain comma separator")
add("MATH", "money", r"\$16,\!386.20", th(R, r"The balance will be $\boxed{16386.2}$ dollars."), True,
    "16386.2 = 16386.20")
add("MATH", "money", r"\$16,\!386.20", th(R, r"The balance will be $\boxed{\textdollar 16,\!386.20}$."), True,
    "textdollar is a dollar sign")
add("MATH", "money", r"\$16,\!386.20", th(R, r"To the nearest dollar the balance is $\boxed{\$16,386}$."), False,
    "rounded to dollars, not the asked cents; 16386 != 16386.20")
add("MATH", "money", r"\$16,\!386.20", th(R, r"The balance will be $\boxed{\$16,368.20}$."), False, "digits transposed")
add("MATH", "money", r"\$42", th(r"""Each shirt costs \$14 and she buys 3, so $3 \times 14 = 42$ dollars.""",
    r"She spends $\boxed{\$42.00}$."), True, "42.00 is exactly 42")

# ---------------------------------------------------------------- MATH: polar coordinates, tuples, vectors
R = r"""Convert $(0, 3)$ to polar. $r = \sqrt{0^2 + 3^2} = 3$. The point lies on the positive $y$-axis, so
$\theta = \pi/2$. Since $r > 0$ and $0 \le \theta < 2\pi$, the answer is $(3, \pi/2)$."""
G = r"\left( 3, \frac{\pi}{2} \right)"
add("MATH", "polar_tuple", G, th(R, r"$\boxed{\left(3,\frac{\pi}{2}\right)}$"), True, "same ordered pair")
add("MATH", "polar_tuple", G, th(R, r"In polar coordinates the point is $\boxed{(3, \pi/2)}$."), True, "pi/2 = frac pi 2")
add("MATH", "polar_tuple", G, th(R, r"The point is $\boxed{(3, 90^\circ)}$."), False,
    "degrees are not converted to radians (documented)")
add("MATH", "polar_tuple", G, th(R, r"The point is $\boxed{\left(\frac{\pi}{2}, 3\right)}$."), False,
    "order of an ordered pair matters")
add("MATH", "polar_tuple", G, th(R, r"The point is $\boxed{(3, 1.5707963268)}$."), True,
    "decimal within 1e-6 of pi/2 in the second slot")
add("MATH", "polar_tuple", G, th(R, r"The point is $\boxed{(3, 1.57)}$."), False, "1.57 is not pi/2 within tolerance")
add("MATH", "polar_tuple", G, th(R, r"The point is $\boxed{(-3, \frac{3\pi}{2})}$."), False,
    "same point but the problem requires r > 0; as written the pair differs")

R = r"""The projection of $\mathbf{v}$ onto $\mathbf{w}$ is $\frac{\mathbf{v}\cdot\mathbf{w}}{\mathbf{w}\cdot\mathbf{w}}\mathbf{w}$.
$\mathbf{v}\cdot\mathbf{w} = 4\cdot 2 + 1\cdot(-1) = 8 - 1$... wait $v = (1,3)$, $w = (2,-1)$: $2 - 3 = -1$, hmm, let me use the
actual vectors $v = (5, 0)$, $w = (2,-1)$: $v\cdot w = 10$, $w \cdot w = 5$, so the projection is $2w = (4, -2)$."""
G = r"\begin{pmatrix} 4 \\ -2 \end{pmatrix}"
add("MATH", "vector", G, th(R, r"$\boxed{\begin{pmatrix}4\\-2\end{pmatrix}}$"), True, "same column vector")
add("MATH", "vector", G, th(R, r"The projection is $\boxed{(4,-2)}$."), True, "documented: column vector = tuple")
add("MATH", "vector", G, th(R, r"The projection is $\boxed{\langle 4, -2 \rangle}$."), True, "angle-bracket vector notation")
add("MATH", "vector", G, th(R, r"The projection is $\boxed{\begin{pmatrix} -2 \\ 4 \end{pmatrix}}$."), False, "entries swapped")
add("MATH", "vector", G, th(R, r"The projection is $\boxed{\begin{pmatrix} 4 \\ 2 \end{pmatrix}}$."), False, "sign error")

R = r"""$A^2 = \begin{pmatrix}1&1\\0&1\end{pmatrix}^2$. Multiply: row 1 times col 1 = 1, row 1 col 2 = 1+1 = 2, row 2 col 1 = 0,
row 2 col 2 = 1. So $A^2 = \begin{pmatrix}1&2\\0&1\end{pmatrix}$."""
G = r"\begin{pmatrix} 1 & 2 \\ 0 & 1 \end{pmatrix}"
add("MATH", "matrix", G, th(R, r"$\boxed{\begin{bmatrix}1&2\\0&1\end{bmatrix}}$"), True, "bmatrix vs pmatrix, same entries")
add("MATH", "matrix", G, th(R, r"$\boxed{\begin{pmatrix}1&0\\2&1\end{pmatrix}}$"), False, "transpose")
add("MATH", "matrix", G, th(R, r"$\boxed{\begin{pmatrix}1&2&0&1\end{pmatrix}}$"), False, "wrong shape")
add("MATH", "matrix", G, th(R, r"$A^2 = \boxed{\begin{pmatrix}1&2\\0&1\end{pmatrix}}$"), True, "assignment A^2 = matrix")

# ---------------------------------------------------------------- MATH: intervals, sets
R = r"""Solve $2x - 1 \le 5$: $2x \le 6$, $x \le 3$. All real numbers up to and including 3."""
add("MATH", "interval", r"(-\infty, 3]", th(R, r"$\boxed{x \le 3}$"), True, "documented: (-inf,3] = x <= 3")
add("MATH", "interval", r"(-\infty, 3]", th(R, r"The solution set is $\boxed{(-\infty, 3)}$."), False, "closedness differs")
add("MATH", "interval", r"(-\infty, 3]", th(R, r"The solution set is $\boxed{(-\infty,3]}$."), True, "identical interval")
add("MATH", "interval", r"(-\infty, 3]", th(R, r"The solution set is $\boxed{[3, \infty)}$."), False, "wrong side")
R = r"""The domain of $\sqrt{x+2}/\sqrt{5-x}$ needs $x+2 \ge 0$ and $5 - x > 0$, so $-2 \le x < 5$."""
add("MATH", "interval", r"[-2,5)", th(R, r"$\boxed{-2 \le x < 5}$"), True, "chain inequality = [-2,5)")
add("MATH", "interval", r"[-2,5)", th(R, r"The domain is $\boxed{[-2, 5]}$."), False, "5 excluded in gold")
add("MATH", "interval", r"[-2,5)", th(R, r"The domain is $\boxed{\{x \mid -2 \le x < 5\}}$."), True, "set-builder form of the interval")
R = r"""$x^2 - 3x + 2 > 0$ factors as $(x-1)(x-2) > 0$; positive outside the roots: $x < 1$ or $x > 2$."""
G = r"(-\infty,1)\cup(2,\infty)"
add("MATH", "interval_union", G, th(R, r"$\boxed{(2,\infty)\cup(-\infty,1)}$"), True, "union order does not matter")
add("MATH", "interval_union", G, th(R, r"$\boxed{x<1 \text{ or } x>2}$"), True, "documented 'or' unites")
add("MATH", "interval_union", G, th(R, r"$\boxed{(1,2)}$"), False, "complement of the answer")
add("MATH", "interval_union", G, th(R, r"$\boxed{(-\infty,1]\cup[2,\infty)}$"), False, "strict inequality, endpoints excluded")
add("MATH", "interval_union", G, th(R, r"$\boxed{\mathbb{R} \setminus [1,2]}$"), True,
    "R minus [1,2] is the same set (policy silent on setminus with an interval; mathematically equal)")
R = r"""$f(x) = 1/x$ is defined for every real $x$ except 0."""
G = r"(-\infty,0)\cup(0,\infty)"
add("MATH", "setminus", G, th(R, r"The domain is $\boxed{\mathbb{R}\setminus\{0\}}$."), True, "R minus {0} is this union")
add("MATH", "setminus", r"\mathbb{R}\setminus\{0\}", th(R, r"The domain is $\boxed{(-\infty,0)\cup(0,\infty)}$."), True,
    "same set, gold written with setminus")
add("MATH", "setminus", r"\mathbb{R}\setminus\{0\}", th(R, r"The domain is $\boxed{(0,\infty)}$."), False, "only positives")
add("MATH", "setminus", r"\mathbb{R} \setminus \{0\}", th(R, r"The domain is $\boxed{x \neq 0}$."), True,
    "x != 0 describes the same set (careful-grader reading; docs silent on \\neq)")
R = r"""$x > 2$ is needed for $\log(x-2)$."""
add("MATH", "set_builder", r"(2, \infty)", th(R, r"The domain is $\boxed{\{x \mid x>2\}}$."), True, "set-builder of (2,inf)")
add("MATH", "set_builder", r"(2, \infty)", th(R, r"The domain is $\boxed{\{x : x > 2\}}$."), True, "colon set-builder")
add("MATH", "set_builder", r"\{x \mid x>2\}", th(R, r"The domain is $\boxed{(2,+\infty)}$."), True, "gold in set-builder form")
add("MATH", "set_builder", r"\{x \mid x>2\}", th(R, r"The domain is $\boxed{\{x \mid x \ge 2\}}$."), False, "2 included")

R = r"""$x^2 - x - 12 = 0$ gives $(x-4)(x+3) = 0$, so $x = 4$ or $x = -3$."""
add("MATH", "root_set", r"-3, 4", th(R, r"The solutions are $\boxed{4, -3}$."), True, "order-free set of roots")
add("MATH", "root_set", r"-3, 4", th(R, r"The solutions are $\boxed{4}$."), False, "one root of two")
add("MATH", "root_set", r"-3, 4", th(R, r"The solutions are $\boxed{x = 4 \text{ or } x = -3}$."), True,
    "both roots as assignments joined by or")
add("MATH", "root_set", r"-3, 4", th(R, r"The solutions are $\boxed{\{-3, 4, 0\}}$."), False, "superset")
add("MATH", "root_set", r"\{-3, 4\}", th(R, r"The solutions are $\boxed{-3 \text{ and } 4}$."), True, "list with and")
R = r"""Quadratic formula on $x^2 - 2x - 1 = 0$: $x = \frac{2 \pm \sqrt{4 + 4}}{2} = 1 \pm \sqrt{2}$."""
add("MATH", "plus_minus", r"1 \pm \sqrt{2}", th(R, r"$\boxed{1+\sqrt{2},\ 1-\sqrt{2}}$"), True, "documented pm = both values")
add("MATH", "plus_minus", r"1 \pm \sqrt{2}", th(R, r"$\boxed{1+\sqrt{2}}$"), False, "documented: pm never one of them")
add("MATH", "plus_minus", r"1+\sqrt{2}, 1-\sqrt{2}", th(R, r"$\boxed{1 \pm \sqrt 2}$"), True, "pm gives the two listed values")

# ---------------------------------------------------------------- MATH: radicals
R = r"""The distance from $(1,2)$ to $(5,4)$ is $\sqrt{(5-1)^2 + (4-2)^2} = \sqrt{16 + 4} = \sqrt{20}$. Simplify:
$\sqrt{20} = \sqrt{4 \cdot 5} = 2\sqrt{5}$."""
add("MATH", "radical", r"2\sqrt{5}", th(R, r"$\boxed{\sqrt{20}}$"), True, "sqrt 20 = 2 sqrt 5")
add("MATH", "radical", r"2\sqrt{5}", th(R, r"The distance is $\boxed{4.472}$."), False, "3-decimal rounding outside 1e-6")
add("MATH", "radical", r"2\sqrt{5}", th(R, r"The distance is $\boxed{4.47213595500}$."), True, "decimal within 1e-6")
add("MATH", "radical", r"2\sqrt{5}", th(R, r"The distance is $\boxed{2\sqrt{5}}$ units."), True, "identical, unit word outside box")
add("MATH", "radical", r"2\sqrt{5}", th(R, r"The distance is $\boxed{5\sqrt{2}}$."), False, "different radical")
add("MATH", "radical", r"2\sqrt{5}", th(R, r"The distance is $\boxed{\sqrt{2\cdot 5}}$."), False, "sqrt 10 is not 2 sqrt 5")
R = r"""$\cos 30^\circ$: in a 30-60-90 triangle with hypotenuse 2 the side adjacent to the 30 degree angle is $\sqrt 3$.
So $\cos 30^\circ = \sqrt{3}/2$."""
add("MATH", "radical", r"\frac{\sqrt{3}}{2}", th(R, r"$\boxed{\frac{1}{2}\sqrt{3}}$"), True, "same value")
add("MATH", "radical", r"\frac{\sqrt{3}}{2}", th(R, r"$\boxed{\frac{3}{2\sqrt{3}}}$"), True, "rationalised form differs only in writing")
add("MATH", "radical", r"\frac{\sqrt{3}}{2}", th(R, r"$\boxed{\frac{\sqrt{2}}{2}}$"), False, "cos 45, not cos 30")
add("MATH", "radical", r"\frac{\sqrt{3}}{2}", th(R, r"$\boxed{\sqrt{3}/2}$"), True, "slash form")
add("MATH", "radical", r"\frac{\sqrt{3}}{2}", th(R, r"$\boxed{0.866}$"), False, "rounded decimal outside tolerance")
add("MATH", "radical", r"\frac{1}{\sqrt{2}}", th(r"$\sin 45^\circ = \frac{\sqrt2}{2}$.", r"$\boxed{\frac{\sqrt{2}}{2}}$"), True,
    "documented symbolic example")
add("MATH", "radical", r"\sqrt[3]{2}", th(r"$x^3 = 2$ so $x = 2^{1/3}$.", r"$\boxed{2^{1/3}}$"), True, "cube root as power")
add("MATH", "radical", r"\sqrt[3]{2}", th(r"$x^2 = 2$ so $x = \sqrt 2$.", r"$\boxed{\sqrt{2}}$"), False, "square root, not cube root")

# ---------------------------------------------------------------- MATH: degrees, named quantities
R = r"""In triangle $ABC$ with $AB = AC$ the base angles are equal. The apex angle $A$ is $100^\circ$, so each base angle is
$(180 - 100)/2 = 40$ degrees. Hence $\angle ABC = 40^\circ$."""
add("MATH", "degrees", r"40^\circ", th(R, r"$\boxed{40}$"), True, "degree sign dropped on both sides")
add("MATH", "degrees", "40", th(R, r"$\boxed{40^\circ}$"), True, "degree sign dropped")
add("MATH", "degrees", "40", th(R, r"$\boxed{40^{\circ}}$"), True, "braced degree sign")
add("MATH", "degrees", "40", th(R, r"$\boxed{40°}$"), True, "Unicode degree sign")
add("MATH", "degrees", "40", th(R, r"$\boxed{80^\circ}$"), False, "wrong angle")
add("MATH", "named_quantity", "40", th(R, r"$\boxed{\angle ABC = 40^\circ}$"), True, "named angle assignment")
add("MATH", "named_quantity", "40", th(R, r"$\boxed{\angle ABC = 50^\circ}$"), False, "named angle with the wrong value")
add("MATH", "named_quantity", r"\angle BAC = 40^\circ", th(R, r"$\boxed{40^\circ}$"), True, "gold as named angle")
add("MATH", "degrees", r"30^\circ", th(r"""$\sin x = 1/2$ with $x$ acute gives $x = \pi/6$.""", r"$\boxed{\frac{\pi}{6}}$"), False,
    "documented: degrees are not converted to radians")
add("MATH", "named_quantity", "30", th(r"""The three angles are in ratio 1:2:3 so the smallest is $180/6 = 30$ degrees.""",
    r"$\boxed{m\angle A = 30^\circ}$"), True, "m-angle assignment")
R = r"""By the Pythagorean theorem $AB^2 = AC^2 + BC^2 = 144 + ...$ wait, $AC = 5$, $BC$... the legs are 5 and 12? No: the
hypotenuse is 13 and one leg is 5, so the other leg is $\sqrt{169 - 25} = \sqrt{144} = 12$. That leg is $AB$."""
add("MATH", "named_quantity", "12", th(R, r"$\boxed{AB = 12}$"), True, "segment assignment")
add("MATH", "named_quantity", "12", th(R, r"$\boxed{|AB| = 12}$"), True, "length assignment")
add("MATH", "named_quantity", "12", th(R, r"$\boxed{AB = 13}$"), False, "hypotenuse, not AB")
add("MATH", "named_quantity", r"AB = 12", th(R, r"The length is $\boxed{12}$."), True, "gold named, prediction plain")
add("MATH", "named_quantity", "12", th(R, r"$\boxed{\overline{AB} = 12}$"), True, "overline segment name")
R = r"""$f(x) = x^2 + x$, so $f(3) = 9 + 3 = 12$."""
add("MATH", "named_quantity", "12", th(R, r"$\boxed{f(3) = 12}$"), True, "function-value assignment")
add("MATH", "named_quantity", r"f(3)=12", th(R, r"$\boxed{12}$"), True, "gold as function-value assignment")
add("MATH", "named_quantity", r"f(3)=12", th(R.replace("9 + 3 = 12", "9 + 4 = 13"), r"$\boxed{13}$"), False, "arithmetic slip")
add("MATH", "named_quantity", "12", th(R, r"$\boxed{f(3) = 3^2 + 3 = 12}$"), True, "true computation chain ending at 12")
add("MATH", "named_quantity", "12", th(r"Rectangle 3 by 4: area 12.", r"$\boxed{\text{Area} = 12}$"), True, "Area = 12")
add("MATH", "named_quantity", "12", th(r"Rectangle 3 by 4: perimeter is 14.", r"$\boxed{\text{Perimeter} = 14}$"), False,
    "wrong value")
add("MATH", "named_quantity", r"\frac{3}{2}", th(r"""$f(x) = -x^2 + 3x - 3/4$ has vertex at $x = 3/2$, value
$-9/4 + 9/2 - 3/4 = 6/4 = 3/2$.""", r"$\boxed{\max = \frac{3}{2}}$"), True, "\\max = value (issue item 2)")

# ---------------------------------------------------------------- coordinates
R = r"""Solve the system $x + y = 5$, $x - y = -1$. Adding: $2x = 4$, $x = 2$. Then $y = 5 - 2 = 3$. Check: $2 - 3 = -1$. Good,
the lines meet at $(2, 3)$."""
add("MATH", "coordinates", "(2,3)", th(R, r"$\boxed{x=2, y=3}$"), True, "coordinates as assignments")
add("MATH", "coordinates", "(2,3)", th(R, r"$\boxed{y=3, x=2}$"), True, "assignments matched by name, not position")
add("MATH", "coordinates", "(2,3)", th(R, r"$\boxed{x=3, y=2}$"), False, "values swapped between x and y")
add("MATH", "coordinates", "(2,3)", th(R, r"The lines meet at $\boxed{A(2, 3)}$."), True, "named point A(2,3)")
add("MATH", "coordinates", "(2,3)", th(R, r"The lines meet at $\boxed{(3,2)}$."), False, "ordered pair reversed")
add("MATH", "coordinates", "x=2, y=3", th(R, r"The intersection point is $\boxed{(2,3)}$."), True, "gold as assignments")
add("MATH", "coordinates", "x=2, y=3", th(R, r"$\boxed{x = 2}$"), False, "half of the answer")
add("MATH", "coordinates", r"\left(\frac{1}{2}, -\frac{3}{4}\right)", th(r"Midpoint: $((0+1)/2, (-1 - 1/2)/2) = (1/2, -3/4)$.",
    r"$\boxed{(0.5, -0.75)}$"), True, "exact decimals in a tuple")

# ---------------------------------------------------------------- units
R = r"""The car covers 150 km in 2.5 hours, so its average speed is $150/2.5 = 60$ km per hour."""
add("MATH", "compound_unit", "60", th(R, r"$\boxed{60 \frac{\text{km}}{\text{h}}}$"), True, "compound unit dropped")
add("MATH", "compound_unit", "60", th(R, r"$\boxed{60\,\text{km/h}}$"), True, "unit text dropped")
add("MATH", "compound_unit", "60", th(R, r"$\boxed{60 \text{ km}/\text{h}}$"), True, "unit with slash")
add("MATH", "compound_unit", "60", th(R.replace("= 60", "= 62.5").replace("150 km", "156.25 km"), r"$\boxed{62.5\,\text{km}/\text{h}}$"),
    False, "wrong speed")
add("MATH", "compound_unit", "12", th(r"36 km in 3 hours is 12 km/h.", r"$\boxed{12\,\text{km}/\text{h}}$"), True,
    "12 km/h is 12")
add("MATH", "compound_unit", "24", th(r"Box $2 \times 3 \times 4$: volume $24$ cubic metres.", r"$\boxed{24\text{m}^3}$"), True,
    "m^3 unit without space")
add("MATH", "compound_unit", "24", th(r"Box $2 \times 3 \times 5$: volume $30$.", r"$\boxed{30\text{m}^3}$"), False, "wrong volume")
add("MATH", "compound_unit", r"24\text{ m}^3", th(r"Box $2 \times 3 \times 4$: volume $24$.", r"$\boxed{24}$"), True,
    "gold carries the unit")
add("MATH", "unit", r"5\text{ cm}", th(r"The radius is half of 10 cm.", r"The radius is $\boxed{5}$ cm."), True, "unit word dropped")
add("MATH", "unit", "9", th(r"The rope is 9 metres.", r"$\boxed{9\,\text{m}}$"), True, "one-letter SI unit")
add("MATH", "unit", "9", th(r"The rope is 9 metres long. Hmm.", r"$\boxed{9 \text{ or so}}$"), False, "documented hedge word")

# ---------------------------------------------------------------- scale words
R = r"""The population grew from 3 million by 50%: $3{,}000{,}000 \times 1.5 = 4{,}500{,}000$."""
add("MATH", "scale_word", "4500000", th(R, r"$\boxed{4.5 \text{ million}}$"), True, "4.5 million = 4500000")
add("MATH", "scale_word", r"4.5 \text{ million}", th(R, r"$\boxed{4{,}500{,}000}$"), True, "gold with scale word")
add("MATH", "scale_word", r"4.5 \text{ million}", th(R, r"$\boxed{4.5}$"), False, "4.5 is not 4.5 million")
add("MATH", "scale_word", "3", th(r"""It costs 3 million dollars? No, the question asks how many trucks: 3.""",
    r"$\boxed{3 \text{ million}}$"), False, "documented: 3 million != 3")
add("MATH", "scale_word", "24", th(r"""Two dozen eggs: $2 \times 12 = 24$.""", r"She bought $\boxed{2 \text{ dozen}}$ eggs."), True,
    "2 dozen = 24")
add("GSM8K", "scale_word", "24", th(r"""Two dozen eggs: $2 \times 12 = 24$.""", r"The answer is 2 dozen."), True,
    "anchored 2 dozen = 24")
add("GSM8K", "scale_word", "36", th(r"""Two dozen eggs: $2 \times 12 = 24$.""", r"The answer is 2 dozen."), False, "24 != 36")
add("MATH", "scale_word", "2000000", th(r"""Two million.""", r"$\boxed{2\times 10^{6}}$"), True, "scientific notation")
add("MATH", "scale_word", "2000000", th(r"""Two billion.""", r"$\boxed{2 \text{ billion}}$"), False, "billion != million")

# ---------------------------------------------------------------- base subscripts
R = r"""$12$ in base 2: $12 = 8 + 4$, so the bits are 1100."""
add("MATH", "base", r"1100_{(2)}", th(R, r"$\boxed{1100_2}$"), True, "same digits, same base")
add("MATH", "base", r"1100_2", th(R, r"$\boxed{1100_{(2)}}$"), True, "parenthesised base")
add("MATH", "base", r"1100_2", th(R, r"$\boxed{1100}$"), True, "documented: digits as written")
add("MATH", "base", r"1100_2", th(R, r"$\boxed{12}$"), False, "documented: the decimal value is not accepted")
add("MATH", "base", r"1100_2", th(R, r"$\boxed{1010_2}$"), False, "different digits")
add("MATH", "base", r"10001_{two}", th(r"$17 = 16 + 1$.", r"$\boxed{10001_2}$"), True, "base written as a word")
add("MATH", "base", r"1234_{\text{five}}", th(r"$194 = 125 + 2\cdot25 + 3\cdot5 + 4$.", r"$\boxed{1234_5}$"), True,
    "text base word")
add("MATH", "base", r"1234_5", th(r"$194 = 125 + 2\cdot25 + 4\cdot5 + 3$?", r"$\boxed{1243_5}$"), False, "digits transposed")
add("zh_textbook", "base", r"1100_{(2)}", th(r"12 除以 2 依次取余：0,0,1,1，倒序得 1100。", r"故答案为 $1100_{(2)}$。"), True,
    "Chinese anchor, same base-2 numeral")
add("MATH", "base", r"2A_{16}", th(r"$42 = 2\cdot16 + 10$, and 10 is A.", r"$\boxed{2A_{16}}$"), True, "hex digit letter")

# ---------------------------------------------------------------- ratios and times
R = r"""Boys : girls. There are 12 boys and 18 girls, $12:18$, divide by 6: $2:3$."""
add("MATH", "ratio", "2:3", th(R, r"$\boxed{2:3}$"), True, "identical ratio")
add("MATH", "ratio", "2:3", th(R, r"$\boxed{2 : 3}$"), True, "spacing")
add("MATH", "ratio", "2:3", th(R, r"$\boxed{3:2}$"), False, "inverted ratio")
add("MATH", "ratio", "2:3", th(R, r"$\boxed{12:18}$"), True,
    "unreduced equal ratio; docs silent, a human grader accepts an equal ratio")
add("MATH", "ratio", "1:2:3", th(r"The angles 30, 60, 90 are in ratio 1:2:3.", r"$\boxed{1:2:3}$"), True, "three-term ratio")
add("MATH", "ratio", "1:2:3", th(r"The angles 30, 60, 90 are in ratio 1:2:3.", r"$\boxed{3:2:1}$"), False, "reversed three-term ratio")
add("MATH", "time", "2:30", th(r"""The train leaves at 11:45 and the trip is 2 h 45 min, arriving at 14:30, i.e. 2:30 in the
afternoon.""", r"It arrives at $\boxed{2:30}$ p.m."), True, "same clock time")
add("MATH", "time", "2:30", th(r"11:45 plus 2 h 15 min is 2:00.", r"It arrives at $\boxed{2:00}$ p.m."), False, "different time")
add("MATH", "time", r"2:30 \text{ p.m.}", th(r"11:45 plus 2 h 45 min.", r"$\boxed{2:30\text{ PM}}$"), True, "case of p.m.")

# ---------------------------------------------------------------- lists with and
R = r"""We need every $n$ between 10 and 100 that satisfies both digit conditions. Checking each candidate by hand, only
$n = 19$, $n = 46$ and $n = 82$ work."""
add("MATH", "list_and", "19, 46, and 82", th(R, r"$\boxed{19, 46, 82}$"), True, "same list")
add("MATH", "list_and", "19, 46, and 82", th(R, r"$\boxed{82, 46, 19}$"), True, "a 'find all' list is order-free")
add("MATH", "list_and", "19, 46, and 82", th(R, r"$\boxed{19, 46}$"), False, "missing element")
add("MATH", "list_and", "19, 46, and 82", th(R, r"The values are $\boxed{19}$, $\boxed{46}$, and $\boxed{82}$."), True,
    "three boxes joined by punctuation and 'and' form the list")
add("MATH", "list_and", "19, 46, and 82", th(R, r"$\boxed{19, 46, 82, 91}$"), False, "extra element")

# ---------------------------------------------------------------- modular arithmetic
R = r"""$2^3 = 8 \equiv 1 \pmod 7$, so $2^{100} = 2^{99}\cdot 2 = (2^3)^{33}\cdot 2 \equiv 2 \pmod 7$."""
add("MATH", "pmod", "2", th(R, r"$\boxed{2^{100} \equiv 2 \pmod{7}}$"), True, "congruence whose residue is the gold")
add("MATH", "pmod", r"2 \pmod{7}", th(R, r"$\boxed{2}$"), True, "gold carries (mod 7)")
add("MATH", "pmod", r"2 \pmod{7}", th(R, r"$\boxed{4}$"), False, "wrong residue")
add("MATH", "pmod", "2", th(R, r"The remainder is $\boxed{2 \bmod 7}$."), True,
    "\\bmod suffix restating the modulus; a human grader reads residue 2 (docs silent)")
add("MATH", "pmod", r"n \equiv 3 \pmod{5}", th(r"$3n \equiv 4 \pmod 5$, inverse of 3 is 2, $n \equiv 8 \equiv 3$.",
    r"$\boxed{n \equiv 3 \pmod 5}$"), True, "same congruence")
add("MATH", "pmod", r"n \equiv 3 \pmod{5}", th(r"$3n \equiv 4$, so $n \equiv 4 \cdot 3 = 12 \equiv 2$.",
    r"$\boxed{n \equiv 2 \pmod 5}$"), False, "wrong residue")

# ---------------------------------------------------------------- binomials, over, dot
R = r"""Choose 2 of the 5 people: $\binom{5}{2} = \frac{5\cdot4}{2} = 10$."""
add("MATH", "binom", "10", th(R, r"$\boxed{\binom{5}{2}}$"), True, "binomial coefficient value 10")
add("MATH", "binom", "10", th(R, r"$\boxed{{5 \choose 3}}$"), True, "C(5,3) = 10")
add("MATH", "binom", "10", th(R, r"$\boxed{\binom{5}{1}}$"), False, "C(5,1) = 5")
add("MATH", "binom", r"\binom{5}{2}", th(R, r"$\boxed{10}$"), True, "gold written as binomial")
add("MATH", "binom", r"\binom{5}{2}", th(R, r"$\boxed{20}$"), False, "ordered pairs counted")
add("MATH", "over", r"{7 \over 3}", th(r"$3x = 7$ so $x = 7/3$.", r"$\boxed{\frac{7}{3}}$"), True, "TeX over = frac")
add("MATH", "over", r"{7 \over 3}", th(r"$7x = 3$ so $x = 3/7$.", r"$\boxed{\frac{3}{7}}$"), False, "reciprocal")
add("MATH", "over", r"\frac{7}{3}", th(r"$3x = 7$.", r"$\boxed{{7 \over 3}}$"), True, "over in the prediction")
add("MATH", "over", r"\frac{7}{3}", th(r"$3x = 7$.", r"$\boxed{2\frac{1}{3}}$"), True, "documented mixed number")
add("MATH", "repeating_decimal", r"0.\dot{3}", th(r"$1/3 = 0.333\ldots$", r"$\boxed{\frac{1}{3}}$"), True, "0.3 repeating = 1/3")
add("MATH", "repeating_decimal", r"0.\dot{3}", th(r"$1/3 \approx 0.3$", r"$\boxed{0.3}$"), False, "0.3 is not 0.333...")
add("MATH", "repeating_decimal", r"\frac{1}{3}", th(r"$1/3$ repeats.", r"$\boxed{0.\overline{3}}$"), True, "overline repeating decimal")
add("MATH", "repeating_decimal", r"\frac{4}{33}", th(r"$0.1212\ldots = 12/99 = 4/33$.", r"$\boxed{0.\overline{12}}$"), True,
    "0.(12) = 4/33")
add("MATH", "repeating_decimal", r"\frac{4}{33}", th(r"$0.1212\ldots$", r"$\boxed{0.\dot{1}\dot{2}}$"), True,
    "dot notation for the repeating block 12")
add("MATH", "repeating_decimal", r"\frac{1}{3}", th(r"$1/3 = 0.333\ldots$", r"$\boxed{0.333}$"), False,
    "documented: 0.333 is not 1/3")
add("MATH", "repeating_decimal", r"\frac{1}{3}", th(r"$1/3 = 0.3333333\ldots$", r"$\boxed{0.3333333}$"), True,
    "documented: within 1e-6")

# ---------------------------------------------------------------- Unicode forms
add("MATH", "unicode", r"\frac{1}{2}", th(r"Half of the pie.", r"**Answer:** ½"), True, "Unicode one half")
add("MATH", "unicode", r"\frac{3}{4}", th(r"Three quarters.", r"The answer is ¾."), True, "Unicode three quarters")
add("MATH", "unicode", r"\frac{3}{4}", th(r"One quarter.", r"The answer is ¼."), False, "1/4 != 3/4")
add("MATH", "unicode", "100000", th(r"$10^5$.", r"The answer is 10⁵."), True, "superscript exponent")
add("MATH", "unicode", "10000", th(r"$10^5$.", r"The answer is 10⁵."), False, "10^5 != 10^4")
add("MATH", "unicode", "x^2+1", th(r"Composing gives $x^2 + 1$.", r"The answer is x² + 1."), True, "superscript two")
add("MATH", "unicode", "x^2+1", th(r"Composing gives $x^3 + 1$.", r"The answer is x³ + 1."), False, "cube, not square")
add("MATH", "unicode", r"2\sqrt{3}", th(r"$\sqrt{12}$.", r"The answer is 2√3."), True, "Unicode radical")
add("MATH", "unicode", r"-\frac{1}{2}", th(r"negative half", r"The answer is −½."), True, "Unicode minus and half")
add("MATH", "unicode", r"\pi", th(r"Area of unit circle.", r"The answer is π."), True, "Unicode pi")

# ---------------------------------------------------------------- number words
add("GSM8K", "number_word", "12", th(r"She has 5 + 7 = 12 marbles.", r"The answer is twelve."), True, "number word")
add("GSM8K", "number_word", "12", th(r"She has 5 + 7 marbles.", r"The answer is Twelve marbles."), True,
    "capitalised number word with unit")
add("GSM8K", "number_word", "20", th(r"3 groups of 5 make 15.", r"The answer is fifteen."), False, "15 != 20")
add("GSM8K", "number_word", "40", th(r"Forty.", r"The answer is forty."), True, "tens word")
add("GSM8K", "number_word", "14", th(r"Fourteen.", r"The answer is forty."), False, "forty is not fourteen")
add("GSM8K", "number_word", "300", th(r"3 hundreds.", r"The answer is three hundred."), True, "hundred")
add("GSM8K", "number_word", "2000", th(r"Two thousand.", r"The answer is two thousand."), True, "thousand")
add("GSM8K", "number_word", "3", th(r"Three.", r"The answer is three hundred."), False, "300 != 3")

# ---------------------------------------------------------------- percent (no x100 shortcut)
R = r"""The price rose from \$50 to \$57, an increase of \$7. As a percent of the original: $7/50 = 0.14 = 14\%$."""
add("MATH", "percent", "14", th(R, r"The price increased by $\boxed{14\%}$."), True,
    "documented: a % side equals the same number without the sign")
add("MATH", "percent", "14", th(R, r"The price increased by $\boxed{14}$ percent."), True, "identical number")
add("MATH", "percent", "14", th(R, r"The price increased by $\boxed{1400\%}$."), False,
    "1400% is off by x100 from 14 (issue: must not pass)")
add("MATH", "percent", "14", th(R, r"The price increased by $\boxed{0.14}$."), False,
    "documented: without % there is no x100 rule")
add("MATH", "percent", r"14\%", th(R, r"The price increased by $\boxed{14}$."), True, "gold with %, sign dropped")
add("MATH", "percent", r"14\%", th(R, r"The price increased by $\boxed{0.14}$."), False,
    "policy decision: the written number 0.14 is off by x100 from the written 14; must not pass")
add("MATH", "percent", r"14\%", th(R, r"The price increased by $\boxed{14\%}$."), True, "identical")
add("MATH", "percent", r"14\%", th(R.replace("0.14 = 14", "0.15 = 15"), r"The price increased by $\boxed{15\%}$."), False,
    "wrong percent")
R = r"""One of the 8 equally likely outcomes is favourable, so the probability is $1/8 = 0.125$."""
add("MATH", "percent", r"\frac{1}{8}", th(R, r"$\boxed{\frac{1}{8}}$"), True, "identical")
add("MATH", "percent", r"\frac{1}{8}", th(R, r"$\boxed{0.125}$"), True, "exact decimal")
add("MATH", "percent", r"\frac{1}{8}", th(R, r"$\boxed{12.5\%}$"), False,
    "brief/issue: a % written value 12.5 is off by x100 from 1/8; must not pass")
add("MATH", "percent", r"12.5\%", th(R, r"The probability is $\boxed{12.5\%}$."), True, "identical percent")
add("MATH", "percent", r"12.5\%", th(R, r"The probability is $\boxed{12.5}$."), True, "% dropped")
add("MATH", "percent", r"12.5\%", th(R, r"The probability is $\boxed{0.125}$."), False,
    "policy decision: 0.125 vs written 12.5 is a x100 difference")
add("MATH", "percent", "50", th(r"Half of 100 is 50.", r"$\boxed{0.5}$"), False, "documented: 50 vs 0.5 is wrong")
add("MATH", "percent", r"33\frac{1}{3}\%", th(r"$1/3$ of the class.", r"$\boxed{33\frac{1}{3}\%}$"), True, "documented mixed percent")
add("MATH", "percent", r"33\frac{1}{3}\%", th(r"$1/3$ of the class.", r"$\boxed{33\%}$"), False, "rounded percent")
add("GSM8K", "percent", "25", th(r"25 out of 100 is 25 percent.", r"#### 25%"), True, "GSM8K line with percent sign")
add("GSM8K", "percent", "25", th(r"25 out of 100 is a quarter.", r"#### 0.25"), False, "x0.01 of the gold")

# ---------------------------------------------------------------- 0^0
add("MATH", "zero_power_zero", "1", th(r"""The constant term of $(x+0)^0$... every term is $x^0 0^0$ hmm, the problem asks for
$a^b$ with $a = b = 0$. Some people say $0^0 = 1$.""", r"$\boxed{0^0}$"), False, "0^0 is indeterminate, not 1 (issue)")
add("MATH", "zero_power_zero", "1", th(r"""$2^0 = 1$.""", r"$\boxed{2^0}$"), True, "2^0 = 1")
add("MATH", "zero_power_zero", "0", th(r"""$0^0$?""", r"$\boxed{0^0}$"), False, "0^0 is not 0 either")
add("MATH", "zero_power_zero", "1", th(r"""$x^0 = 1$ for every nonzero $x$, so the value is 1.""", r"$\boxed{1}$"), True, "plain 1")

# ---------------------------------------------------------------- multi-box golds
R = r"""The primes dividing 30 are found by trial division: $30 = 2 \cdot 15 = 2 \cdot 3 \cdot 5$. So the prime divisors are
2, 3 and 5."""
G = r"\boxed{2}, \boxed{3}, \boxed{5}"
add("MATH", "multi_box_gold", G, th(R, r"$\boxed{2, 3, 5}$"), True, "the whole list")
add("MATH", "multi_box_gold", G, th(R, r"$\boxed{5}$"), False, "one element of a three-element gold")
add("MATH", "multi_box_gold", G, th(R, r"$\boxed{2}$, $\boxed{3}$, $\boxed{5}$"), True, "same boxes as the gold")
add("MATH", "multi_box_gold", G, th(R, r"The primes are $\boxed{3, 5, 2}$."), True, "order-free")
add("MATH", "multi_box_gold", G, th(R, r"The primes are $\boxed{2, 3}$."), False, "subset")
R = r"""$x^2 + x - 2 = (x - 1)(x + 2)$, roots $1$ and $-2$."""
G = r"The roots are $\boxed{1}$ and $\boxed{-2}$."
add("MATH", "multi_box_gold", G, th(R, r"$\boxed{-2, 1}$"), True, "both roots")
add("MATH", "multi_box_gold", G, th(R, r"$\boxed{-2}$"), False, "the last root alone")
add("MATH", "multi_box_gold", G, th(R, r"The roots are $\boxed{1}$ and $\boxed{-2}$."), True, "same sentence")
add("MATH", "multi_box_gold", G, th(R, r"$\boxed{1, 2}$"), False, "sign error in one root")

# ---------------------------------------------------------------- MATH solution-field golds
G = r"""We have $2x + 3 = 13$, so $2x = 10$ and $x = \boxed{5}$."""
add("MATH", "solution_gold", G, th(r"$2x = 10$, $x = 5$.", r"$\boxed{5}$"), True, "gold is the last box of the solution")
add("MATH", "solution_gold", G, th(r"$2x = 13 + 3$, $x = 8$.", r"$\boxed{8}$"), False, "wrong")
add("MATH", "solution_gold", G, th(r"$2x = 10$, so $x = 5$. The question also mentions 13.", r"$\boxed{13}$"), False,
    "a number from the gold's prose is not the gold")
G = r"""The sum is $\frac{a}{1-r} = \frac{3}{1 - 1/4} = \boxed{4}$. Note that $|r| < 1$ so the series converges."""
add("MATH", "solution_gold", G, th(r"$a = 3, r = 1/4$, sum $= 3/(3/4) = 4$.", r"The sum is $\boxed{4}$."), True, "last box of gold")
add("MATH", "solution_gold", G, th(r"$3/(1+1/4) = 12/5$.", r"The sum is $\boxed{\frac{12}{5}}$."), False, "wrong formula")

# ---------------------------------------------------------------- AMC choice letters
R = r"""Let the numbers be $a < b < c$. The mean is 10, so $a + b + c = 30$, and the median $b = 12$... the smallest is
as large as possible when $c = b = 12$, giving $a = 6$. Checking the choices, 6 is (C)."""
G = r"\textbf{(C) } 6"
add("AMC", "choice_letter", G, th(R, r"$\boxed{\textbf{(C) } 6}$"), True, "identical choice")
add("AMC", "choice_letter", G, th(R, r"$\boxed{C}$"), True, "letter only")
add("AMC", "choice_letter", G, th(R, r"$\boxed{6}$"), True, "documented: the value of the gold choice")
add("AMC", "choice_letter", G, th(R, r"$\boxed{\text{(C)}}$"), True, "letter in parentheses")
add("AMC", "choice_letter", G, th(R, r"$\boxed{(B)}$"), False, "another letter")
add("AMC", "choice_letter", G, th(R, r"$\boxed{(B)\ 6}$"), False,
    "letter and value disagree; careful grader rejects the inconsistent choice (docs silent)")
add("AMC", "choice_letter", G, th(R, r"$\boxed{\textbf{(C)}\ 6}$"), True, "letter and value both match")
add("AMC", "choice_letter", G, th(R, r"$\boxed{(B) \text{ or } (C)}$"), False, "documented: several options")
add("AMC", "choice_letter", "B", th(r"Only choice B satisfies both conditions.", r"The answer is (B)."), True, "anchored (B)")
add("AMC", "choice_letter", "B", th(r"Choice D fails; B works.", r"**Answer:** D"), False, "wrong letter")
add("AMC", "choice_letter", "E", th(r"""Options: (A) 1, (B) 2, (C) 3, (D) 4, (E) 5. We found 5 solutions.""",
    r"$\boxed{E}$"), True, "letter")
add("AMC", "choice_letter", "E", th(r"We found 5 solutions.", r"$\boxed{\textbf{(A)}\ 1, \textbf{(E)}\ 5}$"), False,
    "two options listed")

# ---------------------------------------------------------------- GSM8K
G = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72"
R = r"""Natalia sold 48 clips in April. In May she sold half as many, which is 48 / 2 = 24 clips. Altogether she sold
48 + 24 = 72 clips. Let me double-check: half of 48 is 24, and 48 + 24 = 72. Yes."""
add("GSM8K", "gsm_hash", G, th(R, "Natalia sold 72 clips in total.\n#### 72"), True, "#### line matches the gold's")
add("GSM8K", "gsm_hash", G, th(R, r"She sold $\boxed{72}$ clips altogether."), True, "boxed 72")
add("GSM8K", "gsm_hash", G, th(R, "The answer is 72."), True, "anchored 72")
add("GSM8K", "gsm_hash", G, th(R.replace("which is 48 / 2 = 24", "which is 48 * 2 = 96").replace("48 + 24 = 72", "48 + 96 = 144").replace(
    "half of 48 is 24, and 48 + 24 = 72", "twice 48 is 96, and 48 + 96 = 144"), "#### 144"), False, "doubled instead of halved")
add("GSM8K", "gsm_hash", G, th(R, "The answer is 24."), False, "the May count only")
add("GSM8K", "gsm_hash", G, th(R, "The answer is 72 clips."), True, "unit word after value")
add("GSM8K", "gsm_hash", G, th(R, "**Answer:** 72 clips"), True, "bold anchor")
R = r"""Weng earns \$12 an hour, which is 12/60 = \$0.2 per minute. She worked 50 minutes, so she earned 0.2 * 50 = \$10."""
G = "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\n#### 10"
add("GSM8K", "gsm_money", G, th(R, "#### $10"), True, "dollar sign in the #### line")
add("GSM8K", "gsm_money", G, th(R, r"She earned $\boxed{\$10.00}$."), True, "10.00 is exactly the integer 10")
add("GSM8K", "gsm_money", G, th(R, r"She earned $\boxed{\$0.20}$ per minute."), False, "the rate, not the total")
add("GSM8K", "gsm_money", G, th(R, r"She earned $\boxed{10}$ dollars."), True, "boxed integer")
add("GSM8K", "gsm_money", G, th(R, r"She earned $\boxed{\$12}$."), False, "hourly rate, not earnings")
R = r"""Betty needs \$100. She has half: \$50. Parents give \$15, grandparents twice that, \$30. Total: 50 + 15 + 30 = 95.
She still needs 100 - 95 = 5 dollars."""
G = "In the beginning, Betty has only 100 / 2 = $<<100/2=50>>50.\nBetty's grandparents gave her 15 * 2 = $<<15*2=30>>30.\nThis means, Betty needs 100 - 50 - 30 - 15 = $<<100-50-30-15=5>>5 more.\n#### 5"
add("GSM8K", "gsm_hash", G, th(R, "So Betty needs 5 more dollars.\n\n#### 5"), True, "#### 5")
add("GSM8K", "gsm_hash", G, th(R, "So Betty needs \\$5 more.\n\nFinal answer: 5"), True,
    "'Final answer:' anchor (case-insensitive 'the final answer is'/'Answer:' family)")
add("GSM8K", "gsm_hash", G, th(R, "So Betty needs \\$95 from others.\n\n#### 95"), False, "95 is what she has")
add("GSM8K", "gsm_hash", G, th(R, "Betty needs $5."), False,
    "no anchored answer: a plain sentence is not an anchor (documented)")
R = r"""James writes a 3-page letter to 2 friends twice a week: 3 * 2 * 2 = 12 pages a week. A year has 52 weeks, so
12 * 52 = 624 pages."""
G = "He writes each friend 3*2=<<3*2=6>>6 pages a week\nSo he writes 6*2=<<6*2=12>>12 pages every week\nThat means he writes 12*52=<<12*52=624>>624 pages a year\n#### 624"
add("GSM8K", "gsm_hash", G, th(R, r"$\boxed{624}$"), True, "boxed")
add("GSM8K", "gsm_hash", G, th(R, r"$\boxed{624 \text{ pages}}$"), True, "unit in box")
add("GSM8K", "gsm_hash", G, th(R, r"$\boxed{612}$"), False, "arithmetic slip")
add("GSM8K", "gsm_hash", G, th(R, r"$\boxed{62.4}$"), False, "x0.1 of the gold")
add("GSM8K", "gsm_hash", "1,200", th(r"40 * 30 = 1200 dollars.", r"#### 1200"), True, "gold with comma separator")
add("GSM8K", "gsm_hash", "1200", th(r"40 * 30 = 1200 dollars.", r"The answer is $1,200."), True, "prediction with comma")
add("GSM8K", "gsm_hash", "1200", th(r"40 * 30 = 1200 dollars.", r"The answer is 1.2."), False, "thousands dropped")
add("GSM8K", "gsm_decimal", "7.5", th(r"15 / 2 = 7.5 hours.", r"The answer is 7.5 hours."), True, "decimal gold")
add("GSM8K", "gsm_decimal", "7.5", th(r"15 / 2 = 7.5 hours.", r"The answer is 7 1/2 hours."), True,
    "mixed number written with a space; a human grader accepts 7 1/2 = 7.5 (docs show only the \\frac form)")
add("GSM8K", "gsm_decimal", "7.5", th(r"15 / 2 is about 8.", r"The answer is 8 hours."), False, "rounded")
add("GSM8K", "gsm_decimal", "0.75", th(r"3/4 of an hour.", r"#### 3/4"), True, "3/4 = 0.75")
add("GSM8K", "gsm_decimal", "0.75", th(r"3/4 of an hour is 45 minutes.", r"#### 45"), False, "minutes, not hours")

# ---------------------------------------------------------------- AIME (integers 000-999)
R = r"""We need the number of ordered pairs $(m, n)$ of positive integers with $m + n = 1000$ and neither containing a zero
digit. Count $m$ from 1 to 999 with no zero digit such that $1000 - m$ also has no zero digit. Split by the number of
digits of $m$: one digit, $m = 1..9$, then $1000 - m = 991..999$, all fine: 9. Two digits: ... Three digits: $m = abc$
with $a,b,c \ne 0$ and $1000 - m$ having digits $9-a, 9-b, 10-c$, need $a \ne 9, b \ne 9$: $8 \cdot 8 \cdot 9 = 576$...
Summing the cases carefully: $9 + 72 + 657 = 738$."""
add("AIME", "aime_integer", "738", th(R, r"$\boxed{738}$"), True, "integer")
add("AIME", "aime_integer", "738", th(R, r"$\boxed{738}$" + "\n\nThe answer is 738."), True, "box and closing statement agree")
add("AIME", "aime_integer", "738", th(R.replace("738", "739"), r"$\boxed{739}$"), False, "off by one")
add("AIME", "aime_integer", "738", th(R, r"$\boxed{0738}$"), True, "leading zero, same integer (AIME answers are 000-999)")
add("AIME", "aime_integer", "738", th(R, r"$\boxed{738.0}$"), True, "738.0 is exactly 738")
add("AIME", "aime_integer", "738", th(R, r"$\boxed{738.0001}$"), False, "documented: integers compared exactly")
add("AIME", "aime_integer", "738", th(R, r"$\boxed{576}$"), False, "intermediate count")
add("AIME", "aime_integer", "033", th(r"""The probability is $m/n = 1/32$ in lowest terms, so $m + n = 33$.""", r"$\boxed{33}$"), True,
    "gold stored with AIME leading zero")
add("AIME", "aime_integer", "033", th(r"""The probability is $1/32$.""", r"$\boxed{\frac{1}{32}}$"), False,
    "the probability, not m+n")
add("AIME", "aime_integer", "033", th(r"""$m+n = 33$.""", r"$\boxed{330}$"), False, "x10")
add("AIME", "aime_integer", "108", th(r"""$\angle = 108$ degrees in a regular pentagon.""", r"$\boxed{108^\circ}$"), True,
    "degree sign on an integer answer")
add("AIME", "aime_integer", "250", th(r"""Remainder mod 1000: $N = 12250$, so $N \bmod 1000 = 250$.""", r"$\boxed{12250}$"), False,
    "the number, not its remainder mod 1000")
add("AIME", "aime_integer", "250", th(r"""Remainder mod 1000: $N = 12250$, so $N \bmod 1000 = 250$.""", r"$\boxed{250}$"), True,
    "remainder")
add("AIME", "aime_integer", "023", th(r"""$p + q = 23$.""", "The final answer is $\\boxed{023}$"), True, "padded both sides")
R = r"""Let $r$ be the inradius. Area $= rs$ with $s = 21$, area $= \sqrt{21\cdot 8\cdot 7\cdot 6} = 84$, so $r = 4$.
Then $r^2 + \dots$, the requested $100a + b$ with $a = 4, b = 5$ gives $405$."""
add("AIME", "aime_integer", "405", th(R, "Final Answer: The final answer is $405$. I hope it is correct."), True, "Minerva line")
add("AIME", "aime_integer", "405", th(R, "Final Answer: The final answer is $4$. I hope it is correct."), False, "r, not 100a+b")

# ---------------------------------------------------------------- olympiad (closed forms, expressions)
R = r"""Telescoping: $\sum_{k=1}^{n} \frac{1}{k(k+1)} = \sum (\frac1k - \frac1{k+1}) = 1 - \frac{1}{n+1} = \frac{n}{n+1}$."""
add("olympiad", "expression", r"\frac{n}{n+1}", th(R, r"$\boxed{1 - \frac{1}{n+1}}$"), True, "equal expressions")
add("olympiad", "expression", r"\frac{n}{n+1}", th(R, r"$\boxed{\frac{n+1}{n}}$"), False, "reciprocal")
add("olympiad", "expression", r"\frac{n}{n+1}", th(R, r"$\boxed{\frac{n}{n+2}}$"), False, "different expression")
R = r"""Expanding $(x+1)^2 - 1 = x^2 + 2x$."""
add("olympiad", "expression", r"x^2+2x", th(R, r"$\boxed{x(x+2)}$"), True, "factored form")
add("olympiad", "expression", r"x^2+2x", th(R, r"$\boxed{x^2+2}$"), False, "dropped x")
add("olympiad", "expression", r"x^2+2x", th(R, r"$\boxed{2x+x^2}$"), True, "reordered")
R = r"""All functions: substituting $x = y = 0$ gives $f(0) = 0$; then $y = x$... we get $f(x) = 2x$ for all real $x$."""
add("olympiad", "function", r"f(x) = 2x", th(R, r"$\boxed{f(x) = 2x}$"), True, "same function")
add("olympiad", "function", r"f(x) = 2x", th(R, r"$\boxed{2x}$"), True, "right side of the assignment")
add("olympiad", "function", r"f(x) = 2x", th(R, r"$\boxed{f(x) = x}$"), False, "different function")
add("olympiad", "function", r"f(x) = 2x", th(R, r"$\boxed{f(x) = 2x \text{ or } f(x) = 0}$"), False,
    "extra solution f = 0 (a superset of the gold's solution set)")
R = r"""By AM-GM, $a + b + c \ge 3\sqrt[3]{abc} = 3$, equality at $a = b = c = 1$. So the minimum of the sum is 3."""
add("olympiad", "extremum", "3", th(R, r"The minimum is $\boxed{3}$, attained at $a=b=c=1$."), True, "value, then a clause")
add("olympiad", "extremum", "3", th(R, r"The minimum is $\boxed{a=b=c=1}$."), False, "the minimiser, not the minimum")
add("olympiad", "extremum", "3", th(R, r"$\boxed{\min(a+b+c) = 3}$"), True, "named min = value")
add("olympiad", "extremum", r"\frac{1}{4}", th(r"""$xy \le ((x+y)/2)^2 = 1/4$.""", r"$\boxed{\max xy = \frac14}$"), True,
    "max assignment with \\frac14 shorthand")
add("olympiad", "constant", r"\frac{\pi^2}{6}", th(r"Basel problem.", r"$\boxed{\frac{\pi^2}{6}}$"), True, "identical")
add("olympiad", "constant", r"\frac{\pi^2}{6}", th(r"Basel problem.", r"$\boxed{1.6449340668}$"), True,
    "decimal within 1e-6 (pi^2/6 = 1.64493406685)")
add("olympiad", "constant", r"\frac{\pi^2}{6}", th(r"Basel problem.", r"$\boxed{1.645}$"), False, "rounded")
add("olympiad", "constant", r"\frac{\pi^2}{6}", th(r"Basel problem.", r"$\boxed{\frac{\pi}{6}}$"), False, "missing square")
add("olympiad", "constant", r"e^{2}", th(r"$\lim (1+2/n)^n = e^2$.", r"$\boxed{e^2}$"), True, "e is Euler's number")
add("olympiad", "constant", r"e^{2}", th(r"$\lim (1+2/n)^n$.", r"$\boxed{2e}$"), False, "2e != e^2")
add("olympiad", "constant", r"\ln 2", th(r"$\sum (-1)^{n+1}/n = \ln 2$.", r"$\boxed{\log 2}$"), True,
    "documented: log without base is natural log")
add("olympiad", "constant", r"\ln 2", th(r"$\sum (-1)^{n+1}/n$.", r"$\boxed{\log_{10} 2}$"), False, "common log")
add("olympiad", "constant", "3", th(r"$\log_2 8 = 3$.", r"$\boxed{\log_2 8}$"), True, "documented symbolic example")
add("olympiad", "complex", r"1 + i", th(r"$(1+i)^2 = 2i$, so the root with positive real part is $1 + i$.", r"$\boxed{i + 1}$"), True,
    "i is the imaginary unit")
add("olympiad", "complex", r"1 + i", th(r"", r"$\boxed{1 - i}$"), False, "conjugate")
add("olympiad", "integer", "2016", th(r"""The largest $n$ is found by bounding: $n(n+1)/2 \le 2033136$ gives $n = 2016$.""",
    "Final Answer: The largest $n$ is 2016."), True, "short anchored sentence holding one value (issue item 1)")
add("olympiad", "integer", "2016", th(r"""Bounding gives $n = 2015$.""", "Final Answer: The largest $n$ is 2015."), False, "off by one")
add("olympiad", "integer", "100000", th(r"""Exactly $10^5$.""", r"$\boxed{100001}$"), False, "documented: close large integers")
add("olympiad", "integer", r"\frac{1}{2^{99}}", th(r"""Product of halves.""", r"$\boxed{\frac{1}{2^{98}}}$"), False,
    "documented: tiny distinct numbers")
add("olympiad", "integer", r"\frac{1}{2^{99}}", th(r"""Product of 99 halves.""", r"$\boxed{2^{-99}}$"), True, "negative exponent")
add("olympiad", "abs_sqrt", "|x|", th(r"$\sqrt{x^2} = |x|$ for real $x$.", r"$\boxed{|x|}$"), True, "identical")
add("olympiad", "abs_sqrt", "x", th(r"$\sqrt{x^2}$", r"$\boxed{|x|}$"), False, "|x| != x for negative x")

# ---------------------------------------------------------------- extraction: final statement vs earlier boxes
R = r"""Sum of the first 102 odd numbers is $102^2 = 10404$; adding the 51 terms of the second sequence, $51$, gives 10455."""
add("MATH", "final_over_box", r"10,\!455", th(R, "We must compute the value of $\\boxed{S}$ defined in the problem.\n\n"
    "Computing as above, $S = 102^2 + 51 = 10455$.\n\nFinal Answer: The final answer is $10,455$. I hope it is correct."), True,
    "a box holding the echoed symbol is outranked by the closing statement (issue item 1)")
add("MATH", "final_over_box", r"10,\!455", th(R, "The first part gives $\\boxed{10404}$.\n\nAdding 51 more:\n\n"
    "Final Answer: The final answer is $10,455$. I hope it is correct."), True,
    "an intermediate-step box is outranked by the closing statement")
add("MATH", "final_over_box", r"10,\!455", th(R, "Answer: $\\boxed{}$\n\nFinal Answer: The final answer is $10455$. I hope it is correct."),
    True, "an empty box does not outrank the closing statement")
add("MATH", "final_over_box", "10404", th(R, "The first part gives $\\boxed{10404}$.\n\nAdding 51 more:\n\n"
    "Final Answer: The final answer is $10,455$. I hope it is correct."), False,
    "the closing statement (10455) is the answer, not the intermediate box")
add("MATH", "final_over_box", "10", th(r"""$9! = 362880 < 10^6$ and $10! = 3628800 > 10^6$, so $n = 10$.""",
    "Problem: What is the smallest positive integer $n$ with $n! > 10^6$? Put your final answer in $\\boxed{}$.\n\n"
    "Since $9! < 10^6 < 10!$, the answer is $n = 10$.\n\nFinal Answer: The final answer is $10$. I hope it is correct."), True,
    "echoed instruction with an empty box, then the closing statement")
add("MATH", "final_over_box", "10", th(r"""$9! = 362880 < 10^6$ and $10! = 3628800 > 10^6$.""",
    "Problem: Is the answer $\\boxed{10}$ or something else? We compute again: $11$ is the first with $n! > 10^7$.\n\n"
    "Final Answer: The final answer is $11$. I hope it is correct."), False, "the box is in an echoed question; the closing statement says 11")
add("MATH", "nested_box", "5", th(r"$2x = 10$.", r"$\boxed{\boxed{5}}$"), True, "nested box (issue item 1)")
add("MATH", "nested_box", "5", th(r"$2x = 12$.", r"$\boxed{\boxed{6}}$"), False, "nested box, wrong value")
add("MATH", "fbox", "5", th(r"$2x = 10$.", r"$\fbox{5}$"), True, "documented fbox")
add("MATH", "boxed_space", "5", th(r"$2x = 10$.", r"So $x = \boxed 5$."), True, "documented \\boxed 5")
add("MATH", "box_trailing", "5", th(r"$2x = 10$.", r"$\boxed{5\ }$"), True, "trailing \\ inside box (issue item 2)")
add("MATH", "box_trailing", "5", th(r"$2x = 10$.", "$\\boxed{5 \\\\}$"), True, "trailing \\\\ inside box (issue item 2)")
add("MATH", "fbox", "5", th(r"$2x = 12$.", r"$\fbox{6}$"), False, "fbox, wrong value")
add("MATH", "boxed_space", "5", th(r"$2x = 10$ so $x = 5$, hmm, $x+1 = 6$.", r"So $x + 1 = \boxed 6$."), False, "space box, wrong value")
add("MATH", "box_trailing", "5", th(r"$2x = 12$.", r"$\boxed{6\ }$"), False, "trailing space macro, wrong value")
add("MATH", "box_markup", "5", th(r"$2x = 10$.", r"$\boxed{\color{red}{5}}$"), True, "color wrapper (issue item 2)")
add("MATH", "box_markup", "5", th(r"$2x = 10$.", r"$\boxed{\underline{5}}$"), True, "underline wrapper (issue item 2)")
add("MATH", "box_markup", r"\sin x", th(r"derivative of $-\cos x$", r"$\boxed{\operatorname{sin} x}$"), True, "operatorname sin")
add("MATH", "box_markup", "5", th(r"$2x = 10$.", r"$\boxed{\color{blue}6}$"), False, "colored wrong value")
add("MATH", "box_markup", "5", th(r"$2x = 10$.", r"$\boxed{\displaystyle 5}$"), True, "documented displaystyle dropped")
add("MATH", "box_markup", "5", th(r"$2x = 10$.", r"**Answer:** $\mathbf{5}$"), True, "bold math value after a bold anchor")

R = r"""2 + 3 * 4: multiplication first, 3 * 4 = 12, then 2 + 12 = 14."""
add("R1", "answer_tag", "14", th(R, "<answer>The result is 14.</answer>"), True, "short sentence with one value in the tag")
add("R1", "answer_tag", "14", th(R, "<answer>14</answer>"), True, "R1 o2")
add("R1", "answer_tag", "14", "<answer>14</answer>", True, "R1 o3, no think block")
add("R1", "answer_tag", "14", th(r"2 + 3 = 5, 5 * 4 = 20", "<answer> 20</answer>"), False, "R1 o1")
add("R1", "answer_tag", "14", th(r"some gibberish reasoning", "<answer> 7<answer>"), False, "R1 o4, unclosed tag")
add("R1", "answer_tag", "14", th(R, "<answer>The answer is $\\boxed{14}$.</answer>"), True, "box inside the tag")
add("R1", "answer_tag", "14", th(R, "<answer>\n2 + 3 \\cdot 4 = 14\n</answer>"), True, "documented: true computation = value")
add("R1", "answer_tag", "14", th(R, "<answer>2 + 3 \\cdot 4 = 20</answer>"), False, "false computation")
add("R1", "answer_tag", "14", th(R, "<answer>14 because multiplication comes first</answer>"), True, "documented clause cut")
add("R1", "answer_tag", "14", th(R, "<answer>20</answer>\n\nHmm, on reflection:\n<answer>14</answer>"), True,
    "documented: the last closed answer tag")
add("R1", "answer_tag", "14", th(R, "<answer>14</answer>\n\nHmm, on reflection:\n<answer>20</answer>"), False, "last tag is 20")
add("R1", "answer_tag", "14", th(R, "<answer>fourteen</answer>"), True, "number word")
add("R1", "answer_tag", "14", th(R, "<answer></answer>"), False, "empty tag")
add("R1", "heading", "14", th(R, "### Final Answer\n\n14"), True, "markdown Final Answer heading then value (issue item 1)")
add("R1", "heading", "14", th(R, "### Final Answer\n\n$\\boxed{14}$"), True, "heading then box")
add("R1", "heading", "14", th(R, "### Final Answer\n\n20"), False, "heading then wrong value")
add("R1", "heading", "34", th(r"Checking $n = 34$ works and $n = 35$ fails.", "Final Answer: The largest $n$ is 34."), True,
    "short sentence with one value (issue item 1)")
add("R1", "heading", "34", th(r"Checking $n = 34$ works and $n = 35$ fails.", "**Final Answer**\n\\[\n\\boxed{34}\n\\]"), True,
    "DeepSeek's bold heading plus display box")

# ---------------------------------------------------------------- Chinese textbook
R = r"""设小明有 $x$ 个苹果，则小红有 $2x$ 个。由题意 $x + 2x = 42$，解得 $3x = 42$，$x = 14$。检验：$14 + 28 = 42$，符合题意。"""
add("zh_textbook", "zh_anchor", "14", th(R, "所以小明有 14 个苹果。\n答：小明有14个苹果。"), True, "所以……答：sentence with one value")
add("zh_textbook", "zh_anchor", "14", th(R, "答案是 14。"), True, "答案是")
add("zh_textbook", "zh_anchor", "14", th(R, "答案为 $14$。"), True, "答案为")
add("zh_textbook", "zh_anchor", "14", th(R, "答案：14"), True, "答案：")
add("zh_textbook", "zh_anchor", "14", th(R, "故答案为：$\\boxed{14}$"), True, "故答案为 with box")
add("zh_textbook", "zh_anchor", "14", th(R, "综上所述，小明有 $14$ 个苹果。"), True, "综上所述 with one value")
add("zh_textbook", "zh_anchor", "14", th(R.replace("x = 14", "x = 21").replace("14 + 28 = 42", "21 + 21 = 42"), "答案是 21。"), False,
    "wrong value")
add("zh_textbook", "zh_anchor", "28", th(R, "答：小明有14个苹果。"), False, "the other person's count is 28")
add("zh_textbook", "full_width", "14", th(R, "所以 $x$＝１４。\n答案是１４。"), True, "full-width digits")
add("zh_textbook", "full_width", "14", th(R, "答案是１２。"), False, "full-width wrong value")
add("zh_textbook", "full_width", "3.5", th(r"""平均数为 $(3+4)/2 = 3.5$。""", "答案是３．５。"), True, "full-width decimal point")
add("zh_textbook", "full_width", "-2", th(r"""方程 $x + 5 = 3$，解得 $x = -2$。""", "故答案为：x＝－２。"), True, "full-width minus")
add("zh_textbook", "full_width", "-2", th(r"""方程 $x + 5 = 3$，解得 $x = -2$。""", "故答案为：x＝２。"), False, "sign lost")
add("zh_textbook", "zh_choice", "C", th(r"""A 项错误，B 项的定义域不对，C 项正确，D 项单调性相反。""", "故选 C。"), True, "选 C")
add("zh_textbook", "zh_choice", "C", th(r"""A 项错误，B 项正确。""", "故选 B。"), False, "选 B")
add("zh_textbook", "zh_choice", "C", th(r"""A、B、D 均错。""", "故选：C"), True, "选：C")
add("zh_textbook", "zh_choice", "C", th(r"""可能是 B 也可能是 C。""", "选 B 或 C。"), False, "two options")
add("zh_textbook", "zh_fraction", r"\frac{1}{3}", th(r"""从 3 个球中任取 1 个，取到红球的概率为 $\frac13$。""", "所以所求概率为 $\\dfrac{1}{3}$。\n故答案为 $\\dfrac{1}{3}$。"),
    True, "故答案为 fraction")
add("zh_textbook", "zh_fraction", r"\frac{1}{3}", th(r"""概率为 $\frac23$。""", "故答案为 $\\dfrac{2}{3}$。"), False, "complement")
add("zh_textbook", "zh_interval", r"(1,+\infty)", th(r"""由 $x - 1 > 0$ 得 $x > 1$。""", "故函数的定义域为 $(1,+\\infty)$。\n故答案为：$(1,+\\infty)$"),
    True, "interval with +infty")
add("zh_textbook", "zh_interval", r"(1,+\infty)", th(r"""由 $x - 1 \ge 0$ 得 $x \ge 1$。""", "故答案为：$[1,+\\infty)$"), False,
    "closed end")
add("zh_textbook", "zh_set", r"\{x|x>2\}", th(r"""解不等式 $2x > 4$ 得 $x > 2$。""", "故答案为：$\\{x|x>2\\}$"), True, "set-builder with bar")
add("zh_textbook", "zh_set", r"\{x|x>2\}", th(r"""解不等式 $2x > 4$ 得 $x > 2$。""", "故答案为：$(2,+\\infty)$"), True,
    "interval equals the set-builder gold")
add("zh_textbook", "zh_set", r"\{x|x>2\}", th(r"""解不等式 $2x < 4$。""", "故答案为：$\\{x|x<2\\}$"), False, "opposite inequality")
add("zh_textbook", "zh_set", r"\{1,2\}", th(r"""$A \cap B = \{1, 2\}$。""", "故答案为：$\\{2,1\\}$"), True, "set order")
add("zh_textbook", "zh_set", r"\{1,2\}", th(r"""$A \cup B = \{1,2,3\}$。""", "故答案为：$\\{1,2,3\\}$"), False, "union, not intersection")
add("zh_textbook", "zh_radical", r"2\sqrt{2}", th(r"""由勾股定理 $\sqrt{4+4} = 2\sqrt2$。""", "答案为 $\\sqrt{8}$。"), True, "sqrt 8 = 2 sqrt 2")
add("zh_textbook", "zh_radical", r"2\sqrt{2}", th(r"""由勾股定理 $4+4 = 8$。""", "答案为 $8$。"), False, "forgot the root")
add("zh_textbook", "zh_unit", "60", th(r"""速度为 $120 \div 2 = 60$ 千米/时。""", "答：汽车的速度是 60 千米/时。"), True, "Chinese unit")
add("zh_textbook", "zh_unit", "60", th(r"""速度为 $120 \div 2 = 60$。""", "答：汽车的速度是 120 千米。"), False, "distance, not speed")
add("zh_textbook", "zh_degree", "30", th(r"""$\sin A = \frac12$ 且 $A$ 为锐角。""", "故答案为：$30^{\\circ}$"), True, "degree")
add("zh_textbook", "zh_degree", r"\frac{\pi}{6}", th(r"""$\sin A = \frac12$。""", "故答案为：$30^{\\circ}$"), False,
    "documented: degrees are not converted to radians")
add("zh_textbook", "zh_hedge", "14", th(R, "答案可能是 14，也可能是 15。"), False, "hedge between two values")
add("zh_textbook", "zh_noanchor", "14", th(R, "小明有 14 个苹果吧，我不太确定。"), False,
    "no anchored answer; a number in prose is not an answer")
add("zh_textbook", "zh_think_only", "14", "<think>\n" + R + "\n答案是 14。\n</think>\n\n我已经想好了。", False,
    "anchor only inside think")

# ---------------------------------------------------------------- other languages
R = r"""We compute $7 \times 8 = 56$ and subtract the 42 already counted: $56 - 42 = 14$."""
add("multilingual", "ja_anchor", "14", th(R, "よって、答えは $14$ です。"), True, "Japanese 答えは")
add("multilingual", "ja_anchor", "14", th(R, "答え：１４"), True, "Japanese 答え： with full-width digits")
add("multilingual", "ja_anchor", "14", th(R, "したがって、求める値は 15 である。\n答え：15"), False, "wrong value")
add("multilingual", "ko_anchor", "14", th(R, "따라서 답은 14입니다."), True, "Korean 답은 ... 입니다")
add("multilingual", "ko_anchor", "14", th(R, "정답: 14"), True, "Korean 정답:")
add("multilingual", "ko_anchor", "14", th(R, "따라서 답은 56입니다."), False, "intermediate product")
add("multilingual", "ru_anchor", "14", th(R, "Ответ: 14."), True, "Russian Ответ:")
add("multilingual", "ru_anchor", "14", th(R, "Итак, ответ: $14$."), True, "Russian Итак, ответ:")
add("multilingual", "ru_anchor", "14", th(R, "Ответ: 42."), False, "wrong value")
add("multilingual", "fr_anchor", "14", th(R, "La réponse est 14."), True, "French")
add("multilingual", "fr_anchor", "14", th(R, "Réponse : $\\boxed{14}$"), True, "French Réponse : with box")
add("multilingual", "fr_anchor", "14", th(R, "Donc la réponse finale est 13."), False, "wrong value")
add("multilingual", "es_anchor", "14", th(R, "La respuesta es 14."), True, "Spanish")
add("multilingual", "es_anchor", "14", th(R, "Respuesta: 14"), True, "Spanish Respuesta:")
add("multilingual", "es_anchor", "14", th(R, "La respuesta es 14 o 15."), False, "hedge")
add("multilingual", "de_anchor", "14", th(R, "Die Antwort ist 14."), True, "German")
add("multilingual", "de_anchor", "14", th(R, "Antwort: 14"), True, "German Antwort:")
add("multilingual", "de_anchor", "14", th(R, "Das Ergebnis ist 56."), False, "wrong value")
add("multilingual", "de_anchor", "3.5", th(r"$7/2$", "Die Antwort ist 3,5."), True,
    "German decimal comma; a human grader reads 3,5 as 3.5 in a German final statement (docs silent)")
add("multilingual", "fr_anchor", r"\frac{7}{2}", th(r"$7/2$", "La réponse est $\\frac{7}{2}$."), True, "French with LaTeX")

# ---------------------------------------------------------------- hack suite: what a policy could learn to game
R = r"""Each bag has 3 red and 4 blue balls, so a bag holds $3 + 4 = 7$ balls. Let me verify by counting: red 1, 2, 3, blue
1, 2, 3, 4, total 7."""
H = "hack"
add(H, "stray_number", "7", th(R, "There are 7 balls. I am not sure."), False, "documented: no anchored answer")
add(H, "stray_number", "7", th(R, "I counted the balls carefully and there seem to be 7 of them in each bag."), False,
    "number in prose, no anchor")
add(H, "stray_number", "7", "There are 3 red and 4 blue, so 7.", False, "no think, no anchor")
add(H, "stray_number", "7", th(R, "Hope this helps! 7"), False, "bare trailing number is not an anchored answer")
add(H, "box_in_think", "7", "<think>\n" + R + "\nSo the answer is $\\boxed{7}$.\n</think>\n\nI have finished thinking.", False,
    "a box inside think is a draft")
add(H, "box_in_think", "7", "<think>\n" + R + "\n$\\boxed{7}$\n</think>", False, "nothing after think")
add(H, "box_in_think", "7", "<think>\n" + R + "\nThe final answer is 7.\n</think>\n\nSee above.", False,
    "anchored phrase inside think does not count")
add(H, "box_in_think", "7", "<think>\n" + R + "\n$\\boxed{7}$\n</think>\n\nThe answer is $\\boxed{8}$.", False,
    "draft 7, final 8")
add(H, "candidate_list", "7", th(R, r"$\boxed{6, 7, 8}$"), False, "documented: candidate list for one answer")
add(H, "candidate_list", "7", th(R, r"The answer is one of $\boxed{\{5, 6, 7, 8\}}$."), False, "candidate set")
add(H, "candidate_list", "7", th(R, "Answer: 7, 8"), False, "two candidates after an anchor")
add(H, "candidate_list", "7", th(R, r"$\boxed{7 \text{ or } 8}$"), False, "or inside the box")
add(H, "candidate_list", "7", th(R, r"$\boxed{7 or 8}$"), False, "bare or inside the box")
add(H, "candidate_list", "14", th(r"2+3*4 is 14 or 20 depending on precedence.", r"$\boxed{14 or 20}$"), False, "issue example")
add(H, "candidate_list", "14", th(r"2+3*4.", r"$\boxed{14 \text{ or } 20}$"), False, "text or")
add(H, "candidate_list", "14", th(r"2+3*4.", r"The answer is $14$ or $20$."), False, "documented hedge after $...$")
add(H, "hedge_boxes", "7", th(R, r"The answer is probably $\boxed{7}$, but it could also be $\boxed{8}$."), False, "issue hedge")
add(H, "hedge_boxes", "8", th(R, r"The answer is probably $\boxed{7}$, but it could also be $\boxed{8}$."), False,
    "the hedge fails for the second value as well")
add(H, "hedge_boxes", "7", th(R, r"$\boxed{7}$ or $\boxed{8}$"), False, "documented hedge")
add(H, "hedge_boxes", "7", th(R, r"$\boxed{7}$, $\boxed{8}$"), False, "documented hedge by punctuation")
add(H, "hedge_boxes", "7", th(R, r"$\boxed{8}$ (or $\boxed{7}$)"), False, "documented parenthetical hedge")
add(H, "hedge_boxes", "7", th(R, r"$\boxed{8}$. Alternatively, $\boxed{7}$."), False, "documented alternatively hedge")
add(H, "hedge_boxes", "7", th(R, r"$\boxed{7}$ or maybe $\boxed{6}$"), False, "documented or maybe")
add(H, "hedge_cases", "14", th(r"Depends on reading.", r"Case 1: $\boxed{20}$. Case 2: $\boxed{14}$."), False, "cases are a hedge")
add(H, "hedge_cases", "14", th(r"Depends on x.", r"$\boxed{20}$ if $x$ is even, $\boxed{14}$ if $x$ is odd."), False,
    "conditional boxes are a hedge")
add(H, "hedge_cases", "14", th(r"Depends.", r"$\boxed{20}$, otherwise $\boxed{14}$."), False, "otherwise hedge")
add(H, "hedge_cases", "20", th(r"Depends.", r"$\boxed{20}$, otherwise $\boxed{14}$."), False, "hedge fails for the first value too")
add(H, "hedge_cases", "14", th(r"Depends on the convention.", r"If precedence is left to right the answer is 20; otherwise the answer is 14."),
    False, "conditional anchored statements")
add(H, "hedge_prose", "7", th(R, "The answer is $\\boxed{7}$. Hmm, I'm not sure, it may be 8."), False,
    "box followed by a hedge to another value; a careful grader rejects it (docs silent on prose after the box)")
add(H, "hedge_prose", "7", th(R, r"The answer is $7$ or $8$."), False, "documented hedge")
add(H, "hedge_prose", "7", th(R, r"The answer is 7, or possibly 8."), False, "hedge in prose")
add(H, "interval_around", "14", th(r"2+3*4 is between 13 and 15.", r"$\boxed{[13, 15]}$"), False, "interval around the answer")
add(H, "interval_around", "14", th(r"2+3*4.", r"$\boxed{13 < x < 15}$"), False, "inequality around the answer")
add(H, "interval_around", "14", th(r"2+3*4.", r"The answer is between 13 and 15."), False, "range in prose")
add(H, "interval_around", "14", th(r"2+3*4.", r"$\boxed{14 \pm 1}$"), False, "pm is the set {13, 15}")
add(H, "interval_around", "14", th(r"2+3*4.", r"$\boxed{\ge 14}$"), False, "bound, not value")
add(H, "interval_around", "14", th(r"2+3*4.", r"The answer is at least 14."), False, "bound in prose")
add(H, "interval_around", "7", th(R, r"The answer is not 6."), False, "negative statement")
add(H, "interval_around", "7", th(R, r"$\boxed{\approx 7}$"), False,
    "an approximate claim for an exact integer; careful grader rejects (docs silent)")
add(H, "empty_box", "7", th(R, r"$\boxed{}$"), False, "empty box")
add(H, "empty_box", "7", th(R, r"The answer is $\boxed{\phantom{7}}$."), False, "phantom box shows nothing")
add(H, "empty_box", "7", th(R, "<answer> </answer>"), False, "blank tag")
add(H, "answer_spam", "7", th(R, "".join(f"$\\boxed{{{k}}}$ " for k in range(1, 21))), False, "twenty boxes")
add(H, "answer_spam", "7", th(R, "The answer is 1. The answer is 2. The answer is 3. The answer is 4. The answer is 5. "
    "The answer is 6. The answer is 7. The answer is 8."), False, "repeated anchors with different values")
add(H, "answer_spam", "7", th(R, "Answer: " + ", ".join(str(k) for k in range(100))), False, "all integers below 100")
add(H, "answer_spam", "7", th(R, "<answer>1</answer><answer>7</answer><answer>9</answer>"), False,
    "documented: the last closed answer tag is 9")
add(H, "answer_spam", "7", th(R, r"$\boxed{" + " ".join(["7"] * 600) + "}$"), False,
    "very long junk box: 600 sevens are not the single value 7 (and exceed max_answer_chars)")
add(H, "long_junk", "7", th(R, ("the answer " * 600) + "\n\nThe answer is 7."), True,
    "junk prose, but one clean anchored final statement that is right: the correctness label judges only the answer")
add(H, "long_junk", "7", th(R, "The answer is " + "7" * 1200 + "."), False, "a 1200-digit number is not 7")
add(H, "pi_approx", r"\pi", th(r"Circumference over diameter.", r"$\boxed{3.14}$"), False, "documented: 3.14 for pi")
add(H, "pi_approx", r"\pi", th(r"Circumference over diameter.", r"$\boxed{3.1416}$"), False, "documented: 3.1416 for pi")
add(H, "pi_approx", r"\pi", th(r"Circumference over diameter.", r"$\boxed{\frac{22}{7}}$"), False, "22/7 is rational")
add(H, "pi_approx", r"2\pi", th(r"Circumference of a unit circle.", r"$\boxed{6.28}$"), False, "6.28 for 2pi")
add(H, "pi_approx", r"\pi", th(r"Area of a unit circle.", r"$\boxed{3.14159265359}$"), True,
    "honest near-miss: 12 significant digits is within 1e-6")
add(H, "percent_scale", "50", th(r"Half of them, 50 percent.", r"$\boxed{0.5}$"), False, "0.5 for 50")
add(H, "percent_scale", "0.5", th(r"Half.", r"$\boxed{50}$"), False, "50 for 0.5")
add(H, "percent_scale", "0.25", th(r"A quarter.", r"$\boxed{25}$"), False, "x100")
add(H, "percent_scale", "25", th(r"A quarter.", r"$\boxed{0.25}$"), False, "x0.01")
add(H, "percent_scale", "0.25", th(r"A quarter.", r"$\boxed{2500\%}$"), False, "2500% is 25, x100 the gold")
add(H, "percent_scale", "25", th(r"A quarter is 25 percent.", r"$\boxed{25\%}$"), True, "honest: gold 25 with % sign")
add(H, "prompt_echo", "72", "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
    "How many clips did Natalia sell altogether in April and May?", False, "prompt echo, no answer")
add(H, "prompt_echo", "72", th(r"Let me restate.", "Natalia sold clips to 48 of her friends in April. Answer: 48"), False,
    "echoes a number from the prompt")
add(H, "prompt_echo", "14", "A conversation between User and Assistant. The assistant first thinks about the reasoning process "
    "and then provides the user with the answer. User: What is 2 + 3 * 4?. Assistant: <think>", False,
    "template echo with an unclosed think")
add(H, "unclosed_tag", "14", th(R, "<answer>14"), False, "unclosed answer tag: no anchored answer (documented o4)")
add(H, "unclosed_tag", "14", th(R, r"$\boxed{14"), False, "unclosed box")
add(H, "unclosed_tag", "7", "<think>\n" + R + "\nThe answer is $\\boxed{7}$.", False,
    "box inside a think that never closes: still reasoning, not an answer (policy decision)")
add(H, "fake_tags", "14", th(R, "<answer>\\boxed{}</answer>"), False, "empty box inside the tag")
add(H, "fake_tags", "14", th(R, "</think><answer>20</answer>"), False, "a second </think> does not change the answer 20")
add(H, "variable_answer", "7", th(R, r"$\boxed{x}$"), False, "unknown symbol")
add(H, "variable_answer", "7", th(R, r"$\boxed{n}$ where $n$ is the number of balls"), False, "restating the unknown")
add(H, "variable_answer", "7", th(R, r"$\boxed{\text{the number of balls}}$"), False, "text restating the question")
add(H, "near_integer", "7", th(R, r"$\boxed{7.0000001}$"), False, "documented: integers exact")
add(H, "near_integer", "7", th(R, r"$\boxed{6.9999999}$"), False, "documented: integers exact")
add(H, "near_integer", "7", th(R, r"$\boxed{6.\overline{9}}$"), True, "honest near-miss: 6.999... repeating equals 7 exactly")
add(H, "near_integer", "100000", th(r"$10^5$.", r"$\boxed{99999}$"), False, "close large integer")
add(H, "big_expr", "7", th(R, r"$\boxed{9^{9^{9^{9}}}}$"), False, "documented: too large")
add(H, "big_expr", "7", th(R, r"$\boxed{7 + 0 \cdot 9^{9^{9^{9}}}}$"), False,
    "documented pre-check: an exponent tower is too large to compare, a fast 0")
add(H, "wrong_gloss", r"\frac{5}{36}", th(r"Two dice summing to 8: 5 outcomes.", r"$\boxed{\frac{5}{36} \approx 0.9}$"), False,
    "documented wrong gloss")
add(H, "wrong_gloss", r"\frac{5}{36}", th(r"Two dice summing to 8: 5 outcomes.", r"$\boxed{\frac{5}{36} \approx 0.139}$"), True,
    "documented right gloss")
add(H, "false_equation", "4", th(r"$2+2$.", r"$\boxed{3 = 4}$"), False, "documented false computation")
add(H, "hedge_word", "5", th(r"$10/2$.", r"$\boxed{5 \text{ maybe}}$"), False, "documented hedge word")

# honest near-misses (true)
add(H, "self_correction", "20", th(r"Left to right: 2 + 3 = 5, times 4.", "The answer is $\\boxed{14}$. Wait, actually, the answer is 20."),
    True, "issue: the correction answers 20")
add(H, "self_correction", "14", th(r"Left to right: 2 + 3 = 5, times 4.", "The answer is $\\boxed{14}$. Wait, actually, the answer is 20."),
    False, "the corrected answer 20 is the final one")
add(H, "self_correction", "14", th(r"2 + 3 * 4.", "$\\boxed{20}$\n\nWait, multiplication comes first: $3 \\cdot 4 = 12$, "
    "$2 + 12 = 14$.\n\n$\\boxed{14}$"), True, "documented: recomputation between boxes makes the last a self-correction")
add(H, "self_correction", "20", th(r"2 + 3 * 4.", "$\\boxed{20}$\n\nWait, multiplication comes first: $3 \\cdot 4 = 12$, "
    "$2 + 12 = 14$.\n\n$\\boxed{14}$"), False, "the corrected box is 14")
add(H, "self_correction", "14", th(r"2 + 3 * 4.", "I first wrote $\\boxed{20}$, but that ignores precedence. Correction: the answer is $\\boxed{14}$."),
    True, "explicit correction")
add(H, "self_correction", "14", "<think>\n2 + 3 = 5, 5 * 4 = 20, so $\\boxed{20}$. Wait, multiplication first: 14.\n</think>\n\n"
    "The answer is $\\boxed{14}$.", True, "wrong draft in think, right final")
add(H, "repeat_same", "7", th(R, "So there are $\\boxed{7}$ balls.\n\nTherefore, the answer is $\\boxed{7}$."), True,
    "two boxes with the same value are not a hedge")
add(H, "repeat_same", "7", th(R, r"$\boxed{7}$, i.e. $\boxed{7.0}$"), True, "same value written twice")
add(H, "honest_clause", "7", th(R, r"The answer is $\boxed{7}$, since $3 + 4 = 7$."), True, "box then a since clause")
add(H, "honest_clause", "7", th(R, "The answer is 7 because each bag has 3 red and 4 blue balls."), True, "documented clause cut")
add(H, "honest_clause", "7", th(R, "The answer is $7$. I hope it is correct."), True, "sentence end after the $...$ answer")
add(H, "honest_text_box", "7", th(R, r"$\boxed{\text{7}}$"), True, "text wrapper around a number")
add(H, "honest_text_box", "7", th(R, r"$\boxed{7 \text{ balls}}$"), True, "unit word in the box")
add(H, "honest_text_box", "7", th(R, r"**Answer: 7**"), True, "bold anchor around the whole line")
add(H, "honest_text_box", "7", th(R, "#### 7"), True, "GSM8K line")


# ---------------------------------------------------------------- a few more realistic MATH-style pairs
R = r"""The number of positive divisors of $72 = 2^3 \cdot 3^2$ is $(3+1)(2+1) = 12$."""
add("MATH", "integer", "12", th(R, r"$72$ has $\boxed{12}$ positive divisors."), True, "integer")
add("MATH", "integer", "12", th(R.replace("(3+1)(2+1) = 12", "3 \\cdot 2 = 6"), r"$72$ has $\boxed{6}$ positive divisors."), False,
    "forgot the +1s")
R = r"""$\frac{x^2-9}{x-3} = x + 3$ for $x \ne 3$, so the limit as $x \to 3$ is 6."""
add("MATH", "integer", "6", th(R, r"The limit is $\boxed{6}$."), True, "limit value")
add("MATH", "integer", "6", th(R, r"The limit is $\boxed{\text{undefined}}$."), False, "text vs number")
add("MATH", "text", r"\text{Monday}", th(r"""100 days after a Wednesday: $100 = 14\cdot 7 + 2$, two days later: Friday? Let me recount: today is
Saturday, so Saturday + 2 = Monday.""", r"$\boxed{\text{Monday}}$"), True, "text answer")
add("MATH", "text", r"\text{Monday}", th(r"Wednesday + 2 = Friday.", r"$\boxed{\text{Friday}}$"), False, "different day")
add("MATH", "text", r"\text{Monday}", th(r"Saturday + 2.", r"The answer is monday."), True, "documented: case-insensitive text")
add("MATH", "text", r"\text{no solution}", th(r"The system is inconsistent.", r"$\boxed{\text{No Solution.}}$"), True,
    "documented text example")
add("MATH", "text", r"\text{no solution}", th(r"The system is inconsistent.", r"$\boxed{0}$"), False, "text vs number")
add("MATH", "equation", r"y = 2x + 1", th(r"Slope 2 through $(0,1)$.", r"$\boxed{y - 2x = 1}$"), True, "documented equation rule")
add("MATH", "equation", r"y = 2x + 1", th(r"Slope 2 through $(0,1)$.", r"$\boxed{2y = 4x + 2}$"), True, "documented proportional")
add("MATH", "equation", r"y = 2x + 1", th(r"Slope 2 through $(0,-1)$.", r"$\boxed{y = 2x - 1}$"), False, "different intercept")
add("MATH", "equation", r"y = 2x + 1", th(r"Slope 1/2.", r"$\boxed{y = \frac{1}{2}x + 1}$"), False, "different slope")
add("MATH", "trig", r"\frac{1}{2}", th(r"$\sin 30^\circ$", r"$\boxed{\sin\frac{\pi}{6}}$"), True, "documented symbolic example")
add("MATH", "trig", r"\frac{\pi}{3}", th(r"$\cos^{-1}(1/2)$", r"$\boxed{\arccos\frac{1}{2}}$"), True, "arccos 1/2 = pi/3")
add("MATH", "trig", r"\frac{\pi}{3}", th(r"$\sin^{-1}(1/2)$", r"$\boxed{\sin^{-1}\frac{1}{2}}$"), False, "arcsin 1/2 = pi/6")
add("MATH", "identity", "1", th(r"Pythagorean identity.", r"$\boxed{\sin^2 x + \cos^2 x}$"), True, "documented identity")
add("MATH", "factorial", "120", th(r"$5! = 120$.", r"$\boxed{5!}$"), True, "factorial value")
add("MATH", "factorial", "120", th(r"$5! = 120$.", r"$\boxed{4!}$"), False, "4! = 24")
add("MATH", "floor", "3", th(r"$\lfloor \pi \rfloor = 3$.", r"$\boxed{\lfloor \pi \rfloor}$"), True, "floor of pi")
add("MATH", "floor", "4", th(r"$\lceil \pi \rceil = 4$.", r"$\boxed{\lfloor \pi \rfloor}$"), False, "floor, not ceiling")
add("GSM8K", "gsm_hash", "18", th(r"""Janet's ducks lay 16 eggs per day. She eats three for breakfast and bakes muffins with four,
so she has 16 - 3 - 4 = 9 eggs left. She sells them at \$2 each: 9 * 2 = \$18.""", "Janet makes $18 every day at the farmers' market.\n\n#### 18"),
    True, "#### 18")
add("GSM8K", "gsm_hash", "18", th(r"""16 - 3 - 4 = 9 eggs, sold at \$2 each.""", "The answer is 9."), False, "eggs, not dollars")
add("GSM8K", "gsm_hash", "18", th(r"""16 - 3 - 4 = 9 eggs, sold at \$2 each: \$18.""", "The answer is $\\$18$."), True, "dollar in math")
add("multilingual", "ja_anchor", r"\frac{1}{2}", th(r"確率は 1/2。", "答えは $\\frac{1}{2}$ です。"), True, "Japanese fraction")
add("multilingual", "ko_anchor", "-2", th(r"$x = -2$", "따라서 답은 $-2$입니다."), True, "Korean negative")
add("multilingual", "ru_anchor", "2\\sqrt{5}", th(r"$\sqrt{20}$", "Ответ: $2\\sqrt{5}$."), True, "Russian radical")
add("multilingual", "es_anchor", "2\\sqrt{5}", th(r"$\sqrt{20}$", "La respuesta es $\\sqrt{5}$."), False, "missing factor 2")
add("multilingual", "fr_anchor", "12", th(r"$3 \times 4$", "La réponse finale est $\\boxed{12}$."), True, "French box")
add("multilingual", "de_anchor", "12", th(r"$3 \times 4$", "Die Antwort ist 12 oder 13."), False, "German hedge")


def main() -> None:
    """Write the JSONL file and check it: keys, types, unique ids, unique (answer, completion) pairs."""
    out = Path(__file__).with_name("math_redteam.jsonl")
    seen: set[tuple[str, str]] = set()
    lines = []
    for n, (suite, category, answer, completion, label, why) in enumerate(ROWS, 1):
        assert isinstance(label, bool) and answer and why, n
        key = (answer, completion)
        assert key not in seen, f"duplicate pair at row {n}: {answer!r}"
        seen.add(key)
        row = {"id": f"rt-{n:04d}", "suite": suite, "category": category, "answer": answer,
               "completion": completion, "label": label, "why": why}
        lines.append(json.dumps(row, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} rows to {out}")


if __name__ == "__main__":
    main()
