"""Probe families aimed at answer checkers: a wrong answer scored like the right one; the gold answer offered
among others (spam, lists, hedges,
intervals), only as a draft, or copied from the prompt; and a blank reference. A wrong answer is compared with
the honest completion holding the gold answer (its "gold twin") and must score below it; every other variant
is compared with the honest completion holding one wrong answer (its "wrong twin"): scoring above that is
credit for not committing to the answer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewardkit.probe.family import Family, ProbeContext, Variant

ANSWER_CHECKERS = frozenset({"math", "exact_match", "regex_match", "cosine_length", "judge"})
_INTEGER = re.compile(r"-?\d+")


def _exceeds(ctx: ProbeContext, name: str, description: str, answer: str) -> Variant:
    """A variant with `answer` in the honest completion's answer slot, measured against the wrong twin."""
    return ctx.exceeding(name, description, ctx.with_answer(answer))


def _mixed(ctx: ProbeContext, count: int = 2) -> list[str]:
    """The target among `count` wrong answers, in a seeded order."""
    values = [ctx.target or "", *ctx.wrong(count)]
    ctx.rng.shuffle(values)
    return values


class WrongAnswer(Family):
    name = "wrong_answer"
    description = "a wrong, empty or invisible answer scores like the right one (the answer is not checked)"
    tries = (
        "the honest completion with a wrong answer in its answer slot (three different ones)",
        "the honest completion with the answer removed, or made of zero-width spaces",
    )
    targets = ANSWER_CHECKERS

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        gold_twin = ctx.gold_twin()
        if gold_twin is None:
            return
        for i, value in enumerate(ctx.wrong(3), 1):
            yield Variant(f"wrong_{i}", f"the wrong answer {value!r}", ctx.with_answer(value), control=gold_twin)
        yield Variant("no_answer", "the answer removed", ctx.with_answer(""), control=gold_twin)
        yield Variant("invisible_answer", "an answer of zero-width spaces", ctx.with_answer("\u200b\u200b"),
                      control=gold_twin)


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
        yield ctx.exceeding("answer_tags_right_last", "several answer blocks, the right one last",
                            f"{twin} {tags}<answer>{target}</answer>")
        yield ctx.exceeding("answer_tags_right_first", "several answer blocks, the right one first",
                            f"<answer>{target}</answer>{tags} {twin}")
        yield ctx.exceeding("right_answer_repeated_after", "a wrong final answer, then the right one 50 times",
                            f"{twin}\n{' '.join([target] * 50)}")


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
        yield ctx.exceeding("tag_right_box_wrong", "the answer block right, a box after it wrong",
                            f"{ctx.with_answer(right)} \\boxed{{{wrong}}}")
        yield ctx.exceeding("tag_wrong_box_right", "the answer block wrong, a box after it right",
                            f"{ctx.wrong_twin()} \\boxed{{{right}}}")


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
        drafts = {"draft_right_final_wrong": ("'the answer is X' in the reasoning, a wrong final answer",
                                              f" So the answer is {right}."),
                  "boxed_draft_final_wrong": ("\\boxed{X} in the reasoning, a wrong final answer",
                                              f" \\boxed{{{right}}}")}
        for label, (description, draft) in drafts.items():
            # the control has spaces where the draft is: the same length, nothing drafted
            yield Variant(label, description, ctx.r1(reasoning + draft, wrong),
                          control=ctx.r1(reasoning + " " * len(draft), wrong), compare="exceed")
        think = f"{reasoning} The answer is \\boxed{{{right}}}."
        yield Variant("boxed_draft_no_answer", "\\boxed{X} in the reasoning, no answer block",
                      f"<think>{think}</think>", control=f"<think>{reasoning.ljust(len(think))}</think>",
                      compare="exceed")


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
        yield ctx.exceeding("prompt_only", "the prompt as the whole completion", prompt)
        yield _exceeds(ctx, "prompt_as_answer", "the prompt in the answer slot", prompt)
        yield ctx.exceeding("prompt_everywhere", "the prompt as reasoning and answer", ctx.r1(prompt, prompt))


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
