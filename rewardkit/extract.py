"""Extraction: where things are in a completion (tags, the reasoning, boxes, fenced code) and the one
final-answer policy built on them.

`math`, `exact_match`, `cosine_length` (through its verifier), `vote` and the judge's `answer` region all read
a completion's final answer through `final_answer`, so one completion has one final answer everywhere.

    from rewardkit.extract import final_answer
    final_answer("<think>maybe \\boxed{3}</think> Case 1: \\boxed{20}. Case 2: \\boxed{14}")
    # FinalAnswer(parts=('20', '14'), source='boxed (hedge: 2 values)', kind='hedge')

The policy (docs/math.md has a table of examples):
1. Scope (`answer_scope`): drafts inside `<think>` never count; inside the scope the last closed `<answer>`
   tag, when there is one, is where the answer is.
2. Candidates: boxes (`\\boxed{}`, `\\fbox{}`; nested boxes unwrapped, empty ones ignored), anchored statements
   ("The final answer is", "Answer:", a "### Final Answer" heading, 答案是, 答えは, 정답은, Ответ:, la réponse est,
   la respuesta es, die Antwort ist, 选 C ...), a GSM8K `#### 72` line, and an answer tag's whole content.
3. The last statement wins: an anchored statement after the last box, holding a value, outranks the boxes
   (an intermediate box, a box in an echoed question, "\\boxed{14}. Wait, actually, the answer is 20.").
4. Hedges are a rule, not a word list: different boxed values are a hedge unless the text before the later
   one is an explicit correction ("wait", "actually", "so the answer is" ...), and always when it names cases
   or conditions ("Case 2:", "if", "otherwise", "it could also be" ...). A hedge is judged as one list.
5. A short sentence holding one value is that value: "The result is 14." gives `14`.
Full-width digits and punctuation (`＝１４`, `３．５`) are read as ASCII. Extraction only finds text, never
judges it, and never falls back to a stray number in free prose. Every scan is linear in the text (plain
string search, no backtracking regex over model output).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Which = Literal["last", "first"]
Region = Literal["think", "answer", "all"]

_BOX_COMMANDS = ("\\boxed", "\\fbox")
_BRACE_TOKEN = re.compile(r"\\.|[{}]", re.DOTALL)
# Only the fence itself: the info string is read up to the newline with str.find. A pattern that also ran
# `[\w+#.-]*[^\n]*\n` backtracked quadratically on a long last line with no newline ("```" + 50k characters).
_FENCE = re.compile(r"(```+|~~~+)")  # an opening fence may follow text on its line: "<answer>```python"
_INFO_LANGUAGE = re.compile(r"[ \t]*([\w+#.-]*)")


def tag_contents(text: str, tag: str) -> list[str]:
    """Contents of every closed `<tag>...</tag>` pair, left to right (see `tag_spans`)."""
    return [text[start:end] for start, end in tag_spans(text, tag)]


def tag_spans(text: str, tag: str) -> list[tuple[int, int]]:
    """(start, end) of the content of every closed `<tag>...</tag>` pair. A pair is a closer and the last
    opener before it: a stray opener earlier (the reasoning saying "I will answer in <answer> tags") is not
    content."""
    open_tag, close_tag = f"<{tag}>", f"</{tag}>"
    found, pos = [], 0
    while True:
        start = text.find(open_tag, pos)
        if start < 0:
            return found
        end = text.find(close_tag, start + len(open_tag))
        if end < 0:
            return found
        start = text.rfind(open_tag, start, end)
        found.append((start + len(open_tag), end))
        pos = end + len(close_tag)


def answer_tag(text: str, which: Which = "last") -> str | None:
    """Content of the last (or first) closed `<answer>...</answer>`; None if there is none."""
    found = tag_contents(text, "answer")
    if not found:
        return None
    return found[-1] if which == "last" else found[0]


def think_content(text: str, prefilled: bool = False) -> str | None:
    """The reasoning: content of `<think>...</think>`; with `prefilled`, everything before `</think>`
    (chat templates that open the think tag inside the prompt)."""
    if prefilled and "<think>" not in text:
        end = text.find("</think>")
        return text[:end] if end >= 0 else None
    found = tag_contents(text, "think")
    return found[0] if found else None


def answer_scope(text: str) -> tuple[str, bool]:
    """Where a completion's final answer lives, and whether it is an `<answer>` tag's content.

    Drafts inside `<think>` never count: the scope starts after the last `</think>`, and a `<think>` that is
    never closed is all draft (a truncated reasoning has no answer). In what is left, the last closed
    `<answer>` tag is the scope when there is one."""
    text = after_reasoning(text)
    tagged = answer_tag(text)
    return (tagged, True) if tagged is not None else (text, False)


def after_reasoning(text: str) -> str:
    """The text after the last `</think>`; before a `<think>` that is never closed (all of it is draft)."""
    end = text.rfind("</think>")
    if end >= 0:
        return text[end + len("</think>"):]
    start = text.find("<think>")
    return text[:start] if start >= 0 else text


def region(text: str, which: Region) -> str:
    """The part of a completion a scorer looks at: `think`, `answer` (the final answer's scope, see
    `answer_scope`) or `all`. Never None: missing regions give ''."""
    if which == "all":
        return text
    if which == "think":
        return think_content(text, prefilled=True) or ""
    return answer_scope(text)[0]


def brace_pairs(text: str) -> dict[int, int]:
    """Position of each '{' -> position of its matching '}', in one pass (escaped `\\{` `\\}` ignored).
    One pass keeps thousands of unclosed `\\boxed{` linear instead of quadratic."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in _BRACE_TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            stack.append(match.start())
        elif token == "}" and stack:
            pairs[stack.pop()] = match.start()
    return pairs


