"""Which language each run is in, and the share of countable units in the target language.

How a run (see `text.py`) gets its language:
- Han characters: Japanese in a sentence that has Kana, and everywhere when the target is `ja` and the text has
  Kana (kanji-only headings of a Japanese text); otherwise Chinese (the target itself when it is `yue`/`wuu`).
- A script that names one language (Kana, Hangul, Greek, Thai, Armenian, Tamil ...) decides alone.
- A script shared by several languages (Latin, Cyrillic, Arabic, Devanagari, Bengali, Hebrew, Georgian): the
  runs of that script in one sentence are judged together when they hold at least `min_words` words (so
  words glued to or alternating with another script add up); when the target is written in that script the
  detector labels them (so fr, es, de and en, all Latin, are told apart sentence by sentence); else the script
  is enough (every Latin word is non-target for a zh target) and no detector runs.
  A shorter run is not judged alone ("OK", "Hmm", a variable name, a function name): if it is the whole
  sentence it takes the label of the nearest judged run of the same script, otherwise (inside a sentence of
  another script) it is skipped.
- The detector's label for a run is its best candidate written in the run's script, with the target's
  confidence counted `target_bias` times: on short sentences fastText hesitates between close languages
  (es/pt/gl, ru/bg/mk: "Ответ равен четырнадцати" is bg 0.27, ru 0.26), so a run counts against the target only
  when another language is clearly preferred. A run whose label stays below `min_confidence` is treated like a
  short run.
Unlabelled runs count nowhere, neither for nor against the target. Per language, filler repeated in a row (a
block of up to 8 units, 3 or more times: `嗯嗯嗯…`) counts once, so repetition cannot buy ratio.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rewardkit.scorers.language.codes import SCRIPT_LANGUAGES, same_language, scripts_of
from rewardkit.scorers.language.detect import Candidates
from rewardkit.scorers.language.text import UNSPACED_LETTERS, UNSPACED_SCRIPTS, Run, segment, strip_markup

DetectFn = Callable[[Sequence[str]], list[Candidates]]
_HAN_TARGETS = frozenset({"zh", "yue", "wuu"})
LOOP_PERIOD, LOOP_COPIES = 8, 3  # a block of up to 8 units repeated 3+ times in a row counts once
_LOOP = re.compile(rf"(.{{1,{LOOP_PERIOD}}}?)\1{{{LOOP_COPIES - 1},}}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Rules:
    """The counting knobs (the scorer's parameters of the same names)."""

    cjk_weight: float = 1.0
    min_words: int = 3
    min_confidence: float = 0.3
    target_bias: float = 4.0


@dataclass(slots=True)
class Tally:
    """Units per language label (a language code, or a script name where the script alone decided)."""

    target: str
    units: dict[str, float] = field(default_factory=dict)
    skipped_runs: int = 0

    @property
    def total(self) -> float:
        return sum(self.units.values())

    @property
    def on_target(self) -> float:
        return sum(n for label, n in self.units.items() if same_language(label, self.target))

    @property
    def ratio(self) -> float | None:
        total = self.total
        return self.on_target / total if total > 0 else None


def tally(text: str, target: str, detect: DetectFn, rules: Rules = Rules()) -> Tally:
    """Count the units of `text` per language, judged against `target` (see the module docstring)."""
    runs = segment(strip_markup(text), rules.cjk_weight)
    labels = label_runs(runs, target, detect, rules)
    result = Tally(target)
    by_label: dict[str, list[Run]] = {}
    for run, label in zip(runs, labels, strict=True):
        if label is None:
            result.skipped_runs += 1
        else:
            by_label.setdefault(label, []).append(run)
    result.units = {label: _without_loops(members, rules.cjk_weight) for label, members in by_label.items()}
    return result


def _per_char(run: Run) -> bool:
    return run.script in ("Han", "Kana") or run.script in UNSPACED_SCRIPTS


def _without_loops(runs: list[Run], cjk_weight: float) -> float:
    """The units of `runs` (one label's, in order) with every block of up to LOOP_PERIOD units repeated
    LOOP_COPIES+ times in a row counted once: filler (`嗯嗯嗯…`, `好的好的好的…`) adds one block, not its
    length. Units become one character each (words through a private-use code) so a regex finds the repeats
    in C, in linear time."""
    codes: dict[str, str] = {}

    def code(word: str) -> str:
        word = word.lower()
        return word if len(word) == 1 else codes.setdefault(word, chr(0xF0000 + len(codes) % 0xFFFE))

    encoded = "".join("".join(run.words) if _per_char(run) else "".join(map(code, run.words)) for run in runs)
    total = sum(run.units for run in runs)
    matches = list(_LOOP.finditer(encoded))
    if not matches:
        return total
    weights = [w for run in runs
               for w in run.word_units or [_unit_weight(run, cjk_weight)] * len(_unit_list(run))]
    for match in matches:
        total -= sum(weights[match.start() + len(match.group(1)):match.end()])
    return total


def _unit_list(run: Run) -> list[str]:
    return [ch for word in run.words for ch in word] if _per_char(run) else run.words


def _unit_weight(run: Run, cjk_weight: float) -> float:
    if run.script in ("Han", "Kana"):
        return cjk_weight
    return 1.0 / UNSPACED_LETTERS if run.script in UNSPACED_SCRIPTS else 1.0


def label_runs(runs: list[Run], target: str, detect: DetectFn, rules: Rules) -> list[str | None]:
    """A language label for each run, or None where the run is not counted."""
    target_scripts = scripts_of(target)
    kana_sentences = {run.sentence for run in runs if run.script == "Kana"}
    labels: list[str | None] = [None] * len(runs)
    shared: dict[tuple[int, str], list[int]] = {}  # (sentence, shared script) -> its runs
    for i, run in enumerate(runs):
        langs = SCRIPT_LANGUAGES.get(run.script)
        if run.script == "Han":
            labels[i] = _han_label(run, target, kana_sentences)
        elif langs is None:
            labels[i] = run.script  # a script no supported language uses
        elif len(langs) == 1:
            labels[i] = langs[0]
        else:
            shared.setdefault((run.sentence, run.script), []).append(i)
    # Runs of one script in one sentence are judged together: words glued to or alternating with another
    # script ("First的multiply的three") add up to a judged run instead of each escaping as a fragment.
    pending: list[list[int]] = []  # groups to detect
    for (_, script), group in shared.items():
        if sum(runs[i].units for i in group) < rules.min_words:  # a word each; spelled-out: per 4 letters
            continue
        if script in target_scripts:
            pending.append(group)
        else:
            for i in group:
                labels[i] = script
    if pending:
        texts = [" ".join(runs[i].text for i in group) for group in pending]
        for group, candidates in zip(pending, detect(texts), strict=True):
            label = choose(candidates, SCRIPT_LANGUAGES[runs[group[0]].script], target, rules)
            for i in group:
                labels[i] = label
    _inherit(runs, labels)
    return labels


def _han_label(run: Run, target: str, kana_sentences: set[int]) -> str:
    if run.sentence in kana_sentences or (target == "ja" and kana_sentences):
        return "ja"
    return target if target in _HAN_TARGETS else "zh"


def choose(candidates: Candidates, langs: Sequence[str], target: str, rules: Rules) -> str | None:
    """The best candidate written in the run's script, the target's confidence counting `target_bias` times;
    None if that stays below `min_confidence`."""
    best, best_score = None, 0.0
    for lang, confidence in candidates:
        if lang in langs:
            score = confidence * rules.target_bias if same_language(lang, target) else confidence
            if score > best_score:
                best, best_score = lang, score
    return best if best_score >= rules.min_confidence else None


def _inherit(runs: list[Run], labels: list[str | None]) -> None:
    """Give each unlabelled run that is a whole sentence the label of the nearest judged run of its script."""
    sentence_sizes = Counter(run.sentence for run in runs)
    judged: dict[str, list[int]] = {}  # script -> indices of judged runs, ascending
    for i, label in enumerate(labels):
        if label is not None:
            judged.setdefault(runs[i].script, []).append(i)
    for i, run in enumerate(runs):
        if labels[i] is not None or sentence_sizes[run.sentence] > 1 or run.script not in judged:
            continue
        indices = judged[run.script]
        at = bisect.bisect(indices, i)
        nearest = indices[max(at - 1, 0):at + 1]
        labels[i] = labels[min(nearest, key=lambda j: (abs(j - i), j))]  # on a tie the earlier one


def dominant_language(text: str, detect: DetectFn) -> str | None:
    """The language most of `text` is written in (for `target: auto` on a prompt), or None if it has no words.
    The script with the most units decides; a shared script asks the detector once about all its words."""
    runs = segment(strip_markup(text))
    per_script: dict[str, float] = {}
    for run in runs:
        per_script[run.script] = per_script.get(run.script, 0.0) + run.units
    if not per_script:
        return None
    script = max(per_script, key=lambda s: per_script[s])
    if script in ("Han", "Kana"):
        return "ja" if "Kana" in per_script else "zh"
    langs = SCRIPT_LANGUAGES.get(script)
    if not langs:
        return None
    if len(langs) == 1:
        return langs[0]
    words = " ".join(run.text for run in runs if run.script == script)
    return choose(detect([words])[0], langs, "", Rules(min_confidence=0.0, target_bias=1.0))
