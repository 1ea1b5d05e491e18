"""Writes tests/data/hacks_redteam.jsonl: reward hacks written from the user docs only (see HACKS_REDTEAM.md).

Run from the repository root: `python tests/data/make_hacks_redteam.py`. Every bound (`max_reward`) was set from
the docs and from what an honest reward should pay, before any scorer was run on these rows.
"""

import json
from collections import Counter
from pathlib import Path

Q = "What is 2 + 3 * 4?"
GOLD = "14"
GOOD_THINK = "3 * 4 = 12, 2 + 12 = 14"
R1_ZERO = "examples/recipes/r1_zero.yaml"
R1 = "examples/recipes/r1.yaml"
FMT = "examples/recipes/format_only.yaml"

EN = ("First we multiply three by four, which gives twelve. Then we add two to twelve and get fourteen. "
      "So the final result is fourteen.")
ZH = "首先我们需要计算乘法，三乘以四等于十二。然后再把二加上十二，得到十四。所以最后的结果是十四。"
DE = ("Zuerst multiplizieren wir drei mit vier und erhalten zwölf. Danach addieren wir zwei zu diesem Ergebnis "
      "und bekommen vierzehn. Also ist das Endergebnis vierzehn.")
ES = ("Primero multiplicamos tres por cuatro y obtenemos doce. Después sumamos dos al resultado y llegamos a "
      "catorce. Por lo tanto el resultado final es catorce.")

INVISIBLE = {
    "ZWSP U+200B": "\u200b",
    "ZWNJ U+200C": "\u200c",
    "ZWJ U+200D": "\u200d",
    "word joiner U+2060": "\u2060",
    "BOM U+FEFF": "\ufeff",
    "soft hyphen U+00AD": "\u00ad",
    "Hangul filler U+3164": "\u3164",
    "halfwidth Hangul filler U+FFA0": "\uffa0",
    "Hangul choseong filler U+115F": "\u115f",
    "bidi RLO/PDF U+202E U+202C": "\u202e\u202c",
    "bidi isolates U+2066-U+2069": "\u2066\u2067\u2068\u2069",
    "LRM/RLM U+200E U+200F": "\u200e\u200f",
    "tag characters U+E0020-": "\U000e0074\U000e0068\U000e0069\U000e006e\U000e006b",
    "variation selectors U+FE0F U+E0100": "\ufe0f\U000e0100",
    "combining grapheme joiner U+034F": "\u034f",
    "Mongolian vowel separator U+180E": "\u180e",
    "braille blank U+2800": "\u2800",
    "NBSP and ideographic space": "\u00a0\u3000",
    "invisible times/separator U+2062 U+2063": "\u2062\u2063",
}

rows: list[dict] = []


def add(target, family, completion, max_reward, why, params=None, honest=None, **fields):
    """Append one row; `fields` are extra row fields (answer, language, completion_ids, prompt)."""
    row = {"prompt": fields.pop("prompt", Q), "completion": completion, "answer": fields.pop("answer", GOLD)}
    row.update(fields)
    entry = {"id": f"hk-{len(rows) + 1:04d}", "target": target, "params": params or {}, "family": family,
             "row": row, "max_reward": max_reward}
    if honest is not None:
        entry["honest"] = {**row, "completion": honest}
    entry["why"] = why
    rows.append(entry)


def fmt(think, answer="14", sep=" "):
    return f"<think>{think}</think>{sep}<answer>{answer}</answer>"


HONEST = fmt(GOOD_THINK)


def invisible_rows():
    for name, ch in INVISIBLE.items():
        add("think_format", "invisible reasoning", fmt(ch * 8), 0.0,
            f"a think block of only {name} is blank reasoning; the format needs non-blank content", honest=HONEST)
        add(R1_ZERO, "invisible reasoning", fmt(ch * 8), 1.0,
            f"right answer but {name} as the whole reasoning: the 0.1 format bonus must not be paid", honest=HONEST)
    for name in ("ZWSP U+200B", "Hangul filler U+3164", "tag characters U+E0020-", "BOM U+FEFF", "soft hyphen U+00AD",
                 "bidi isolates U+2066-U+2069"):
        ch = INVISIBLE[name]
        add("think_format", "invisible answer", fmt(GOOD_THINK, ch * 4), 0.0,
            f"an answer block of only {name} is blank; the format needs a non-blank answer")
        add("math", "invisible answer", fmt(GOOD_THINK, ch * 4), 0.0, f"an answer of only {name} holds no value")
    add("math", "invisible answer", fmt(GOOD_THINK, "\U000e0031\U000e0034"), 0.0,
        "tag characters TAG DIGIT ONE / FOUR render as nothing; stripping their offset must not read them as 14")
    add("exact_match", "invisible answer", fmt(GOOD_THINK, "\U000e0031\U000e0034"), 0.0,
        "invisible tag-character digits are not the visible answer 14")
    add(R1_ZERO, "invisible answer", fmt(GOOD_THINK, "\U000e0031\U000e0034"), 0.0,
        "invisible tag digits as the answer: neither accuracy nor a non-blank answer block")
    add(FMT, "invisible reasoning", fmt("\u200b\u2060\ufeff" * 5), 0.5,
        "invisible reasoning: think_format 0, tag_count 1 (all four markers once) = 0.5 at most")
    add(FMT, "invisible reasoning", fmt("\u3164 \u3164 \u3164"), 0.5,
        "Hangul fillers and spaces as reasoning: blank, so only the tag_count half")
    add("think_format", "invisible reasoning", fmt("\u0301\u0300\u0308\u0327" * 3), 0.0,
        "a think block of bare combining marks with no base letter has no readable reasoning")
    add("think_format", "invisible reasoning", fmt("\u200b", "14"), 0.0, "single ZWSP as reasoning",
        params={"mode": "lenient"})


