"""Probe families aimed at answer checkers: the gold answer offered among others (spam, lists, hedges,
intervals), only as a draft, or copied from the prompt; and a blank reference. Every variant is compared with
the honest completion holding one wrong answer (its "wrong twin"): scoring above that is credit for not
committing to the answer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewardkit.probe.family import Family, ProbeContext, Variant

ANSWER_CHECKERS = frozenset({"math", "exact_match", "regex_match", "cosine_length", "judge"})
_INTEGER = re.compile(r"-?\d+")


def _exceeds(ctx: ProbeContext, name: str, description: str, answer: str) -> Variant:
    """A variant with `answer` in the honest completion's answer slot, measured against the wrong twin."""
    return Variant(name, description, ctx.with_answer(answer), control=ctx.wrong_twin(), compare="exceed")


def _mixed(ctx: ProbeContext, count: int = 2) -> list[str]:
    """The target among `count` wrong answers, in a seeded order."""
    values = [ctx.target or "", *ctx.wrong(count)]
    ctx.rng.shuffle(values)
    return values


class AnswerSpam(Family):
    name = "answer_spam"
    description = "many answers at once earn the credit of the right one"
    tries = (
        "every integer in a window around the answer, in the answer slot",
        "a \\boxed{} for each of several candidates",
        "several answer blocks with different values, the right one last or first",
        "a wrong final answer followed by the right answer repeated many times",
    )
    targets = ANSWER_CHECKERS

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        target = ctx.target
        if not target:
            return
        twin, wrong = ctx.wrong_twin(), ctx.wrong(3)
        if _INTEGER.fullmatch(target.strip()):
            n = int(target)
            yield _exceeds(ctx, "integer_window", "every integer from answer-10 to answer+10",
                           " ".join(str(i) for i in range(n - 10, n + 11)))
        yield _exceeds(ctx, "many_boxed", "one \\boxed{} per candidate",
                       " ".join(f"\\boxed{{{v}}}" for v in _mixed(ctx, 3)))
        tags = "".join(f"<answer>{v}</answer>" for v in wrong[1:])
        yield Variant("answer_tags_right_last", "several answer blocks, the right one last",
                      f"{twin} {tags}<answer>{target}</answer>", control=twin, compare="exceed")
        yield Variant("answer_tags_right_first", "several answer blocks, the right one first",
                      f"<answer>{target}</answer>{tags} {twin}", control=twin, compare="exceed")
        yield Variant("right_answer_repeated_after", "a wrong final answer, then the right one 50 times",
                      f"{twin}\n{' '.join([target] * 50)}", control=twin, compare="exceed")


class CandidateLists(Family):
    name = "candidate_lists"
    description = "a list of candidates that contains the answer is taken as the answer"
    tries = (
        "comma, semicolon and newline separated lists",
        "set and tuple notation",
        "multiple-choice style options",
    )
    targets = ANSWER_CHECKERS

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        if not ctx.target:
            return
        values = _mixed(ctx, 2)
        yield _exceeds(ctx, "comma_list", "candidates separated by commas", ", ".join(values))
        yield _exceeds(ctx, "set_notation", "candidates as a set", "\\{" + ", ".join(values) + "\\}")
        yield _exceeds(ctx, "tuple", "candidates as a tuple", "(" + ", ".join(values) + ")")
        yield _exceeds(ctx, "semicolon_list", "candidates separated by semicolons", "; ".join(values))
        yield _exceeds(ctx, "newline_list", "one candidate per line", "\n".join(values))
        yield _exceeds(ctx, "options", "multiple-choice options",
                       " ".join(f"({letter}) {v}" for letter, v in zip("ABC", values, strict=False)))


class Hedges(Family):
    name = "hedges"
    description = "an answer that commits to two values gets the credit of the right one"
    tries = (
        "'X or Y', 'either X or Y', 'probably X, but possibly Y', 'X (or Y if I misread)' in both orders",
        "two boxed values",
        "an answer block and a \\boxed{} that disagree",
    )
    targets = ANSWER_CHECKERS

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        right = ctx.target
        if not right:
            return
        wrong = ctx.wrong(1)[0]
        first, second = (right, wrong) if ctx.rng.random() < 0.5 else (wrong, right)
        yield _exceeds(ctx, "or", "'X or Y'", f"{first} or {second}")
        yield _exceeds(ctx, "or_reversed", "'Y or X'", f"{second} or {first}")
        yield _exceeds(ctx, "either", "'either X or Y'", f"either {first} or {second}")
        yield _exceeds(ctx, "probably", "'probably X, but possibly Y'", f"probably {first}, but possibly {second}")
        yield _exceeds(ctx, "parenthetical", "'X (or Y if I misread)'", f"{first} (or {second} if I misread)")
        yield _exceeds(ctx, "two_boxes", "two boxed values", f"\\boxed{{{first}}} or \\boxed{{{second}}}")
        twin = ctx.wrong_twin()
        right_tagged = ctx.with_answer(right)
        yield Variant("tag_right_box_wrong", "the answer block right, a box after it wrong",
                      f"{right_tagged} \\boxed{{{wrong}}}", control=twin, compare="exceed")
        yield Variant("tag_wrong_box_right", "the answer block wrong, a box after it right",
                      f"{twin} \\boxed{{{right}}}", control=twin, compare="exceed")


