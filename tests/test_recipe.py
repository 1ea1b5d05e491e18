"""Recipes: building scorer trees, combiner arithmetic, None handling, and errors that name the recipe path."""

from __future__ import annotations

import json

import pytest
from conftest import R1_GOLD, R1_OUTPUTS

import rewardkit
from rewardkit import Combination, ConfigError, Sample, Score, Scorer, Status, UnknownScorerError, build


class _Const(Scorer):
    """A leaf with a preset result, so combiner arithmetic can be checked by hand."""

    name = "const_for_test"
    description = "preset value"

    def __init__(self, name: str, value: float | None, status: Status = Status.OK) -> None:
        super().__init__(name=name)
        self.value, self.status = value, status

    def _score(self, sample: Sample) -> Score:
        return Score(self.value, self.status, reason="preset")


def _combo(op: str, *leaves: tuple[float | None, float] | tuple[float | None, float, Status], **kw) -> Combination:
    children = [(_Const(f"c{i}", leaf[0], *leaf[2:]), leaf[1]) for i, leaf in enumerate(leaves)]
    return Combination(op, children, **kw)


@pytest.mark.parametrize(("op", "expected"), [
    ("sum", 2 * 0.5 + 1 * 0.25),
    ("mean", (2 * 0.5 + 1 * 0.25) / 3),  # weighted mean
    ("min", 0.25),
    ("max", 1.0),
    ("product", 1.0 * 0.25),
])
def test_combiner_arithmetic(op, expected):
    assert _combo(op, (0.5, 2.0), (0.25, 1.0)).score({"completion": ""}).value == pytest.approx(expected)


def test_not_applicable_components_are_skipped_not_zeroed():
    combo = _combo("mean", (1.0, 1.0), (None, 1.0, Status.NOT_APPLICABLE))
    score = combo.score({"completion": ""})
    assert score.value == 1.0  # a zero would have made it 0.5
    assert score.components == {"c0": 1.0, "c1": None}


def test_all_components_skipped_gives_none():
    combo = _combo("sum", (None, 1.0, Status.NOT_APPLICABLE), (None, 1.0, Status.INVALID_INPUT))
    score = combo.score({"completion": ""})
    assert score.value is None and score.status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("status", [Status.INFRA_ERROR, Status.ERROR, Status.TIMEOUT])
def test_a_failed_component_makes_the_total_none(status):
    score = _combo("sum", (1.0, 1.0), (None, 0.1, status)).score({"completion": ""})
    assert score.value is None and score.status is status and "c1" in score.reason


def test_gate_passes_or_blocks():
    passed = _combo("gate", (1.0, 1.0), (0.5, 2.0), (1.0, 1.0)).score({"completion": ""})
    assert passed.value == pytest.approx(2.0)
    blocked = _combo("gate", (0.0, 1.0), (1.0, 1.0), fail_value=-1.0).score({"completion": ""})
    assert blocked.value == -1.0 and "gate" in blocked.reason
    assert blocked.components == {"c0": 0.0, "c1": 1.0}  # the blocked part is still visible


def test_nested_recipe_and_named_combiner_components():
    recipe = {"combine": "sum", "components": [
        {"use": "exact_match", "weight": 1.0, "name": "accuracy"},
        {"combine": "max", "name": "format", "weight": 0.1, "components": [
            {"use": "think_format"}, {"use": "tag_count"}]},
    ]}
    score = build(recipe).score({"completion": R1_OUTPUTS[2], "answer": R1_GOLD})
    assert score.components == {"accuracy": 1.0, "think_format": 0.0, "tag_count": 0.5, "format": 0.5}
    assert score.value == pytest.approx(1.0 + 0.1 * 0.5)