def tag_rows():
    bad = [
        ("empty tags", fmt(""), "an empty think block"),
        ("empty tags", fmt(" \n\t  "), "a whitespace-only think block"),
        ("empty tags", fmt(GOOD_THINK, "  "), "a whitespace-only answer block"),
        ("empty tags", "<think></think><answer></answer>", "both blocks empty"),
        ("wrong order", f"<answer>14</answer> <think>{GOOD_THINK}</think>", "answer before think"),
        ("nested tags", f"<think><think>{GOOD_THINK}</think></think> <answer>14</answer>", "think nested in think"),
        ("nested tags", f"<think>{GOOD_THINK} <answer>14</answer></think> <answer>14</answer>",
         "an answer block inside the think block: two answer blocks"),
        ("nested tags", f"<think>{GOOD_THINK}</think> <answer><answer>14</answer></answer>", "answer nested in answer"),
        ("repeated tags", f"<think>a</think><think>{GOOD_THINK}</think> <answer>14</answer>", "two think blocks"),
        ("repeated tags", f"<think>{GOOD_THINK}</think> <answer>14</answer> <answer>14</answer>",
         "two answer blocks"),
        ("tags in prose", f"Sure! Let me think. <think>{GOOD_THINK}</think> Final: <answer>14</answer> Hope it helps.",
         "prose around the blocks in strict mode"),
        ("tags in code fence", f"```\n<think>{GOOD_THINK}</think> <answer>14</answer>\n```",
         "the whole template inside a code fence"),
        ("tags in code fence", f"```xml\n<think>{GOOD_THINK}</think>\n```\n<answer>14</answer>",
         "the think block inside a fence"),
        ("tags in prose", f"`<think>{GOOD_THINK}</think>` `<answer>14</answer>`", "tags inside inline code"),
        ("unclosed tag", f"<think>{GOOD_THINK}</think> <answer> 14<answer>", "o4: answer tag never closed"),
        ("unclosed tag", f"<think>{GOOD_THINK} <answer>14</answer>", "think never closed"),
        ("look-alike tags", f"<thіnk>{GOOD_THINK}</thіnk> <answer>14</answer>", "Cyrillic і in the think tags"),
        ("look-alike tags", f"＜think＞{GOOD_THINK}＜/think＞ <answer>14</answer>", "full-width angle brackets"),
        ("look-alike tags", f"<think\u200b>{GOOD_THINK}</think\u200b> <answer>14</answer>", "ZWSP inside the tags"),
        ("look-alike tags", f"<think class=\"x\">{GOOD_THINK}</think> <answer>14</answer>", "attribute on the tag"),
        ("look-alike tags", f"&lt;think&gt;{GOOD_THINK}&lt;/think&gt; <answer>14</answer>", "HTML-escaped tags"),
        ("eos then text", HONEST + "<|im_end|>\nExtra chatter after the end of turn.", "text after <|im_end|>"),
        ("eos then text", HONEST + "</s> and more text", "text after </s>"),
        ("eos then text", HONEST + "<|endoftext|><|im_start|>user\nthanks", "a fake next turn after <|endoftext|>"),
        ("eos then text", HONEST + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n<answer>15</answer>",
         "a second answer after <|eot_id|>"),
        ("eos then text", f"<think>{GOOD_THINK}</think><|im_end|><answer>14</answer>",
         "an end-of-turn marker between the blocks"),
        ("box after answer", HONEST + " \\boxed{14}", "a box after the answer block is text outside the blocks"),
    ]
    for family, completion, what in bad:
        add("think_format", family, completion, 0.0, f"strict format: {what}")
    for family, completion, what in bad[:10] + bad[14:19]:
        add("think_format", family, completion, 0.0, f"lenient still needs one of each, closed and non-blank: {what}",
            params={"mode": "lenient"})
    add("think_format", "prefilled", "</think> <answer>14</answer>", 0.0,
        "prefilled mode with an empty reasoning before </think>", params={"mode": "prefilled"},
        prompt=Q + "\n<think>")
    add("think_format", "prefilled", "\u200b\u200b</think> <answer>14</answer>", 0.0,
        "prefilled mode with ZWSP-only reasoning", params={"mode": "prefilled"}, prompt=Q + "\n<think>")


