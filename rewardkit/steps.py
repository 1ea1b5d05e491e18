"""Reasoning steps: where each step of a chain of thought starts and ends, in characters and in tokens.

A step-level reward (the `step_check` scorer, a process reward model) needs the same steps the trainer
credits, so splitting has one owner: `split_steps`. It cuts the reasoning region (the `<think>` block, else
the whole completion) by the strongest structure the text shows, first that applies:

1. `Step N:` markers (also `第N步`) at line starts, two or more;
2. numbered or bulleted list items (`1.`, `2)`, `-`, `*`) at line starts, two or more;
3. blank lines;
4. line breaks;
5. sentences: after `.`, `!`, `?` followed by white space, and after `。！？；` (CJK sentences have no space).

`mode` forces one level (`clauses` also cuts after `;` and at `,` followed by a space: "2 + 3 = 5, 5 * 4 = 20"
is then two steps). Spans index the completion text itself (not the region), trimmed of surrounding white space; a step
is never empty. `token_spans` maps them onto tokens through an offsets mapping, e.g. a Hugging Face fast
tokenizer's `return_offsets_mapping=True`, or `[(i, i + 1) ...]` for a character-level model.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

SplitMode = Literal["auto", "step_markers", "numbered", "blank_lines", "lines", "sentences", "clauses"]
RegionName = Literal["think", "completion"]

_STEP_MARKER = re.compile(r"^[ \t]*(?:[#*]+[ \t]*)?(?:step[ \t]*\d+|第[ \t]*[0-9一二三四五六七八九十]+[ \t]*步)",
                          re.IGNORECASE | re.MULTILINE)
_LIST_ITEM = re.compile(r"^[ \t]*(?:\d{1,3}[.)]|[-*•])[ \t]+", re.MULTILINE)
_BLANK = re.compile(r"\n[ \t]*\n")
_LINE = re.compile(r"\n")
# A sentence ends at . ! ? before white space (not "3.5", which has no space) or at a CJK full stop.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")
_CLAUSE = re.compile(r"(?<=[.!?,])\s+|(?<=;)\s*|(?<=[。！？；，、])")  # "3*4=12;2+12=14": two clauses


@dataclass(frozen=True, slots=True)
class Step:
    """One step: `text[start:end]` of the completion; token span `[token_start, token_end)` when known."""

    start: int
    end: int
    text: str
    token_start: int | None = None
    token_end: int | None = None

    def as_dict(self) -> dict[str, int]:
        """The `details["steps"]` entry shape (DESIGN.md, "Step rewards"), without the value."""
        out = {"start": self.start, "end": self.end}
        if self.token_start is not None and self.token_end is not None:
            out.update(token_start=self.token_start, token_end=self.token_end)
        return out


def reasoning_region(text: str, region: RegionName = "think") -> tuple[int, int]:
    """(start, end) of the reasoning in `text`: the first closed `<think>` block's content (or everything
    before a lone `</think>`, for prompts that open the tag), else the whole text."""
    if region == "think":
        close = text.find("</think>")
        if close >= 0:
            opened = text.rfind("<think>", 0, close)
            return (opened + len("<think>") if opened >= 0 else 0), close
    return 0, len(text)


def _cuts(region: str, mode: SplitMode) -> list[int]:
    """Offsets in `region` where a new step begins (0 always)."""
    if mode in ("auto", "step_markers"):
        starts = [m.start() for m in _STEP_MARKER.finditer(region)]
        if len(starts) >= 2 or mode == "step_markers":
            return [0, *starts]
    if mode in ("auto", "numbered"):
        starts = [m.start() for m in _LIST_ITEM.finditer(region)]
        if len(starts) >= 2 or mode == "numbered":
            return [0, *starts]
    for level, pattern in (("blank_lines", _BLANK), ("lines", _LINE)):
        if mode in ("auto", level):
            ends = [m.end() for m in pattern.finditer(region) if region[m.end():].strip()]
            if ends or mode == level:
                return [0, *ends]
    pattern = _CLAUSE if mode == "clauses" else _SENTENCE
    return [0, *(m.end() for m in pattern.finditer(region))]


def split_steps(text: str, mode: SplitMode = "auto", region: RegionName = "think",
                offsets: Sequence[tuple[int, int]] | None = None) -> list[Step]:
    """The steps of the reasoning in `text` (see the module docstring); with `offsets` (one `(start, end)`
    character span per token of `text`), each step also gets its token span."""
    lo, hi = reasoning_region(text, region)
    body = text[lo:hi]
    cuts = sorted(set(_cuts(body, mode)))
    steps = []
    for a, b in zip(cuts, [*cuts[1:], len(body)], strict=True):
        piece = body[a:b]
        stripped = piece.strip()
        if not stripped:
            continue
        start = lo + a + (len(piece) - len(piece.lstrip()))
        steps.append(Step(start, start + len(stripped), stripped))
    return token_spans(steps, offsets) if offsets is not None else steps


def token_spans(steps: Sequence[Step], offsets: Sequence[tuple[int, int]]) -> list[Step]:
    """`steps` with `[token_start, token_end)`: the tokens whose characters overlap the step (a token that
    straddles two steps belongs to both). A step no token covers gets an empty span at its position.
    `offsets` are in text order, as tokenizers return them."""
    ends = [b for _, b in offsets]
    starts = [a for a, _ in offsets]
    out = []
    for step in steps:
        first = bisect.bisect_right(ends, step.start)  # the first token ending after the step starts
        last = max(first, bisect.bisect_left(starts, step.end))  # tokens starting before the step ends
        out.append(Step(step.start, step.end, step.text, first, last))
    return out