def box_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every outermost `\\boxed{...}` / `\\fbox{...}` (nested braces kept) and
    `\\boxed 5` short form, left to right; `end` is just past the box. A box that is the whole content of
    another is unwrapped (`\\boxed{\\boxed{5}}` is `5`); any other box inside a box stays part of it."""
    if "\\boxed" not in text and "\\fbox" not in text:
        return []
    pairs = brace_pairs(text)
    found: list[tuple[int, int, int, int]] = []  # start, end, content start, content end
    for command in _BOX_COMMANDS:
        pos = 0
        while (start := text.find(command, pos)) >= 0:
            pos = start + len(command)
            span = _box_at(text, pairs, start, command)
            if span is not None:
                found.append((start, *span))
    found.sort()
    outer, last_end = [], -1
    for start, end, lo, hi in found:
        if start >= last_end:
            while (inner := _whole_box(text, pairs, lo, hi)) is not None:  # unwrapped only for outer boxes
                lo, hi = inner
            outer.append((start, end, text[lo:hi]))
            last_end = end
    return outer


def _box_at(text: str, pairs: dict[int, int], start: int, command: str) -> tuple[int, int, int] | None:
    """(end, content start, content end) of the box whose command starts at `start`, else None."""
    after = start + len(command)
    if after < len(text) and text[after].isalpha():
        return None  # \boxedX is another macro
    j = after
    while j < len(text) and text[j] == " ":
        j += 1
    if j < len(text) and text[j] == "{":
        return (pairs[j] + 1, j + 1, pairs[j]) if j in pairs else None
    if j == after:
        return None
    end = j  # "\boxed 5": one token up to whitespace or '$'
    while end < len(text) and not text[end].isspace() and text[end] != "$":
        end += 1
    return (end, j, end) if end > j else None


def _whole_box(text: str, pairs: dict[int, int], lo: int, hi: int) -> tuple[int, int] | None:
    """The content bounds of a box filling text[lo:hi] (surrounding spaces allowed), else None."""
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    for command in _BOX_COMMANDS:
        if text.startswith(command, lo):
            j = lo + len(command)
            while j < hi and text[j] == " ":
                j += 1
            if j < hi and text[j] == "{" and pairs.get(j) == hi - 1:
                return j + 1, hi - 1
    return None


# -- the final-answer policy ------------------------------------------------------------------------------------------
Boxes = Literal["last", "set", "any"]
Kind = Literal["single", "hedge", "set", "any"]

# Full-width ASCII forms (U+FF01-U+FF5E) and the ideographic space, one character for one: positions survive.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
# Anchor words; the connector that must follow ("is", ":", 是, は ...) is checked in Python, never by
# backtracking over model output. Longer words first: 答案 and 答え before 答.
_KEYWORD = re.compile(
    r"\bfinal\s+answer\b|\banswer\b|答案|答え|解答|正解|答|정답|답|\bответ|\br[ée]ponse(?:\s+finale)?\b"
    r"|\brespuesta(?:\s+final)?\b|\bantwort\b|\bendergebnis\b|\brisposta(?:\s+finale)?\b|\bresposta"
    r"(?:\s+final)?\b|综上所述|选"
    r"|^[ \t]*####", re.IGNORECASE | re.MULTILINE)
_CONNECTORS = {
    "en": ("is:", "is", ":", "=", "equals"), "zh": ("是", "为", "為", "应为", "应该是", "等于", ":", "="),
    "ja": ("は", ":", "="), "ko": ("은", "는", ":", "="), "ru": (":", "—", "–", "-", "=", "равен", "равна", "равно"),
    "fr": ("est", ":", "="), "es": ("es", ":", "="), "de": ("ist", "lautet", ":", "="),
    "it": ("è", "e", ":", "="), "pt": ("é", ":", "="),
}
_LANGUAGE = {"答案": "zh", "答": "zh", "答え": "ja", "解答": "ja", "正解": "ja", "정답": "ko", "답": "ko",
             "ответ": "ru", "antwort": "de", "endergebnis": "de"}
_SENTENCE_END = re.compile(r"\.(?:\s|$)|。|;\s")  # outside `$...$`; "; otherwise ..." ends it too
# What may follow a `$...$` answer and still end it: nothing, a sentence end, or a clause ("because ...").
_POLITE = r"です|である|となります|となる|입니다|이다|이에요|예요"  # Japanese / Korean sentence endings after a value
_AFTER_ANSWER = re.compile(rf"\s*(?:(?:{_POLITE})\s*)?(?:$|[.!?。](?:\s|$)|(?:[,;]\s*|\()?"
                           r"(?:because|since|which|as|so|where|when)\b)", re.IGNORECASE)
_CLAUSE = re.compile(r"(?:[,;]\s*|\s\(?|\()(?:because|since|which|as|so|where|when)\s|\.\s"
                     r"|[,;]\s*(?:因为|由于|所以|因此|即)", re.IGNORECASE)
_POLITE_END = re.compile(rf"(?:\s*(?:{_POLITE}))+$")
_COPULA = re.compile(r"\s(?:is|are|equals|was|becomes)\s+|是|为|等于")
_MATH_SPAN = re.compile(r"\$[^$]*\$")
_MATHY = re.compile(r"[0-9$\\^=π√∞]|^\(?[A-E]\)?$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NUMBER = re.compile(r"\$[^$\n]{1,80}\$|-?\d+(?:\.\d+)?(?:/\d+)?")  # one value in a sentence
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
# "... $x \le 2$ is our answer": searched in a window of 200 characters before the anchor word only.
_BEFORE_ANSWER = re.compile(r"(\$[^$]{1,150}\$|[^\s$]{1,60})\s+is\s+(?:our|the|my)\s+$", re.IGNORECASE)
# Words that make a number in a sentence something other than the answer: negation, approximation, scale.
_QUALIFIED = re.compile(r"\b(?:not|no|never|except|besides|other than|instead|about|around|approximately|roughly"
                        r"|nearly|almost|over|under|least|most|more|less|up to|million|billion|thousand|hundred"
                        r"|dozen|percent)\b|n't|[~≈%]|\\approx", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")  # "3,5" in German, French, Spanish, Russian is 3.5
# Doubt after the final answer that offers another value: "\\boxed{7}. Hmm, I'm not sure, it may be 8." Only
# phrases that introduce an alternative answer, followed closely by its value; "it could be useful" is not one.
_DOUBT = re.compile(r"\b(?:(?:it|this|that|the answer)\s+(?:may|might|could)\s+(?:also\s+)?be|(?:may|might|could)"
                    r"\s+also\s+be|or\s+(?:maybe|perhaps|possibly))\b|也许是|可能是|或者是", re.IGNORECASE)
_CHOICE = re.compile(r"[ \t:]*\(?([A-E]+)\)?(?![A-Za-z])")
# Between two different boxes: an explicit correction makes the later box the answer; cases, conditions and
# alternatives make them a hedge; a conclusion ("therefore", "so the answer is") corrects unless it hedges.
_CORRECTION = re.compile(
    r"\b(?:wait|actually|correction|corrected|mistake|error|oops|wrong|incorrect|instead|on second thought"
    r"|on reflection|thinking again"
    r"|re-?(?:check|calculat|comput|evaluat|consider)\w*|double[- ]check\w*|let me re\w*|i made)\b|\bno[,.!]"
    r"|不对|错了|更正|重新|等等", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:or|either|cases?|if|otherwise|else|alternatively|maybe|perhaps|possibly|probably"
                    r"|might|could|depending|whether|unless)\b|或|如果|若|否则|情况|可能|也许", re.IGNORECASE)
_CONCLUSION = re.compile(r"\b(?:so the (?:final )?answer|the (?:final )?answer is|final answer|therefore|thus"
                         r"|hence|in conclusion|consequently)\b|答案|所以|因此|综上|故", re.IGNORECASE)
_SPELLING = re.compile(r"\s+|\$|\\[,;!: ]")  # spacing and math delimiters: not part of a value
_MAX_ANCHORS_TRIED = 32  # anchored statements looked at, from the last back


@dataclass(frozen=True, slots=True)
class FinalAnswer:
    """A completion's final answer. `parts` holds one text, or several for a `hedge` (different boxed
    values offered together), a `set` (`boxes="set"`) or `any` (`boxes="any"`); `source` says where it was
    found (`answer_tag`, `boxed`, `boxed_in_answer_tag`, `anchored`, `anchored (####)` ...)."""

    parts: tuple[str, ...]
    source: str
    kind: Kind = "single"

    @property
    def text(self) -> str:
        """The answer as one text: the parts joined with ', ' (a hedge reads as the list it offers)."""
        return ", ".join(self.parts)


def normalize_width(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (`＝１４` -> `=14`, `３．５` -> `3.5`)."""
    return text.translate(_WIDTH) if _WIDE.search(text) else text  # the search is C-fast; translate is not


