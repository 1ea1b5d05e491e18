"""Extraction policy of the `math` scorer: which text of a completion is the answer, and gold answer forms."""

from __future__ import annotations

import pickle

import pytest

import rewardkit
from rewardkit.core import Status
from rewardkit.extract import final_answer
from rewardkit.scorers.math import MathScorer, gold_texts

R1_GROUP = [  # DESIGN.md's worked example, gold 14: math rewards 0 / 1 / 1 / 0
    ("<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>", 0.0),
    ("<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>", 1.0),
    ("<answer>14</answer>", 1.0),
    ("<think>…some gibberish reasoning…</think> <answer> 7<answer>", 0.0),
]


@pytest.fixture(scope="module")
def scorer():
    scorer = MathScorer()
    yield scorer
    scorer.close()


def test_r1_worked_example(scorer):
    scores = scorer.score_batch([{"prompt": "What is 2 + 3 * 4?", "completion": c, "answer": "14"}
                                 for c, _ in R1_GROUP])
    assert [s.value for s in scores] == [want for _, want in R1_GROUP]
    assert all(s.status is Status.OK for s in scores)
    assert "no anchored answer" in scores[3].reason  # o4's answer tag is never closed


def test_registered_and_buildable():
    reward = rewardkit.build({"use": "math"})
    assert reward.score({"completion": "\\boxed{\\frac{1}{2}}", "answer": "0.5"}).value == 1.0
    assert rewardkit.get("math") is MathScorer


@pytest.mark.parametrize(("completion", "text", "source"), [
    ("<answer>\\boxed{5}</answer>", "5", "boxed_in_answer_tag"),
    ("\\boxed{9}. Wait, that is wrong. <answer>5</answer>", "5", "answer_tag"),  # a box the tag corrects
    ("<answer>The answer is 5.</answer>", "5", "answer_tag"),
    ("First \\boxed{3}. After checking again, I made an error; the total is \\boxed{5}", "5", "boxed"),
    ("\\fbox{12}", "12", "boxed"),
    ("so $\\boxed 7$", "7", "boxed"),
    ("The final answer is $\\frac{1}{2}$.", "\\frac{1}{2}", "anchored"),
    ("**Answer:** 42", "42", "anchored"),
    ("The answer is 14 because 3 * 4 = 12.", "14", "anchored"),
    ("\\boxed{\\boxed{3}}", "3", "boxed"),
])
def test_extraction(completion, text, source):
    found = final_answer(completion)
    assert found is not None and found.parts == (text,) and found.source == source


@pytest.mark.parametrize("completion", ["There are 7 balls. I am not sure.", "", "7", "<answer> 7<answer>",
                                        "\\boxed{", "We get x = 7 in the end"])
def test_no_anchored_answer_scores_zero_ok(scorer, completion):
    got = scorer.score({"completion": completion, "answer": "7"})
    assert (got.value, got.status) == (0.0, Status.OK)
    assert "no anchored answer" in got.reason


def test_hedged_boxes_are_a_list(scorer):
    for text in ("\\boxed{3} or \\boxed{5}", "$\\boxed{3}$, $\\boxed{5}$", "either \\boxed{3} or \\boxed{5}."):
        assert scorer.score({"completion": text, "answer": "5"}).value == 0.0, text
        assert scorer.score({"completion": text, "answer": "\\{3, 5\\}"}).value == 1.0, text
    assert scorer.score({"completion": "\\boxed{\\frac12} or \\boxed{0.5}", "answer": "1/2"}).value == 1.0


def test_multiple_box_policies():
    text = "<think>maybe \\boxed{3}</think> The roots are \\boxed{2} and later \\boxed{5}"
    last, as_set, any_box = MathScorer(), MathScorer(multiple_boxes="set"), MathScorer(multiple_boxes="any")
    # "and later" corrects nothing: two different boxes are a hedge, which only the whole list answers
    assert last.score({"completion": text, "answer": "5"}).value == 0.0
    assert last.score({"completion": text, "answer": "2, 5"}).value == 1.0
    assert as_set.score({"completion": text, "answer": "2, 5"}).value == 1.0
    assert as_set.score({"completion": text, "answer": "5"}).value == 0.0
    assert any_box.score({"completion": text, "answer": "3"}).value == 1.0


def test_anchors_can_be_disabled():
    assert MathScorer(anchors=False).score({"completion": "The answer is 7", "answer": "7"}).value == 0.0