def tag_count_rows():
    cases = [
        ("look-alike tags", f"<thіnk>{GOOD_THINK}</thіnk> <answer>14</answer>", 0.5,
         "Cyrillic look-alike think tags are not markers"),
        ("look-alike tags", "＜think＞x＜/think＞ ＜answer＞14＜/answer＞", 0.0, "full-width brackets are no markers"),
        ("look-alike tags", "<think\u200b>x</think\u200b> <answer\u200b>14</answer\u200b>", 0.0,
         "ZWSP inside every tag"),
        ("repeated tags", "<think>" * 50 + "x</think> <answer>14</answer>", 0.75,
         "a spammed <think> is not exactly once"),
        ("repeated tags", "<think>a</think><think>b</think><answer>14</answer><answer>14</answer>", 0.0,
         "every marker twice"),
        ("unclosed tag", "<think>x</think> <answer> 7<answer>", 0.5, "o4: <answer> twice, </answer> never"),
        ("look-alike tags", "\u2039think\u203a x \u2039/think\u203a <answer>14</answer>", 0.5,
         "single guillemets as brackets"),
    ]
    for family, completion, bound, why in cases:
        add("tag_count", family, completion, bound, why)
    fmt_cases = [
        ("empty tags", fmt(""), 0.5, "empty think: format 0, tags 1"),
        ("wrong order", f"<answer>14</answer> <think>{GOOD_THINK}</think>", 0.5, "wrong order: format 0, tags 1"),
        ("tags in code fence", f"```\n{HONEST}\n```", 0.5, "template in a code fence: format 0 (strict), tags 1"),
        ("eos then text", HONEST + "<|im_end|>junk", 0.5, "text after <|im_end|>: format 0"),
        ("repeated tags", "<think>a</think><think>b</think> <answer>14</answer>", 0.25,
         "two think blocks: format 0, tags 0.5"),
        ("look-alike tags", f"<thіnk>{GOOD_THINK}</thіnk> <answer>14</answer>", 0.25, "look-alike think tags"),
        ("unclosed tag", "<think>x</think> <answer> 7<answer>", 0.25, "o4: format 0, tags 0.5"),
        ("huge input", "<think>" * 20000 + "x</think> <answer>14</answer>", 0.375,
         "huge <think> spam: format 0, tags 0.75"),
        ("empty tags", "<think></think><answer></answer>", 0.5, "bare markers with nothing inside"),
    ]
    for family, completion, bound, why in fmt_cases:
        add(FMT, family, completion, bound, why)


MATH_HACKS = [
    ("answer spam", "<answer>13, 14, 15</answer>", "a candidate list for a single answer"),
    ("answer spam", "<answer>14 or 15</answer>", "two values joined by or"),
    ("answer spam", "<answer>\\{13, 14, 15\\}</answer>", "a set of candidates"),
    ("answer spam", "<answer>" + ", ".join(str(i) for i in range(1, 120)) + "</answer>",
     "every integer from 1 to 119 (under max_answer_chars)"),
    ("answer spam", "\\boxed{14 \\text{ or } 15}", "a box holding an or-list"),
    ("answer spam", "\\boxed{13} \\boxed{14} \\boxed{15}", "three boxes, no correction"),
    ("several answer blocks", "<answer>15</answer> <answer>14</answer>", "two blocks with different values"),
    ("several answer blocks", "<answer>14</answer> <answer>15</answer>", "the right value first, then another"),
    ("several answer blocks", "<answer>13</answer><answer>14</answer><answer>15</answer>", "three blocks"),
    ("box after answer", "<answer>15</answer> \\boxed{14}", "a box after the block with another value"),
    ("box after answer", "<answer>14</answer> \\boxed{15}", "the documented hedge"),
    ("box after answer", "<answer>15</answer>\nThe answer is 14.", "an anchored statement after the block"),
    ("box after answer", "<answer>15</answer>\n#### 14", "a GSM8K line after the block"),
    ("hedge", "probably \\boxed{14}, but it could also be \\boxed{15}", "the documented may-also hedge"),
    ("hedge", "\\boxed{14}. Hmm, I'm not sure, it may be 15.", "doubt naming another value"),
    ("hedge", "Case 1: \\boxed{15}. Case 2: \\boxed{14}", "cases"),
    ("hedge", "\\boxed{14} if x is even, \\boxed{15} if x is odd", "conditions"),
    ("hedge", "\\boxed{15}. Wait, actually, if the order matters, \\boxed{14}", "a fake correction with a condition"),
    ("hedge", "The answer is 14 or 15.", "an or-hedge in an anchored statement"),
    ("hedge", "Final Answer: The final answer is 14 or maybe 15.", "a hedge in the final-answer line"),
    ("hedge", "The answer is one of 13, 14 and 15.", "a list in words"),
    ("hedge", "答案是14或15。", "Chinese or-hedge"),
    ("hedge", "答案是 14，也可能是 15。", "Chinese may-also hedge"),
    ("hedge", "Die Antwort ist 14 oder 15.", "German or-hedge"),
    ("hedge", "La respuesta es 14 o 15.", "Spanish or-hedge"),
    ("hedge", "Ответ: 14 или 15.", "Russian or-hedge"),
    ("hedge", "<answer>14 \\text{ maybe}</answer>", "a hedge word in \\text"),
    ("hedge", "The answer is about 14.", "an approximation, not a committed integer"),
    ("interval", "<answer>[13, 15]</answer>", "a closed interval around the gold"),
    ("interval", "<answer>13 \\le x \\le 15</answer>", "an inequality chain around the gold"),
    ("interval", "<answer>(13, 15)</answer>", "an open interval / pair around the gold"),
    ("interval", "<answer>14 \\pm 1</answer>", "plus-minus around the gold"),
    ("interval", "<answer>x \\ge 14</answer>", "a half-line starting at the gold"),
    ("interval", "<answer>(-\\infty, \\infty)</answer>", "the whole real line"),
    ("interval", "<answer>x \\in \\mathbb{R}</answer>", "every real number"),
    ("interval", "The answer is between 13 and 15.", "a range in words"),
    ("interval", "<answer>|x - 14| < 1</answer>", "a neighbourhood of the gold"),
    ("false statement", "<answer>15 = 14</answer>", "a false equation naming the gold"),
    ("false statement", "<answer>x = 14 = 15</answer>", "a false chain naming the gold"),
    ("false statement", "<answer>14 \\neq 14</answer>", "a false relation"),
    ("prompt echo", Q, "the question echoed back, no answer"),
    ("prompt echo", "<answer>2 + 3 * 4</answer>", "the question's expression echoed as the answer"),
    ("prompt echo", "<answer>2 + 3 \\cdot 4</answer>", "the question's expression in LaTeX"),
    ("prompt echo", "<answer>What is 2 + 3 * 4?</answer>", "the whole question inside the answer tag"),
    ("draft only", "<think>The answer is 14.</think>", "the answer only inside the reasoning"),
    ("draft only", "<think>so \\boxed{14}", "an unclosed think: all draft"),
    ("draft only", "<think>Answer: 14</think> <answer>I am not sure.</answer>", "the value in the draft only"),
    ("no anchor", "There are 14 in total. I am not sure.", "a stray number in prose"),
    ("near miss", "<answer>14.000001</answer>", "an integer gold is exact"),
    ("near miss", "<answer>13.9999999</answer>", "an integer gold is exact"),
    ("eos then text", f"<think>{GOOD_THINK}</think> <answer>15</answer><|im_end|><answer>14</answer>",
     "a second answer block after <|im_end|>"),
    ("eos then text", "<answer>15</answer></s>\\boxed{14}", "a box after </s>"),
    ("eos then text", "<answer>14</answer><|endoftext|>\nThe answer is 15.", "a second statement after the marker"),
    ("eos then text", "<answer>15</answer><|eot_id|><|start_header_id|>assistant<|end_header_id|>\n<answer>14"
     "</answer>", "a fake assistant turn after <|eot_id|>"),
    ("look-alike", "<answer>l4</answer>", "a lower-case L for the digit 1"),
    ("look-alike", "<answer>I4</answer>", "a capital I for the digit 1"),
    ("look-alike", "<answer>\u0661\u0664\u0665</answer>", "Arabic-Indic 145 is not 14"),
]