def final_answer(text: str, boxes: Boxes = "last", anchors: bool = True) -> FinalAnswer | None:
    """The final answer of a completion under the policy above; None when nothing is anchored.

    `boxes`: `last` (the policy), `set` (every box of the final answer is one part of a set answer) or
    `any` (every box anywhere, drafts included: lenient, for evaluation only). `anchors=False` accepts only
    boxes and answer tags."""
    text = normalize_width(text)
    if boxes == "any":
        spans = [s for s in box_spans(text) if s[2].strip()]
        if spans:
            return FinalAnswer(_distinct(c for *_, c in spans), "boxed", "any")
    scope, tagged = answer_scope(text)
    answer = _answer_in(scope, tagged, boxes, anchors)
    if tagged and boxes == "last" and answer is not None:
        return _with_other_blocks(after_reasoning(text), answer, anchors)
    return answer


def _answer_in(scope: str, tagged: bool, boxes: Boxes, anchors: bool) -> FinalAnswer | None:
    """The final answer inside one scope: the final text, or one `<answer>` tag's content (`tagged`)."""
    spans = [s for s in box_spans(scope) if s[2].strip()]
    source = "boxed_in_answer_tag" if tagged else "boxed"
    if boxes == "set" and spans:
        parts = _distinct(c for *_, c in spans)
        return FinalAnswer(parts, source, "set" if len(parts) > 1 else "single")
    statement = _last_statements(scope, spans[-1][1] if spans else 0, spans != []) if anchors else None
    found = statement[:2] if statement else None
    if spans:
        box_answer = _from_boxes(scope, spans, source)
        found = _after_boxes(scope, box_answer, spans[-1][1], statement) if statement else (box_answer, spans[-1][1])
    if found is None:
        if not (tagged and scope.strip()):
            return None
        found = FinalAnswer((_one_value(scope.strip()),), "answer_tag"), len(scope)
    answer, end = found
    if tagged and answer.source == "anchored":
        answer = FinalAnswer(answer.parts, "answer_tag", answer.kind)
    return _with_doubt(answer, scope, end) if anchors else answer


