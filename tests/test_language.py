"""The `language_consistency` scorer (R1's language-consistency reward) on multilingual reasoning traces."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import strategies as st
from language_traces import (
    CODE_ONLY,
    DE_CODE_HEAVY,
    EN_CODE_HEAVY,
    EN_MATH_HEAVY,
    EN_WITH_ZH,
    ES_WITH_EN,
    FR_WITH_DE,
    JA_WITH_EN,
    KO_WITH_EN,
    MATH_ONLY,
    MORE_PURE,
    NUMBERS_ONLY,
    PURE,
    RU_WITH_EN,
    SHORT,
    ZH_CODE_HEAVY,
    ZH_EN_PASSAGE,
    ZH_MATH_HEAVY,
    ZH_WITH_EN,
)

from rewardkit import ConfigError, Status, build, get
from rewardkit.scorers.language.detect import register_detector
from rewardkit.testing import check_scorer
from rewardkit.testing.strategies import samples

LanguageConsistency = get("language_consistency")


def score(text: str, target: str | None = "en", **params):
    scorer = LanguageConsistency(target=target, **params)
    return scorer.score({"completion": f"<think>{text}</think><answer>14</answer>"})


@pytest.mark.parametrize("lang", sorted(PURE))
def test_pure_target_scores_one(lang):
    result = score(PURE[lang], lang)
    assert (result.value, result.status) == (1.0, Status.OK), result.reason


@pytest.mark.parametrize("lang", sorted(MORE_PURE))
def test_more_languages_score_one_and_are_detected_in_prompts(lang):
    text = MORE_PURE[lang]
    assert score(text, lang).value == 1.0
    auto = LanguageConsistency(target="auto").score({"prompt": text, "completion": f"<think>{text}</think>"})
    assert (auto.value, auto.details["target"]) == (1.0, lang)
    assert score(text, "en" if lang != "en" else "zh").value == 0.0


@pytest.mark.parametrize(("lang", "other"), [("zh", "en"), ("en", "zh"), ("es", "en"), ("fr", "de"), ("de", "fr"),
                                             ("ru", "en"), ("ko", "ja"), ("ja", "zh"), ("en", "es")])
def test_pure_other_language_scores_near_zero(lang, other):
    # ja text judged against zh: its one kanji-only heading (検算, 2 of 137 units) reads as Chinese.
    assert score(PURE[lang], other).value <= 2 / 137


def test_english_passage_in_zh_lowers_the_ratio_by_its_words():
    # 54 Han characters of Chinese; the passage has 15 English words ("I" and "a" are single letters).
    assert score(ZH_WITH_EN, "zh").value == pytest.approx(54 / (54 + 15))
    twice = ZH_WITH_EN.replace(ZH_EN_PASSAGE, ZH_EN_PASSAGE + "\n" + ZH_EN_PASSAGE)
    assert score(twice, "zh").value == pytest.approx(54 / (54 + 30))
    # Counting Chinese at 0.5 unit per character weighs the English passage twice as much.
    assert score(ZH_WITH_EN, "zh", cjk_weight=0.5).value == pytest.approx(27 / (27 + 15))
    # Without the passage the trace is pure.
    assert score(ZH_WITH_EN.replace(ZH_EN_PASSAGE, ""), "zh").value == 1.0


@pytest.mark.parametrize(("text", "target", "expected"), [
    (EN_WITH_ZH, "en", 33 / (33 + 18)),  # 18 Han characters inside 33 English words
    (ES_WITH_EN, "es", 25 / (25 + 16)),  # a 16-word English check inside Spanish
    (FR_WITH_DE, "fr", 20 / (20 + 12)),  # French slipping into German: 12 German words
    (JA_WITH_EN, "ja", 46 / (46 + 16)),  # 46 kana/kanji, then a 16-word English sentence
    (RU_WITH_EN, "ru", 15 / (15 + 14)),  # 15 Russian words around a 14-word English sentence
    (KO_WITH_EN, "ko", 11 / (11 + 12)),  # 11 Korean words (digits stripped from 6이고) and 12 English ones
])
def test_drifting_traces(text, target, expected):
    assert score(text, target).value == pytest.approx(expected)


@pytest.mark.parametrize(("text", "target"), [(EN_CODE_HEAVY, "en"), (ZH_MATH_HEAVY, "zh"), (EN_MATH_HEAVY, "en"),
                                              (DE_CODE_HEAVY, "de")])
def test_code_and_math_do_not_count(text, target):
    assert score(text, target).value == 1.0


def test_natural_language_in_code_comments_counts():
    # Code lines do not count, but the English comment is 8 English words in a Chinese trace (41 Han).
    assert score(ZH_CODE_HEAVY, "zh").value == pytest.approx(41 / (41 + 8))


@pytest.mark.parametrize("text", [MATH_ONLY, CODE_ONLY, NUMBERS_ONLY, "OK.", "Hmm, x = 3?"])
def test_nothing_countable_is_not_applicable(text):
    result = score(text, "en")
    assert (result.value, result.status) == (None, Status.NOT_APPLICABLE)
    assert score(text, "en", empty_value=1.0).value == 1.0


def test_empty_region_is_always_skipped():
    scorer = LanguageConsistency(target="en", empty_value=1.0)
    for completion in ("", "<answer>14</answer>", "<think>  </think><answer>14</answer>"):
        assert scorer.score({"completion": completion}).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("lang", sorted(SHORT))
def test_very_short_traces(lang):
    assert score(SHORT[lang], lang).value == 1.0


def test_threshold_mode():
    assert score(ZH_WITH_EN, "zh", mode="threshold", threshold=0.75).value == 1.0  # 0.78
    assert score(ZH_WITH_EN, "zh", mode="threshold", threshold=0.8).value == 0.0
    assert score(PURE["zh"], "zh", mode="threshold").value == 1.0


def test_regions():
    completion = f"<think>{PURE['en']}</think><answer>{SHORT['zh']}</answer>"
    values = {region: LanguageConsistency(target="en", region=region).score({"completion": completion}).value
              for region in ("think", "answer", "all")}
    assert values == {"think": 1.0, "answer": 0.0, "all": pytest.approx(71 / (71 + 5))}
    # A chat template that opened <think> in the prompt: the completion starts inside the block.
    prefilled = LanguageConsistency(target="en").score({"completion": PURE["en"] + "</think>答案是十四。"})
    assert prefilled.value == 1.0


def test_target_precedence():
    completion = f"<think>{PURE['es']}</think><answer>14</answer>"
    row = {"prompt": "What is 2 + 3 * 4?", "completion": completion, "language": "es"}
    assert LanguageConsistency(target="en").score(row).details["target"] == "en"  # the recipe wins
    for target in (None, "auto"):
        result = LanguageConsistency(target=target).score(row)
        assert (result.value, result.details["target_from"]) == (1.0, "field 'language'")
    del row["language"]
    auto = LanguageConsistency(target="auto").score(row)  # the prompt is English
    assert (auto.value, auto.details["target_from"]) == (0.0, "prompt")
    assert LanguageConsistency(target="auto").score({**row, "prompt": "¿Cuánto es 2 + 3 * 4?"}).value == 1.0
    missing = LanguageConsistency().score(row)
    assert (missing.value, missing.status) == (None, Status.INVALID_INPUT)
    assert "language" in missing.reason
    renamed = LanguageConsistency(language_field="lang").score({**row, "lang": "Español"})
    assert renamed.value == 1.0


def test_bad_language_in_a_row_is_invalid_input():
    for value in ("klingon", 7, ["en"]):
        result = LanguageConsistency().score({"completion": "<think>Hello there my friend</think>", "language": value})
        assert result.status is Status.INVALID_INPUT


def test_auto_with_a_wordless_prompt_is_invalid_input():
    result = LanguageConsistency(target="auto").score({"prompt": "2 + 3 * 4 = ?", "completion": "<think>So the "
                                                                                                 "sum is</think>"})
    assert result.status is Status.INVALID_INPUT


@pytest.mark.parametrize(("alias", "code"), [("zh-CN", "zh"), ("zh-Hans", "zh"), ("zh-TW", "zh"), ("english", "en"),
                                             ("Deutsch", "de"), ("pt_BR", "pt"), ("日本語", "ja")])
def test_target_aliases(alias, code):
    scorer = build({"use": "language_consistency", "target": alias})
    assert scorer.params.target == code


@pytest.mark.parametrize(("params", "key"), [({"target": "klingon"}, "target"), ({"target": "xx-YY"}, "target"),
                                             ({"detector": "nope"}, "detector"), ({"mode": "share"}, "mode"),
                                             ({"threshold": 1.5}, "threshold"), ({"cjk_weight": 0}, "cjk_weight"),
                                             ({"trget": "en"}, "trget")])
def test_bad_configuration_names_the_key(params, key):
    with pytest.raises(ConfigError) as info:
        build({"use": "language_consistency", **params})
    assert key in str(info.value)


def test_r1_worked_example_outputs():
    # DESIGN.md's o1..o4 reason in numbers only; with empty_value 1.0 a wordless think earns the language reward.
    reward = build([{"use": "exact_match"}, {"use": "language_consistency", "weight": 0.2, "target": "auto",
                                             "empty_value": 1.0}])
    prompt = ("A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
              "User: What is 2 + 3 * 4?. Assistant:")
    outputs = ["<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>",
               "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>",
               "<answer>14</answer>",
               "<think>…some gibberish reasoning…</think> <answer> 7<answer>"]
    values = [reward.score({"prompt": prompt, "completion": o, "answer": "14"}).value for o in outputs]
    assert values == [pytest.approx(v) for v in (0.2, 1.2, 1.0, 0.2)]  # o3 has no think block: skipped


def test_chat_completion_and_batch():
    scorer = LanguageConsistency(target="zh", region="all")
    chat = [{"role": "user", "content": "计算"}, {"role": "assistant", "content": ZH_WITH_EN}]
    batch = scorer.score_batch([{"completion": chat}, {"completion": PURE["zh"]}])
    assert [b.value for b in batch] == [pytest.approx(54 / 69), 1.0]


def test_detector_that_cannot_load_is_an_infra_error():
    def broken():
        raise OSError("model file unreadable")

    register_detector("broken_for_test", broken)
    scorer = LanguageConsistency(target="en", detector="broken_for_test")
    result = scorer.score({"completion": f"<think>{PURE['en']}</think>"})
    assert (result.value, result.status) == (None, Status.INFRA_ERROR)
    assert "model file unreadable" in result.reason
    # A zh target never needs the detector: Latin words are non-target by script alone.
    assert LanguageConsistency(target="zh", detector="broken_for_test").score(
        {"completion": f"<think>{ZH_WITH_EN}</think>"}).value == pytest.approx(54 / 69)


def test_pickles_without_the_model():
    scorer = LanguageConsistency(target="es")
    first = scorer.score({"completion": f"<think>{ES_WITH_EN}</think>"}).value
    assert scorer._detector is not None
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone._detector is None
    assert clone.score({"completion": f"<think>{ES_WITH_EN}</think>"}).value == first


@pytest.mark.parametrize("params", [{"target": "en"}, {"target": "zh", "region": "all"},
                                    {"target": "auto", "mode": "threshold", "empty_value": 1.0}])
def test_contract(params):
    check_scorer(LanguageConsistency(**params), max_examples=150)


def test_contract_with_language_field():
    languages = st.sampled_from(["en", "zh-CN", "es", "ja", "ko", "ru", "fr", "de", "klingon", ""])
    languages = languages | st.text(max_size=8)
    check_scorer(LanguageConsistency(), max_examples=150, sample_strategy=samples(language=languages))
