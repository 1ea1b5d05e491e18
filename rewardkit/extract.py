"""Where things are in a completion: tags, the reasoning, the answer region, boxes, fenced code.

These functions only find text; which text is *the final answer* is decided in one place,
`rewardkit.final_answer`, on top of them. They never fall back to a stray number in free prose. All scans
are linear-time (plain string search, no backtracking regex over model output).
"""

from __future__ import annotations

import re
from typing import Literal

Which = Literal["last", "first"]
Region = Literal["think", "answer", "all"]

_BOX_COMMANDS = ("\\boxed", "\\fbox")
_BRACE_TOKEN = re.compile(r"\\.|[{}]", re.DOTALL)
# Only the fence itself: the info string is read up to the newline with str.find. A pattern that also ran
# `[\w+#.-]*[^\n]*\n` backtracked quadratically on a long last line with no newline ("```" + 50k characters).
_FENCE = re.compile(r"^[ \t]*(```+|~~~+)", re.MULTILINE)
_INFO_LANGUAGE = re.compile(r"[ \t]*([\w+#.-]*)")


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


def answer_scope(text: str) -> tuple[str, bool]:
    """Where a completion's final answer lives, and whether it is an `<answer>` tag's content.

    Drafts inside `<think>` never count: the scope starts after the last `</think>`, and a `<think>` that is
    never closed is all draft (a truncated reasoning has no answer). In what is left, the last closed
    `<answer>` tag is the scope when there is one."""
    end = text.rfind("</think>")
    if end >= 0:
        text = text[end + len("</think>"):]
    elif (start := text.find("<think>")) >= 0:
        text = text[:start]
    tagged = answer_tag(text)
    return (tagged, True) if tagged is not None else (text, False)


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


def boxed_all(text: str) -> list[str]:
    """Contents of every outermost box, left to right (see `box_spans`)."""
    return [content for _, _, content in box_spans(text)]


def boxed(text: str, which: Which = "last") -> str | None:
    found = boxed_all(text)
    if not found:
        return None
    return found[-1] if which == "last" else found[0]


def code_blocks(text: str) -> list[tuple[str, str]]:
    """Every closed fenced block as (language, code); language is lower-case and may be ''."""
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
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = close.search(text, body_start)
        if end is None:
            return blocks
        blocks.append((language, text[body_start:end.start()].rstrip("\n")))
        pos = end.end()


_LANGUAGE_ALIASES = {"py": "python", "python3": "python", "cpp": "c++", "cxx": "c++", "js": "javascript"}


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