def _with_other_blocks(text: str, answer: FinalAnswer, anchors: bool) -> FinalAnswer:
    """An answer tag is the answer only when it is the one answer given: earlier `<answer>` blocks it does
    not correct, or a box or anchored statement before the first block or after the last one, that hold
    other values make the whole a hedge (several blocks with the right one last; `<answer>14</answer>
    \\boxed{15}`; `\\boxed{15}` then `<answer>14</answer>`)."""
    spans = tag_spans(text, "answer")
    given = [answer]
    for (start, end), (later, _) in zip(reversed(spans[:-1]), reversed(spans[1:]), strict=True):
        if _corrects(text[end:later]):
            break  # "<answer>1</answer> Wait, that is wrong. <answer>2</answer>": the later block replaces it
        given.append(_answer_in(text[start:end], True, "last", anchors))
    else:  # no block corrected the ones before it: what stands before the first block is an answer too
        head = text[:spans[0][0] - len("<answer>")]
        boxes = box_spans(head)
        if head.strip() and not _corrects(head[boxes[-1][1]:] if boxes else head[-200:]):
            given.append(_answer_in(head, False, "last", anchors))  # `\\boxed{15}` then <answer>14</answer>
    tail = text[spans[-1][1] + len("</answer>"):]
    given.append(_answer_in(tail, False, "last", anchors) if tail.strip() else None)
    by_key: dict[str, str] = {}
    for part in (p for a in given if a is not None for p in a.parts):
        by_key.setdefault(_SPELLING.sub("", part).rstrip("."), part)  # `$14$`, `14` and `14.` are one value
    if len(by_key) <= len(answer.parts):
        return answer
    return FinalAnswer(tuple(by_key.values()), f"answer_tag (hedge: {len(by_key)} values)", "hedge")


