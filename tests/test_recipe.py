"""Recipes: building scorer trees, combiner arithmetic, None handling, and errors that name the recipe path."""

from __future__ import annotations

import json
import math

import pytest
from conftest import R1_GOLD, R1_OUTPUTS, R1_PROMPT

import rewardkit
from rewardkit import Combination, ConfigError, Sample, Score, Scorer, Status, UnknownScorerError, build


class _Const(Scorer):
    """A leaf with a preset result, so combiner arithmetic can be checked by hand."""

    name = "const_for_test"
    description = "preset value"
    value_range = (0.0, 1.0)

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


# ------------------------------------------------------------------------------ required fields (issue 15)


class _NeedsTests(Scorer):
    """Needs one of two test fields; `_score` would crash without them, so the base class must answer first."""

    name = "needs_tests"
    description = "requires tests"
    required_fields = (("tests", "input_output"),)

    def _score(self, sample: Sample) -> Score:
        return Score(1.0 if (sample.get("tests") or sample.get("input_output"))["ok"] else 0.0)


class _BatchNeedsAnswer(Scorer):
    """A batch-capable scorer that records which samples reached `_score_batch`."""

    name = "batch_needs_answer"
    description = "requires answer, scores in batches"
    required_fields = ("answer",)

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def _score(self, sample: Sample) -> Score:
        return Score(1.0)

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        self.seen += [s.answer for s in samples]
        return [Score(1.0) for _ in samples]


R1_ZERO = "examples/recipes/r1_zero.yaml"


def test_missing_gold_answer_is_none_not_the_format_reward_alone():
    row = {"prompt": R1_PROMPT, "completion": R1_OUTPUTS[1]}  # right answer, good format, no `answer` field
    for score in (build(R1_ZERO).score(row), build(R1_ZERO).score_batch([row])[0]):
        assert score.value is None and score.status is Status.INVALID_INPUT  # was 0.1 with status ok
        assert "math" in score.reason and "'answer'" in score.reason and "--map answer=" in score.reason
        assert score.components == {"math": None, "think_format": 1.0}  # the format part stays visible
        assert score.missing_fields == ["answer"]


def test_optional_component_without_its_field_is_skipped():
    recipe = {"combine": "sum", "components": [{"use": "math", "optional": True}, {"use": "think_format",
                                                                                  "weight": 0.1}]}
    score = build(recipe).score({"completion": R1_OUTPUTS[1]})
    assert (score.value, score.status) == (pytest.approx(0.1), Status.OK)
    assert score.components == {"math": None, "think_format": 1.0}
    assert build(recipe).score({"completion": R1_OUTPUTS[1], "answer": R1_GOLD}).value == pytest.approx(1.1)


def test_a_missing_field_propagates_through_nested_combiners_unless_optional():
    inner = {"combine": "max", "name": "accuracy", "components": [{"use": "exact_match"}, {"use": "tag_count"}]}
    recipe = [inner, {"use": "think_format", "weight": 0.1}]
    score = build(recipe).score({"completion": R1_OUTPUTS[1]})
    assert score.value is None and score.status is Status.INVALID_INPUT and "exact_match" in score.reason
    assert build(recipe).missing_fields(Sample(completion="x")) == ["answer"]
    optional = [{**inner, "optional": True}, {"use": "think_format", "weight": 0.1}]
    assert build(optional).missing_fields(Sample(completion="x")) == []
    skipped = build(optional).score({"completion": R1_OUTPUTS[1]})  # the max is None, and optional: skipped
    assert skipped.value == pytest.approx(0.1) and skipped.components["accuracy"] is None
    assert build([{**inner["components"][0], "optional": True}, inner["components"][1]]).score(
        {"completion": R1_OUTPUTS[1]}).value == pytest.approx(1.0)


def test_required_fields_are_checked_once_in_the_base_class():
    scorer = _NeedsTests()
    missing = scorer.score({"completion": "x"})
    assert (missing.value, missing.status) == (None, Status.INVALID_INPUT)  # not `error` from the KeyError
    assert "'tests or input_output'" in missing.reason
    assert scorer.score({"completion": "x", "input_output": {"ok": True}}).value == 1.0
    assert scorer.score({"completion": "x", "tests": None}).status is Status.INVALID_INPUT  # null is absent


