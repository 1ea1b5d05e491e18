"""Natural language hidden inside code and math: what `strip_markup` keeps from a span it removes.

Code and math do not count for or against the target language, but a policy can hide its reasoning there
(a fence around German prose, an unclosed fence, inline code, `$\\text{...}$`), so the spans are read:
- math (`$..$`, `$$..$$`, `\\[..\\]`, `\\(..\\)`, environments): the contents of `\\text{}`, `\\textrm{}`,
  `\\textit{}`, `\\textbf{}`, `\\textsf{}`, `\\texttt{}`, `\\mbox{}` and `\\intertext{}`, which are prose by
  construction; and what is left once the LaTeX commands are removed, when it reads as prose (words written
  straight into math, `$Zuerst\\ multiplizieren\\ wir$`; `x^2 + \\sin y` has no words);
- code (fenced blocks, inline code): string literals and comments (`#`, `//`, `--`, `/*`, `;`, `%`) are
  pieces of their own; a piece is prose when it has at least 3 words and at most a third of them are
  programming keywords (`for item in items` is code, `Zuerst multiplizieren wir` is not). The code outside
  strings and comments is prose only when it also has no assignment, brace or statement punctuation. A word
  is a letter sequence of 2+ letters, or any Han, Kana, Hangul or Thai letter.
Everything else of the span stays removed. Linear in the span length.
"""

from __future__ import annotations

import re

import regex

_TEXT_MACRO = re.compile(r"\\(?:text(?:rm|it|bf|sf|tt|normal)?|mbox|intertext)\s*\{([^{}]*)\}")
_LATEX_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)")
# A string literal or a comment, in the forms most languages share.
_PIECE = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|(?:^|\s)(?:#|//|--|/\*|;|%)[^\n]*")
_CODE_PUNCT = re.compile(r"=|[{};]|->|::")
_WORDS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]|[^\W\d_]{2,}")
_KEYWORDS = frozenset(str.split(
    "and as assert async await begin bool break case catch char class const continue def del do double elif "
    "else end enum except export extends false finally float fn for from func function if import in int is "
    "lambda let list local long match new nil none not null or pass print println printf public private raise "
    "range return self static str string struct switch then this throw true try type typeof var void while "
    "with yield len sum dict set map"))
MIN_WORDS = 3


def math_prose(span: str) -> str:
    """The prose of a math span: its `\\text{...}`-like arguments, one per line, then the rest of the span
    without LaTeX commands if that reads as prose."""
    texts = [match.group(1) for match in _TEXT_MACRO.finditer(span)]
    rest = _LATEX_COMMAND.sub(" ", _TEXT_MACRO.sub(" ", span))
    return "\n".join([*texts, rest] if _is_prose(rest) else texts)


def code_prose(span: str) -> str:
    """The prose lines of a code span: strings, comments and code lines that read as natural language."""
    kept: list[str] = []
    for line in span.splitlines():
        rest, last = [], 0
        for match in _PIECE.finditer(line):
            rest.append(line[last:match.start()])
            last = match.end()
            piece = match.group().strip().lstrip("#/-*;%").strip("\"'")
            if _is_prose(piece):
                kept.append(piece)
        code = "".join(rest) + line[last:]
        if not _CODE_PUNCT.search(code) and _is_prose(code):
            kept.append(code)
    return "\n".join(kept)


def _is_prose(text: str) -> bool:
    words = _WORDS.findall(text)
    if len(words) < MIN_WORDS:
        return False
    keywords = sum(word.lower() in _KEYWORDS for word in words)
    return keywords * 3 <= len(words)
