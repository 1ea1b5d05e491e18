"""Text rewrites that bring the notations answers are written in to the subset `parse.py` reads.

Unicode first (full-width forms, vulgar fractions, superscripts, π √ ∞ ≤ ...). Then each rule is a plain text
rewrite done before tokenizing, so the parser stays small: MATH's thousands separator
`10,\\!000`, doubled backslashes (`\\\\frac` from double-escaped strings), `{n \\choose k}` and `{a \\over b}`,
`0.\\dot{3}`, `\\pmod{n}`, decorations (`\\color`, `\\underline`, `\\textdollar`), scale words (`4.5 million`),
set-builder braces (`\\{x \\mid x > 2\\}`), named quantities on the left of `=` (`AB`, `|AB|`, `\\angle BAC`,
`\\text{Area}`, `\\max`), points `A(2, 3)`, and number words (`twenty-one`) as a documented policy.
"""

from __future__ import annotations

import re

_UNICODE = {"−": "-", "–": "-", "×": "\\times ", "·": "\\cdot ", "÷": "/", "√": "\\sqrt", "π": "\\pi ",
            "∞": "\\infty ", "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ", "°": "^\\circ ", "∅": "\\emptyset ",
            "∪": "\\cup ", "∈": "\\in ", "±": "\\pm ", "∓": "\\mp ", "，": ",", "\u00a0": " ", "⟨": "(",
            "⟩": ")", "∖": "\\setminus ", "\u3000": " ", "。": ".", "或": " or "}
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}  # ＝１４ -> =14
_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5), "⅗": (3, 5),
           "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8)}
_VULGAR_RE = re.compile("[" + "".join(_VULGAR) + "]")
_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_SUPERSCRIPT_RE = re.compile("[" + "".join(_SUPERSCRIPT) + "]+")
_DOUBLED = re.compile(r"(?<!\\)\\\\(?=[a-zA-Z])")
_SINGLE_ENV = re.compile(r"(?<!\\)\\(?:begin|end)\{")
_BRACED_DECIMAL = re.compile(r"(?<=\d)\{,\}(?=\d{1,2}(?!\d))")
_MATH_THOUSANDS = re.compile(r"(?<=\d),\\!\s*(?=\d{3}(?!\d))")
_DECORATION = re.compile(r"\\(?:color|textcolor)\s*\{[^{}]*\}|\\textdollar\b|\\(?:underline|uline)\s*(?=\{)")
_CHOOSE = re.compile(r"\{([^{}]*?)\\(choose|over)(?![a-zA-Z])([^{}]*)\}")
_CHOOSE_BARE = re.compile(r"^([^{}]*?)\\(choose|over)(?![a-zA-Z])([^{}]*)$")
_DOTS = re.compile(r"\\dot\s*\{?(\d)\}?(\d*)\\dot\s*\{?(\d)\}?")
_DOT = re.compile(r"\\dot\s*\{?(\d)\}?")
_PMOD = re.compile(r"\s*(?:\\pmod\s*\{[^{}]*\}|\\pmod\s*\w+|\(\s*\\(?:bmod|mod)\s*[^()]*\))\s*\.?\s*$")
_TRAILING_BACKSLASH = re.compile(r"(?:\\\\|\\)\s*$")
_GLUED_QUAD = re.compile(r"\\q?quad(?=[a-zA-Z])")  # "\quadx_2" in scraped golds: a space, then x_2
_SCALES = {"dozen": "12", "hundred": "100", "thousand": "10^{3}", "million": "10^{6}", "billion": "10^{9}",
           "trillion": "10^{12}"}
_SCALE = re.compile(r"(\d(?:[\d.]*\d)?)\s*(?:\\(?:text|mathrm|mbox|textrm)\s*\{\s*(" + "|".join(_SCALES)
                    + r")\s*\}|(" + "|".join(_SCALES) + r")\b)")
_UNIT_WORD = r"\\(?:text|mathrm|mbox|textrm)\s*\{\s*[A-Za-z]{1,6}\s*\}(?:\s*\^\s*\{?\s*[23]\s*\}?)?"
_UNIT_CHAIN = re.compile(r"(?<=[\d}.])\s*(?:\\,|\\ )?\s*(?:\\frac\s*\{\s*" + _UNIT_WORD + r"\s*\}\s*\{\s*" + _UNIT_WORD
                         + r"\s*\}|" + _UNIT_WORD + r"(?:\s*(?:/|\\cdot)?\s*" + _UNIT_WORD + r")*)\s*$")
_NOT_UNITS = re.compile(r"\{\s*(?:or|and|maybe|ish|not|at|about|than|more|less|most|least|approx|around|nearly|almost"
                        r"|guess|unsure|wrong|over|under|likely|i|e|pi)\s*\}", re.IGNORECASE)  # hedges, constants
_SET_BUILDER = re.compile(r"^\\\{\s*([a-zA-Z])\s*(?:\\in\s*\\mathbb\s*\{?R\}?\s*)?(?:\\mid|\\colon|:|\|)\s*(.+?)"
                          r"\s*\\\}$")