def test_batch_scorers_never_see_rows_without_their_fields():
    scorer = _BatchNeedsAnswer()
    scores = scorer.score_batch([{"completion": "a", "answer": "1"}, {"completion": "b"},
                                 {"completion": "c", "answer": "3"}])
    assert scorer.seen == ["1", "3"]
    assert [s.status for s in scores] == [Status.OK, Status.INVALID_INPUT, Status.OK]


@pytest.mark.parametrize(("node", "key"), [
    ({"use": "math", "optional": True}, "optional"),
    ([{"use": "math", "optional": "yes"}], "components[0].optional"),
])
def test_optional_errors_name_the_key(node, key):
    with pytest.raises(ConfigError) as info:
        build(node)
    assert info.value.path == key


# ------------------------------------------------------------------------------ combiners (issue 13)


class _Penalty(_Const):
    value_range = (-1.0, 0.0)


def test_product_of_two_penalties_is_refused_at_build_time():
    recipe = {"combine": "product", "components": [
        {"use": "soft_overlong", "max_length": 100, "cache_length": 20}, {"use": "repetition"}]}
    with pytest.raises(ConfigError) as info:
        build(recipe)
    assert info.value.path == "components[0]" and "allow_negative" in str(info.value)
    assert "[-1, 0]" in str(info.value)
    with pytest.raises(ConfigError, match="components\\[1\\]"):  # nested: the path leads to the factor
        build([{"use": "think_format"}, {**recipe, "components": [{"use": "think_format"}, {"use": "repetition"}]}])
    # the numbers: -1 x -0.993 would be a bonus of +0.993 for a response that is too long AND repetitive
    penalties = [(_Penalty("overlong", -1.0), 1.0), (_Penalty("repetition", -0.993), 1.0)]
    with pytest.raises(ConfigError, match="allow_negative"):
        Combination("product", penalties)
    opted_in = Combination("product", penalties, allow_negative=True)
    assert opted_in.score({"completion": ""}).value == pytest.approx(0.993)  # what the user opted into
    assert build({**recipe, "allow_negative": True}).value_range == (-math.inf, math.inf)


def test_product_needs_a_declared_range():
    class Undeclared(Scorer):
        name = "undeclared"

        def _score(self, sample):
            return Score(1.0)

    with pytest.raises(ConfigError, match="value_range"):
        Combination("product", [(Undeclared(), 1.0), (build("think_format"), 1.0)])
    with pytest.raises(ConfigError) as info:  # a negative weight flips a [0, 1] factor
        build({"combine": "product", "components": [{"use": "think_format", "weight": -1}, {"use": "tag_count"}]})
    assert info.value.path == "components[0]"
    assert build({"combine": "product", "components": [{"use": "think_format"}, {"use": "tag_count"}]})


# numbers-only reasoning: language_consistency does not apply; the honest reasoning drifts into German
NUMBERS_ONLY = [(1.0, 1.0), (None, 1.0, Status.NOT_APPLICABLE)]
HONEST_GERMAN = [(1.0, 1.0), (0.69, 1.0)]


@pytest.mark.parametrize(("op", "missing", "numbers_only", "honest"), [
    ("min", "skip", 1.0, 0.69),  # the loophole: skipping the language part lets the numbers-only one win
    ("mean", "skip", 1.0, 0.845),
    ("min", "zero", 0.0, 0.69),  # closed: not applicable counts as 0
    ("mean", "zero", 0.5, 0.845),
    ("min", "fail", None, 0.69),  # closed: the row is not scored at all
    ("mean", "fail", None, 0.845),
])
def test_missing_policy_closes_the_not_applicable_loophole(op, missing, numbers_only, honest):
    got = _combo(op, *NUMBERS_ONLY, missing=missing).score({"completion": ""})
    assert got.value == (None if numbers_only is None else pytest.approx(numbers_only))
    assert _combo(op, *HONEST_GERMAN, missing=missing).score({"completion": ""}).value == pytest.approx(honest)
    if missing == "fail":
        assert got.status is Status.NOT_APPLICABLE and "c1" in got.reason


