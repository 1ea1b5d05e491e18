"""The one final-answer policy (`rewardkit.extract`): tables of (completion, expected extraction) grouped
by phenomenon, one row per rule, both outcomes in each group; verdict rows through `math`; the acceptance test
that `math`, `exact_match`, `cosine_length`, `vote` and the judge's region see the same final answer; and
properties on hostile input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.extract import final_answer, normalize_width, reference_answer, region
from rewardkit.scorers.length import CosineLength
from rewardkit.scorers.match import ExactMatch
from rewardkit.scorers.math import MathScorer
from rewardkit.scorers.math.vote import majority_vote
from rewardkit.testing import completions

H = "hedge"  # expected kind of a hedge; single answers are written as a plain string

# (completion, expected): a string is a single answer, (kind, parts) a hedge, None no final answer.
EXTRACTION: dict[str, list[tuple[str, object]]] = {
    "the closing statement outranks earlier boxes": [
        ("Please put your final answer within \\boxed{}.\n\nWe add the terms.\n\n"
         "Final Answer: The final answer is $10,455$. I hope it is correct.", "10,455"),  # echoed instruction
        ("The first part gives $\\boxed{10404}$.\n\nAdding 51 more:\n\n"
         "Final Answer: The final answer is $10,455$. I hope it is correct.", "10,455"),  # intermediate box
        ("Let $\\boxed{S}$ be the sum. Then $S = 10455$.\n\nFinal Answer: The final answer is $10455$.", "10455"),
        ("Answer: $\\boxed{}$\n\nFinal Answer: The final answer is $10455$.", "10455"),  # empty box
        ("The answer is \\boxed{14}. Wait, actually, the answer is 20.", "20"),
        ("We get \\boxed{14}. The answer is 13.", "13"),
        ("The answer is 13. So the total is \\boxed{14}.", "14"),  # the box is the later statement
        ("\\boxed{14}. The answer is correct.", "14"),  # a statement without a value does not replace it
        ("\\boxed{14}\n\nThe answer is 14 because 2 + 12 = 14.", "14"),
        ("\\boxed{14}. The answer is 14 apples.", "14"),  # a restatement keeps the box
        ("The first part is \\boxed{10404}.\n\nNext come the remaining terms of the sum, which we add to the "
         "running total one at a time (51 of them, or 3 * 17), and each of these steps is routine arithmetic that "
         "we have already checked twice above, so nothing new appears.\n\n"
         "Final Answer: The final answer is $10455$.", "10455"),  # an "or" far from both answers hedges nothing
        ("\\boxed{14}. Hmm, the answer: 15?", (H, ("14", "15"))),  # a second value with no correction
        ("\\boxed{14}\n\n**Check of the answer:** we computed 2 + 12 = 14 as required.", "14"),  # prose about it
    ],
    "drafts inside <think> never count": [
        ("<think>maybe \\boxed{3}</think> so \\boxed{5}", "5"),
        ("<think>The answer is 3.</think> The answer is 5.", "5"),
        ("<think>The answer is 3.</think>", None),
        ("<think>truncated, \\boxed{3}", None),  # a think never closed is all draft
        ("<think>I'll write <answer>3</answer></think><answer>5</answer>", "5"),
        ("<think>so <answer>3</answer></think>", None),  # an answer tag inside the reasoning is a draft too
        ("prefilled reasoning \\boxed{3}</think>\\boxed{5}", "5"),  # chat template opened <think>
        ("<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>", "14"),
    ],
    "anchors in the languages R1-style models write": [
        ("所以答案是 14。", "14"), ("答案为 $\\frac{1}{2}$。", "\\frac{1}{2}"), ("答案：14", "14"),
        ("故答案为 $(1, +\\infty)$.", "(1, +\\infty)"), ("所以 $x = 3$，答：$x = 3$。", "x = 3"),
        ("综上所述，最小值为 3。", "3"), ("故选 C", "C"), ("答案选 B。", "B"),
        ("よって、答えは $14$ です。", "14"), ("正解は 14", "14"),
        ("따라서 정답은 14입니다.", "14"), ("답: 14", "14"),
        ("Ответ: 14", "14"), ("Окончательный ответ: $\\frac{3}{2}$", "\\frac{3}{2}"),
        ("La réponse finale est 14.", "14"), ("Réponse : 14", "14"),
        ("La respuesta es 14.", "14"), ("Respuesta final: 14", "14"),
        ("Die Antwort ist 14.", "14"), ("Die endgültige Antwort lautet $14$.", "14"), ("Endergebnis: 14", "14"),
        ("Die Antwort ist 3,5.", "3.5"), ("La réponse est 3,5.", "3.5"),  # decimal comma in those languages
        ("The answer is 3,5.", "3,5"),  # ... but not in English: a list stays a list
        ("我们选择 $x=2$ 代入。", None), ("小明回答了问题", None), ("Die Antworten sind verschieden.", None),
    ],
    "full-width digits and punctuation": [
        ("答案＝１４", "14"), ("答案是 ３．５", "3.5"), ("答案为 －２", "-2"), ("\\boxed{１４}", "14"),
        ("Answer： １２", "12"), ("１４", None),
    ],
    "a short sentence that holds one value": [
        ("<answer>The result is 14.</answer>", "14"),
        ("Final Answer: The largest $n$ is 34.", "34"),
        ("### Final Answer\n\n14", "14"),
        ("**Final Answer**\n\n$\\frac{1}{2}$", "\\frac{1}{2}"),
        ("答：小明有14个苹果。", "14"), ("综上所述，小明有 $14$ 个苹果。", "14"),
        ("答：汽车的速度是 60 千米/时。", "60"),
        ("<answer>The sum of 3 and 4 is 7</answer>", "The sum of 3 and 4 is 7"),  # its subject holds numbers
        ("<answer>Paris is the capital</answer>", "Paris is the capital"),  # no mathematics to reduce to
        ("答：小明有 14 个，小红有 28 个。", "小明有 14 个,小红有 28 个"),  # two numbers: not one value
        ("Final Answer: Jane started growing it 3 hours ago.", "3"),
        ("Final Answer: She did not buy 3 apples.", "She did not buy 3 apples"),  # negated
        ("Final Answer: He bought about 3 apples.", "He bought about 3 apples"),  # approximated
        ("Final Answer: She bought 2 dozen eggs.", "She bought 2 dozen eggs"),  # scaled
    ],
    "nested boxes": [
        ("\\boxed{\\boxed{5}}", "5"), ("$\\boxed{ \\fbox{7} }$", "7"), ("\\boxed{\\boxed{\\boxed{x+1}}}", "x+1"),
        ("\\boxed{\\boxed{1} + \\boxed{2}}", "\\boxed{1} + \\boxed{2}"),  # not a box around one box
    ],
    "different boxed values are a hedge unless corrected": [
        ("\\boxed{3} or \\boxed{5}", (H, ("3", "5"))),
        ("Case 1: \\boxed{20}. Case 2: \\boxed{14}", (H, ("20", "14"))),
        ("\\boxed{20} if x is even, \\boxed{14} if x is odd", (H, ("20", "14"))),
        ("\\boxed{20}, otherwise \\boxed{14}", (H, ("20", "14"))),
        ("probably \\boxed{7}, but it could also be \\boxed{8}", (H, ("7", "8"))),
        ("We get \\boxed{5} for x. Then y is \\boxed{12}.", (H, ("5", "12"))),  # no correction: a hedge
        ("Case 1: so the answer is \\boxed{20}. Case 2: so the answer is \\boxed{14}", (H, ("20", "14"))),
        ("The answer is $\\boxed{7}$. Hmm, I'm not sure, it may be 8.", (H, ("7", "8"))),  # doubt names a value
        ("If precedence is left to right the answer is 20; otherwise the answer is 14.", (H, ("20", "14"))),
        ("\\boxed{3}. Wait, 2 + 3 = 5, so \\boxed{5}", "5"),
        ("\\boxed{3}. Actually, I made an arithmetic slip: \\boxed{5}", "5"),
        ("First \\boxed{3}. After re-checking, the total is \\boxed{5}", "5"),
        ("The first part is \\boxed{5}; therefore the total is \\boxed{12}.", "12"),
        ("\\boxed{14}. So the answer is \\boxed{14}.", "14"),  # the same value restated
        ("The answer is 3. Wait, no. The answer is 4.", "4"),
        ("The answer is $\\boxed{7}$. I hope it is correct.", "7"),
        ("The answer is $\\boxed{14}$. It could be useful to note that 3 * 4 = 12.", "14"),  # no alternative
        ("The answer is $\\boxed{14}$; it may be checked with 14 - 12 = 2.", "14"),
    ],
    "never a stray number from prose": [
        ("There are 7 balls. I am not sure.", None), ("I answered 5 questions", None),
        ("We get x = 7 in the end", None), ("小明有14个苹果。", None), ("<answer> 7<answer>", None),
        ("The answer is 7.", "7"), ("48 + 24 = 72 clips.\n#### 72", "72"),
        ("Thus $x \\le 2$ is our answer.", "x \\le 2"),
        ("Therefore, $\\boxed{\\text{Evelyn}}$ is our answer.", "\\text{Evelyn}"),
        ("Answer $ 9 $", "9"), ("Answer \\[ \n 9 \n \\]", "9"),
        ("**Final Answer**\n$$\n\\frac{1}{2}\n$$", "\\frac{1}{2}"),
        ("Answer $ \\frac{1}{2} \\$ = \\frac{10}{9} $", "\\frac{1}{2} \\$ = \\frac{10}{9}"),  # \\$ is a dollar sign
    ],
}

ROWS = [pytest.param(text, want, id=f"{group}:{text[:40]}") for group, rows in EXTRACTION.items()
        for text, want in rows]


@pytest.mark.parametrize(("text", "want"), ROWS)
def test_extraction(text, want):
    found = final_answer(text)
    if want is None:
        assert found is None
    elif isinstance(want, str):
        assert found is not None and (found.kind, found.parts) == ("single", (want,)), found
    else:
        assert found is not None and (found.kind, found.parts) == want, found


@pytest.mark.parametrize(("gold", "want"), [
    ("\\boxed{2}, \\boxed{3}, \\boxed{5}", "2, 3, 5"),
    ("The roots are \\boxed{1} and \\boxed{-2}.", "1, -2"),
    ("Adding, $4 + 2 = \\boxed{6}$.", "6"),
    ("So $x = \\boxed{6}$. Hence the answer is $\\boxed{6}$.", "6"),  # a restated box is one answer
    ("Natalia sold 24 clips.\n#### 72", "72"), ("\\frac{1}{3}", "\\frac{1}{3}"), ("１４", "14"),
])
def test_gold_with_several_boxes_is_the_whole_list(gold, want):
    assert reference_answer(gold) == want


@pytest.fixture(scope="module")
def math_scorer():
    scorer = MathScorer()
    yield scorer
    scorer.close()


VERDICTS = [  # (gold, completion, value) through the whole `math` scorer
    ("10455", "The first part is $\\boxed{10404}$.\n\nFinal Answer: The final answer is $10455$.", 1.0),
    ("10404", "The first part is $\\boxed{10404}$.\n\nFinal Answer: The final answer is $10455$.", 0.0),
    ("14", "<think>so \\boxed{14}</think> The answer is 20.", 0.0),
    ("20", "<think>so \\boxed{14}</think> The answer is 20.", 1.0),
    ("14", "Case 1: \\boxed{20}. Case 2: \\boxed{14}", 0.0),
    ("7", "probably \\boxed{7}, but it could also be \\boxed{8}", 0.0),
    ("20", "The answer is \\boxed{14}. Wait, actually, the answer is 20.", 1.0),
    ("14", "The answer is \\boxed{14}. Wait, actually, the answer is 20.", 0.0),
    ("\\boxed{2}, \\boxed{3}, \\boxed{5}", "\\boxed{5}", 0.0),  # the last element of a gold list
    ("\\boxed{2}, \\boxed{3}, \\boxed{5}", "\\boxed{2, 3, 5}", 1.0),
    ("The roots are \\boxed{1} and \\boxed{-2}.", "\\boxed{-2}", 0.0),
    ("The roots are \\boxed{1} and \\boxed{-2}.", "The roots are \\boxed{-2} and \\boxed{1}.", 1.0),
    ("14", "答案＝１４", 1.0), ("3.5", "答案是 ３．５", 1.0), ("-2", "答案为 －２", 1.0), ("2", "答案为 －２", 0.0),
    ("5", "\\boxed{\\boxed{5}}", 1.0), ("34", "Final Answer: The largest $n$ is 34.", 1.0),
]


@pytest.mark.parametrize(("gold", "completion", "value"), VERDICTS)
def test_verdicts_through_math(math_scorer, gold, completion, value):
    got = math_scorer.score({"completion": completion, "answer": gold})
    assert got.value == value, got.reason


SAME_EVERYWHERE = [  # completions of the R1 question (gold 14) written every way the policy reads
    "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>",
    "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>",
    "<think>maybe \\boxed{20}</think> So the answer is \\boxed{14}.",
    "The answer is \\boxed{14}. Wait, actually, the answer is 20.",
    "The first part is \\boxed{12}.\n\nFinal Answer: The final answer is $14$. I hope it is correct.",
    "Case 1: \\boxed{20}. Case 2: \\boxed{14}",
    "\\boxed{\\boxed{14}}", "所以答案是 １４。", "### Final Answer\n\n14", "<answer>The result is 14.</answer>",
    "There are 14 apples. I am not sure.", "<think>truncated \\boxed{14}",
]


def test_one_final_answer_through_every_scorer(math_scorer):
    """The issue's acceptance: math, exact_match, cosine_length (with either verifier) and vote read the same
    final answer from the same completion; the judge's `answer` region is the scope it was read from."""
    exact = ExactMatch()
    cosine_math = CosineLength(verifier="math", max_length=100)
    cosine_exact = CosineLength(verifier="exact_match", max_length=100)
    try:
        for text in SAME_EVERYWHERE:
            policy = final_answer(text)
            want = policy.text if policy else None
            row = {"completion": text, "answer": want or "14"}
            assert (math_scorer.score(row).details or {}).get("extracted") == want, text
            assert (cosine_math.score(row).details or {}).get("extracted") == want, text
            # exact_match shows what it read by matching it: the policy's answer as the reference scores 1
            by_exact = exact.score(row)
            assert (by_exact.value, by_exact.reason == "no anchored answer") == (float(bool(want)), not want), text
            assert cosine_exact.score(row).details["correct"] is bool(want), text
            vote = majority_vote([text], scorer=math_scorer).majority
            assert vote == (want if policy and policy.kind == "single" else None), text  # a hedge casts no vote
            if policy is not None:
                assert normalize_width(policy.parts[-1]) in normalize_width(region(text, "answer")), text
    finally:
        cosine_math._verifier.close()