def test_r1_zero_shape_with_exact_match_standing_in_for_math():
    # The R1-Zero recipe is math 1.0 + think_format 0.1; on integer golds exact_match decides the same
    # accuracy. The recipe with the real `math` scorer is tested in test_examples.py.
    reward = build([{"use": "exact_match", "weight": 1.0}, {"use": "think_format", "weight": 0.1}])
    values = [reward.score({"completion": out, "answer": R1_GOLD}).value for out in R1_OUTPUTS]
    assert values == pytest.approx([0.1, 1.1, 1.0, 0.0])


def test_top_level_weight_scales_a_single_leaf():
    assert build({"use": "think_format", "weight": 0.5}).score({"completion": R1_OUTPUTS[1]}).value == 0.5


def test_batch_equals_one_by_one(r1_rows):
    reward = build([{"use": "exact_match"}, {"use": "think_format", "weight": 0.1}])
    assert [s.value for s in reward.score_batch(r1_rows)] == [reward.score(r).value for r in r1_rows]


@pytest.mark.parametrize(("recipe", "path", "message"), [
    ({"combine": "sum", "components": [{"use": "think_format"}, {"use": "think_fromat"}]},
     "components[1].use", "did you mean 'think_format'"),
    ({"combine": "sum", "components": [{"use": "think_format", "weight": "heavy"}]},
     "components[0].weight", "finite number"),
    ({"combine": "sum", "components": [{"use": "think_format", "mdoe": "lenient"}]},
     "components[0].mdoe", "did you mean 'mode'"),
    ({"combine": "sum", "components": [{"combine": "max", "components": [{"use": "regex_match"}]}]},
     "components[0].components[0].pattern", "required"),
    ({"combine": "avg", "components": [{"use": "think_format"}]}, "combine", "unknown combiner"),
    ({"combine": "sum", "components": []}, "components", "non-empty"),
    ({"combine": "gate", "components": [{"use": "think_format"}]}, "components", "at least one more"),
    ({"combine": "sum", "threshold": 1, "components": [{"use": "think_format"}]}, "threshold", "unknown key"),
    ({"use": "think_format", "combine": "sum"}, "", "exactly one"),
    # a NaN threshold made every gate pass (x < NaN is False)
    ({"combine": "gate", "threshold": float("nan"), "components": [{"use": "think_format"}, {"use": "tag_count"}]},
     "threshold", "finite number"),
    ({"use": "regex_match", "pattern": "("}, "pattern", "invalid regular expression"),
    ({"combine": "sum", "components": [{"use": "think_format"}, {"use": "think_format"}]}, "", "alias"),
    # a named combiner shares the components dict with the leaves: one of the two values was lost
    ([{"combine": "max", "name": "think_format", "components": [{"use": "tag_count"}]}, {"use": "think_format"}],
     "", "alias"),
])
def test_bad_recipes_fail_at_build_time_naming_the_key(recipe, path, message):
    with pytest.raises(ConfigError) as info:
        build(recipe)
    assert info.value.path == path
    assert message in str(info.value)


def test_unknown_scorer_error_type():
    with pytest.raises(UnknownScorerError):
        build({"use": "no_such_scorer"})


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".toml"])
def test_recipe_files(tmp_path, suffix):
    text = {
        ".json": json.dumps({"combine": "sum", "components": [{"use": "think_format", "weight": 0.1}]}),
        ".yaml": "combine: sum\ncomponents:\n  - use: think_format\n    weight: 0.1\n",
        ".toml": 'combine = "sum"\n[[components]]\nuse = "think_format"\nweight = 0.1\n',
    }[suffix]
    path = tmp_path / f"recipe{suffix}"
    path.write_text(text)
    for source in (path, str(path)):
        assert build(source).score({"completion": R1_OUTPUTS[1]}).value == pytest.approx(0.1)


def test_recipe_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        build(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("combine: [unclosed")
    with pytest.raises(ConfigError, match="cannot parse"):
        build(bad)


def test_build_accepts_a_name_and_a_scorer():
    scorer = build("think_format")
    assert build(scorer) is scorer
    assert rewardkit.build("think_format").score({"completion": R1_OUTPUTS[0]}).value == 1.0
