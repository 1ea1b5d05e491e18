"""Checkable claims in a reasoning step: `3 * 4 = 12`, chains `a = b = c`, `x^2 - 1 = (x-1)(x+1)`, `7 > 5`.

Extraction only (judgement is `step_check`, through the math engine). A step is prose with formulas in it, so
a claim is a maximal run of formula tokens (numbers, operators, brackets, single-letter variables, function
names, LaTeX commands) that contains a relation. Prose words end a run, except unit words right after a
quantity that an operator or relation follows, or that end the run ("5 cm + 3 cm = 8 cm" is `5 + 3 = 8`).
A run that a verbal operator touches ("50% of 20 = 10", "= 4 times 3") loses the side the word belongs to:
that side is not the whole expression, so it is not judged. An empty side ("Total = 5 + 3 = 8") is dropped.
The scan is one linear regex pass; nothing backtracks over model output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rewardkit.scorers.math.parse import FUNCS

# Each relation spelling and its canonical operator.
RELATIONS = {"=": "=", "==": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", "!=": "!=", "≤": "<=", "≥": ">=",
             "≠": "!=", "≈": "~", "\\le": "<=", "\\leq": "<=", "\\ge": ">=", "\\geq": ">=", "\\ne": "!=",
             "\\neq": "!=", "\\lt": "<", "\\gt": ">", "\\approx": "~", "\\equiv": "="}
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?)"
    r"|(?P<cmd>\\[a-zA-Z]+|\\.)"
    r"|(?P<word>[A-Za-z]+)"
    r"|(?P<rel><=|>=|!=|==|[=<>≤≥≠≈])"
    r"|(?P<op>[-+*/^()\[\]{}!%×÷·−–√π_|'])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)", re.DOTALL)
# Wrappers whose content is prose or a unit (`\text{ cm}`), and markup that is not mathematics.
_BLANKED = re.compile(r"\\(?:text|mathrm|textbf|mbox|operatorname)\s*\{[^{}]{0,80}\}|\*\*|\$")
_VERBAL_OPS = {"of", "times", "by", "plus", "minus", "over", "per", "divided", "squared", "cubed", "mod"}
_MATH_WORDS = FUNCS | {"pi"}
MAX_CLAIM_CHARS = 300


@dataclass(frozen=True, slots=True)
class Claim:
    """`sides[0] ops[0] sides[1] ops[1] ...` found at `text[start:end]` of the step (units already dropped)."""

    start: int
    end: int
    sides: tuple[str, ...]
    ops: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(part for pair in zip(self.sides, (*self.ops, ""), strict=True) for part in pair).strip()


@dataclass(slots=True)
class _Tok:
    kind: str
    start: int
    end: int
    text: str


def _blank(text: str) -> str:
    """`text` with prose wrappers and markup replaced by spaces (offsets stay valid)."""
    return _BLANKED.sub(lambda m: " " * len(m.group()), text)


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "space":
            continue
        if kind == "cmd" and m.group() in RELATIONS:
            kind = "rel"
        elif kind == "word" and (len(m.group()) == 1 or m.group() in _MATH_WORDS):
            kind = "var"
        out.append(_Tok(kind, m.start(), m.end(), m.group()))
    return out


def _runs(tokens: list[_Tok]) -> list[tuple[list[_Tok], bool, bool]]:
    """Runs of formula tokens, each with: a verbal operator just before it, just after it."""
    runs: list[tuple[list[_Tok], bool, bool]] = []
    cur: list[_Tok] = []
    units: list[_Tok] = []
    verbal_before = False

    def close(verbal_after: bool) -> None:
        nonlocal cur, verbal_before
        if cur:
            runs.append((cur, verbal_before, verbal_after))
        cur = []

    for tok in tokens:
        if tok.kind == "word":
            quantity = cur and (units or cur[-1].kind == "num" or cur[-1].text in ")}")
            if quantity and tok.text.lower() not in _VERBAL_OPS:
                units.append(tok)
                continue
            close(tok.text.lower() in _VERBAL_OPS and not units)
            units, verbal_before = [], tok.text.lower() in _VERBAL_OPS
        elif tok.kind == "other":
            close(False)
            units, verbal_before = [], False
        else:
            if units and not (tok.kind == "rel" or (tok.kind == "op" and tok.text not in "([{")):
                close(False)  # "12 apples and 2 ..." : the words were prose, not a unit
                verbal_before = False
            units = []
            cur.append(tok)
    close(False)
    return runs


def _split(run: list[_Tok], text: str) -> tuple[list[str], list[str], int, int] | None:
    """Sides and canonical operators of a run, split at relations outside brackets."""
    sides, ops, depth, piece = [], [], 0, []
    for tok in run:
        if tok.kind == "op" and tok.text in "([{":
            depth += 1
        elif tok.kind == "op" and tok.text in ")]}":
            depth -= 1
        if tok.kind == "rel" and depth == 0:
            sides.append(piece)
            ops.append(RELATIONS[tok.text])
            piece = []
        else:
            piece.append(tok)
    sides.append(piece)
    if not ops:
        return None
    texts = [" ".join(t.text for t in side) for side in sides]
    return texts, ops, run[0].start, run[-1].end


def find_claims(text: str) -> list[Claim]:
    """Every claim in one step's text, left to right; start/end are offsets into `text`."""
    claims = []
    for run, verbal_before, verbal_after in _runs(_tokens(_blank(text))):
        split = _split(run, text)
        if split is None:
            continue
        sides, ops, start, end = split
        if verbal_before or not sides[0]:  # the left side is part of a phrase, or missing
            sides, ops = sides[1:], ops[1:]
        if (verbal_after or not sides[-1]) and ops:
            sides, ops = sides[:-1], ops[:-1]
        if ops and all(sides) and end - start <= MAX_CLAIM_CHARS:
            claims.append(Claim(start, end, tuple(sides), tuple(ops)))
    return claims
