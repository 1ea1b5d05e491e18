"""Format rewards: does the completion follow the R1 template `<think>...</think><answer>...</answer>`?

Both scorers read the completion through the shared normaliser first: invisible characters are removed (a
think block of only zero-width spaces is empty) and trailing end-of-sequence markers (`<|im_end|>`, `</s>`
…, the `eos_tokens` parameter) are stripped, the same way on every surface (API, `rewardkit score`, server).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer
from rewardkit.normalize import DEFAULT_EOS, strip_eos, strip_invisible

_EOS_HELP = "end-of-sequence / padding markers removed from the end of the completion before checking"


def _has_content(text: str) -> bool:
    """At least one letter or digit outside end-of-sequence markers: punctuation alone (`<think>...</think>`)
    or a marker (`<think></s></think>`) is not reasoning."""
    for marker in DEFAULT_EOS:
        text = text.replace(marker, " ")
    return any(ch.isalnum() for ch in text)


def visible_completion(sample: Sample, eos_tokens: tuple[str, ...]) -> str:
    """The completion as the format checks see it: invisible characters out, trailing EOS markers off."""
    return strip_eos(strip_invisible(sample.completion_text), eos_tokens)


class ThinkFormatParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    mode: Literal["strict", "lenient", "prefilled"] = Field(
        "strict", description="strict: the two blocks and nothing but whitespace around them; lenient: other "
        "text allowed outside the blocks; prefilled: the prompt already opened <think>, so the completion "
        "starts inside it")
    require_content: bool = Field(True, description="think and answer must hold a letter or digit "
                                  "(punctuation and invisible characters do not count)")
    require_answer: bool = Field(True, description="false: TRL's think_format_reward form, <think>...</think> "
                                 "then any final answer, no <answer> tags needed")
    eos_tokens: tuple[str, ...] = Field(DEFAULT_EOS, description=_EOS_HELP)


class ThinkFormat(Scorer):
    """1.0 when the completion is `<think>...</think>` then `<answer>...</answer>` (R1 template), else 0.0.
    With `require_answer: false`, `<think>...</think>` then any answer text (TRL's think_format_reward)."""

    name = "think_format"
    description = "R1 template check: <think>...</think> then <answer>...</answer>, exactly one of each (1/0)."
    Params = ThinkFormatParams
    value_range = (0.0, 1.0)
    examples = (
        {"sample": {"completion": "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"}, "value": 1.0},
        {"sample": {"completion": "<answer>14</answer>"}, "value": 0.0},
        {"sample": {"completion": "<think>hm</think> <answer> 7<answer>"}, "value": 0.0},
        {"sample": {"completion": "<think>\u200b</think><answer>14</answer>"}, "value": 0.0},
        {"params": {"mode": "prefilled"}, "sample": {"completion": "2+2=4</think><answer>4</answer>"},
         "value": 1.0},
        {"params": {"require_answer": False}, "sample": {"completion": "<think>3 * 4 = 12</think>\nIt is 14."},
         "value": 1.0},
    )

    def _score(self, sample: Sample) -> Score:
        problem = self._problem(visible_completion(sample, self.params.eos_tokens))
        if problem:
            return Score(0.0, reason=problem)
        form = "R1 format" if self.params.require_answer else "think format"
        return Score(1.0, reason=f"{self.params.mode} {form}")

    def _problem(self, text: str) -> str | None:
        """Why `text` fails the template, or None if it passes."""
        p = self.params
        prefilled = p.mode == "prefilled"
        for tag in ("think", "answer") if p.require_answer else ("think",):
            opens, closes = text.count(f"<{tag}>"), text.count(f"</{tag}>")
            if tag == "think" and prefilled:
                if opens:
                    return "prefilled mode: the prompt opened <think>, the completion must not open it again"
                opens = 1
            if opens != closes:
                return f"<{tag}> opened {opens} time(s) but closed {closes} time(s): unclosed or stray tag"
            if opens != 1:
                return f"expected exactly one <{tag}>...</{tag}> block, found {opens}"
        think_open = text.find("<think>")  # -1 in prefilled mode
        think_close = text.find("</think>")
        think_body = text[think_open + len("<think>") if think_open >= 0 else 0:think_close]
        before = text[:think_open] if think_open >= 0 else ""
        if p.require_answer:
            answer_open, answer_close = text.find("<answer>"), text.find("</answer>")
            if not think_open < think_close < answer_open < answer_close:
                return "tags out of order (want <think> </think> <answer> </answer>)"
            answer_body = text[answer_open + len("<answer>"):answer_close]
            outside = before + text[think_close + len("</think>"):answer_open] \
                + text[answer_close + len("</answer>"):]
        else:
            if think_close < think_open:
                return "tags out of order (want <think> </think>)"
            answer_body, outside = text[think_close + len("</think>"):], before
        if p.require_content and not (_has_content(think_body) and _has_content(answer_body)):
            return "think or answer without content (a letter or digit; invisible characters do not count)"
        if p.mode != "lenient" and outside.strip():
            return "text outside the think and answer blocks"
        return None


class TagCountParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    tags: tuple[str, ...] = Field(("think", "answer"), description="tag names to check, in the expected order")
    layout: Literal["inline", "lines"] = Field(
        "inline", description="inline: markers anywhere outside code; lines: each marker must stand at a line "
        "boundary, as open-r1 expects (<think>\\n ... \\n</think>\\n<answer>\\n ... \\n</answer>)")
    eos_tokens: tuple[str, ...] = Field(DEFAULT_EOS, description=_EOS_HELP)


# Code where a tag is quoted, not used: fenced blocks (to their closing fence, or the end when unclosed) and
# inline code spans. A fence closes on a line of the same character at least as long.
_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,})|(`+)", re.MULTILINE)


def mask_code(text: str) -> str:
    """`text` with fenced blocks and inline code spans blanked (same length), so tags quoted there vanish."""
    out, pos = [], 0
    unclosed: set[str] = set()  # backtick runs known to have no closer: never searched for twice (linear)
    while (match := _CODE.search(text, pos)) is not None:
        fence, ticks = match.group(1), match.group(2)
        if fence:
            closer = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
            found = closer.search(text, match.end())
            end = found.end() if found else len(text)
        else:
            at = -1 if ticks in unclosed else text.find(ticks, match.end())
            if at < 0:
                unclosed.add(ticks)
                out.append(text[pos:match.end()])
                pos = match.end()
                continue
            end = at + len(ticks)
        out.append(text[pos:match.start()] + " " * (end - match.start()))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _at_line_boundary(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" \t")
    after = text[end:].lstrip(" \t")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


class TagCount(Scorer):
    """Partial format credit: each marker earns an equal share when it appears exactly once outside code, in
    the expected order after the markers already credited (`<think>` `</think>` `<answer>` `</answer>`), at a
    line boundary with `layout: lines`. An opener must follow the previous credited marker (or the start)
    with only whitespace between, so tags named in prose or nested in another block earn nothing; a closer
    whose block holds no letter or digit earns nothing either."""

    name = "tag_count"
    description = "Partial format credit: share of <tag>/</tag> markers present once, in order, outside code (0..1)."
    Params = TagCountParams
    value_range = (0.0, 1.0)
    examples = (
        {"sample": {"completion": "<think>a</think><answer>b</answer>"}, "value": 1.0},
        {"sample": {"completion": "<think>a</think> b"}, "value": 0.5},
        {"sample": {"completion": "<answer> 7<answer>"}, "value": 0.0},
        {"sample": {"completion": "<answer>b</answer><think>a</think>"}, "value": 0.25},
        {"params": {"layout": "lines"}, "sample": {"completion": "<think>\na\n</think>\n<answer>\nb\n</answer>"},
         "value": 1.0},
    )

    def _score(self, sample: Sample) -> Score:
        text = mask_code(visible_completion(sample, self.params.eos_tokens))
        markers = [m for tag in self.params.tags for m in (f"<{tag}>", f"</{tag}>")]
        if not markers:
            return Score.skip("no tags configured")
        credited, last_end, opened = [], 0, -1
        for i, marker in enumerate(markers):
            if i % 2 == 0:
                opened = -1  # end of this tag's credited opener, if any
            start = text.find(marker)
            if start < 0 or text.find(marker, start + 1) >= 0 or start < last_end:
                continue  # missing, repeated, or out of order
            if i % 2 == 0 and text[last_end:start].strip():
                continue  # an opener follows the previous block (or the start) directly: not one named in prose
            end = start + len(marker)
            if self.params.layout == "lines" and not _at_line_boundary(text, start, end):
                continue
            if i % 2 == 0:
                opened = end
            elif opened >= 0 and not _has_content(text[opened:start]):
                continue  # a block without a letter or digit earns its opener only
            credited.append(marker)
            last_end = end
        return Score(len(credited) / len(markers),
                     reason=f"{len(credited)}/{len(markers)} tags once, in order, outside code")
