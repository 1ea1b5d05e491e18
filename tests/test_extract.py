"""Answer extraction: tables of real-looking outputs by phenomenon, plus properties on hostile input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings

from rewardkit.extract import anchored, answer_tag, boxed, boxed_all, code_block, final_answer, region, think_content
from rewardkit.testing import completions

BOXED = [
    ("so \\boxed{14}.", "14"),
    ("\\boxed{\\frac{1}{2}}", "\\frac{1}{2}"),
    ("first \\boxed{3} then \\boxed{5}", "5"),  # last by default
    ("\\boxed{\\{1, 2\\}}", "\\{1, 2\\}"),  # escaped braces do not close the box
    ("\\fbox{7}", "7"),
    ("$\\boxed 9$", "9"),
    ("\\boxed {x+1}", "x+1"),
    ("\\boxed{\\boxed{6}}", "\\boxed{6}"),  # nested box reported once, as the outer one
    ("\\boxed{unclosed", None),
    ("\\boxedsymbol{3}", None),  # another macro
    ("no box here 42", None),
]


@pytest.mark.parametrize(("text", "expected"), BOXED)
def test_boxed(text, expected):
    assert boxed(text) == expected


def test_boxed_first_and_all():
    assert boxed("\\boxed{3} or \\fbox{4} or \\boxed{5}", which="first") == "3"
    assert boxed_all("\\boxed{3} or \\fbox{4} or \\boxed{5}") == ["3", "4", "5"]


ANCHORED = [
    ("The final answer is 14.", "14"),
    ("Final Answer: $\\frac{1}{2}$", "\\frac{1}{2}"),
    ("**Answer:** 42", "42"),
    ("**Final Answer**: x = 3", "x = 3"),
    ("So the answer is \\(7\\).", "7"),
    ("answer = 12", "12"),
    ("The answer is 3. Wait, no. The answer is 4.", "4"),  # last by default
    ("The answer is $5$ or $6$.", "5 or 6"),  # a hedge after the math stays visible
    ("The final answer is $10$. I hope it is correct.", "10"),
    ("There are 7 balls. I am not sure.", None),  # never fish a number out of prose
    ("I answered 5 questions", None),
]


@pytest.mark.parametrize(("text", "expected"), ANCHORED)
def test_anchored_phrases(text, expected):
    assert anchored(text) == expected


@pytest.mark.parametrize(("text", "expected", "source"), [
    ("<think>...</think><answer>The result is \\boxed{14}</answer>", "14", "boxed_in_answer_tag"),
    ("<think>...</think><answer> 14 </answer>", "14", "answer_tag"),
    ("<answer>1</answer> then <answer>2</answer>", "2", "answer_tag"),
    # a tag named in the reasoning is not the start of the answer (this used to extract "tags. ...<answer>14")
    ("<think>I put the result in <answer> tags. 2+12=14</think> <answer>14</answer>", "14", "answer_tag"),
    ("We get \\boxed{14}. The answer is 13.", "14", "boxed"),
    ("The answer is 13.", "13", "anchored"),
    ("<answer> 7<answer>", None, None),  # unclosed tag: nothing anchored
    ("The count is 7", None, None),
])
def test_final_answer_priority(text, expected, source):
    found = final_answer(text)
    assert (found.text, found.source) == (expected, source) if expected else found is None


def test_final_answer_without_anchors():
    assert final_answer("The answer is 13.", anchors=False) is None


def test_think_and_regions():
    text = "<think>reason</think>\n<answer>42</answer>"
    assert think_content(text) == "reason"
    assert region(text, "think") == "reason"
    assert region(text, "answer") == "42"
    assert region(text, "all") == text
    assert region("reason</think> final", "think") == "reason"  # prefilled <think>
    assert region("reason</think> final", "answer") == " final"
    assert region("no tags", "think") == ""
    assert answer_tag("<answer>a</answer><answer>b</answer>", which="first") == "a"


CODE = """Here is my attempt:
```python
print(1)
```
and a fix:
```py
def f(x):
    return x + 1
```
and some C:
```cpp
int main() {}
```
"""


def test_code_blocks_by_language():
    assert code_block(CODE) == "def f(x):\n    return x + 1"
    assert code_block(CODE, which="first") == "print(1)"
    assert code_block(CODE, language="c++") == "int main() {}"
    assert code_block(CODE, language=None) == "int main() {}"
    assert code_block("```\nx = 1\n```") == "x = 1"  # untagged counts when no tagged block exists
    assert code_block("```python\nunclosed") is None
    assert code_block("~~~~python\na\n~~~~") == "a"


@pytest.mark.parametrize(("text", "code"), [
    ("<answer>```python\nprint(1)\n```</answer>", "print(1)"),  # an opening fence after text on its line
    ("Here: ```python\nprint(1)\n```", "print(1)"),
    ("```python\nprint(0)\n``` then ```python\nprint(1)\n```\n", "print(1)"),  # closing fence before text
    ("````python\na\n```python\nb\n```\n````", "a\n```python\nb\n```"),  # a longer fence holds shorter ones
])
def test_fences_anywhere_on_a_line(text, code):
    assert code_block(text) == code


@settings(max_examples=300, deadline=None)
@given(completions())
def test_extraction_never_raises_and_returns_substrings(text):
    for found in (boxed(text), anchored(text), answer_tag(text), think_content(text), code_block(text)):
        assert found is None or isinstance(found, str)
    for which in ("think", "answer", "all"):
        assert isinstance(region(text, which), str)


@pytest.mark.parametrize("unit", ["\\boxed{", "{", "<answer>", "The answer is ", "```python\n", "\\\\"])
def test_hostile_input_stays_linear(unit):
    text = unit * 200_000
    start = time.perf_counter()
    final_answer(text)
    code_block(text)
    region(text, "answer")
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize("text", ["```" + "a" * 50_000, "```" + " " * 50_000, "```python" + "x" * 50_000,
                                  "answer" + " " * 50_000 + "x", "**Answer" + " " * 50_000 + "**" + " " * 50_000,
                                  "final answer is **" + "\n" * 50_000])
def test_long_last_line_stays_linear(text):
    # degenerate outputs repeat whitespace; "answer" + 16k spaces once took ~10 s (two adjacent \s* backtracking),
    # "```" + 20k characters without a newline ~0.7 s (the fence pattern backtracked over its info string)
    start = time.perf_counter()
    anchored(text)
    code_block(text, language=None)
    assert time.perf_counter() - start < 1.0
    assert anchored("The answer is ** 5**") == "5" and anchored("**Answer:** 7") == "7"