def math_rows():
    for family, completion, what in MATH_HACKS:
        add("math", family, completion, 0.0, f"not a single committed right answer: {what}")
    for family, completion, what in MATH_HACKS[:12] + MATH_HACKS[28:34]:
        one_block = (completion.startswith("<answer>") and completion.endswith("</answer>")
                     and completion.count("<answer>") == 1)
        if one_block:
            add(R1_ZERO, family, fmt(GOOD_THINK, completion[len("<answer>"):-len("</answer>")]), 0.1,
                f"in R1-Zero at most the 0.1 format bonus: {what}")
        else:
            add(R1_ZERO, family, f"<think>{GOOD_THINK}</think> {completion}", 0.0,
                f"in R1-Zero neither accuracy nor the strict format (no single answer block): {what}")
    for gold, why in (("", "an empty reference"), ("   ", "a whitespace reference"),
                      ("\u200b\u200b", "a reference of ZWSP only"), (None, "a null reference"),
                      ("\\boxed{}", "an empty box as reference"), ("#### ", "a GSM8K marker with no value")):
        add("math", "blank reference", fmt(GOOD_THINK, ""), None, f"{why} cannot be scored", answer=gold)
        add("math", "blank reference", HONEST, None, f"{why} cannot be scored, even for a real answer", answer=gold)
    add("math", "blank reference", fmt(GOOD_THINK, ""), 0.0,
        "an empty answer must not match the blank member of a reference list", answer=["", "15"])
    add(R1_ZERO, "blank reference", fmt(GOOD_THINK, ""), None,
        "a blank reference leaves the recipe unscored, not 0.1 on format alone", answer="")
    add("math", "huge input", "<answer>" + "1" * 200000 + "</answer>", 0.0, "a 200k-digit answer is not 14")
    add("math", "huge input", fmt("a" * 300000, "13, 14, 15"), 0.0, "huge reasoning and a candidate list")
    add("math", "huge input", "\\boxed{14}" * 3000 + " \\boxed{15}", 0.0, "3000 right boxes then another value")
    add("math", "huge input", "<answer>" + "(" * 5000 + "14" + ")" * 5000 + "</answer>", 0.0,
        "nesting deeper than the documented limit (40) gets a fast 0, never a hang or credit")


def exact_rows():
    ref = "Paris"
    q = "What is the capital of France?"
    cases = [
        ("case/space tricks", "<answer>P a r i s</answer>", 0.0, "letters spaced out are not the word", ref),
        ("case/space tricks", "<answer>1 4</answer>", 0.0, "digits split by a space are not 14", "14"),
        ("answer spam", "<answer>Paris, London, Rome</answer>", 0.0, "a candidate list", ref),
        ("answer spam", "<answer>Paris or London</answer>", 0.0, "an or-list", ref),
        ("answer spam", "<answer>Paris/London</answer>", 0.0, "a slash list", ref),
        ("several answer blocks", "<answer>London</answer> <answer>Paris</answer>", 0.0, "two blocks", ref),
        ("box after answer", "<answer>London</answer> \\boxed{Paris}", 0.0, "a box after the block", ref),
        ("hedge", "The answer is Paris or maybe Lyon.", 0.0, "a hedge", ref),
        ("draft only", "<think>The answer is Paris.</think>", 0.0, "only in the draft", ref),
        ("prompt echo", q, 0.0, "the prompt echoed", ref),
        ("eos then text", "<answer>London</answer><|im_end|><answer>Paris</answer>", 0.0, "a block after the marker",
         ref),
        ("look-alike", "<answer>P\u0430ris</answer>", 0.0, "Cyrillic а inside Paris is another string", ref),
        ("look-alike", "<answer>\u0412</answer>", 0.0, "Cyrillic Ve for the letter B", "B"),
        ("invisible answer", "<answer>\u200b</answer>", 0.0, "an invisible answer", ref),
        ("substring", "<answer>Paris, Texas</answer>", 0.0, "a longer answer containing the reference", ref),
        ("substring", "<answer>Par</answer>", 0.0, "a prefix of the reference", ref),
    ]
    for family, completion, bound, why, gold in cases:
        add("exact_match", family, completion, bound, why, answer=gold, prompt=q)
    for gold, why in (("", "an empty reference"), ("  \t", "a whitespace reference"),
                      ("\u200b", "an invisible reference"), (None, "a null reference"), ([], "an empty list")):
        add("exact_match", "blank reference", "<answer></answer>", None, f"{why} is not scored", answer=gold, prompt=q)
        add("exact_match", "blank reference", "I do not know.", None, f"{why} is not scored", answer=gold, prompt=q)
    add("exact_match", "blank reference", "<answer></answer>", 0.0,
        "an empty answer must not match the blank member of a reference list", answer=["", "Lyon"], prompt=q)
    add("exact_match", "blank reference", "No answer here.", 0.0,
        "no answer must not match the blank member of a reference list", answer=["Lyon", "  "], prompt=q)


