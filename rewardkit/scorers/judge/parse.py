"""Reading a judge's verdict out of its reply: a score on a scale (pointwise) or a winner (pairwise).

The prompt asks for a strict format (a final line `Score: N` / `Winner: A`, or a JSON object); the parser
is tolerant of what small and chatty models actually write (markdown bold, `8/10`, a JSON object inside
prose, `[[A]]`), but it never guesses a verdict from a stray number in the prose, and it reads the verdict
only from the judge's own final lines: a closing JSON object, or a verdict in the last two lines that is not
quoted (`>` lines, an open quotation mark, an echoed `<response-…>` block or code fence left open, as in a
reply cut off while quoting the response). No anchored verdict is None, and the scorer turns None into
status `invalid_input`, never into 0. All scans are linear-time and look only at the tail of a reply, so a
hostile 1 MB reply costs nothing.
"""

from __future__ import annotations

import json
import math
import re
from typing import Literal

Winner = Literal["A", "B", "tie"]

_TAIL = 4000  # verdicts come last; only this many trailing characters are scanned
_JSON_TRIES = 20  # candidate '{' positions tried from the end

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
# "Score: 8", "**Score:** 8/10" (the denominator is ignored), "score = 0.5", "Rating: [[7]]"
_SCORE_LINE = re.compile(
    rf"\b(?:score|rating|grade)\b[ \t]*(?:\*\*)?[ \t]*[:=][ \t]*(?:\*\*)?[ \t]*\[?\[?[ \t]*"
    rf"({_NUMBER}|yes|no|true|false)\b",
    re.IGNORECASE,
)
_WINNER_LINE = re.compile(
    r"\b(?:winner|verdict|better(?:[ \t]+response)?|choice)\b[ \t]*(?:\*\*)?[ \t]*[:=][ \t]*(?:\*\*)?[ \t]*"
    r"(?:\[\[|\[|\(|\")?[ \t]*(?:response|assistant|output)?[ \t]*(A|B|tie|equal|draw|neither|both)\b",
    re.IGNORECASE,
)
_FINAL_LINES = 2  # the verdict must sit in the judge's last two lines of its own text
_BLOCK_OPEN = re.compile(r"<((?:question|reference|response)(?:_[ab])?)-([0-9a-f]{12})>")
_FENCE_LINE = re.compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)
_BRACKETED = re.compile(r"\[\[(A|B|C|tie)\]\]", re.IGNORECASE)  # MT-Bench style [[A]] / [[B]] / [[C]] (tie)
_WORDS = {"yes": 1.0, "true": 1.0, "no": 0.0, "false": 0.0}


def _last_json_object(text: str) -> dict | None:
    """The last JSON object in `text` that decodes (only the last few '{' positions are tried)."""
    decoder = json.JSONDecoder()
    pos, tries = len(text), 0
    while tries < _JSON_TRIES:
        pos = text.rfind("{", 0, pos)
        if pos < 0:
            return None
        tries += 1
        try:
            obj, _ = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            continue
        if isinstance(obj, dict):
            return obj
    return None


def _as_number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in _WORDS:
            return _WORDS[word]
        match = re.fullmatch(rf"\s*({_NUMBER})\s*(?:/\s*{_NUMBER}\s*)?", raw)
        return float(match.group(1)) if match else None
    return None


def _lookup(obj: dict, keys: tuple[str, ...]) -> object | None:
    lowered = {str(k).lower(): v for k, v in obj.items()}
    return next((lowered[k] for k in keys if k in lowered), None)


def own_text(reply: str) -> str:
    """The judge's own words at the end of `reply`: cut where it starts quoting and never stops (an echoed
    `<response-…>` block left open, an unclosed code fence), so a reply cut off while quoting the response
    has no verdict."""
    text = reply[-_TAIL:]
    opened = list(_BLOCK_OPEN.finditer(text))
    if opened:
        last = opened[-1]
        if f"</{last.group(1)}-{last.group(2)}>" not in text[last.end():]:
            text = text[:last.start()]
    fences = list(_FENCE_LINE.finditer(text))
    if len(fences) % 2:
        text = text[:fences[-1].start()]
    return text


