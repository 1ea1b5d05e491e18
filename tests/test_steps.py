"""Splitting reasoning into steps (`rewardkit.steps`): each level of structure, CJK sentences, spans that index
the completion, and token spans through an offsets mapping."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.steps import reasoning_region, split_steps, token_spans

CASES = [
    # (text, mode, expected step texts)
    ("<think>Step 1: 3 * 4 = 12.\nStep 2: 2 + 12 = 14.</think><answer>14</answer>", "auto",
     ["Step 1: 3 * 4 = 12.", "Step 2: 2 + 12 = 14."]),
    ("Step 1: add.\n\nmore of step one\nStep 2: done", "auto", ["Step 1: add.\n\nmore of step one", "Step 2: done"]),
    ("1. first\n2. second\n3) third", "auto", ["1. first", "2. second", "3) third"]),
    ("- a\n- b", "auto", ["- a", "- b"]),
    ("Para one\nstill one.\n\nPara two.", "auto", ["Para one\nstill one.", "Para two."]),
    ("line one\nline two", "auto", ["line one", "line two"]),
    ("First I add. Then 3.5 times 2 is 7! Done?", "auto", ["First I add.", "Then 3.5 times 2 is 7!", "Done?"]),
    ("先算乘法。3乘4等于12！再加2得14。", "auto", ["先算乘法。", "3乘4等于12！", "再加2得14。"]),
    ("第1步：3×4=12\n第2步：2+12=14", "auto", ["第1步：3×4=12", "第2步：2+12=14"]),
    ("<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>", "auto", ["2 + 3 = 5, 5 * 4 = 20"]),
    ("<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>", "clauses", ["2 + 3 = 5,", "5 * 4 = 20"]),
    ("a. b\n\nc", "sentences", ["a.", "b\n\nc"]),
    ("<answer>14</answer>", "auto", ["<answer>14</answer>"]),  # no think block: the completion is the region
    ("", "auto", []),
    ("<think>   </think>", "auto", []),
]


@pytest.mark.parametrize(("text", "mode", "want"), CASES)
def test_split_steps(text, mode, want):
    steps = split_steps(text, mode)
    assert [s.text for s in steps] == want
    assert all(text[s.start:s.end] == s.text for s in steps)


def test_region_is_the_think_block_or_what_precedes_a_lone_close():
    assert reasoning_region("<think>abc</think>x") == (7, 10)
    assert reasoning_region("abc</think>x") == (0, 3)  # the template opened the tag in the prompt
    assert reasoning_region("<think>abc</think>x", "completion") == (0, 19)
    assert [s.text for s in split_steps("<think>a</think> b. c.", region="completion")] == ["<think>a</think> b.", "c."]


def test_token_spans_from_offsets():
    text = "<think>2 + 3 = 5, 5 * 4 = 20</think>"
    chars = split_steps(text, "clauses", offsets=[(i, i + 1) for i in range(len(text))])
    assert [(s.token_start, s.token_end) for s in chars] == [(7, 17), (18, 28)]
    # word-level tokens: "<think>" "2 + 3 = 5," " 5 * 4 = 20" "</think>"
    words = [(0, 7), (7, 17), (17, 28), (28, 36)]
    assert [(s.token_start, s.token_end) for s in token_spans(chars, words)] == [(1, 2), (2, 3)]
    # a token straddling two steps belongs to both
    assert [(s.token_start, s.token_end) for s in token_spans(chars, [(0, 20), (20, 36)])] == [(0, 1), (0, 2)]
    assert chars[0].as_dict() == {"start": 7, "end": 17, "token_start": 7, "token_end": 17}


@settings(max_examples=200, database=None, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1.2\n。！？-*Step:<think></think>")), max_size=80),
       st.sampled_from(["auto", "step_markers", "numbered", "blank_lines", "lines", "sentences", "clauses"]))
def test_steps_are_ordered_disjoint_non_empty_spans(text, mode):
    steps = split_steps(text, mode)
    for step in steps:
        assert step.text and step.text == step.text.strip() and text[step.start:step.end] == step.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(steps))