def _with_doubt(answer: FinalAnswer, scope: str, end: int) -> FinalAnswer:
    """A single answer followed by doubt that names another value is a hedge between the two."""
    if answer.kind != "single":
        return answer
    tail = scope[end:end + 300]
    doubt = _DOUBT.search(tail)
    other = _NUMBER.match(tail, _skip(tail, doubt.end(), " \t:")) if doubt else None
    if other is None or _trim(other.group()) == answer.parts[0]:
        return answer
    return FinalAnswer((answer.parts[0], _trim(other.group())), f"{answer.source} (hedge: doubt)", "hedge")


def reference_answer(text: str) -> str | None:
    """The answer in a gold text: the whole list of its boxes (`\\boxed{2}, \\boxed{3}, \\boxed{5}` is
    `2, 3, 5`: answering its last element is not answering it), a GSM8K `#### 72`, the value of a closing
    anchored statement ("... Final Answer: The final answer is $28\\%$."), else the text itself."""
    text = normalize_width(text).strip()
    spans = box_spans(text)
    if spans:
        parts = _distinct(c for *_, c in spans if c.strip())
        return ", ".join(parts) or None
    if "####" in text:
        return text.rsplit("####", 1)[1].strip() or None
    statement = _last_statements(text, 0, False)  # a worked solution closing "Final Answer: ..."
    if statement is not None and statement[0].kind == "single":
        return statement[0].parts[0]
    return text or None


def _distinct(parts: Iterable[str]) -> tuple[str, ...]:
    """Stripped texts, first occurrence kept: a restated box is one answer."""
    seen: dict[str, None] = {}
    for part in parts:
        seen.setdefault(" ".join(part.split()), None)
    return tuple(seen)


def _from_boxes(scope: str, spans: list[tuple[int, int, str]], source: str) -> FinalAnswer:
    """The last box, with the boxes before it that it does not correct: different values form a hedge."""
    group = [spans[-1]]  # last first
    for before in reversed(spans[:-1]):
        differs = " ".join(before[2].split()) != " ".join(group[-1][2].split())
        if differs and _corrects(scope[before[1]:group[-1][0]]):
            break  # the later box replaces everything before it
        group.append(before)
    parts = _distinct(c for *_, c in reversed(group))
    if len(parts) == 1:
        return FinalAnswer(parts, source)
    return FinalAnswer(parts, f"{source} (hedge: {len(parts)} values)", "hedge")


