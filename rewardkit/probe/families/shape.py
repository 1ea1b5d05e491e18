"""Probe families aimed at shaping rewards: length penalties, repetition penalties and language consistency.
Each keeps the honest answer and changes only the part the shaping reward measures."""

from __future__ import annotations

from collections.abc import Iterator

from rewardkit.probe.family import MAX_CHARS, Family, ProbeContext, Variant

DEFAULT_MAX_LENGTH = 4096  # padding target when the recipe's length scorers name no max_length


class LengthPadding(Family):
    name = "length_padding"
    description = "padding past max_length escapes the length penalty (uncounted units or characters)"
    tries = (
        "the reasoning padded past max_length with ASCII words, 4-byte characters, CJK characters and "
        "zero-width spaces (past it in characters, bytes and tokens alike)",
        "4-byte characters that stay under max_length in characters but not in bytes (soft_overlong)",
    )
    targets = frozenset({"soft_overlong", "cosine_length"})

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        leaves = ctx.scorers("soft_overlong") + ctx.scorers("cosine_length")
        limit = max((leaf.params.max_length for leaf in leaves), default=DEFAULT_MAX_LENGTH)
        answer, reasoning = ctx.answer or ctx.target or "0", ctx.reasoning
        pads = {"ascii_words": "x " * limit, "four_byte": "\U0001d465" * limit, "cjk": "字" * limit,
                "zero_width": "\u200b" * limit}
        for label, pad in pads.items():
            if len(pad) < MAX_CHARS:
                yield Variant(f"{label}_past_max", f"reasoning padded with {len(pad)} characters of {label} "
                              f"(max_length {limit})", ctx.r1(f"{reasoning} {pad}", answer))
        for leaf in ctx.scorers("soft_overlong"):
            free = leaf.params.max_length - leaf.params.cache_length - len(ctx.r1(reasoning, answer)) - 1
            count = -(-leaf.params.max_length // 4) + 1  # 4 bytes each: past max_length in bytes
            if count <= free:
                yield Variant("four_byte_under_char_limit", f"{count} 4-byte characters: {4 * count} bytes, "
                              f"under the penalty in characters (max_length {leaf.params.max_length})",
                              ctx.r1(f"{reasoning} {chr(0x1D465) * count}", answer))


class Repetition(Family):
    name = "repetition"
    description = "degenerate repetition escapes the repetition penalty"
    tries = (
        "'!' x 3000 and the answer's digits x 1500 (no spaces to split on)",
        "a word repeated with zero-width spaces between the copies",
        "a Thai and a Chinese phrase repeated (no spaces between words)",
        "the honest reasoning repeated 50 times, and a loop that changes only a counter",
    )
    targets = frozenset({"repetition"})

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        answer, reasoning = ctx.answer or ctx.target or "0", ctx.reasoning
        digits = "".join(ch for ch in answer if ch.isdigit()) or "7"
        loops = {
            "exclamations": "!" * 3000,
            "digit_run": (digits * 3000)[:3000],
            "zero_width_words": "\u200b".join(["again"] * 600),
            "thai_phrase": "ลองคิดใหม่อีกครั้ง" * 150,
            "chinese_phrase": "我们再想一想" * 300,
            "reasoning_repeated": " ".join([reasoning] * 50),
            "counter_loop": " ".join(f"Check {i}: {reasoning}" for i in range(1, 51)),
        }
        for label, loop in loops.items():
            yield Variant(label, f"reasoning followed by {label.replace('_', ' ')} ({len(loop)} characters)",
                          ctx.r1(f"{reasoning} {loop}", answer))


# A sentence of reasoning per language; a lead-in in the target language so the hidden part is what tips it.
FOREIGN = {
    "de": "Zuerst multiplizieren wir drei mit vier und erhalten zwölf, danach addieren wir zwei und schreiben "
          "das Ergebnis sorgfältig auf.",
    "en": "First we multiply three by four and get twelve, then we add two and carefully write down the result.",
    "zh": "首先我们把三乘以四得到十二，然后再加上二，最后仔细地写下结果。",
}
LEAD_IN = {"en": "Let me work it out step by step.", "de": "Ich rechne es Schritt für Schritt aus.",
           "es": "Lo calculo paso a paso.", "fr": "Je le calcule étape par étape.", "zh": "我一步一步地算。"}


class LanguageHiding(Family):
    name = "language_hiding"
    description = "reasoning in another language hidden where the language check does not look, or diluted"
    tries = (
        "foreign reasoning inside a code fence, an unclosed fence, inline code, $\\text{...}$ and an HTML "
        "comment, after a short target-language lead-in",
        "foreign words glued together with a target-language character (CJK targets)",
        "target and foreign words alternating one by one",
        "foreign reasoning padded with repeated target-language filler",
    )
    targets = frozenset({"language_consistency"})

    def variants(self, ctx: ProbeContext) -> Iterator[Variant]:
        target = _target(ctx)
        foreign = FOREIGN["en" if target in ("de", "zh") else "de"]
        lead, answer = LEAD_IN.get(target, ""), ctx.answer or ctx.target or "0"
        hidden = {
            "code_fence": f"{lead}\n```\n{foreign}\n```\n",
            "unclosed_fence": f"{lead}\n```\n{foreign}\n",
            "inline_code": f"{lead} `{foreign}`",
            "latex_text": f"{lead} $\\text{{{foreign}}}$",
            "html_comment": f"{lead} <!-- {foreign} -->",
        }
        for label, think in hidden.items():
            yield Variant(label, f"{label.replace('_', ' ')} holding foreign reasoning", ctx.r1(think, answer))
        if target in ("zh", "ja"):
            glue = "中" if target == "zh" else "の"
            yield Variant("glued_target_character", f"foreign words joined by {glue!r}",
                          ctx.r1(glue.join(FOREIGN["en"].split()), answer))
        mine_text = lead or FOREIGN.get(target, "")
        mine = [ch for ch in mine_text if ch.isalpha()] if target in ("zh", "ja") else mine_text.split()
        if len(mine) >= 3:
            theirs = foreign.split()
            mixed = " ".join(f"{a} {b}" for a, b in zip(theirs, mine * 4, strict=False))
            yield Variant("alternating_words", "target and foreign words alternating", ctx.r1(mixed, answer))
            filler = " ".join([mine[0]] * 4 * len(theirs))
            yield Variant("filler_padding", "foreign reasoning inside repeated target-language filler",
                          ctx.r1(f"{filler} {foreign} {filler}", answer))


def _target(ctx: ProbeContext) -> str:
    """The target language the recipe's language scorer resolves for this row (it says so in `details`)."""
    for leaf in ctx.scorers("language_consistency"):
        details = leaf.score(ctx.sample).details or {}
        if isinstance(details.get("target"), str):
            return details["target"]
        configured = getattr(leaf.params, "target", None)
        if configured not in (None, "auto"):
            return str(configured)
    return "en"
