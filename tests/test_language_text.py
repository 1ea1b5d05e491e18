"""Extraction half of language consistency: what is stripped, how prose is cut into script runs, and how
runs get their language (with the real fastText detector)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.scorers.language.codes import normalize, scripts_of
from rewardkit.scorers.language.detect import get_detector
from rewardkit.scorers.language.ratio import Rules, dominant_language, label_runs, tally
from rewardkit.scorers.language.text import _SPELLED_HINT, _SPELLED_WORD_OR_STOP, segment, strip_markup


def words(text: str) -> list[tuple[str, list[str]]]:
    return [(run.script, run.words) for run in segment(strip_markup(text))]


# (input, the words that survive) grouped by phenomenon.
STRIPPED = [
    # inline and display math in every notation
    ("Let $x^2 + 1$ be positive", ["Let", "be", "positive"]),
    ("so $$\\int_0^1 f(t)\\,dt$$ equals one", ["so", "equals", "one"]),
    ("then \\[ a^2 + b^2 = c^2 \\] holds", ["then", "holds"]),
    ("with \\(\\alpha > 0\\) fixed", ["with", "fixed"]),
    ("\\begin{align} x &= 1 \\\\ y &= 2 \\end{align} done", ["done"]),
    # currency is not math (pandoc's rule): the words between stay
    ("it costs $5 and $10 in total", ["it", "costs", "and", "in", "total"]),
    ("it costs $5 today.\n\nThen it costs 3$ more", ["it", "costs", "today", "Then", "it", "costs", "more"]),
    # fenced, unclosed and inline code
    ("run this\n```python\nfor item in items:\n    print(item)\n```\nit prints", ["run", "this", "it", "prints"]),
    ("start\n```\nx = 1\nprose hidden in a fence that never closes",  # prose inside code counts (issue 13)
     ["start", "prose", "hidden", "in", "fence", "that", "never", "closes"]),
    ("call `sorted(values, key=len)` here", ["call", "here"]),
    # code-like tokens outside code spans; markdown emphasis is not code
    ("we use np.array and total_sum and maxValue and f(x) and x2", ["we", "use", "and", "and", "and", "and"]),
    ("**Step one:** compute (which is easy)", ["Step", "one", "compute", "which", "is", "easy"]),
    # URLs, digits, operators, single Latin and Greek letters
    ("see https://example.com/a?b=c and www.example.org now", ["see", "and", "now"]),
    # prose hidden in a URL path or query (percent-decoded), in identifiers, or spelled out letter by letter
    ("see https://example.com/how-to-add%20two-numbers now", ["see", "how", "to", "add", "two", "numbers", "now"]),
    ("see https://example.com/search?q=zuerst+rechnen+wir", ["see", "search", "zuerst", "rechnen", "wir"]),
    ("see https://docs.python.org/3/library/functions.html", ["see"]),
    ("so first_we_multiply and nowWeAdd", ["so", "first", "we", "multiply", "and", "now", "We", "Add"]),
    ("with num_items and sum_of_squares and maxValue", ["with", "and", "and"]),
    ("T h e n w e a d d, x y z", ["Thenweadd"]),
    ("<think>Okay so</think><answer>Fine</answer>", ["Okay", "so", "Fine"]),
    ("Let x be 3 + 4 = 7 and α the angle π", ["Let", "be", "and", "the", "angle"]),
]


@pytest.mark.parametrize(("text", "expected"), STRIPPED)
def test_stripping_keeps_only_prose_words(text, expected):
    assert [w for _, ws in words(text) for w in ws] == expected


def test_scripts_and_units():
    runs = segment(strip_markup("所以答案是 14。これは日本語です。따라서 답은 14입니다. Итак, ответ. ตอนนี้เราคำนวณ"))
    assert [(r.script, r.units) for r in runs] == [
        ("Han", 5.0),  # per character
        ("Kana", 5.0), ("Han", 3.0),  # これは日本語です: Kana per character too (a mixed word's pieces merge)
        ("Hangul", 3.0),  # per word: 따라서 / 답은 / 입니다 ("14입니다" loses its digits)
        ("Cyrillic", 2.0),
        ("Thai", 14 / 4),  # unspaced script (14 code points): one unit per 4
    ]
    assert segment("漢字", cjk_weight=0.5)[0].units == 1.0
    spelled = segment("we g o t i t")[0]  # a spelled-out word counts per 4 letters, like unspaced text
    assert (spelled.words, spelled.units, spelled.word_units) == (["we", "gotit"], 2.25, [1.0, 1.25])
    chain = segment("a state-of-the-art and end-to-end test")[0]  # 4+ hyphenated parts: one unit per part
    assert (chain.units, chain.word_units) == (7.0, [4.0, 1.0, 1.0, 1.0])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "é", "\u0301", "α", "ж", "日", " ", " ", ".", "1", "ab"]), max_size=24)
       .map("".join))
def test_spelled_hint_misses_no_spelled_word(text):
    # segment() uses the slower spelled-out pattern only where the hint finds something: it must never miss one
    if not _SPELLED_HINT.search(text):
        assert not any(spelled for spelled, _ in _SPELLED_WORD_OR_STOP.findall(text))


def test_sentences_split_on_terminators_not_on_decimals():
    runs = segment("We get 3.14 as the value. Then we stop! 然后。OK")
    assert [(r.sentence, r.words) for r in runs] == [
        (0, ["We", "get", "as", "the", "value"]), (1, ["Then", "we", "stop"]), (2, ["然后"]), (3, ["OK"])]


def test_hostile_input_stays_linear():
    for unit in ("$", "`", "\\[", "\\begin{x}", "a_", "ab ", "é", "漢", "a-", "x(", "```\n", "$a", "http://x "):
        text = unit * (60_000 // len(unit))
        start = time.perf_counter()
        segment(strip_markup(text))
        assert time.perf_counter() - start < 2.0, unit


ALIASES = [("zh-CN", "zh"), ("zh-Hans", "zh"), ("zh_TW", "zh"), ("zh-Hant", "zh"), ("english", "en"),
           ("English", "en"), ("Deutsch", "de"), ("中文", "zh"), ("日本語", "ja"), ("español", "es"),
           ("pt-BR", "pt"), ("en-US", "en"), ("es-419", "es"), ("eng", "en"), ("zho", "zh"), ("iw", "he"),
           ("  FR ", "fr"), ("ko", "ko"), ("yue", "yue"), ("sr-Latn", "sr")]


@pytest.mark.parametrize(("alias", "code"), ALIASES)
def test_aliases(alias, code):
    assert normalize(alias) == code


@pytest.mark.parametrize("bad", ["xx", "klingon", "", "zz-ZZ", "e n"])
def test_unknown_codes(bad):
    assert normalize(bad) is None


def test_japanese_is_written_in_han_and_kana():
    assert scripts_of("ja") == {"Han", "Kana"}
    assert scripts_of("sr") == {"Cyrillic", "Latin"}
    assert scripts_of("en") == {"Latin"}


@pytest.fixture(scope="module")
def detect():
    return get_detector("fasttext").detect


def test_short_runs_inside_another_script_are_skipped(detect):
    # "Python" and "sort" (one word each) sit inside Chinese sentences: they count for nothing.
    counts = tally("我们用 Python 的 sort 函数排序。结果正确。", "zh", detect)
    assert counts.units == {"zh": 12.0} and counts.skipped_runs == 2


def test_short_sentences_inherit_the_nearest_judged_run(detect):
    text = ("Let me compute the product of the two numbers first. Hmm. Okay. "
            "D'accord, je vais vérifier le résultat maintenant. Bon.")
    runs = segment(strip_markup(text))
    labels = label_runs(runs, "en", detect, Rules())
    # "Hmm" is nearer the English sentence, "Okay" and "Bon" nearer the French one.
    assert list(zip([r.text for r in runs], labels, strict=True)) == [
        ("Let me compute the product of the two numbers first", "en"), ("Hmm", "en"), ("Okay", "fr"),
        ("D'accord je vais vérifier le résultat maintenant", "fr"), ("Bon", "fr")]
    assert tally(text, "en", detect).units == {"en": 11.0, "fr": 9.0}
    # Alone, with no judged run of their script, short fragments are not counted.
    alone = tally("Hmm. Okay. Done.", "en", detect)
    assert alone.units == {} and alone.skipped_runs == 3


def test_latin_is_not_judged_for_a_non_latin_target(detect):
    calls = []

    def counting(texts):
        calls.append(list(texts))
        return detect(texts)

    counts = tally("答案是十四。Let me double check this result now.", "zh", counting)
    assert calls == [] and counts.units == {"zh": 5.0, "Latin": 7.0}


def test_han_with_kana_is_japanese(detect):
    text = "計算します。検算。"  # the second sentence is kanji only
    assert tally(text, "ja", detect).units == {"ja": 7.0}  # a Japanese text: its kanji-only heading too
    assert tally(text, "zh", detect).units == {"ja": 5.0, "zh": 2.0}
    assert tally("计算一下。", "yue", detect).units == {"yue": 4.0}


def test_target_bias_settles_close_languages(detect):
    # fastText alone says bg 0.27 / ru 0.26 / mk 0.26 for this sentence.
    assert tally("Ответ равен четырнадцати.", "ru", detect).ratio == 1.0
    unbiased = tally("Ответ равен четырнадцати.", "ru", detect, Rules(target_bias=1.0, min_confidence=0.0))
    assert unbiased.ratio == 0.0
    # The bias does not hide a real switch of language, even to a close one: a clear Portuguese sentence
    # (pt 0.98, es 0.0004) counts against a Spanish target.
    assert tally("Now let me double check this result using a different method.", "es", detect).ratio == 0.0
    assert tally("Primeiro calculamos o produto de três por quatro, que dá doze.", "es", detect).ratio == 0.0


@pytest.mark.parametrize(("prompt", "lang"), [
    ("What is 2 + 3 * 4?", "en"), ("计算 2 + 3 * 4 的值。", "zh"), ("2 + 3 * 4 はいくつですか？", "ja"),
    ("2 + 3 * 4 는 얼마입니까?", "ko"), ("Сколько будет 2 + 3 * 4?", "ru"), ("¿Cuánto es 2 + 3 * 4?", "es"),
    ("Combien font 2 + 3 * 4 ?", "fr"), ("Wie viel ist 2 + 3 * 4?", "de"), ("2 + 3 * 4 = ?", None)])
def test_dominant_language_of_prompts(detect, prompt, lang):
    assert dominant_language(prompt, detect) == lang
