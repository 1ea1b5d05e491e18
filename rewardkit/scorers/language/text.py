"""From reasoning text to countable runs: strip code, math and URLs (keeping the natural language hidden in
them, see `hidden.py`), then cut the prose into script runs.

    runs = segment(strip_markup(text))    # [Run(script='Han', units=12.0, ...), Run(script='Latin', ...)]

A *run* is a maximal stretch of one script inside one sentence; digits, operators and punctuation between
words do not break it. Units are what the ratio counts: Han and Kana characters (times `cjk_weight`), words
of Hangul and alphabetic scripts, and for scripts written without spaces (Thai, Lao, Khmer, Myanmar, Tibetan)
one unit per 4 letters, roughly a word. Single Latin or Greek letters are not words (they are math variables:
x, n, π), nor are code-like tokens (`f(x)`, `np.array`, `total_sum`, `\\frac`, `maxValue`). But 4 or more
single Latin or Greek letters in a row, one space apart (`F i r s t w e …`), are a word spelled out: they are
joined and counted like unspaced text, one unit per 4 letters. A chain of 4 or more hyphenated parts
(`first-we-multiply-three`, `state-of-the-art`) counts one unit per part; `end-to-end` is one word.
Every scan here is linear in the text length: hostile output (60 KB of `$` or backticks) stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import regex

from rewardkit.scorers.language.hidden import code_prose, identifier_prose, math_prose, url_prose

# Scripts counted per word (a letter, then letters and combining marks, with inner ' ’ - allowed).
WORD_SCRIPTS = ("Latin", "Cyrillic", "Greek", "Arabic", "Hebrew", "Devanagari", "Bengali", "Georgian",
                "Armenian", "Ethiopic", "Tamil", "Telugu", "Kannada", "Malayalam", "Gujarati", "Gurmukhi",
                "Oriya", "Sinhala", "Thaana")
# Scripts written without spaces between words: one unit per UNSPACED_LETTERS letters.
UNSPACED_SCRIPTS = ("Thai", "Lao", "Khmer", "Myanmar", "Tibetan")
UNSPACED_LETTERS = 4.0
_SINGLE_LETTER_SCRIPTS = frozenset({"Latin", "Greek"})  # a lone letter is a math symbol, not a word
_PER_CHAR = frozenset({"Han", "Kana", *UNSPACED_SCRIPTS})  # counted per character, not per word
_CHAIN_HYPHENS = 3  # `first-we-multiply-three`: a chain of 4+ hyphenated parts is a phrase, one unit per part

_SENTENCE_END = r"[!?;。！？；…｡؟।॥։።။។\n]|\.(?=\s|$)"

# Openers of spans to remove: fenced code at a line start, inline code, display and inline math, LaTeX
# environments, URLs, and markup tags (`<think>` glued to the first word). The lookahead on the first
# character makes the scan ~10x faster on prose.
_OPENER = re.compile(
    r"(?=[`~$\\hfw \t<])(?:^[ \t]*(?P<fence>`{3,}|~{3,})|(?P<tick>`+)|(?P<dollars>\$\$)|(?P<dollar>\$)"
    r"|(?P<bracket>\\\[)|(?P<paren>\\\()|(?P<env>\\begin\{(?P<env_name>[A-Za-z*]{1,40})\})"
    r"|(?P<url>(?:https?|ftp)://\S+|www\.\S+)|(?P<tag></?[A-Za-z][\w-]{0,30}/?>))",
    re.MULTILINE)
_CLOSERS = {"dollars": "$$", "bracket": "\\]", "paren": "\\)"}
_BLOCKS = frozenset({"fence", "dollars", "bracket", "env", "tag"})  # removed spans that also end a sentence

# What makes a whitespace-free ASCII chunk code or math rather than prose (`f(x)`, `a_1`, `np.sum`, `x2`).
# (A symbol counts only next to a letter or digit: a lone "*" or "=" between spaces is no word anyway.)
_CODE_FEATURE = re.compile(r"[A-Za-z0-9][_=<>^{}|\\/*+#@~%&$]|[_=<>^{}|\\/*+#@~%&$][A-Za-z0-9]|[A-Za-z][(\[]"
                           r"|[A-Za-z0-9]\.[A-Za-z]|[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]")
_EDGE_PUNCT = "*_~\"'()[]{},.:;!?`"  # markdown and prose punctuation around a word: "**Step", "(which"
_CHUNK_END = re.compile(r"[!-~]*")
_CHUNK_START = regex.compile(r"[!-~]*", regex.REVERSE)


@dataclass(slots=True)
class Run:
    """A stretch of one script inside one sentence."""

    script: str  # a Unicode script name ("Latin", "Han", "Kana", "Hangul", ...) or "Other"
    sentence: int  # index of the sentence it belongs to
    words: list[str]  # the words (Han and Kana: the character runs)
    units: float = 0.0  # what the ratio counts for this run
    word_units: list[float] | None = None  # per word, only where a spelled word or a chain makes them differ

    @property
    def text(self) -> str:
        return " ".join(self.words)


def strip_markup(text: str) -> str:
    """`text` without fenced/inline code, `$..$`, `$$..$$`, `\\[..\\]`, `\\(..\\)`, LaTeX environments,
    URLs, tags such as `<think>` and code-like tokens. Block spans become line breaks (sentence ends), inline
    spans spaces; prose hidden in a span (comments, strings, `\\text{}`) is kept in its place.
    An unclosed code fence runs to the end (a truncated completion); another unclosed opener is dropped."""
    out: list[str] = []
    pos, unclosed = 0, set()  # closers known to be absent from the rest of the text: never searched twice
    while (match := _OPENER.search(text, pos)) is not None:
        out.append(text[pos:match.start()])
        end = _span_end(text, match, unclosed)
        if end is None:
            out.append(" ")
            pos = match.end()
        else:
            sep = "\n" if match.lastgroup in _BLOCKS or match.group("env") else " "
            out.append(sep + _hidden_prose(match, text[match.end():end]) + sep)
            pos = end
    out.append(text[pos:])
    return drop_code_tokens("".join(out))


def _hidden_prose(match: re.Match[str], span: str) -> str:
    """Natural language inside a removed span (see `hidden.py`): it is counted, not dropped."""
    kind = match.lastgroup if match.group("env") is None else "env"
    if kind in ("fence", "tick"):
        return code_prose(span)
    if kind == "url":
        return url_prose(match.group())
    if kind == "tag":
        return ""
    return math_prose(span)


def _span_end(text: str, match: re.Match[str], unclosed: set[str]) -> int | None:
    """Where the span opened by `match` ends, or None when the opener has no closer (then it is literal)."""
    kind = match.lastgroup if match.group("env") is None else "env"
    if kind in ("url", "tag"):
        return match.end()
    if kind == "fence":
        fence = match.group("fence")
        closer = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        found = closer.search(text, match.end())
        return found.end() if found else len(text)
    if kind == "dollar" and (match.end() >= len(text) or text[match.end()].isspace()):
        return None  # "$ 5" or a trailing "$": currency or stray, not math
    closer = {"tick": match.group(), "dollar": "$", "env": f"\\end{{{match.group('env_name')}}}"}.get(
        kind, _CLOSERS.get(kind or "", ""))
    if not closer or closer in unclosed:
        return None
    at = text.find(closer, match.end())
    if at < 0:
        unclosed.add(closer)
        return None
    if kind == "dollar" and (text[at - 1].isspace() or text.find("\n\n", match.end(), at) >= 0):
        return None  # "$5 and $10": the second "$" opens nothing (pandoc's rule); inline math ends in its paragraph
    return at + len(closer)


def drop_code_tokens(text: str) -> str:
    """Blank out whitespace-free ASCII chunks that look like code or math once edge punctuation is trimmed;
    a snake_case or camelCase chunk that reads as words (`first_we_multiply`, see `identifier_prose`) becomes
    those words. Scans from each code feature, so prose without any costs one regex pass."""
    out: list[str] = []
    pos = checked = 0  # text[:pos] is emitted; chunks before `checked` are decided
    for feature in _CODE_FEATURE.finditer(text):
        if feature.start() < checked:
            continue
        start = _CHUNK_START.match(text, checked, feature.start()).start()
        end = _CHUNK_END.match(text, feature.start()).end()
        checked = end
        core = text[start:end].strip(_EDGE_PUNCT)
        if core and _CODE_FEATURE.search(core):
            out.append(text[pos:start])
            out.append(f" {identifier_prose(core)} ")
            pos = end
    out.append(text[pos:])
    return "".join(out)


# Pass 1: spelled-out words, letter sequences (any script) and sentence ends; findall keeps it in C.
# A stop yields ('', ''). Spelled: 4+ single Latin/Greek letters one space apart, so no letter escapes as a
# "variable" (`F i r s t w e m u l t i p l y`).
_SPELLED_MIN = 4
_LETTER = r"[\p{Latin}\p{Greek}]\p{M}*"
_WORD = rf"(\p{{L}}[\p{{L}}\p{{M}}]*(?:['’\-]\p{{L}}[\p{{L}}\p{{M}}]*)*)|{_SENTENCE_END}"
_WORD_OR_STOP = regex.compile(rf"(){_WORD}")  # the common case: no spelled-out word anywhere
_SPELLED_WORD_OR_STOP = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}])({_LETTER}(?: {_LETTER}){{{_SPELLED_MIN - 1},}})(?![\p{{L}}\p{{M}}])|{_WORD}")
# A cheap superset of a spelled-out word: its last three letters, " b c d" of "a b c d" (Spanish "y a" is not).
_SPELLED_HINT = re.compile(r" [^\W\d_][^\w ]* [^\W\d_][^\w ]* [^\W\d_](?![^\W\d_])")


def _script_group(script: str) -> str:
    if script == "Han":
        return r"\p{Han}+"
    if script == "Kana":
        return r"[\p{Hiragana}\p{Katakana}\u30fc\uff70]+"
    if script == "Hangul":
        return r"\p{Hangul}+"
    if script == "Other":
        return r"\p{L}[\p{L}\p{M}]*"
    return rf"\p{{{script}}}[\p{{{script}}}\p{{Mn}}\p{{Mc}}]*(?:['’\-]\p{{{script}}}[\p{{{script}}}\p{{Mn}}\p{{Mc}}]*)*"


_ALL_SCRIPTS = ("Han", "Kana", "Hangul", *WORD_SCRIPTS, *UNSPACED_SCRIPTS, "Other")


@cache
def _script_pattern() -> regex.Pattern[str]:
    """Pass 2, for non-ASCII letter sequences only: split by script (`Python的sort函数`, `日本語です`)."""
    return regex.compile("|".join(f"(?P<{script}>{_script_group(script)})" for script in _ALL_SCRIPTS))


@cache
def _whole_word(script: str) -> regex.Pattern[str]:
    return regex.compile(_script_group(script))


def segment(text: str, cjk_weight: float = 1.0) -> list[Run]:
    """Cut cleaned text into runs, in order. Han and Kana count per character (times `cjk_weight`), Hangul and
    alphabetic scripts per word, unspaced scripts per UNSPACED_LETTERS letters."""
    runs: list[Run] = []
    sentence, current = 0, None
    pattern = _SPELLED_WORD_OR_STOP if _SPELLED_HINT.search(text) else _WORD_OR_STOP
    for spelled, word in pattern.findall(text):
        if spelled:
            word = spelled.replace(" ", "")
        elif not word:  # a sentence end
            sentence, current = sentence + 1, None
            continue
        # Plain ASCII words (most of a Latin text) skip the script split.
        pieces = (("Latin", word),) if word.isascii() else _split_scripts(word)
        for script, token in pieces:
            if script in _SINGLE_LETTER_SCRIPTS and len(token) == 1:
                continue
            if current is None or current.script != script:
                current = Run(script, sentence, [])
                runs.append(current)
            units = len(token) / UNSPACED_LETTERS if spelled else _units(script, token, cjk_weight)
            if units != 1.0 and current.word_units is None and script not in _PER_CHAR:
                current.word_units = [_units(script, w, cjk_weight) for w in current.words]
            current.words.append(token)
            current.units += units
            if current.word_units is not None:
                current.word_units.append(units)
    return runs


_FIRST_LETTER_SCRIPT: dict[str, str] = {}  # letter -> script, filled as letters are met
_HAN_AND_KANA = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\u30fc\uff70]+")
_NOT_HAN = regex.compile(r"[^\p{Han}]+")


def _split_scripts(word: str) -> Sequence[tuple[str, str]]:
    """(script, piece) pairs of a non-ASCII letter sequence; a one-script word (the usual case) in one match."""
    first = word[0]
    script = _FIRST_LETTER_SCRIPT.get(first)
    if script is None:
        match = _script_pattern().match(first)
        script = _FIRST_LETTER_SCRIPT[first] = (match.lastgroup if match else None) or "Other"
    if _whole_word(script).fullmatch(word):
        return ((script, word),)
    if _HAN_AND_KANA.fullmatch(word):  # mixed Japanese: only the counts matter, not the order of the pieces
        pieces = (("Han", _NOT_HAN.sub("", word)), ("Kana", "".join(_NOT_HAN.findall(word))))
        return pieces if script == "Han" else pieces[::-1]
    return [(match.lastgroup or "Other", match.group()) for match in _script_pattern().finditer(word)]


def _units(script: str, token: str, cjk_weight: float) -> float:
    if script in ("Han", "Kana"):
        return len(token) * cjk_weight
    if script in UNSPACED_SCRIPTS:
        return len(token) / UNSPACED_LETTERS
    hyphens = token.count("-")
    return hyphens + 1.0 if hyphens >= _CHAIN_HYPHENS else 1.0
