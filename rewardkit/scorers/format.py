"""Format rewards: does the completion follow the R1 template `<think>...</think><answer>...</answer>`?"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rewardkit.core import Sample, Score, Scorer

_TAGS = ("<think>", "</think>", "<answer>", "</answer>")


class ThinkFormatParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    mode: Literal["strict", "lenient", "prefilled"] = Field(
        "strict", description="strict: the two blocks and nothing but whitespace around them; lenient: other "
        "text allowed outside the blocks; prefilled: the prompt already opened <think>, so the completion "
        "starts inside it")
    require_content: bool = Field(True, description="think and answer blocks must hold non-blank text")


class ThinkFormat(Scorer):
    """1.0 when the completion is `<think>...</think>` then `<answer>...</answer>` (R1 template), else 0.0."""

    name = "think_format"
    description = "R1 template check: <think>...</think> then <answer>...</answer>, exactly one of each (1/0)."
    Params = ThinkFormatParams
    value_range = (0.0, 1.0)
    examples = (
        {"sample": {"completion": "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"}, "value": 1.0},
        {"sample": {"completion": "<answer>14</answer>"}, "value": 0.0},
        {"sample": {"completion": "<think>hm</think> <answer> 7<answer>"}, "value": 0.0},
        {"params": {"mode": "prefilled"}, "sample": {"completion": "2+2=4</think><answer>4</answer>"},
         "value": 1.0},
    )

    def _score(self, sample: Sample) -> Score:
        problem = self._problem(sample.completion_text)
        if problem:
            return Score(0.0, reason=problem)
        return Score(1.0, reason=f"{self.params.mode} R1 format")

    def _problem(self, text: str) -> str | None:
        """Why `text` fails the template, or None if it passes."""
        prefilled = self.params.mode == "prefilled"
        for tag in ("think", "answer"):
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
        think_close, answer_open, answer_close = text.find("</think>"), text.find("<answer>"), text.find("</answer>")
        if not think_open < think_close < answer_open < answer_close:
            return "tags out of order (want <think> </think> <answer> </answer>)"
        think_body = text[think_open + len("<think>") if think_open >= 0 else 0:think_close]
        answer_body = text[answer_open + len("<answer>"):answer_close]
        if self.params.require_content and not (think_body.strip() and answer_body.strip()):
            return "empty think or answer block"
        if self.params.mode != "lenient":
            outside = (text[:think_open] if think_open >= 0 else "") + text[think_close + 8:answer_open] \
                + text[answer_close + len("</answer>"):]
            if outside.strip():
                return "text outside the think and answer blocks"
        return None


class TagCountParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    tags: tuple[str, ...] = Field(("think", "answer"), description="tag names to check")


class TagCount(Scorer):
    """Partial format credit: each opening or closing tag that appears exactly once earns an equal share."""

    name = "tag_count"
    description = "Partial format credit: share of <tag>/</tag> markers that appear exactly once (0..1)."
    Params = TagCountParams
    value_range = (0.0, 1.0)
    examples = (
        {"sample": {"completion": "<think>a</think><answer>b</answer>"}, "value": 1.0},
        {"sample": {"completion": "<think>a</think> b"}, "value": 0.5},
        {"sample": {"completion": "<answer> 7<answer>"}, "value": 0.0},
    )

    def _score(self, sample: Sample) -> Score:
        text = sample.completion_text
        markers = [m for tag in self.params.tags for m in (f"<{tag}>", f"</{tag}>")]
        if not markers:
            return Score.skip("no tags configured")
        good = [m for m in markers if text.count(m) == 1]
        return Score(len(good) / len(markers), reason=f"{len(good)}/{len(markers)} tags appear exactly once")