def final_lines(reply: str) -> str:
    """The last `_FINAL_LINES` non-blank lines of the judge's own text, without quoted (`>`) lines and
    closing fences: the only place a line verdict is read from."""
    lines = [line for line in own_text(reply).splitlines() if line.strip().strip("`~*_") and
             not line.lstrip().startswith(">")]
    return "\n".join(lines[-_FINAL_LINES:])


def _final_json(reply: str) -> dict | None:
    """The reply's closing JSON object: the last one, with nothing but fences and whitespace after it."""
    text = own_text(reply).rstrip().rstrip("`~").rstrip()
    obj = _last_json_object(text)
    if obj is None:
        return None
    end = text.rfind("}")
    return obj if end == len(text) - 1 else None


def raw_score(reply: str) -> float | None:
    """The number the judge gave, unscaled: from a closing JSON object's `score`, else from a `Score: N` in
    the judge's final lines (not quoted), else from a reply that is only a number. None when there is no
    anchored verdict."""
    obj = _final_json(reply)
    text = final_lines(reply)
    if obj is not None:
        value = _as_number(_lookup(obj, ("score", "rating", "grade")))
        if value is not None:
            return value
    word = _last_unambiguous(text, _SCORE_LINE)
    if word is not None:
        return _WORDS[word] if word in _WORDS else float(word)
    return _as_number(text.strip().strip("*").strip())


def _last_unambiguous(text: str, pattern: re.Pattern[str]) -> str | None:
    """The verdict word of the last match of `pattern`, or None when that line also holds a different verdict
    (an echo of the instructions such as `Winner: A, Winner: B or Winner: tie` decides nothing)."""
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    last = matches[-1]
    line_start = text.rfind("\n", 0, last.start()) + 1
    lead = text[line_start:last.start()]
    if lead.count('"') % 2 or lead.count("“") > lead.count("”"):
        return None  # inside a quotation: the judge is citing, not deciding
    same_line = {m.group(1).lower() for m in matches if m.start() >= line_start}
    return last.group(1).lower() if len(same_line) == 1 else None


def scale_score(raw: float | None, low: float, high: float) -> float | None:
    """Clamp `raw` to [low, high] and map it to [0, 1]; None for a missing or non-finite number."""
    if raw is None or not math.isfinite(raw) or high <= low:
        return None
    return (min(max(raw, low), high) - low) / (high - low)


def parse_score(reply: str | None, low: float, high: float) -> float | None:
    """The verdict of a pointwise judge mapped to [0, 1], or None when the reply has no verdict."""
    if not isinstance(reply, str):
        return None
    return scale_score(raw_score(reply), low, high)


def _winner_word(word: str) -> Winner | None:
    word = word.lower()
    if word == "a":
        return "A"
    if word == "b":
        return "B"
    if word in ("tie", "equal", "draw", "neither", "both", "c"):
        return "tie"
    return None


def parse_winner(reply: str | None) -> Winner | None:
    """The verdict of a pairwise judge: 'A', 'B' or 'tie', or None when the reply has no verdict.
    Accepts a closing JSON object's `winner`, else the last `Winner: X` or `[[A]]` in the final lines, or a
    reply that is only A or B."""
    if not isinstance(reply, str):
        return None
    obj = _final_json(reply)
    text = final_lines(reply)
    if obj is not None:
        value = _lookup(obj, ("winner", "verdict", "better"))
        if isinstance(value, str) and (found := _winner_word(value.strip())) is not None:
            return found
    if _WINNER_LINE.search(text):
        word = _last_unambiguous(text, _WINNER_LINE)
        return None if word is None else _winner_word(word)
    bracketed = list(_BRACKETED.finditer(text))
    if bracketed:
        return _winner_word(bracketed[-1].group(1))
    bare = text.strip().strip("*.()[]\"' ").strip()
    return _winner_word(bare) if bare.lower() in ("a", "b", "tie") else None
