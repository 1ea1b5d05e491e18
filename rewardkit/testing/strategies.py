"""Hypothesis strategies for model completions: R1-formatted, malformed, hostile unicode, huge, chat."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

TAGS = ("<think>", "</think>", "<answer>", "</answer>", "\\boxed{", "}", "{", "$", "```python\n", "```\n")

# Text that stresses parsers: every Unicode category (incl. surrogates-free astral, combining marks, RTL), digits,
# LaTeX-ish symbols.
_unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
_mathy = st.text(alphabet="0123456789+-*/^_{}()[]\\.,=<>$ abcxyz", max_size=80)
_words = st.lists(st.sampled_from(["the", "answer", "is", "so", "we", "get", "Hmm", "wait", "x", "=", "14",
                                   "因为", "所以", "答案", "это", "respuesta", "\n", "\\frac{1}{2}"]), max_size=40)


def r1_completions(answer: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    """Well-formed `<think>...</think> <answer>...</answer>` completions."""
    answers = answer if answer is not None else _mathy
    return st.builds(lambda think, sep, ans: f"<think>{think}</think>{sep}<answer>{ans}</answer>",
                     _words.map(" ".join).filter(str.strip) | _unicode_text.filter(str.strip),
                     st.sampled_from(["", " ", "\n", "\n\n"]), answers)


def _malformed() -> st.SearchStrategy[str]:
    """Random interleavings of tags and text: unclosed, doubled, reversed, nested."""
    piece = st.sampled_from(TAGS) | _mathy | _words.map(" ".join)
    return st.lists(piece, max_size=30).map("".join)


def _huge() -> st.SearchStrategy[str]:
    return st.builds(lambda unit, n: unit * n, st.sampled_from(["a", "{", "\\boxed{", "<think>", "9^", "ab "]),
                     st.integers(1_000, 60_000))


def completions() -> st.SearchStrategy[str]:
    """Completion texts of every kind a policy can produce, from empty to 60 KB."""
    return st.one_of(st.just(""), r1_completions(), _malformed(), _unicode_text, _huge())


def chat_completions() -> st.SearchStrategy[list[dict[str, Any]]]:
    """Conversational completions (lists of messages), sometimes without an assistant turn."""
    role = st.sampled_from(["assistant", "user", "system", "tool"])
    content = completions() | st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": completions()}),
                                       max_size=2)
    return st.lists(st.fixed_dictionaries({"role": role, "content": content}), max_size=3)


def samples(answers: st.SearchStrategy[Any] | None = None, **extra: st.SearchStrategy[Any]
            ) -> st.SearchStrategy[dict[str, Any]]:
    """Sample rows: a prompt, a completion (text or chat) and an answer, plus any extra fields given."""
    gold = answers if answers is not None else (_mathy | st.sampled_from(["14", "\\frac{1}{2}", "B", "Paris"]))
    return st.fixed_dictionaries({
        "prompt": st.sampled_from(["What is 2 + 3 * 4?", "", "Résous x² = 4.", "解方程"]),
        "completion": completions() | chat_completions(),
        "answer": gold,
        **extra,
    })