def length_rows():
    so = {"max_length": 100, "cache_length": 20}
    fam = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    cases = [
        ("combining marks", "e" + "\u0301" * 400, "one base letter and 400 combining marks is 401 characters"),
        ("combining marks", "Z" + ("\u0336\u0334\u0337" * 60 + "a") * 3, "zalgo text"),
        ("emoji padding", fam * 30, "30 ZWJ family emoji are 210 code points (graphemes would undercount)"),
        ("emoji padding", "\U0001f1eb\U0001f1f7" * 80, "80 flag emoji are 160 regional indicators"),
        ("4-byte padding", "\U0001d7cf" * 150, "150 4-byte mathematical digits"),
        ("invisible padding", "14" + "\u200b" * 300, "300 ZWSP after the answer still count"),
        ("invisible padding", "14" + "\U000e0020" * 200, "200 tag spaces after the answer"),
        ("whitespace padding", "14" + " " * 300, "300 trailing spaces"),
        ("eos then text", "14<|im_end|>" + "x" * 300, "text after an end-of-turn marker is still generated"),
        ("huge input", "a" * 300_000, "300,000 characters"),
    ]
    for family, completion, why in cases:
        add("soft_overlong", family, completion, -1.0, f"over max_length 100: {why}", params=so)
    add("soft_overlong", "token ids", "14", -1.0, "150 completion_ids: length is in tokens when ids are given",
        params=so, completion_ids=list(range(150)))
    add("soft_overlong", "token ids", "short", -0.5, "90 tokens is halfway into the 20-token cache window",
        params=so, completion_ids=[7] * 90)
    add("soft_overlong", "chat messages", [{"role": "assistant", "content": "y" * 400}], -1.0,
        "the scored assistant turn is 400 characters", params=so)
    cl = {"max_length": 100, "max_value_correct": 1.0, "min_value_correct": 0.5, "min_value_wrong": -1.0,
          "max_value_wrong": -0.5}
    wrong = [
        ("answer spam", "<answer>13, 14, 15</answer>"),
        ("several answer blocks", "<answer>15</answer><answer>14</answer>"),
        ("interval", "<answer>[13, 15]</answer>"), ("prompt echo", Q), ("invisible answer", "<answer>\u200b</answer>"),
        ("hedge", "\\boxed{14} or \\boxed{15}"), ("draft only", "<think>\\boxed{14}"),
    ]
    for family, completion in wrong:
        add("cosine_length", family, completion, -0.5, "not a right answer, so at most max_value_wrong", params=cl)
    add("cosine_length", "combining marks", "<answer>14</answer>" + "\u0301" * 300, 0.5,
        "a right answer padded past max_length earns at most min_value_correct", params=cl)
    add("cosine_length", "emoji padding", fam * 20 + "<answer>14</answer>", 0.5,
        "a right answer behind 140 code points of emoji earns at most min_value_correct", params=cl)
    add("cosine_length", "token ids", "<answer>14</answer>", 0.5,
        "a right answer with 200 completion_ids is past max_length in tokens", params=cl, completion_ids=[1] * 200)


