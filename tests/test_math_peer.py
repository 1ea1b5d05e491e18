"""Agreement with math-verify's own boxed test cases (its sdist's tests, imported as data: tests/peer_math.py).

Issue 12's acceptance is 95%. The misses left on this branch are all final-answer extraction (a gold written as
several boxes, a closing "The final answer is" outranking an earlier box, boxes joined by prose), which the
shared final-answer policy in rewardkit/extract.py owns; they are pinned by id below so that any other miss,
i.e. a regression in parsing or equivalence, fails this test. Raise FLOOR to 0.95 and empty EXTRACTION_MISSES
as the extraction policy lands.
"""

from __future__ import annotations

import pytest
from peer_math import boxed, load, wrong_label_ids

from rewardkit.scorers.math import MathScorer

FLOOR = 0.92
EXTRACTION_MISSES = {
    "test_all.py:test_latex_notation_math:3",  # the gold is a whole solution ending "The final answer is $28\%$"
    "test_all.py:test_math_extraction_additional_cases:18",  # "Final Answer: ... $10,455$" after \boxed{255}
    "test_all.py:test_math_extraction_additional_cases:28",  # gold \boxed{1}\boxed{2} is the list 1, 2
    "test_numina_cases.py:test_numina_cases:14",  # gold "\boxed{1} and \boxed{-2}"
    "test_open_thoughts.py:test_open_thoughts:15",  # boxes joined by "for part (a) and"
    "test_open_thoughts.py:test_open_thoughts:25",  # "y_1 = \boxed{..} \) and \( y_2 = \boxed{..}"
    "test_open_thoughts.py:test_open_thoughts:28",  # gold "\boxed{1} papers and \boxed{2} bins"
}


@pytest.fixture(scope="module")
def misses():
    scorer = MathScorer()
    rows = boxed(load("math_verify"))
    out = {row["id"] for row in rows
           if (scorer.score({"completion": row["pred"], "answer": row["gold"]}).value == 1.0) != row["label"]}
    scorer.close()
    return rows, out


def test_boxed_agreement_floor(misses):
    rows, missed = misses
    assert len(rows) >= 90
    assert 1 - len(missed) / len(rows) >= FLOOR, sorted(missed)


def test_only_extraction_cases_miss(misses):
    _, missed = misses
    assert missed <= EXTRACTION_MISSES, sorted(missed - EXTRACTION_MISSES)


def test_wrong_labels_are_real_rows():
    ids = {row["id"] for row in load("math_verify", include_wrong=True)}
    wrong = wrong_label_ids()
    assert len(wrong) >= 10 and wrong <= ids
    assert "test_yujianll.py:test_string_extraction:10" in wrong  # 1 - 1/e is not 1 + 1/e


def test_wrong_labels_are_wrong():
    """rewardkit gives each listed case the opposite of the peer's label."""
    scorer = MathScorer()
    rows = [r for r in load("math_verify", include_wrong=True) if r["id"] in wrong_label_ids()]
    for row in rows:
        got = scorer.compare(row["gold"], row["pred"])
        assert (got.value == 1.0) != row["label"], (row["id"], got.reason)
    scorer.close()
