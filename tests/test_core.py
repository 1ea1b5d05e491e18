"""The core contract: Sample, Score invariants, the Scorer guard, pickling."""

from __future__ import annotations

import math
import pickle

import pytest
from conftest import ROOT

import rewardkit
from rewardkit import InputError, Sample, Score, Scorer, Status
from rewardkit.scorers.format import ThinkFormat


def test_sample_keeps_every_field_and_maps_names():
    row = {"prompt": "p", "completion": "c", "solution": "14", "tests": [1], "data_source": "gsm8k"}
    sample = Sample.from_dict(row, {"answer": "solution"})
    assert sample.answer == "14"
    assert sample.get("tests") == [1] and sample.get("data_source") == "gsm8k"
    assert sample.get("solution") == "14"  # the original column stays reachable
    assert sample.to_dict()["data_source"] == "gsm8k"


def test_sample_without_completion_is_an_input_error():
    with pytest.raises(InputError, match="completion"):
        Sample.from_dict({"prompt": "p"})
    with pytest.raises(InputError, match="JSON object"):
        Sample.from_dict(["not", "a", "row"])


def test_chat_completion_scores_last_assistant_turn():
    messages = [
        {"role": "assistant", "content": "draft"},
        {"role": "user", "content": "try again"},
        {"role": "assistant", "content": [{"type": "text", "text": "<think>x</think>"},
                                          {"type": "text", "text": "<answer>1</answer>"}]},
        {"role": "tool", "content": "log"},
    ]
    sample = Sample(completion=messages, prompt=[{"role": "system", "content": "s"}, {"role": "user", "content": "q"}])
    assert sample.completion_text == "<think>x</think><answer>1</answer>"
    assert sample.prompt_text == "q"
    assert ThinkFormat().score(sample).value == 1.0


def test_null_text_parts_and_a_single_message():
    # `"text": null` parts used to raise inside every scorer (status error); a lone message dict was scored as
    # its Python repr
    parts = [{"role": "assistant", "content": [{"type": "text", "text": None}, {"type": "image_url"},
                                               {"type": "text", "text": "<think>x</think><answer>1</answer>"}]}]
    assert Sample(completion=parts).completion_text == "<think>x</think><answer>1</answer>"
    assert ThinkFormat().score(Sample(completion=parts)).value == 1.0
    single = {"role": "assistant", "content": "<think>x</think><answer>1</answer>"}
    assert ThinkFormat().score(Sample(completion=single)).value == 1.0
    assert Sample(completion="", prompt={"role": "user", "content": "q"}).prompt_text == "q"


def test_a_batch_of_the_wrong_length_falls_back_to_one_by_one():
    # a batch override that drops a row used to crash `rewardkit score` (or misalign rows in a plain zip)
    class Short(Scorer):
        name = "short"

        def _score(self, sample: Sample) -> Score:
            return Score(float(len(sample.completion_text)))

        def _score_batch(self, samples: list[Sample]) -> list[Score]:
            return [self._score(s) for s in samples[1:]]

    assert [s.value for s in Short().score_batch([{"completion": "a"}, {"completion": "bb"}])] == [1.0, 2.0]


def test_non_finite_components_become_none():
    # a scorer's own sub-components used to reach the batch output as `nan` (invalid JSON)
    class Parts(Scorer):
        name = "parts"

        def _score(self, sample: Sample) -> Score:
            return Score(1.0, components={"parts": 1.0, "nan": math.nan, "inf": math.inf, "int": 2, "text": "x"})

    score = Parts().score({"completion": "x"})
    assert score.components == {"parts": 1.0, "nan": None, "inf": None, "int": 2.0, "text": None}
    from rewardkit.testing.contract import check_score

    check_score(score)


@pytest.mark.parametrize("completion", [None, 42, [], [{"no_role": 1}], {"role": "assistant"}])
def test_odd_completion_types_never_raise(completion):
    score = ThinkFormat().score(Sample(completion=completion))
    assert score.value == 0.0 and score.status is Status.OK


class _Broken(Scorer):
    name = "broken_for_test"
    description = "raises"

    def _score(self, sample: Sample) -> Score:
        raise RuntimeError("boom")


class _Fixed(Scorer):
    name = "fixed_for_test"
    description = "returns a preset Score"

    def __init__(self, result: Score) -> None:
        super().__init__()
        self.result = result

    def _score(self, sample: Sample) -> Score:
        return Score(self.result.value, self.result.status, reason=self.result.reason)


def test_an_exception_becomes_status_error_never_zero():
    score = _Broken().score({"completion": "x"})
    assert score.value is None and score.status is Status.ERROR and "boom" in score.reason
    assert score.components == {"broken_for_test": None}
    assert [s.status for s in _Broken().score_batch([{"completion": "a"}, {"completion": "b"}])] == [Status.ERROR] * 2


@pytest.mark.parametrize(("given", "value", "status"), [
    (Score(float("nan")), None, Status.ERROR),
    (Score(float("inf")), None, Status.ERROR),
    (Score(1, Status.OK), 1.0, Status.OK),
    (Score(None, Status.OK), None, Status.NOT_APPLICABLE),
    (Score(0.5, Status.INFRA_ERROR), None, Status.INFRA_ERROR),  # an infra failure can never carry a reward
    (Score(0.0, Status.TIMEOUT), 0.0, Status.TIMEOUT),
])
def test_score_invariants_are_enforced(given, value, status):
    got = _Fixed(given).score({"completion": ""})
    assert got.status is status
    assert got.value == value if value is not None else got.value is None
    assert got.value is None or (isinstance(got.value, float) and math.isfinite(got.value))


def test_scorer_pickles_with_alias_and_params():
    scorer = ThinkFormat(name="fmt", mode="lenient")
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone.name == "fmt" and clone.params.mode == "lenient"
    assert clone.score({"completion": "hi <think>a</think><answer>b</answer>"}).components == {"fmt": 1.0}


def test_params_are_frozen_and_hashable():
    params = ThinkFormat(mode="lenient").params
    assert hash(params) == hash(ThinkFormat(mode="lenient").params)
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError type
        params.mode = "strict"


def test_score_to_dict_is_json_ready():
    import json

    score = ThinkFormat().score({"completion": "<answer>14</answer>"})
    assert json.loads(json.dumps(score.to_dict()))["status"] == "ok"


@pytest.mark.parametrize("answer", ["", "   ", "\n"])
def test_a_blank_gold_answer_is_a_missing_one(answer):
    # red-team rows hk-0206 / hk-0327: a blank gold left r1_zero at its format reward alone and r1 at 0.2
    for recipe in ("examples/recipes/r1_zero.yaml", "examples/recipes/r1.yaml"):
        score = rewardkit.build(str(ROOT / recipe)).score(
            {"completion": "<think>First we multiply three by four, which gives twelve.</think> <answer>14</answer>",
             "answer": answer})
        assert (score.value, score.status, score.details["missing_fields"]) == (None, Status.INVALID_INPUT, ["answer"])