REDTEAM = Path(__file__).parent / "data" / "math_redteam.jsonl"  # labelled by a session that never saw this code
# Its categories about *where the answer is* (the rest are about parsing and equivalence).
EXTRACTION_CATEGORIES = {
    "answer_tag", "answer_spam", "box_in_think", "box_trailing", "boxed_space", "candidate_list", "de_anchor",
    "empty_box", "es_anchor", "fake_tags", "fbox", "final_over_box", "fr_anchor", "full_width", "gsm_hash",
    "hedge_boxes", "hedge_cases", "hedge_prose", "hedge_word", "heading", "honest_clause", "honest_text_box",
    "ja_anchor", "ko_anchor", "long_junk", "multi_box_gold", "nested_box", "prompt_echo", "repeat_same",
    "ru_anchor", "self_correction", "solution_gold", "stray_number", "unclosed_tag", "wrong_gloss", "zh_anchor",
    "zh_choice", "zh_hedge", "zh_noanchor", "zh_think_only",
}


def _redteam() -> list[dict]:
    return [json.loads(line) for line in REDTEAM.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_redteam_every_correct_completion_has_a_final_answer():
    missing = [row["id"] for row in _redteam() if row["label"] and final_answer(row["completion"]) is None]
    assert missing == []


def test_redteam_extraction_never_accepts_a_wrong_completion(math_scorer):
    rows = [row for row in _redteam() if row["category"] in EXTRACTION_CATEGORIES and not row["label"]]
    assert len(rows) > 50
    scores = math_scorer.score_batch([{"completion": row["completion"], "answer": row["answer"]} for row in rows])
    assert [row["id"] for row, score in zip(rows, scores, strict=True) if score.value == 1.0] == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(completions(), st.text(alphabet="\\boxed{}$<>/thinkanswer 答案是：12.,Wait", max_size=300)))
