"""The `step_check` scorer: claim finding (one row per phenomenon), verdicts through the math engine, the R1
worked example, aggregation, the contract, and the `math` + `step_check` recipe through `rewardkit score`."""

from __future__ import annotations

import json

import pytest
from conftest import R1_OUTPUTS, ROOT, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

import rewardkit
from rewardkit.scorers.claims import find_claims
from rewardkit.scorers.step_check import StepCheck
from rewardkit.testing import check_scorer

CLAIMS = [
    # (step text, the claims found as "a op b op c")
    ("2 + 3 = 5, 5 * 4 = 20", ["2 + 3 = 5", "5 * 4 = 20"]),
    ("3 * 4 = 12 apples and 2 + 12 = 14 apples.", ["3 * 4 = 12", "2 + 12 = 14"]),
    ("5 cm + 3 cm = 8 cm", ["5 + 3 = 8"]),  # units stripped
    ("3 \\times 4 = 12 \\text{ cm}", ["3 \\times 4 = 12"]),
    ("Total = 5 + 3 = 8", ["5 + 3 = 8"]),  # a prose left side is dropped
    ("50% of 20 = 10", []),  # "20" is not the whole left side
    ("the cost is 4 times 3 = 12", []),
    ("so a = b = c", ["a = b = c"]),
    ("x^2 - 1 = (x-1)(x+1)", ["x ^ 2 - 1 = ( x - 1 ) ( x + 1 )"]),
    ("we have 7 > 5 and 2 \\le 3", ["7 > 5", "2 <= 3"]),
    ("1,000 + 1 = 1,001", ["1,000 + 1 = 1,001"]),
    ("**Step 1:** 3*4=12", ["3 * 4 = 12"]),
    ("先算3乘4：3 × 4 = 12。", ["3 × 4 = 12"]),
    ("The answer is 14.", []),
]


@pytest.mark.parametrize(("text", "want"), CLAIMS)
def test_find_claims(text, want):
    assert [c.text for c in find_claims(text)] == want


@pytest.fixture(scope="module")
def scorer():
    s = StepCheck()
    yield s
    s.close()


VERDICTS = [
    # (reasoning, value under the default `share`)
    ("3 * 4 = 12", 1.0),
    ("3 * 4 = 11", 0.0),
    ("2 + 3 = 5 = 6", 0.5),  # each link of a chain is a claim
    ("1/3 = 0.33", 1.0),  # a written decimal is the other side rounded to its places
    ("1/3 = 0.34", 0.0),
    ("\\pi = 3.14", 1.0),
    ("\\pi = 3.15", 0.0),
    ("\\sqrt{2} ≈ 1.41", 1.0),
    ("22/7 ≈ 3", 1.0),
    ("x^2 - 1 = (x-1)(x+1)", 1.0),  # identity, checked symbolically in the worker pool
    ("(x+1)^2 = x^2 + 1", 0.0),
    ("\\frac{1}{2} + \\frac{1}{3} = \\frac{5}{6}", 1.0),
    ("2 < 3 < 1", 0.5),
    ("10 \\ne 10", 0.0),
    ("5 cm + 3 cm = 9 cm", 0.0),
    ("50\\% = 0.5", 1.0),  # percent means hundredths
    ("50\\% = 50", 0.0),  # not the math scorer's lenient answer policy: a step claims an equality
    ("x = 5", None),  # a definition, not a claim
    ("2x + 3 = 7", None),  # an equation to solve
    ("5 = 5", None),  # identical sides prove nothing
    ("10^{100000} = 5", None),  # too large to evaluate: not judged, not false
    ("I think so.", None),
]


@pytest.mark.parametrize(("think", "want"), VERDICTS)
def test_verdicts(scorer, think, want):
    got = scorer.score({"completion": f"<think>{think}</think><answer>1</answer>"})
    assert got.value == want, got.details


def test_r1_example_o1_steps_are_true_o2_too(scorer):
    for text in R1_OUTPUTS[:2]:
        got = scorer.score({"completion": text})
        claims = [c for step in got.details["steps"] for c in step["claims"]]
        assert [c["holds"] for c in claims] == [True, True] and got.value == 1.0
    assert scorer.score({"completion": R1_OUTPUTS[2]}).value is None  # "<answer>14</answer>": nothing to check