def _corrects(gap: str) -> bool:
    """Whether the text between two different answers makes the later one a correction of the earlier.
    Cases and alternatives are looked for where they attach to an answer (just after the earlier one, just
    before the later one), so an "or" deep inside a recomputation does not undo a closing "Final Answer:"."""
    if _CORRECTION.search(gap):
        return True
    edges = gap if len(gap) <= 200 else gap[:80] + " " + gap[-120:]
    return not _HEDGE.search(edges) and _CONCLUSION.search(gap) is not None


def _after_boxes(scope: str, boxed: FinalAnswer, box_end: int,
                 statement: tuple[FinalAnswer, int, int]) -> tuple[FinalAnswer, int]:
    """A statement after the last box: a restatement keeps the box ("\\boxed{14}. The answer is 14 apples."),
    a correction or a closing "Final Answer:" replaces it, another short value is a second answer: a hedge."""
    answer, end, connector = statement
    if answer.kind == "single" and _restates(answer.parts[0], boxed.parts[-1]):
        return boxed, end
    if _corrects(scope[box_end:connector]):
        return answer, end
    if all(len(part.split()) > 3 for part in answer.parts):
        return boxed, end  # "Check of the answer: 2 + 12 = 14 as required" is prose about it, not a second one
    parts = _distinct((*boxed.parts, *answer.parts))
    return FinalAnswer(parts, f"{boxed.source} (hedge: {len(parts)} values)", "hedge"), end


def _restates(value: str, box: str) -> bool:
    """`value` repeats `box`, perhaps followed by a unit or a clause ("14 apples" after `\\boxed{14}`)."""
    value, box = " ".join(value.split()), " ".join(box.split())
    return value == box or (value.startswith(box) and not value[len(box)].isalnum())


def _last_statements(scope: str, after: int, boxed: bool) -> tuple[FinalAnswer, int, int] | None:
    """The last anchored statement at or after `after` that holds a value, with the earlier statements it
    does not correct (different values: a hedge); also where it ends and where the first of them begins.
    With boxes before it the value must look like mathematics (a digit, `$`, a command, a choice letter):
    "The answer is correct." after a box is no second answer."""
    statements = []  # (value, source, end of its connector, match), last first
    for match in reversed(list(_KEYWORD.finditer(scope, after))[-_MAX_ANCHORS_TRIED:]):
        found = _statement(scope, match)
        if found is not None and (_MATHY.search(found[0]) or (not boxed and len(found[0].split()) <= 2)):
            statements.append((*found, match))
    if not statements:
        return None
    value, source, connector, last = statements[0]
    group = [value]  # last first
    for earlier, _, its_connector, match in statements[1:]:
        if earlier != group[-1] and _corrects(scope[match.end():connector]):
            break
        group.append(earlier)
        connector = its_connector
    end = scope.find("\n", last.end())
    parts = _distinct(reversed(group))
    kind = "hedge" if len(parts) > 1 else "single"
    answer = FinalAnswer(parts, source if kind == "single" else f"{source} (hedge: {len(parts)} values)", kind)
    return answer, end if end >= 0 else len(scope), connector


def _statement(scope: str, match: re.Match[str]) -> tuple[str, str, int] | None:
    """(value, source, end of its connector) of the anchored statement begun by `match`, or None when no
    connector follows the anchor word."""
    word = " ".join(match.group().lower().split())
    pos = match.end()
    if word.endswith("####"):
        value = _line(scope, pos).strip()
        return (value, "anchored (####)", pos) if value else None
    if word == "选":
        choice = _CHOICE.match(scope, pos)
        return (choice.group(1), "anchored", pos) if choice else None
    pos = _skip(scope, pos, " \t*")
    language = _language(word)
    if word == "综上所述":
        start = _skip(scope, pos, " \t,:")
    elif word in ("final answer", "answer") and _is_heading(scope, match.start(), pos):
        start = _skip(scope, pos, " \t*:#\n\r")
    else:
        start = _connector(scope, pos, language)
        if start is None and language == "en":
            if not scope.startswith(("$", "\\[", "\\("), pos):  # "Answer $9$": the math is the connector
                return _value_before(scope, match.start())
            start = pos
        if start is None:
            return None
    value = _value(_display(scope, _skip(scope, start, " \t\n\r*:")))
    if language in ("de", "fr", "es", "ru", "it", "pt") and _DECIMAL_COMMA.fullmatch(value):
        value = value.replace(",", ".")
    return (value, "anchored", start) if value else None