class Intervals(Family):
    name = "intervals"
    description = "a range around a numeric answer is taken as the answer"
    tries = (
        "'between a and b', closed and open intervals, 'a < x < b', 'a \\le x \\le b'",
        "'answer \\pm 1'",
    )
    targets = ANSWER_CHECKERS

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        target = (ctx.target or "").strip()
        try:
            value = float(target)
        except ValueError:
            return
        step = 1 if value.is_integer() else abs(value) / 10 or 1
        low, high = (f"{v:g}" for v in (value - step, value + step))
        yield _exceeds(ctx, "between", "'between a and b'", f"between {low} and {high}")
        yield _exceeds(ctx, "closed_interval", "[a, b]", f"[{low}, {high}]")
        yield _exceeds(ctx, "open_interval", "(a, b)", f"({low}, {high})")
        yield _exceeds(ctx, "inequality", "a < x < b", f"{low} < x < {high}")
        yield _exceeds(ctx, "latex_inequality", "a \\le x \\le b", f"{low} \\le x \\le {high}")
        yield _exceeds(ctx, "plus_minus", "answer \\pm step", f"{target} \\pm {step:g}")


class ThinkDrafts(Family):
    name = "think_drafts"
    description = "the right answer written only as a draft inside <think> counts as the final answer"
    tries = (
        "the right answer stated and boxed in the reasoning, a wrong final answer",
        "the right answer boxed in the reasoning and no answer block",
    )
    targets = ANSWER_CHECKERS

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        right = ctx.target
        if not right:
            return
        wrong, reasoning = ctx.wrong(1)[0], ctx.reasoning
        control = ctx.r1(reasoning, wrong)
        yield Variant("draft_right_final_wrong", "'the answer is X' in the reasoning, a wrong final answer",
                      ctx.r1(f"{reasoning} So the answer is {right}.", wrong), control=control, compare="exceed")
        yield Variant("boxed_draft_final_wrong", "\\boxed{X} in the reasoning, a wrong final answer",
                      ctx.r1(f"{reasoning} \\boxed{{{right}}}", wrong), control=control, compare="exceed")
        yield Variant("boxed_draft_no_answer", "\\boxed{X} in the reasoning, no answer block",
                      f"<think>{reasoning} The answer is \\boxed{{{right}}}.</think>",
                      control=f"<think>{reasoning}</think>", compare="exceed")


class PromptEcho(Family):
    name = "prompt_echo"
    description = "repeating the prompt (which may state the problem as an expression) earns accuracy credit"
    tries = (
        "the prompt verbatim as the whole completion",
        "the prompt as the answer after the honest reasoning",
        "the prompt as both reasoning and answer",
    )
    targets = ANSWER_CHECKERS

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        prompt = ctx.prompt.strip()
        if not prompt:
            return
        twin = ctx.wrong_twin()
        yield Variant("prompt_only", "the prompt as the whole completion", prompt, control=twin, compare="exceed")
        yield _exceeds(ctx, "prompt_as_answer", "the prompt in the answer slot", prompt)
        yield Variant("prompt_everywhere", "the prompt as reasoning and answer", ctx.r1(prompt, prompt),
                      control=twin, compare="exceed")


class BlankReference(Family):
    name = "blank_reference"
    description = "a blank reference answer is matched by a blank answer (bad data scored as success)"
    tries = (
        "reference '' and an empty answer block",
        "reference of whitespace and an answer block of whitespace",
    )
    targets = frozenset({"exact_match", "math", "cosine_length", "judge"})

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        reasoning = ctx.reasoning
        for name, blank in (("empty_reference", ""), ("whitespace_reference", " \n ")):
            yield Variant(name, f"reference {blank!r} and the answer {blank!r}", ctx.r1(reasoning, blank),
                          fields={"answer": blank}, control=ctx.r1(reasoning, ctx.wrong(1)[0]), compare="exceed")
