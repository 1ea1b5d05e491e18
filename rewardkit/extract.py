"""Answer extraction shared by scorers: where in a completion the answer, the reasoning or the code is.

Extraction is kept apart from judgement: these functions only find text. They never fall back to a stray
number in free prose; a scorer that wants that must ask for it explicitly. All scans are linear-time
(plain string search, no backtracking regex over model output).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Which = Literal["last", "first"]
Region = Literal["think", "answer", "all"]

_BOX_COMMANDS = ("\\boxed", "\\fbox")
# "The final answer is 5", "Final Answer: 5", "**Answer:** 5", "answer is $5$" - anchored on the phrase.
# No two `\s*` may touch (`\s*(?:\*\*)?\s*`): "answer" then a long run of spaces would backtrack quadratically.
_ANCHORED = re.compile(
    r"\b(?:final\s+answer|the\s+answer|answer)\s*(?:\*\*\s*)?(?:is|:|=)\s*(?:\*\*\s*)?:?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"\.(?:\s|$)|。")
# What may follow a `$...$` answer and still end it: nothing, a sentence end, or a clause ("because ...").
_AFTER_ANSWER = re.compile(r"\s*(?:$|[.!?。](?:\s|$)|(?:[,;]\s*|\()?(?:because|since|which|as|so|where|when)\b)",
                           re.IGNORECASE)
_BRACE_TOKEN = re.compile(r"\\.|[{}]", re.DOTALL)
# Only the fence itself: the info string is read up to the newline with str.find. A pattern that also ran
# `[\w+#.-]*[^\n]*\n` backtracked quadratically on a long last line with no newline ("```" + 50k characters).
_FENCE = re.compile(r"(```+|~~~+)")  # an opening fence may follow text on its line: "<answer>```python"
_INFO_LANGUAGE = re.compile(r"[ \t]*([\w+#.-]*)")


@dataclass(frozen=True, slots=True)
class Extraction:
    """Extracted text and where it came from (`answer_tag`, `boxed`, `anchored`, `code_block`, ...)."""

    text: str
    source: str


def tag_contents(text: str, tag: str) -> list[str]:
    """Contents of every closed `<tag>...</tag>` pair, left to right. A pair is a closer and the last opener
    before it: a stray opener earlier (the reasoning saying "I will answer in <answer> tags") is not content."""
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
        found.append(text[start + len(open_tag):end])
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


def region(text: str, which: Region) -> str:
    """The part of a completion a scorer looks at: `think`, `answer` (tag content, else text after
    `</think>`, else everything) or `all`. Never None: missing regions give ''."""
    if which == "all":
        return text
    if which == "think":
        return think_content(text, prefilled=True) or ""
    tagged = answer_tag(text)
    if tagged is not None:
        return tagged
    end = text.rfind("</think>")
    return text[end + len("</think>"):] if end >= 0 else text


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


def boxed_all(text: str) -> list[str]:
    """Contents of every `\\boxed{...}` / `\\fbox{...}` (nested braces kept), and `\\boxed 5` short forms.
    A box nested in another box is reported once, as part of the outer one."""
    if "\\boxed" not in text and "\\fbox" not in text:
        return []
    pairs = brace_pairs(text)
    found: list[tuple[int, int, str]] = []
    for command in _BOX_COMMANDS:
        pos = 0
        while (start := text.find(command, pos)) >= 0:
            after = pos = start + len(command)
            if after < len(text) and text[after].isalpha():
                continue  # \boxedX is another macro
            j = after
            while j < len(text) and text[j] == " ":
                j += 1
            if j < len(text) and text[j] == "{":
                if j in pairs:
                    found.append((start, pairs[j], text[j + 1:pairs[j]]))
            elif j > after:  # "\boxed 5": one token up to whitespace or '$'
                end = j
                while end < len(text) and not text[end].isspace() and text[end] != "$":
                    end += 1
                if end > j:
                    found.append((start, end, text[j:end]))
    found.sort()
    outer, last_end = [], -1
    for start, end, content in found:
        if start > last_end:
            outer.append(content)
            last_end = end
    return outer


def boxed(text: str, which: Which = "last") -> str | None:
    found = boxed_all(text)
    if not found:
        return None
    return found[-1] if which == "last" else found[0]


def anchored(text: str, which: Which = "last") -> str | None:
    """The answer after an anchoring phrase ("the final answer is", "Answer:"), trimmed of `$`, `**`
    and a trailing period. Only phrases, never a number found elsewhere in the prose."""
    matches = list(_ANCHORED.finditer(text))
    if not matches:
        return None
    start = (matches[-1] if which == "last" else matches[0]).end()
    line_end = text.find("\n", start)
    tail = text[start:line_end if line_end >= 0 else len(text)][:300]
    if not tail.lstrip().startswith("$"):  # a sentence end inside $...$ is not the end of the answer
        stop = _SENTENCE_END.search(tail)
        tail = tail[:stop.start()] if stop else tail
    return _trim(tail) or None


def _trim(raw: str) -> str:
    """Drop markdown bold, one `$...$` / `\\(...\\)` wrapper and a trailing period. What follows the wrapper
    is dropped only when it ends the answer (a sentence end, "because ..."); otherwise ("$5$ or $6$") the
    delimiters go and the rest stays, so a hedge remains visible to the scorer."""
    text = raw.replace("**", " ").strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(left) and right in text[len(left):]:
            close = text.index(right, len(left))
            if _AFTER_ANSWER.match(text, close + len(right)):
                text = text[len(left):close]
            else:
                text = " ".join(text.replace(left, " ").replace(right, " ").split())
            break
    return text.strip().rstrip(".").strip()


def final_answer(text: str, which: Which = "last", anchors: bool = True) -> Extraction | None:
    """The final answer of a completion, by priority: a box inside the answer tag, the answer tag,
    a box anywhere, an anchored phrase (if `anchors`). None when nothing is anchored."""
    tagged = answer_tag(text, which)
    if tagged is not None:
        inner = boxed(tagged, which)
        if inner is not None:
            return Extraction(inner.strip(), "boxed_in_answer_tag")
        return Extraction(tagged.strip(), "answer_tag")
    box = boxed(text, which)
    if box is not None:
        return Extraction(box.strip(), "boxed")
    if anchors:
        phrase = anchored(text, which)
        if phrase is not None:
            return Extraction(phrase, "anchored")
    return None


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