def test_extraction_never_raises_and_is_deterministic(text):
    first = final_answer(text)
    assert first == final_answer(text)
    assert first is None or all(isinstance(part, str) and part for part in first.parts)
    for boxes in ("set", "any"):
        final_answer(text, boxes=boxes)
    final_answer(text, anchors=False)


HOSTILE = [
    "\\boxed{" * 10_000, "{" * 100_000, "\\boxed{" * 10_000 + "5" + "}" * 10_000, "}" * 100_000,
    "\\boxed{}" * 20_000, "\\boxed{1} or \\boxed{2} " * 5_000, "Case 1: \\boxed{1}. " * 5_000,
    "The answer is " * 20_000, "答案是" * 50_000, "答" * 100_000, "<think>" * 30_000, "</think>" * 30_000,
    "<answer>" * 30_000, "answer" + " " * 100_000 + "x", "### Final Answer" + "\n" * 100_000,
    "Final Answer:" + "*" * 100_000, "\\boxed{1}" + " wait " * 30_000 + "\\boxed{2}", "$" * 100_000,
    "The answer is 7. Maybe " + "9 " * 50_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=[f"{t[:12]!r}x{len(t)}" for t in HOSTILE])
def test_hostile_input_is_fast(text):
    start = time.perf_counter()
    for boxes in ("last", "set", "any"):
        final_answer(text, boxes=boxes)
    reference_answer(text)
    assert time.perf_counter() - start < 2.0


HOSTILE_UNITS = ["\\boxed{", "}", "{", "\\fbox ", "$", "<think>", "</think>", "<answer>", "</answer>", "answer",
                 " is ", ":", "答案是", "答", "选", "####", "\n", " ", "Final Answer", "wait ", " or ", "1", "\\"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE_UNITS), min_size=1, max_size=6), st.integers(1, 5_000))
def test_repeated_hostile_units_stay_fast(units, times):
    text = "".join(units) * times
    start = time.perf_counter()
    final_answer(text)
    reference_answer(text)
    assert time.perf_counter() - start < 2.0
