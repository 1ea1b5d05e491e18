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
  is a letter sequence of 2+ letters, or any Han, Kana, Hangul or Thai letter;
- URLs: the path, query and fragment, percent-decoded, with `/ - _ + = & . ~` as word breaks and a file
  extension dropped (`example.com/首先我们…`, `?q=zuerst+multiplizieren+wir`), by the same prose test; the
  host is never prose;
- identifiers (`identifier_prose`): a whitespace-free token of letters joined by `_` or camelCase humps
  (`first_we_multiply_three`, `firstWeMultiply`) is its words when it has 2+ words of 2+ letters and fewer
  than a third of them are keywords or common code abbreviations (`num_items`, `maxValue`, `sum_of_squares`
  stay code).
Everything else of the span stays removed. Linear in the span length.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

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
# Abbreviations that mark a token as a program's name rather than words (`num_items`, `maxValue`, `src_dir`).
_ABBREVIATIONS = frozenset(str.split(
    "num nums idx len cnt val vals arr ptr buf src dst tmp temp res ret obj cfg conf arg args kwargs init util "
    "utils id ids max min avg std np pd df os sys io param params fn func ctx req resp msg err env vars elem "
    "elems lst tbl col cols row rows str int dict dir dirs path file files impl"))
MIN_WORDS = 3
_URL_HOST = re.compile(r"^(?:[a-z]+://)?[^/?#]*")
_URL_BREAKS = re.compile(r"[/\-_+=&.~?#:;,!@$%*()\[\]'0-9]+")
_FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}(?=$|[?#])")
_IDENTIFIER = re.compile(r"[A-Za-z]+(?:_+[A-Za-z]+)*")
_HUMP = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


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


def url_prose(url: str) -> str:
    """The prose of a URL's path, query and fragment (percent-decoded), or "" when it does not read as prose."""
    rest = _FILE_EXTENSION.sub("", _URL_HOST.sub("", url, count=1))
    words = _URL_BREAKS.sub(" ", unquote(rest, errors="replace")).strip()
    return words if _is_prose(words) else ""


def identifier_prose(token: str) -> str:
    """The words of a snake_case or camelCase token that reads as words rather than a program's name, else ""."""
    if not _IDENTIFIER.fullmatch(token):
        return ""
    words = [hump for part in token.split("_") for hump in _HUMP.findall(part) if len(hump) > 1]
    if len(words) < 2:
        return ""
    code_words = sum(word.lower() in _KEYWORDS or word.lower() in _ABBREVIATIONS for word in words)
    return " ".join(words) if code_words * 3 < len(words) else ""  # fewer than a third: `sum_of_squares` is code


def _is_prose(text: str) -> bool:
    words = _WORDS.findall(text)
    if len(words) < MIN_WORDS:
        return False
    keywords = sum(word.lower() in _KEYWORDS for word in words)
    return keywords * 3 <= len(words)