def test_a_false_step_scores_lower_than_the_corrected_trace(scorer):
    wrong = "<think>Step 1: 3 * 4 = 11.\nStep 2: 2 + 11 = 13.</think><answer>13</answer>"
    right = "<think>Step 1: 3 * 4 = 12.\nStep 2: 2 + 12 = 14.</think><answer>14</answer>"
    assert scorer.score({"completion": wrong}).value < scorer.score({"completion": right}).value == 1.0
    steps = scorer.score({"completion": wrong}).details["steps"]
    assert [s["value"] for s in steps] == [0.0, 1.0]
    assert [wrong[s["start"]:s["end"]] for s in steps] == ["Step 1: 3 * 4 = 11.", "Step 2: 2 + 11 = 13."]


@pytest.mark.parametrize(("aggregate", "want"), [("share", 0.75), ("min", 0.0), ("first_error", 0.5)])
def test_aggregates(aggregate, want):
    text = "<think>1 + 1 = 2\n2 + 2 = 4\n3 + 3 = 7\n4 + 4 = 8</think>"
    assert StepCheck(aggregate=aggregate).score({"completion": text}).value == want


def test_repeated_and_trivial_claims_do_not_pad_the_share(scorer):
    padded = "<think>3 * 4 = 11. 1 + 1 = 2. 1 + 1 = 2. 1 + 1 = 2. 5 = 5. 5 = 5.</think>"
    assert scorer.score({"completion": padded}).value == 0.5


def test_claim_budget_bounds_the_work():
    text = "<think>" + " ".join(f"{i} + 1 = {i + 1}." for i in range(500)) + "</think>"
    got = StepCheck(max_claims=10).score({"completion": text})
    assert sum(len(s["claims"]) for s in got.details["steps"]) == 10 and got.value == 1.0


def test_algebra_off_leaves_identities_unjudged():
    assert StepCheck(algebra=False).score({"completion": "<think>(x+1)^2 = x^2 + 1</think>"}).value is None


def test_bad_config_names_the_key():
    with pytest.raises(rewardkit.ConfigError, match="aggregate"):
        StepCheck(aggregate="mean")


_ATOMS = st.sampled_from(["1", "2", "12", "0.5", "x", "y", "\\pi", "\\sqrt{2}", "10^{99999}", "(", ")", "+", "-",
                          "*", "/", "^", "=", "<", "≈", " ", "cm", "and", ".", "\n\n", "Step 1:", "。", "\\frac{1}{0}"])


@settings(max_examples=150, database=None, deadline=None)
@given(st.lists(_ATOMS, max_size=30).map("".join))
def test_never_raises_bounded_and_deterministic(scorer, think):
    row = {"completion": f"<think>{think}</think><answer>1</answer>"}
    first, second = scorer.score(row), scorer.score(row)
    assert first.status.value in {"ok", "not_applicable", "timeout"}, first.reason
    assert first.value is None or 0.0 <= first.value <= 1.0
    assert (first.value, first.status, first.details) == (second.value, second.status, second.details)


def test_contract():
    check_scorer(StepCheck(), max_examples=100)


def test_recipe_math_plus_step_check_through_the_cli(tmp_path):
    rows = [{"id": "o1", "completion": R1_OUTPUTS[0], "answer": "14"},
            {"id": "o2", "completion": R1_OUTPUTS[1], "answer": "14"},
            {"id": "o3", "completion": R1_OUTPUTS[2], "answer": "14"},
            {"id": "bad", "completion": "<think>3 * 4 = 11, 2 + 12 = 14</think><answer>14</answer>", "answer": "14"}]
    data, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run_cli("score", str(data), "-r", str(ROOT / "examples" / "recipes" / "r1_steps.yaml"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    got = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert [got[k]["reward"] for k in ("o1", "o2", "o3", "bad")] == pytest.approx([0.2, 1.2, 1.0, 1.1])
    assert got["o3"]["rewards"]["step_check"] is None


def test_symbolic_budget_bounds_the_pool_work():
    # zeros written as expressions: the in-process numeric rule defers them to the pool (simplify decides)
    text = "<think>" + " ".join(f"\\sqrt{{{2 * i * i}}} - {i}\\sqrt{{2}} = 0." for i in range(1, 6)) + "</think>"
    got = StepCheck(max_symbolic=2).score({"completion": text})
    rules = [c["rule"] for s in got.details["steps"] for c in s["claims"]]
    assert rules.count("over the symbolic-check budget") == 3 and got.value == 1.0