@pytest.mark.parametrize(("gold", "want"), [
    ("\\frac{1}{3}", ["\\frac{1}{3}"]), ("$1-\\sqrt{2}$", ["$1-\\sqrt{2}$"]),
    ("Since 2+2=4 and so on, the answer is $\\boxed{(-\\infty, 3]}$.", ["(-\\infty, 3]"]),
    ("Natalia sold 48/2 = 24 clips.\n#### 72", ["72"]), (14, ["14"]), (0.5, ["0.5"]),
    (["3", "\\{3\\}"], ["3", "\\{3\\}"]), (None, None), ("  ", None), (True, None), (float("nan"), None),
])
def test_gold_forms(gold, want):
    assert gold_texts(gold) == want


@pytest.mark.parametrize(("gold", "pred"), [
    ("\\frac{1}{3}", "\\frac{2}{6}"), ("$1-\\sqrt{2}$", "1 - \\sqrt 2"), ("(-\\infty, 3]", "x \\le 3"),
    ("\\text{Monday}", "Monday"), ("B", "(B)"), ("50\\%", "50"), ("y=2x+1", "y - 1 = 2x"),
    ("The area is $\\frac{1}{2}\\cdot 4 \\cdot 3 = \\boxed{6}$.", "6"), (6, "6.0"),
])
def test_gold_in_every_form(scorer, gold, pred):
    assert scorer.score({"completion": f"\\boxed{{{pred}}}", "answer": gold}).value == 1.0


@pytest.mark.parametrize("gold", ["\\frac{", "", None, "\\boxed{}", [], "(((", "\\{1, 2"])
def test_unparseable_gold_is_invalid_input(scorer, gold):
    got = scorer.score({"completion": "\\boxed{1}", "answer": gold})
    assert got.value is None and got.status is Status.INVALID_INPUT


def test_unparseable_prediction_is_zero(scorer):
    got = scorer.score({"completion": "\\boxed{\\frac{1}{}", "answer": "1"})
    assert (got.value, got.status) == (0.0, Status.OK)


def test_chat_completion_and_details(scorer):
    row = {"prompt": [{"role": "user", "content": "2+3*4?"}],
           "completion": [{"role": "assistant", "content": "<think>12+2</think><answer>14</answer>"}], "answer": 14}
    got = scorer.score(row)
    assert got.value == 1.0 and got.details["source"] == "answer_tag" and got.details["extracted"] == "14"


def test_pickle_roundtrip_scores_the_same(scorer):
    scorer.compare("\\sqrt 2", "\\frac{2}{\\sqrt2}")  # start the pool
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone._pool is None
    assert clone.compare("\\sqrt 2", "\\frac{2}{\\sqrt2}").value == 1.0
    clone.close()


def test_bad_config_names_the_key():
    with pytest.raises(rewardkit.ConfigError, match="multiple_boxes"):
        MathScorer(multiple_boxes="first")
    with pytest.raises(rewardkit.ConfigError, match="timeout_s"):
        MathScorer(timeout_s=0)


def test_main_process_never_imports_sympy():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, rewardkit\n"
            "s = rewardkit.build({'use': 'math'})\n"
            "rows = [{'completion': '\\\\boxed{0.5}', 'answer': '\\\\frac12'},\n"
            "        {'completion': '\\\\boxed{\\\\sqrt 8}', 'answer': '2\\\\sqrt2'}]\n"
            "print([x.value for x in s.score_batch(rows)], 'sympy' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(Path(__file__).resolve().parents[1]), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "[1.0, 1.0] False", done.stderr


def test_policy_parameters():
    strict = MathScorer(percent="strict")
    assert strict.compare("50\\%", "50").value == 1.0
    assert strict.compare("50\\%", "0.5").value == 0.0
    loose = MathScorer(float_rel_tol=1e-2)
    assert loose.compare("\\frac{1}{3}", "0.333").value == 1.0
    assert loose.compare("\\frac{1}{3}", "\\frac{333}{1000}").value == 0.0  # tolerance only for written floats
    assert MathScorer().compare("\\frac{1}{3}", "0.333").value == 0.0
    short = MathScorer(max_answer_chars=10)
    got = short.score({"completion": "\\boxed{1+1+1+1+1+1+1}", "answer": "7"})
    assert got.value == 0.0 and "too long" in got.reason