def test_missing_policy_with_the_real_language_scorer():
    numbers_only = {"completion": "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>", "answer": "14"}
    german = {"completion": "<think>First multiply three by four to get twelve. Dann addieren wir zwei und "
                            "erhalten vierzehn als Ergebnis.</think> <answer>14</answer>", "answer": "14"}
    node = {"combine": "min", "components": [{"use": "math"}, {"use": "language_consistency", "target": "en"}]}
    skip, zero = build(node), build({**node, "missing": "zero"})
    honest = skip.score(german).value
    assert 0 < honest < 1
    assert skip.score(numbers_only).value == 1.0 > honest  # the loophole under the default
    assert zero.score(numbers_only).value == 0.0 < zero.score(german).value == honest
    assert build({**node, "missing": "fail"}).score(numbers_only).value is None


def test_missing_policy_errors_and_trainer_split():
    with pytest.raises(ConfigError) as info:
        build([{"combine": "min", "missing": "zeros", "components": [{"use": "think_format"}]}])
    assert info.value.path == "components[0].missing"
    with pytest.raises(ConfigError) as info:
        build({"combine": "min", "allow_negative": "yes", "components": [{"use": "think_format"}]})
    assert info.value.path == "allow_negative"
    # a sum that zeroes or fails on None is not what a trainer's nansum over components computes: one function
    two = [{"use": "think_format"}, {"use": "tag_count"}]
    assert len(build({"combine": "sum", "components": two}).sum_terms()) == 2
    assert len(build({"combine": "sum", "missing": "zero", "components": two}).sum_terms()) == 1


def test_value_ranges_of_combiners():
    assert build("examples/recipes/r1_zero.yaml").value_range == (0.0, pytest.approx(1.1))
    assert build([{"use": "think_format"}, {"use": "repetition", "max_penalty": -0.5}]).value_range == (-0.5, 1.0)
    assert build({"combine": "gate", "fail_value": -1, "components": [{"use": "think_format"},
                                                                        {"use": "tag_count"}]}).value_range == (-1, 1)


_LEAVES = [{"use": "think_format"}, {"use": "tag_count"}, {"use": "repetition", "ngram_size": 1},
           {"use": "soft_overlong", "max_length": 40, "cache_length": 20}]


def _nodes(depth: int):
    from hypothesis import strategies as st

    leaf = st.builds(lambda node, w: {**node, "weight": w}, st.sampled_from(_LEAVES),
                     st.sampled_from([1.0, 0.5, -1.0, 2.0, 0.0]))
    if depth == 0:
        return leaf
    combiner = st.builds(
        lambda op, parts, missing: {"combine": op, "missing": missing, "components": parts,
                                    **({"allow_negative": True} if op == "product" else {})},
        st.sampled_from(["sum", "mean", "min", "max", "product", "gate"]), st.lists(_nodes(depth - 1), min_size=2,
                                                                                    max_size=3),
        st.sampled_from(["skip", "zero", "fail"]))
    return st.one_of(leaf, combiner)


def _aliased(node, counter=None):
    """The recipe with a distinct alias on every leaf (names must be unique)."""
    counter = counter if counter is not None else iter(range(10_000))
    if isinstance(node, list):
        return [_aliased(n, counter) for n in node]
    if "use" in node:
        return {**node, "name": f"leaf{next(counter)}"}
    return {**node, "components": [_aliased(n, counter) for n in node["components"]]}


def test_every_value_lies_in_the_combined_range():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None, database=None)
    @given(_nodes(2), st.sampled_from([*R1_OUTPUTS, "", "a a a a a a a a", "<think>x</think>" * 9]))
    def check(recipe, completion):
        scorer = build(_aliased(recipe if "combine" in recipe else [recipe]))
        lo, hi = scorer.value_range
        value = scorer.score({"completion": completion}).value
        assert value is None or lo - 1e-9 <= value <= hi + 1e-9, (recipe, value, (lo, hi))

    check()