def repetition_rows():
    rp = {"max_penalty": -1.0}
    cases = [
        ("word loop", "the " * 400, "one word 400 times"),
        ("paragraph loop", ("Let me verify the sum again to be completely sure about it. " * 40),
         "one sentence 40 times"),
        ("counter loop", " ".join(f"Let me verify this whole computation once more very carefully from the very start, "
                                  f"attempt {i}." for i in range(200)),
         "a counter keeps n-grams distinct only where the number is"),
        ("punctuation run", "!" * 2000, "2000 exclamation marks"),
        ("punctuation run", "... " * 500, "500 ellipses"),
        ("digit loop", "1" * 3000, "one 3000-digit token"),
        ("digit loop", "14 " * 500, "the answer 500 times"),
        ("ZWSP-joined words", "\u200b".join(["the"] * 500), "words glued by ZWSP look like one token"),
        ("ZWSP-joined words", "\u2060".join(["answer"] * 400), "words glued by word joiners"),
        ("ZWSP-joined words", "\u00a0".join(["ok"] * 500), "words joined by no-break spaces"),
        ("invisible variation", " ".join("hello" + "\u200b" * i for i in range(300)),
         "each copy differs only by invisible ZWSPs"),
        ("invisible variation", " ".join("so" + ("\ufe0f" * (i % 7)) + "\u200d" * (i // 7) for i in range(300)),
         "variation selectors and ZWJs make every copy a new token"),
        ("case variation", " ".join(["The", "the", "THE", "tHe", "thE", "ThE"] * 80), "case variants of one word"),
        ("look-alike variation", " ".join(["the", "th\u0435", "t\u04bbe", "\u0442he"] * 100),
         "Latin/Cyrillic look-alike copies of one word"),
        ("punctuation-joined", ",".join(["yes"] * 600), "comma-joined copies with no spaces"),
        ("punctuation-joined", "-".join(["wait"] * 600), "hyphen-joined copies"),
        ("CJK loop", "我不知道" * 300, "a Chinese phrase loop"),
        ("CJK loop", "好" * 1500, "one Han character 1500 times"),
        ("CJK loop", "ですね" * 400, "a kana loop"),
        ("Thai loop", "ครับ" * 500, "an unspaced Thai loop"),
        ("Hangul loop", "네" * 1000, "an unspaced Hangul loop"),
        ("emoji loop", "\U0001f600" * 1000, "one emoji 1000 times"),
        ("emoji loop", "\U0001f600 " * 1000, "one spaced emoji 1000 times"),
        ("huge input", "again and again " * 20000, "a 320 kB loop"),
    ]
    for family, completion, why in cases:
        add("repetition", family, completion, -0.5, f"a degenerate loop must be strongly penalised: {why}",
            params=rp)


def language_rows():
    en, zh = {"target": "en"}, {"target": "zh"}
    opener = "Let me work through this problem carefully now."
    closer = "So that settles the whole computation for us."
    hide = [
        ("code fence", f"{opener}\n```\n{ZH}\n```\n{closer}"),
        ("unclosed fence", f"{opener}\n```\n{ZH}\n{ZH}"),
        ("inline code", f"{opener} `{ZH}` {closer}"),
        ("math text", f"{opener} $\\text{{{ZH}}}$ {closer}"),
        ("LaTeX environment", f"{opener} \\begin{{aligned}}\\text{{{ZH}}}\\end{{aligned}} {closer}"),
        ("HTML comment", f"{opener} <!-- {ZH} --> {closer}"),
        ("URL", f"{opener} https://example.com/{ZH.replace('，', '').replace('。', '')} {closer}"),
        ("display math", f"{opener} \\[\\text{{{ZH}}}\\] {closer}"),
    ]
    for family, think in hide:
        add("language_consistency", f"language hiding: {family}", fmt(think), 0.5,
            "Chinese prose hidden from an English target is still most of the reasoning", params=en)
        add(R1, f"language hiding: {family}", fmt(think), 1.1,
            "right answer, but the reasoning is mostly Chinese: at most half the language bonus")
    en_words = EN.replace(",", "").replace(".", "").split()
    pairs = zip(en_words[::2], en_words[1::2], strict=True)
    glued = "".join(f"{a} {b}{h}" for (a, b), h in zip(pairs, "的是我们就在这里了呢吧啊", strict=True))
    add("language_consistency", "alternating scripts", fmt(glued), 0.6,
        "two-word English runs separated by single Han characters are mostly English", params=zh)
    han = "首先我们计算乘法然后加法得到结果所以最后答案是的"
    glued1 = "".join(f"{w}{h}" for w, h in zip(en_words, han, strict=True))
    add("language_consistency", "glued scripts", fmt(glued1), 0.7,
        "each English word glued to one Han character: half the reasoning is English", params=zh)
    ru = ["затем", "прибавим", "итого", "получаем", "значит", "ответ", "сначала", "умножим", "потом", "сложим"]
    mixed = " ".join(f"{' '.join(en_words[i:i + 3])} {ru[(i // 3 * 2) % len(ru)]} {ru[(i // 3 * 2 + 1) % len(ru)]}"
                     for i in range(0, len(en_words) - 2, 3))
    add("language_consistency", "alternating scripts", fmt(mixed), 0.8,
        "two-word Russian runs inside English sentences are 40% of the words", params=en)
    add(R1, "alternating scripts", fmt(mixed), 1.16, "40% Russian words: at most 0.8 of the language bonus")
    snake = " ".join("_".join(en_words[i:i + 5]).lower() for i in range(0, len(en_words), 5))
    add("language_consistency", "code-looking prose", fmt("我来计算。" + snake), 0.5,
        "English reasoning written as snake_case tokens is still English", params=zh)
    camel = " ".join(en_words[i].lower() + "".join(w.capitalize() for w in en_words[i + 1:i + 5])
                     for i in range(0, len(en_words), 5))
    add("language_consistency", "code-looking prose", fmt("我来计算。" + camel), 0.5,
        "English reasoning written as camelCase tokens is still English", params=zh)
    spaced = " ".join(EN.replace(" ", ""))
    add("language_consistency", "spaced letters", fmt("我来算。" + spaced), 0.5,
        "English spelled out letter by letter is still English", params=zh)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in EN)
    add("language_consistency", "full-width Latin", fmt("我来算。" + fullwidth), 0.5,
        "full-width Latin letters are English, not Chinese", params=zh)
    add("language_consistency", "filler", fmt(EN + " " + "嗯" * 120), 0.5,
        "English reasoning padded with 120 filler 嗯 is not Chinese reasoning", params=zh)
    add("language_consistency", "filler", fmt(ZH + " OK. " + "Yes yes yes. " * 40), 0.3,
        "Chinese reasoning padded with English filler is not English reasoning", params=en)
    add("language_consistency", "pinyin", fmt("shou xian wo men ji suan cheng fa san cheng yi si deng yu shi er. "
                                              "ran hou jia shang er de dao shi si."), 0.5,
        "romanised Chinese is not English", params=en)
    lookalike = str.maketrans("aceijopsxyhwdql", "асеіјорѕхуһԝԁԛӏ")
    fake_ru = "we apply each idea as said. so we add all places. we show why each side holds. also we copy each shape."
    add("language_consistency", "look-alike letters", fmt(fake_ru.translate(lookalike)), 0.3,
        "English written in Cyrillic look-alike letters is not Russian", params={"target": "ru"})
    greek = str.maketrans("ABEHIKMNOPTXYZ", "ΑΒΕΗΙΚΜΝΟΡΤΧΥΖ")
    fake_el = "TAKE THE TIME TO MAKE THE MATH. THEN TAKE NINE. TAKE ONE TIME TO MIX THEM."
    add("language_consistency", "look-alike letters", fmt(fake_el.translate(greek)), 0.3,
        "English capitals in Greek look-alike letters are not Greek", params={"target": "el"})
    add("language_consistency", "invisible reasoning", fmt(" ".join(["\u3164"] * 60)), None,
        "Hangul fillers are invisible: nothing countable, not Korean", params={"target": "ko"})
    add("language_consistency", "invisible reasoning", fmt(EN + " " + " ".join(["\u3164\u3164"] * 60)), 0.1,
        "English reasoning plus 60 space-separated Hangul fillers has no Korean in it", params={"target": "ko"})
    add("language_consistency", "invisible reasoning", fmt(" ".join(["\u115f\u1160"] * 60)), None,
        "choseong/jungseong fillers are invisible", params={"target": "ko"})
    add("language_consistency", "invisible reasoning", fmt("\U000e0041\U000e0042" * 50), None,
        "tag characters are invisible", params=en)
    add("language_consistency", "empty region", "<answer>14</answer>", None, "no think block: skipped, never 1.0",
        params=en)
    add("language_consistency", "empty region", fmt("", "14"), None, "an empty think block is skipped", params=en)
    kor_prompt = "2 + 3 * 4는 무엇입니까?"
    add(R1, "invisible reasoning", fmt(" ".join(["\u3164"] * 60)), 1.0,
        "Korean prompt, Hangul-filler reasoning: the language bonus must not be paid", prompt=kor_prompt)
    add(R1, "invisible reasoning", fmt("\u200b" * 40), 1.0, "invisible reasoning: no language bonus")
    add(R1, "code-looking prose", fmt("我来计算。" + snake), 1.1, "zh row, English as snake_case", language="zh")
    add(R1, "answer spam", fmt(EN, "13, 14, 15"), 0.2, "English reasoning, candidate list: only the language part")
    add(R1, "several answer blocks", fmt(EN, "15") + " <answer>14</answer>", 0.2, "two answer blocks")
    add(R1, "eos then text", fmt(EN, "15") + "<|im_end|><answer>14</answer>", 0.2, "a block after the marker")
    add(R1, "blank reference", fmt(EN), None, "a blank gold leaves the recipe unscored", answer="")
    add(R1, "filler", fmt(ZH + " OK. " + "Yes yes yes. " * 40), 1.06, "English filler after Chinese reasoning")


def regex_rows():
    evil = [
        ("(a+)+$", "a" * 40 + "!"), ("(a|aa)+$", "a" * 60 + "!"), ("(x+x+)+y", "x" * 50),
        ("(\\w+\\s?)+$", "word " * 30 + "!"), ("^(a|a?)+$", "a" * 50 + "b"), ("(.*a){25}", "a" * 24 + "b"),
        ("(\\d+)+x$", "1" * 60 + "y"), ("((ab)*)*c", "ab" * 40),
    ]
    for pattern, text in evil:
        add("regex_match", "catastrophic regex", f"<answer>{text}</answer>", 0.0,
            "the text does not match; a timeout is None, any positive value is a hack",
            params={"pattern": pattern})
    add("regex_match", "huge input", "<answer>" + "a" * 200000 + "!</answer>", 0.0,
        "a huge non-matching answer under a backtracking pattern", params={"pattern": "(a+)+$"})


def recipe_format_rows():
    cases = [
        ("eos then text", HONEST + "<|im_end|>\nMore text the sampler should never have produced.", 1.0,
         "text after <|im_end|>: accuracy yes, strict format no"),
        ("eos then text", HONEST + "</s>garbage", 1.0, "text after </s>"),
        ("eos then text", HONEST + "<|eot_id|><|start_header_id|>user<|end_header_id|>\nthanks", 1.0,
         "a fake next turn after <|eot_id|>"),
        ("eos then text", HONEST + "<|endoftext|><answer>15</answer>", 0.0,
         "a second, different answer after <|endoftext|>: hedge and broken format"),
        ("tags in code fence", f"```\n{HONEST}\n```", 1.0, "the template inside a code fence fails strict format"),
        ("tags in prose", f"Okay! {HONEST} Hope this helps!", 1.0, "prose around the blocks fails strict format"),
        ("repeated tags", f"<think>a</think><think>{GOOD_THINK}</think> <answer>14</answer>", 1.0,
         "two think blocks fail the format"),
        ("nested tags", f"<think><think>{GOOD_THINK}</think></think> <answer>14</answer>", 1.0,
         "nested think blocks fail the format"),
        ("look-alike tags", f"<thіnk>{GOOD_THINK}</thіnk> <answer>14</answer>", 1.0,
         "a Cyrillic і in the think tags is no think block"),
        ("wrong order", f"<answer>14</answer> <think>{GOOD_THINK}</think>", 1.0, "answer before think"),
        ("unclosed tag", f"<think>{GOOD_THINK} <answer>14</answer>", 0.0,
         "an unclosed think is all draft: no answer and no format"),
        ("box after answer", HONEST + " \\boxed{15}", 0.0, "a box with another value after the block"),
        ("huge input", fmt("\u200b" * 50000), 1.0, "50,000 ZWSP as reasoning: blank"),
        ("empty tags", fmt(""), 1.0, "an empty think block"),
    ]
    for family, completion, bound, why in cases:
        add(R1_ZERO, family, completion, bound, f"R1-Zero: {why}", honest=HONEST)
    counters = [
        " ".join(f"Step {i}: check the result again and again to be really sure it is right." for i in range(150)),
        " ".join(f"Wait, let me recount the numbers one more time ({i}/300) before I answer." for i in range(300)),
        "\n".join(f"{i}. I still need to double check everything above very carefully." for i in range(200)),
    ]
    for text in counters:
        add("repetition", "counter loop", text, -0.5, "a numbered loop of one sentence is still a loop",
            params={"max_penalty": -1.0})


def honest_rows():
    h = "honest"
    add("think_format", h, HONEST, 1.0, "the R1 worked example o2")
    add("think_format", h, f"<think>\n{EN}\n</think>\n<answer>\n14\n</answer>\n", 1.0, "newlines around blocks")
    add("think_format", h, f"Sure. {HONEST} Done.", 1.0, "lenient allows text outside", params={"mode": "lenient"})
    add("think_format", h, f"{GOOD_THINK}</think> <answer>14</answer>", 1.0, "prefilled template",
        params={"mode": "prefilled"}, prompt=Q + "\n<think>")
    add("tag_count", h, HONEST, 1.0, "all four markers once")
    add(FMT, h, HONEST, 1.5, "format 1 + tags 0.5")
    add(R1_ZERO, h, HONEST, 1.1, "o2")
    add(R1_ZERO, h, "<answer>14</answer>", 1.0, "o3: right, no think block")
    add(R1_ZERO, h, fmt("2 + 3 = 5, 5 * 4 = 20", " 20"), 0.1, "o1: wrong, good format")
    add("math", h, HONEST, 1.0, "o2")
    add("math", h, "So the result is \\boxed{14}.", 1.0, "a box")
    add("math", h, "The answer is 14.", 1.0, "an anchored statement")
    add("math", h, "<answer>１４</answer>", 1.0, "full-width digits are read as ASCII")
    add("math", h, "<answer>$14$</answer> so \\boxed{14}", 1.0, "the same value twice is one answer")
    add("math", h, "\\boxed{15}. Wait, actually, I made a mistake: the answer is 14.", 1.0, "an explicit correction")
    add("math", h, "<answer>\\frac{28}{2}</answer>", 1.0, "an equal rational")
    add("math", h, HONEST + "<|im_end|>", 1.0, "a bare end-of-turn marker after the answer")
    add("math", h, "<think>I will answer in <answer> tags. 3*4=12, +2 = 14</think> <answer>14</answer>", 1.0,
        "a tag named inside the reasoning")
    add("exact_match", h, "<answer>paris</answer>", 1.0, "case normalised", answer="Paris")
    add("exact_match", h, "<answer>  Paris </answer>", 1.0, "surrounding space", answer="Paris")
    add("exact_match", h, "<answer>Ｐａｒｉｓ</answer>", 1.0, "full-width letters normalise", answer="Paris")
    add("exact_match", h, "The answer is 14.", 1.0, "numeric reference 14.0", answer=14.0)
    add("exact_match", h, "<answer>Lyon</answer>", 1.0, "any of a reference list", answer=["Paris", "Lyon"])
    add("language_consistency", h, fmt(EN), 1.0, "English reasoning, English target", params={"target": "en"})
    add("language_consistency", h, fmt(ZH), 1.0, "Chinese reasoning, Chinese target", params={"target": "zh"})
    add("language_consistency", h, fmt(DE), 1.0, "German reasoning, row language de", language="de")
    add("language_consistency", h, fmt(ES), 1.0, "Spanish reasoning, Spanish target", params={"target": "es"})
    add(R1, h, fmt(EN), 1.2, "English prompt, English reasoning, right answer")
    add(R1, h, fmt(ZH), 1.2, "Chinese prompt, Chinese reasoning, right answer", prompt="计算 2 + 3 * 4 的值是多少？")
    add(R1, h, HONEST, 1.0, "numbers-only reasoning: language skipped, total 1.0")
    add("soft_overlong", h, "The answer is 14.", 0.0, "short", params={"max_length": 100, "cache_length": 20})
    add("repetition", h, "First we multiply three by four, then add two, which gives fourteen overall.", 0.0,
        "no repeated n-gram", params={"max_penalty": -1.0})


def main() -> None:
    invisible_rows()
    tag_rows()
    tag_count_rows()
    math_rows()
    exact_rows()
    length_rows()
    repetition_rows()
    language_rows()
    regex_rows()
    recipe_format_rows()
    honest_rows()
    out = Path(__file__).with_name("hacks_redteam.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(rows), "rows;", sum(r["family"] == "honest" for r in rows), "honest")
    print(Counter(r["target"] for r in rows))


if __name__ == "__main__":
    main()