_NAME_PATTERNS = (
    re.compile(r"^\\(max|min)(?![a-zA-Z])[^=]*(?==)"),  # \max = 3, \min(a+b+c) = 3, \max xy = 1/4
    re.compile(r"(?<![\\A-Za-z])(?:m\s*)?\\(?:measured)?angle\s*\{?([A-Z]{1,3})\}?(?=\s*=)"),
    re.compile(r"\\(?:text|textbf|mathrm)\s*\{\s*([A-Za-z][A-Za-z ]*?)\s*\}(?=\s*=)"),
    re.compile(r"\|\s*([A-Z]{2,3})\s*\|(?=\s*=)"),
    re.compile(r"\\overline\s*\{\s*([A-Z]{2,3})\s*\}(?=\s*=)"),
    re.compile(r"(?<![\\A-Za-z_{])([A-Z]{2,4})(?=\s*=)"),
)
_CONGRUENCE = re.compile(r"^.*\\equiv\s*(.+?)\s*(?:\\pmod|\(\s*\\(?:bmod|mod))")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})\s*(?:\\(?:text|mathrm)\s*\{\s*)?([ap])\.?\s*m\.?\s*\}?$", re.IGNORECASE)
_SPACED_MIXED = re.compile(r"^(\d+)\s+(\d+)\s*/\s*(\d+)(?=\s|$)")
_OPERATOR_NAME = re.compile(r"\\operatorname\s*\{\s*(sin|cos|tan|cot|sec|csc|ln|log|exp|arcsin|arccos|arctan|sinh|cosh"
                            r"|tanh)\s*\}")
_POINT = re.compile(r"^[A-Z]\s*(\([^()]*,[^()]*\))$")

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}


def unicode_forms(text: str) -> str:
    """Unicode symbols to LaTeX: full-width forms (＝１４), vulgar fractions (2½ is 2\\frac{1}{2}),
    superscripts (x² is x^{2}, 10⁵ is 10^{5}), π √ ∞ ≤ and friends."""
    if text.isascii():
        return text
    text = text.translate(_FULL_WIDTH)
    for src, dst in _UNICODE.items():
        text = text.replace(src, dst)
    text = _VULGAR_RE.sub(lambda m: "\\frac{{{}}}{{{}}}".format(*_VULGAR[m.group()]), text)
    return _SUPERSCRIPT_RE.sub(lambda m: "^{" + "".join(_SUPERSCRIPT[c] for c in m.group()) + "}", text)


def rewrite_notation(text: str) -> str:
    """Rewrites that must run before `$`, `\\!` and spacing are dropped and before text wrappers are read."""
    if "\\\\" in text and not _SINGLE_ENV.search(text):
        text = _DOUBLED.sub(r"\\", text)  # "\\frac{1}{2}" from a double-escaped string
    text = _MATH_THOUSANDS.sub("", text)  # MATH writes 10,\!000
    text = _BRACED_DECIMAL.sub(".", text)  # Russian and German LaTeX write 1{,}5 for 1.5 (10{,}000 stays)
    text = text.replace("\\langle", "(").replace("\\rangle", ")").replace("\\exponentialE", "e")
    text = _DECORATION.sub(" ", text)
    text = _CHOOSE.sub(_choose, text)
    text = _CHOOSE_BARE.sub(_choose, text)
    text = _DOT.sub(r"\\overline{\1}", _DOTS.sub(r"\\overline{\1\2\3}", text))
    congruence = _CONGRUENCE.match(text)  # 2^{100} \equiv 2 \pmod{7}: the residue 2 is the answer
    text = congruence.group(1) if congruence else text
    text = _GLUED_QUAD.sub(" ", _PMOD.sub("", text))
    text = _OPERATOR_NAME.sub(r"\\\1 ", text)
    text = _SPACED_MIXED.sub(r"\1\\frac{\2}{\3}", text.strip())  # "7 1/2 hours"
    clock = _CLOCK.match(text.strip())
    if clock:  # 2:30 p.m. is 14:30
        hour = int(clock.group(1)) % 12 + (12 if clock.group(3).lower() == "p" else 0)
        text = f"{hour}:{clock.group(2)}"
    text = _TRAILING_BACKSLASH.sub("", text.strip())  # "5\ " or "5 \\" at the end of a box
    text = _SCALE.sub(lambda m: f"{m.group(1)} \\cdot {_SCALES[m.group(2) or m.group(3)]}", text)
    unit = _UNIT_CHAIN.search(text)
    if unit and not _NOT_UNITS.search(unit.group()):  # 60 \frac{\text{km}}{\text{h}}, 12\,\text{km}/\text{h}
        text = text[:unit.start()]
    return text


def _choose(match: re.Match) -> str:
    top, bottom = match.group(1).strip(), match.group(3).strip()
    return f"\\{'binom' if match.group(2) == 'choose' else 'frac'}{{{top}}}{{{bottom}}}"


def set_builder(text: str) -> str:
    """`\\{x \\mid x > 2\\}`, `\\{x : x > 2\\}`, `\\{x \\in \\mathbb{R} \\mid ...\\}` -> the condition."""
    match = _SET_BUILDER.match(text.strip())
    return match.group(2) if match else text


def mark_names(text: str) -> str:
    """Named quantities on the left of `=` become one symbol `\\name{...}`: `AB = 12`, `|AB| = 12` (both the
    name AB), `\\angle BAC = 40`, `m\\angle A = 30`, `\\text{Area} = 12`, `\\max = 3`; a point `A(2, 3)` is
    its coordinates."""
    if "=" in text:
        for pattern in _NAME_PATTERNS:
            text = pattern.sub(_name, text)
    point = _POINT.match(text.strip())
    return point.group(1) if point else text


def _name(match: re.Match) -> str:
    name = match.group(1).strip().replace(" ", "")
    prefix = "angle" if "angle" in match.group(0) else ""
    return f"\\name{{{prefix}{name}}}"


def number_word(text: str) -> int | None:
    """`three` -> 3, `twenty-one` -> 21, `one hundred and five` -> 105, `two thousand` -> 2000; None when
    the text is not a number written in English words."""
    words = text.casefold().replace("-", " ").replace(" and ", " ").split()
    if not words or len(words) > 8:
        return None
    total, current, seen = 0, 0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total, current = total + (current or 1) * 1000, 0
        else:
            return None
        seen = True
    return total + current if seen else None
