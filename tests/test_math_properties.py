"""Property tests of math verification with the strategies shipped in `rewardkit.testing.math`, and the
Scorer contract (`check_scorer`) on the math scorer."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewardkit.core import Status
from rewardkit.scorers.math import MathScorer
from rewardkit.testing import check_scorer
from rewardkit.testing.math import (
    equivalent_pairs,
    intervals,
    near_miss_pairs,
    percent_pairs,
    rationals,
    shuffled_sets,
    symbolic_pairs,
)
from rewardkit.testing.strategies import completions, samples

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def scorer():
    scorer = MathScorer(timeout_s=2.0)
    yield scorer
    scorer.close()


@FAST
@given(pair=equivalent_pairs())
def test_equivalent_forms_always_verify(scorer, pair):
    got = scorer.compare(*pair)
    assert got.value == 1.0, (pair, got.reason)


@FAST
@given(pair=equivalent_pairs())
def test_exact_forms_verify_symmetrically(scorer, pair):
    gold, pred = pair
    assert scorer.compare(gold, pred).value == scorer.compare(pred, gold).value == 1.0


@FAST
@given(pair=percent_pairs())
def test_percent_one_reading_per_gold(scorer, pair):
    assert scorer.compare(*pair).value == 1.0, pair


@FAST
@given(pair=shuffled_sets() | intervals())
def test_shuffled_sets_and_intervals_verify(scorer, pair):
    got = scorer.compare(*pair)
    assert got.value == 1.0, (pair, got.reason)
    assert scorer.compare(pair[1], pair[0]).value == 1.0


@SLOW
@given(pair=symbolic_pairs())
def test_symbolic_forms_verify(scorer, pair):
    got = scorer.compare(*pair)
    assert got.value == 1.0, (pair, got.reason)


@FAST
@given(pair=near_miss_pairs())
def test_near_misses_never_verify(scorer, pair):
    got = scorer.compare(*pair)
    assert got.value == 0.0 and got.status is Status.OK, (pair, got.reason)


@FAST
@given(a=rationals(), b=rationals())
def test_distinct_values_never_verify(scorer, a, b):
    got = scorer.compare(f"{a.numerator}/{a.denominator}", f"\\frac{{{b.numerator}}}{{{b.denominator}}}")
    assert got.value == (1.0 if a == b else 0.0), got.reason


_hostile = st.text(alphabet="0123456789+-*/^_{}()[]\\.,=<>$!% abcxyzie", max_size=60) | st.sampled_from([
    "\\frac", "\\sqrt[", "\\begin{pmatrix}", "\\left(", "\\{", "10^{10^{10}}", "0^{-1}", "\\frac{1}{0}",
    "\\infty-\\infty", "\\log_0 1", "(-8)^{1/3}", "x^{y^{z}}", "\\sqrt{-1}^{\\sqrt{-1}}", "\\binom{x}{2}", "i^i"])


@SLOW
@given(gold=_hostile, pred=_hostile)
def test_nothing_raises_and_nothing_exceeds_the_bound(scorer, gold, pred):
    start = time.monotonic()
    got = scorer.score({"completion": f"\\boxed{{{pred}}}", "answer": gold})
    assert time.monotonic() - start < 2.0 + 8.0
    assert got.status in (Status.OK, Status.INVALID_INPUT, Status.TIMEOUT), got.reason
    assert got.value in (0.0, 1.0, None)


@pytest.mark.slow
def test_check_scorer(scorer):
    answers = st.sampled_from(["14", "\\frac{1}{2}", "B", "\\text{Monday}", "(-\\infty, 3]", "x^2+1", "\\pi"])
    check_scorer(scorer, max_examples=80, sample_strategy=samples(answers))
    check_scorer(scorer, max_examples=40, sample_strategy=st.fixed_dictionaries({
        "completion": completions().map(lambda c: c + " \\boxed{" + c[-20:] + "}"), "answer": answers}))


NUMERIC_CASES = [("\\frac{\\sqrt2}{2}", "\\frac{1}{\\sqrt2}"), ("\\sqrt{8}", "3\\sqrt2"), ("2\\pi", "6.2831853"),
                 ("\\pi", "3.1416"), ("(x+1)^2", "x^2+2x+1"), ("(x+1)^2", "x^2+1"), ("\\sqrt{x^2}", "x"),
                 ("e^{i\\pi}", "-1"), ("\\sin^2 x + \\cos^2 x", "1"), ("\\ln(xy)", "\\ln x + \\ln y"),
                 ("\\sqrt[3]{-8}", "-2"), ("\\tan x", "\\frac{\\sin x}{\\cos x}"), ("e^{200}-e^{200}+1", "1"),
                 ("\\frac{x^2-1}{x-1}", "x+1"), ("2^{\\frac12}", "\\sqrt2"), ("\\lfloor \\pi \\rfloor", "3")]


@SLOW
@given(pair=symbolic_pairs() | st.sampled_from(NUMERIC_CASES))
def test_in_process_numeric_agrees_with_the_worker(pair):
    """Whenever the in-process mpmath rule decides, the sympy worker's rule gives the same verdict."""
    from rewardkit.scorers.math import numeric, symbolic
    from rewardkit.scorers.math.parse import parse
    from rewardkit.scorers.math.verify import Options

    g, p = parse(pair[0]), parse(pair[1])
    fast = numeric.decide(g, p, Options())
    if fast is not None:
        assert fast.equal == symbolic.compare_expr(g, p, Options()).equal, (pair, fast)


def test_numeric_cases_mostly_decided_in_process():
    from rewardkit.scorers.math import numeric, symbolic
    from rewardkit.scorers.math.parse import parse
    from rewardkit.scorers.math.verify import Options

    decided = 0
    for gold, pred in NUMERIC_CASES:
        g, p = parse(gold), parse(pred)
        fast = numeric.decide(g, p, Options())
        if fast is not None:
            decided += 1
            assert fast.equal == symbolic.compare_expr(g, p, Options()).equal, (gold, pred)
    assert decided >= 12