def _value_before(scope: str, start: int) -> tuple[str, str, int] | None:
    """ "Thus $x \\le 2$ is our answer." : the value written before "is our/the/my (final) answer"."""
    before = _BEFORE_ANSWER.search(scope, max(0, start - 200), start)
    if before is None or "\\boxed" in before.group(1) or "\\fbox" in before.group(1):
        return None  # "$\\boxed{7}$ is our answer": the box already says it
    return _trim(before.group(1)), "anchored", start


def _display(text: str, pos: int) -> str:
    """The statement's text from `pos`: its line, or a whole `$$...$$` / `\\[...\\]` display over several."""
    for left, right in (("$$", "$$"), ("\\[", "\\]")):
        if text.startswith(left, pos):
            close = text.find(right, pos + len(left), pos + 400)
            if close >= 0:
                return " ".join(text[pos:close + len(right)].split())
    return _line(text, pos)


def _language(word: str) -> str:
    if word in _LANGUAGE:
        return _LANGUAGE[word]
    if word.startswith(("réponse", "reponse")):
        return "fr"
    for prefix, language in (("respuesta", "es"), ("risposta", "it"), ("resposta", "pt")):
        if word.startswith(prefix):
            return language
    return "en"


def _connector(text: str, pos: int, language: str) -> int | None:
    """Position after the connector that must follow an anchor word ("is", ":", 是 ...), or None."""
    for connector in _CONNECTORS[language]:
        if text[pos:pos + len(connector)].lower() == connector:
            end = pos + len(connector)
            if connector[-1].isalpha() and connector.isascii() and end < len(text) and text[end].isalnum():
                continue  # "island" is not "is"
            return end
    return None


def _is_heading(text: str, start: int, pos: int) -> bool:
    """`### Final Answer` / `**Final Answer**` alone on its line: the answer is on the next lines."""
    line_start = text.rfind("\n", max(0, start - 12), start)
    if line_start < 0 and start > 12:
        return False
    if text[line_start + 1:start].strip(" \t#*"):
        return False
    end = _skip(text, pos, " \t*:#")
    return end >= len(text) or text[end] in "\r\n"


def _skip(text: str, pos: int, chars: str) -> int:
    while pos < len(text) and text[pos] in chars:
        pos += 1
    return pos


def _line(text: str, pos: int) -> str:
    """The rest of the line from `pos`, at most 300 characters."""
    end = text.find("\n", pos, pos + 300)
    return text[pos:end if end >= 0 else pos + 300]


def _value(tail: str) -> str:
    """The value of an anchored statement's tail: up to the sentence end (one inside `$...$` does not count),
    out of its `$`/bold wrapper, cut at a clause ("14 because ..."), a polite ending (です, 입니다) dropped,
    and a short sentence reduced to its one value."""
    if not tail.lstrip().startswith("$"):
        stop = _SENTENCE_END.search(tail)
        tail = tail[:stop.start()] if stop else tail
    text = _trim(tail)
    cut = _CLAUSE.search(text)
    text = (text[:cut.start()] if cut else text).strip().rstrip(".?").strip()
    return _one_value(_POLITE_END.sub("", text).strip())


