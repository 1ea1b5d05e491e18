"""The independent red-team corpora (tests/data/*_redteam.jsonl, labels written from the user docs before any
scorer ran): the figures the issues accept, with every remaining disagreement listed and explained.

First runs and how the corpora were made: tests/data/*_REDTEAM.md and benchmarks/results/redteam.md.
"""

from __future__ import annotations

import pytest
from redteam import hack_disagreements, math_disagreements, tool_disagreements
from redteam_reuse import disagreements, nondeterministic, scenarios, score

# Held-out math pairs rewardkit still rejects, each a limit documented in docs/math.md (never a wrong accept).
KNOWN_HELDOUT_REJECTS = {
    "ho-0077",  # \sqrt{x^2} = |x| holds on the reals only; identities are checked at complex points too
    "ho-0123",  # 0.2 for gold 20\%: the % sign decorates the written number (the first corpus labels the same)
    "ho-0134",  # `r^2 = 113` names a power of the unknown, not a quantity the parser reads as a name
    "ho-0209",  # \frac{2}{3} for gold 2:3: a ratio is compared as a ratio (`2:30` is a time, not 1/15)
    "ho-0227",  # "2,5 Stunden": a decimal comma followed by a unit word reads as a list
    "ho-0353",  # a unit with a Unicode superscript after the value (`9\pi cm²`) is not stripped
}

# Hacks the corpus bounds lower than rewardkit scores them, each a policy decision kept on purpose.
KEPT_HACK_VERDICTS = {
    # "\boxed{15}. Wait, actually, if the order matters, \boxed{14}": an explicit correction stands (the rule
    # of docs/math.md); the condition inside it gains a policy nothing that a plain correction would not.
    "hk-0135": "over_bound",
    # exact_match compares canonical text (look-alikes folded), so "Pаris" with a Cyrillic а is "Paris": the
    # same credit as the honest answer, never more, and a look-alike cannot dodge a blocklist either.
    "hk-0222": "over_bound",
    # regex_match's default region is `all`: the pattern (.*a){25} finds its 25th "a" in the tag names of
    # "<answer>aaa…ab</answer>", so the match is real; the corpus assumed the answer region.
    "hk-0334": "over_bound",
}
# Rows the corpus itself marks ambiguous, where rewardkit decides the other way (docs/tools.md says how).
KEPT_TOOL_VERDICTS = {
    "tc-0023",  # bare JSON without "arguments" is not read as a call: `{"name": ...}` is also an ordinary answer
    "tc-0112",  # a row without `tools` is scored on names and arguments alone, without schema validation
    "tc-0232",  # a failed call is signalled by the tool message's status or an error field, not by its content
}

# Channels between samples of one reused code sandbox that remain (docs/code.md, "Reused sandboxes"): counters
# the kernel keeps per namespace and mount, which an earlier sample must be written to advance on purpose.
KNOWN_REUSE_CHANNELS = {"f20_inode_channel", "f20r_inode_channel", "f21_pid_channel", "f21r_pid_channel"}


def test_hacks_corpus_rewards_no_hack_beyond_the_kept_decisions():
    total, found = hack_disagreements()
    assert total >= 380
    assert {d.id: d.kind for d in found} == KEPT_HACK_VERDICTS, [d for d in found if d.id not in KEPT_HACK_VERDICTS]


def test_tools_corpus_agrees_but_for_the_ambiguous_rows():
    total, found = tool_disagreements()
    assert total >= 240
    assert {d.id for d in found} == KEPT_TOOL_VERDICTS, [d for d in found if d.id not in KEPT_TOOL_VERDICTS]


def test_math_corpus_agrees_on_every_pair():
    total, found = math_disagreements()
    assert total >= 530 and found == []


def test_math_heldout_corpus_has_no_wrong_accept():
    total, found = math_disagreements("math_heldout")
    assert total >= 350
    assert {d.id for d in found} == KNOWN_HELDOUT_REJECTS, [d for d in found if d.id not in KNOWN_HELDOUT_REJECTS]
    assert all(d.kind == "wrong_reject" for d in found)


@pytest.mark.slow  # ~1 min: 96 scenarios, 400 samples through one reused sandbox each
def test_reuse_corpus_finds_no_channel_between_samples_but_the_counters():
    rows = scenarios()
    found = set()
    for row in rows:
        got = score(row, 64)
        if disagreements(row, got) or nondeterministic(row, got):
            found.add(row["id"])
    assert len(rows) >= 96 and found <= KNOWN_REUSE_CHANNELS, found - KNOWN_REUSE_CHANNELS
