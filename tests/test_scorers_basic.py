"""Format, length, repetition and matching scorers: hand-picked cases from the R1/DAPO write-ups."""

from __future__ import annotations

import math

import pytest
from conftest import R1_GOLD, R1_OUTPUTS

from rewardkit import ConfigError, Status, build
from rewardkit.scorers.format import TagCount, ThinkFormat
from rewardkit.scorers.length import CosineLength, Repetition, SoftOverlong, units
from rewardkit.scorers.match import ExactMatch, RegexMatch


def test_r1_worked_example_think_format_is_strict():
    values = [ThinkFormat().score({"completion": out}).value for out in R1_OUTPUTS]
    assert values == [1.0, 1.0, 0.0, 0.0]  # o4's answer tag is never closed
    assert "unclosed" in ThinkFormat().score({"completion": R1_OUTPUTS[3]}).reason


@pytest.mark.parametrize(("completion", "strict", "lenient"), [
    ("<think>a</think><answer>b</answer>", 1.0, 1.0),
    ("\n <think>\na\n</think>\n\n<answer>\nb\n</answer>\n", 1.0, 1.0),
    ("Sure! <think>a</think><answer>b</answer>", 0.0, 1.0),
    ("<think>a</think><answer>b</answer> PS: hi", 0.0, 1.0),
    ("<think>a</think> interlude <answer>b</answer>", 0.0, 1.0),
    ("<answer>b</answer><think>a</think>", 0.0, 0.0),
    ("<think>a</think><think>c</think><answer>b</answer>", 0.0, 0.0),
    ("<think> </think><answer>b</answer>", 0.0, 0.0),  # empty reasoning does not count
    ("<think>a<answer>b</answer></think>", 0.0, 0.0),
    ("", 0.0, 0.0),
])
def test_think_format_modes(completion, strict, lenient):
    assert ThinkFormat().score({"completion": completion}).value == strict
    assert ThinkFormat(mode="lenient").score({"completion": completion}).value == lenient


def test_think_format_prefilled_and_empty_content_option():
    prefilled = ThinkFormat(mode="prefilled")
    assert prefilled.score({"completion": "a</think>\n<answer>b</answer>"}).value == 1.0
    assert prefilled.score({"completion": "<think>a</think><answer>b</answer>"}).value == 0.0
    assert ThinkFormat(require_content=False).score({"completion": "<think></think><answer></answer>"}).value == 1.0


def test_tag_count_partial_credit():
    assert [TagCount().score({"completion": out}).value for out in R1_OUTPUTS] == [1.0, 1.0, 0.5, 0.5]


@pytest.mark.parametrize(("length", "expected"), [(0, 0.0), (80, 0.0), (90, -0.5), (100, -1.0), (5000, -1.0)])
def test_soft_overlong_dapo_formula(length, expected):
    scorer = SoftOverlong(max_length=100, cache_length=20)
    score = scorer.score({"completion": "x" * length})
    assert score.value == pytest.approx(expected)
    assert score.details == {"length": length, "unit": "chars"} and "chars" in score.reason


def test_soft_overlong_counts_tokens_when_ids_are_given():
    score = SoftOverlong(max_length=100, cache_length=20).score({"completion": "x", "completion_ids": list(range(90))})
    assert score.value == pytest.approx(-0.5) and score.details["unit"] == "tokens"
    needs_tokens = SoftOverlong(max_length=10, cache_length=5, unit="tokens").score({"completion": "x"})
    assert needs_tokens.status is Status.ERROR and needs_tokens.value is None  # misconfigured, never a 0
    with pytest.raises(ConfigError, match="cache_length"):
        SoftOverlong(max_length=10, cache_length=20)


def test_cosine_length_prefers_short_right_and_long_wrong():
    scorer = CosineLength(verifier="exact_match", max_length=100)
    right_short = scorer.score({"completion": "<answer>14</answer>", "answer": "14"}).value
    right_long = scorer.score({"completion": "x" * 90 + "<answer>14</answer>", "answer": "14"}).value
    wrong_short = scorer.score({"completion": "<answer>15</answer>", "answer": "14"}).value
    wrong_long = scorer.score({"completion": "x" * 90 + "<answer>15</answer>", "answer": "14"}).value
    assert 1.0 >= right_short > right_long >= 0.5
    assert -0.5 <= wrong_short < wrong_long <= 0.0
    # at length 0 the schedule starts at the max (right) / min (wrong) value
    p = 19 / 100
    assert right_short == pytest.approx(0.5 + 0.25 * (1 + math.cos(p * math.pi)))
    missing_gold = scorer.score({"completion": "<answer>14</answer>"})
    assert missing_gold.value is None and missing_gold.status is Status.INVALID_INPUT


def test_repetition_penalty():
    assert Repetition().score({"completion": "one two three four five"}).value == 0.0
    looped = Repetition(ngram_size=2, max_penalty=-1.0).score({"completion": "go on " * 50}).value
    assert -1.0 <= looped < -0.9
    assert units("我们计算 x") == ["我", "们", "计", "算", "x"]
    cjk = Repetition(ngram_size=2).score({"completion": "对对对对对对对对"}).value
    assert cjk == pytest.approx(-(1 - 1 / 7))


def test_exact_match():
    scorer = ExactMatch()
    assert [scorer.score({"completion": o, "answer": R1_GOLD}).value for o in R1_OUTPUTS] == [0.0, 1.0, 1.0, 0.0]
    assert scorer.score({"completion": "<answer>Paris</answer>", "answer": ["paris", "Paris, France"]}).value == 1.0
    assert ExactMatch(case_sensitive=True).score({"completion": "<answer>paris</answer>", "answer": "Paris"}).value == 0
    no_gold = scorer.score({"completion": "<answer>x</answer>"})
    assert no_gold.value is None and no_gold.status is Status.INVALID_INPUT
    assert scorer.score({"completion": "There are 14 apples.", "answer": "14"}).reason == "no anchored answer"


def test_exact_match_numeric_references_from_dataframes():
    # a float column (ints with gaps) holds 14.0 for 14 and NaN for a missing reference
    scorer = ExactMatch()
    assert scorer.score({"completion": "<answer>14</answer>", "answer": 14.0}).value == 1.0
    assert scorer.score({"completion": "<answer>14.0</answer>", "answer": 14.0}).value == 1.0
    assert scorer.score({"completion": "<answer>0.5</answer>", "answer": 0.5}).value == 1.0
    missing = scorer.score({"completion": "<answer>nan</answer>", "answer": float("nan")})
    assert missing.value is None and missing.status is Status.INVALID_INPUT


def test_regex_match_and_timeout_on_catastrophic_backtracking():
    assert RegexMatch(pattern=r"\d{2}", region="answer").score({"completion": R1_OUTPUTS[1]}).value == 1.0
    evil = RegexMatch(pattern=r"^(a|aa)+$", timeout_s=0.05)
    score = evil.score({"completion": "a" * 40 + "!"})
    assert score.status is Status.TIMEOUT and score.value is None


def test_recipe_params_reach_scorers():
    scorer = build({"use": "soft_overlong", "max_length": 10, "cache_length": 5, "name": "overlong"})
    assert scorer.score({"completion": "x" * 10}).components == {"overlong": -1.0}