def _trim(raw: str) -> str:
    """Drop markdown bold, one `$...$` / `\\(...\\)` wrapper and a trailing period. What follows the wrapper
    is dropped only when it ends the answer (a sentence end, "because ..."); otherwise ("$5$ or $6$") the
    delimiters go and the rest stays, so a hedge remains visible to the scorer."""
    text = raw.replace("**", " ").strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        close = _closing(text, right, len(left)) if text.startswith(left) else -1
        if close >= 0:
            if _AFTER_ANSWER.match(text, close + len(right)):
                text = text[len(left):close]
            elif left == "$":
                text = " ".join(_UNESCAPED_DOLLAR.sub(" ", text).split())
            else:
                text = " ".join(text.replace(left, " ").replace(right, " ").split())
            break
    return text.strip().rstrip(".").strip()


def _closing(text: str, right: str, start: int) -> int:
    """Index of the first `right` from `start` that closes a math span: an escaped `\\$` is a dollar sign."""
    pos = text.find(right, start)
    while pos > 0 and right == "$" and text[pos - 1] == "\\":
        pos = text.find(right, pos + 1)
    return pos


def _one_value(sentence: str) -> str:
    """"The largest $n$ is 34." -> `34`: a short sentence whose subject holds no number of its own and whose
    predicate is mathematics. Anything else is returned unchanged (the scorer then judges it as written)."""
    if len(sentence) > 200 or "\n" in sentence:
        return sentence
    copula = _COPULA.search(sentence)
    if copula is None or copula.start() == 0:
        return _one_number(sentence)
    subject, value = sentence[:copula.start()], _trim(sentence[copula.end():])
    if any(ch.isdigit() for ch in _MATH_SPAN.sub("", subject)) or not value or not _MATHY.search(value):
        return _one_number(sentence)
    return _one_number(value)


def _one_number(sentence: str) -> str:
    """A sentence that holds exactly one number or `$...$` is that value: in Chinese, Japanese or Korean
    ("小明有 $14$ 个苹果" -> `14`, "60 千米/时" -> `60`), and in a plain statement of four words or more
    ("Jane started growing it 3 hours ago." -> `3`) that hedges, negates, approximates and scales nothing
    ("not 14", "about 14", "2 dozen" and "3 million" stay as written)."""
    values = _NUMBER.findall(sentence)
    if len(values) != 1:
        return sentence
    if _CJK.search(sentence):
        return _trim(values[0])
    if len(sentence.split()) < 4 or _HEDGE.search(sentence) or _QUALIFIED.search(sentence):
        return sentence
    return _trim(values[0])


def code_blocks(text: str) -> list[tuple[str, str]]:
    """Every closed fenced block as (language, code); language is lower-case and may be ''. The opening fence may
    stand anywhere on its line (`Here: ```python`); the closing one starts a line and may be followed by a tag
    or text (```</answer>), but not by an info string."""
    blocks, pos = [], 0
    while True:
        match = _FENCE.search(text, pos)
        if match is None:
            return blocks
        line_end = text.find("\n", match.end())
        if line_end < 0:
            return blocks
        fence = match.group(1)
        language = _INFO_LANGUAGE.match(text, match.end(), line_end).group(1).lower()
        body_start = line_end + 1
        # at a line start, not followed by an info string (that would open a block): "```", "```</answer>"
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}(?![\w+#.{re.escape(fence[0])}-])",
                           re.MULTILINE)
        end = close.search(text, body_start)
        if end is None:
            return blocks
        blocks.append((language, text[body_start:end.start()].rstrip("\n")))
        pos = end.end()


_LANGUAGE_ALIASES = {"py": "python", "python3": "python", "cpp": "c++", "cxx": "c++", "cc": "c++", "js": "javascript",
                     "node": "javascript", "nodejs": "javascript"}


def code_block(text: str, language: str | None = "python", which: Which = "last") -> str | None:
    """The last (or first) fenced block in `language` (aliases like `py` accepted); with language None,
    any block. Untagged blocks count for the requested language only when no tagged one exists."""
    blocks = code_blocks(text)
    if language is not None:
        wanted = _LANGUAGE_ALIASES.get(language.lower(), language.lower())
        tagged = [code for lang, code in blocks if _LANGUAGE_ALIASES.get(lang, lang) == wanted]
        blocks_for = tagged or [code for lang, code in blocks if lang == ""]
    else:
        blocks_for = [code for _, code in blocks]
    if not blocks_for:
        return None
    return blocks_for[-1] if which == "last" else blocks_for[0]
