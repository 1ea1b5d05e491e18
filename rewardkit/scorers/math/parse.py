"""Answer text -> a typed value, for the `math` scorer.

Answers are short, so instead of a general LaTeX grammar this is a small hand-written recursive-descent parser
of the subset answers use (numbers, fractions, roots, powers, functions, sets, tuples, intervals, unions,
relations, matrices, percent, `\\pm`, multiple-choice letters, text). It builds an AST of plain tuples (hashable,
picklable, no sympy), so the main process never imports sympy: exact values are compared here as Fractions and
only what needs algebra goes to a worker process (see `verify.py` and `symbolic.py`).

Node shapes: ("num", Fraction, written_as_float) ("sym", name) ("const", "pi"|"e"|"i"|"inf") ("neg", x)
("add", a, b) ("mul", a, b) ("div", a, b) ("frac", a, b) ("pow", a, b) ("root", x, n) ("func", name, x)
("fact", x) ("binom", n, k) ("pct", x) ("pm", a, b) ("base", digits, base) ("set", items) ("list", items)
("tuple", items, open, close) ("union", parts) ("rel", ops, exprs) ("ratio", terms) ("mod", a, b)
("nfunc", gcd|lcm|max|min, args)
("matrix", rows) ("text", s)
("choice", letter, rest_or_None).
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from rewardkit.scorers.math.notation import mark_names, number_word, rewrite_notation, set_builder, unicode_forms

Node = tuple

MAX_DEPTH = 40  # brackets nested deeper than this are not an answer (and would blow the recursion)


class ParseError(ValueError):
    """The text is not an answer this parser understands."""


FUNCS = {"sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "ln",
         "log", "exp", "sqrt", "floor", "ceil", "arccot"}
NARY = {"gcd", "lcm", "max", "min"}  # \gcd(12, 18), \operatorname{lcm}(4, 6), \max(1, 5)
_INVERSE = {"sin": "arcsin", "cos": "arccos", "tan": "arctan", "cot": "arccot"}
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
          "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
          "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega"}
_REL = {"=": "=", "<": "<", ">": ">", "\\le": "<=", "\\leq": "<=", "\\leqslant": "<=", "\\ge": ">=",
        "\\geq": ">=", "\\geqslant": ">=", "<=": "<=", ">=": ">=", "\\ne": "!=", "\\neq": "!=", "!=": "!=",
        "\\lt": "<", "\\gt": ">", "\\in": "in", "\\approx": "~", "\\equiv": "="}
_MUL = {"*", "\\cdot", "\\times", "\\ast"}
_ORDER = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}  # each inequality and its mirror image
_SEPARATORS = {",", ";", "\\land"}
_MATRIX_ENVS = {"pmatrix", "bmatrix", "matrix", "Bmatrix", "vmatrix", "smallmatrix", "array"}
_WORD_CONSTS = {"pi": ("const", "pi"), "infty": ("const", "inf"), "inf": ("const", "inf"),
                "infinity": ("const", "inf")}

_DROP = re.compile(r"\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|bigg|Bigg|big|Big)(?![a-zA-Z])(?:\.(?!\d))?"
                   r"|\\(?:displaystyle|textstyle|limits|quad|qquad|hfill)(?![a-zA-Z])|(?<!\\)\\[!;: ]|~|\$|\\\(|\\\)"
                   r"|\\\[|\\\]")
_THIN_THOUSANDS = re.compile(r"(?<=\d)(?:\\,|\{,\}|\s)(?=\d{3}(?!\d))")
_DEGREES = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|\\circ|\\degree")
_WRAPPERS = ("\\text", "\\textbf", "\\textit", "\\textrm", "\\textnormal", "\\mbox", "\\mathrm", "\\mathbf",
             "\\mathit", "\\operatorname", "\\boldsymbol", "\\mathsf", "\\emph")
_WRAPPER_RE = re.compile(r"(" + "|".join(re.escape(w) for w in _WRAPPERS) + r")\s*\{")
_UNIT_LETTERS = set("mgsLlhJNWVK")
_CONNECTIVE = re.compile(r"^\s*(?:or|and|,)\s*$", re.IGNORECASE)
# (?![a-zA-Z]): a word is never split two ways (without it, a long sentence backtracks exponentially)
_UNIT_TAIL = re.compile(r"^(.*?[\d}).])\s+((?:[a-zA-Z]{2,}(?![a-zA-Z])\.?\s*)+(?:\^\{?[23]\}?)?)$")
# Words after a value that qualify it instead of naming a unit: "5 maybe" is a hedge, not 5 of something.
_HEDGE_WORDS = re.compile(r"\b(?:maybe|perhaps|possibly|probably|likely|approx(?:imately)?|about|roughly|around"
                          r"|nearly|almost|or|not|guess|unsure|wrong|least|most|more|less|than|over|under)\b|ish\b",
                          re.IGNORECASE)
_CHOICE = re.compile(r"^\(([A-J])\)\s*(.*)$|^([A-J])$|^([A-J])[).:]\s+(.*)$", re.DOTALL)
_LOWER_CHOICE = re.compile(r"\(([a-e])\)")
_OTHER_CHOICE = re.compile(r"^(?:or|and)\b|^[,;/&]|(?:^|[\s,;(])\(?[A-J]\)")
_WORDY = re.compile(r"[A-Za-z]{3,}")
_PLAIN_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_TOKEN = re.compile(r"(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+(?![\d.]))?)|(?P<cmd>\\[a-zA-Z]+|\\.)"
                    r"|(?P<word>[a-zA-Z]+)|(?P<op><=|>=|!=|[-+*/^_!=<>,;:()\[\]{}|&%'])|(?P<space>\s+)")


def _brace_end(text: str, open_pos: int) -> int:
    """Index of the '}' matching the '{' at `open_pos`, or -1."""
    depth = 0
    for k in range(open_pos, len(text)):
        ch = text[k]
        if ch == "\\":
            continue
        if ch == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif ch == "}" and (k == 0 or text[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k
    return -1


def _unwrap_text(text: str) -> str:
    """`\\text{...}`-style wrappers: connectives become commas, trailing unit words after a value are dropped,
    anything else is unwrapped (`\\text{(B)}` -> `(B)`, `\\text{Monday}` -> `Monday`)."""
    for _ in range(50):
        match = _WRAPPER_RE.search(text)
        if match is None:
            return text
        end = _brace_end(text, match.end() - 1)
        if end < 0:
            raise ParseError("unbalanced braces in a \\text wrapper")
        content, before = text[match.end():end], text[:match.start()].rstrip()
        after = text[end + 1:]
        if _CONNECTIVE.match(content):
            text = f"{before} \\land {after}" if content.strip().lower() == "and" else f"{before},{after}"
        elif (before and before[-1] not in "=(,[{" and (re.fullmatch(r"[\sA-Za-z./]*[A-Za-z]{2,}[\sA-Za-z./]*"
                                                                    r"|\s+[A-Za-z](?:/[A-Za-z])?\s*", content)
                                                       or _spaced_unit_letter(text[:match.start()], content))
              and match.group(1) not in ("\\operatorname", "\\mathbf", "\\boldsymbol")
              and not _HEDGE_WORDS.search(content)):
            after = re.sub(r"^\s*\^\s*\{?\s*[23]\s*\}?", "", after)  # cm^2
            text = f"{before} {after}"  # a unit after a value
        else:
            text = f"{text[:match.start()]}{content}{after}"
    raise ParseError("too many \\text wrappers")


def _spaced_unit_letter(before: str, content: str) -> bool:
    """`9\\,\\text{m}`, `5 \\mathrm{g}`: a one-letter SI unit set off from a number by a space."""
    return content.strip() in _UNIT_LETTERS and before[-1:].isspace() and before.rstrip()[-1:].isdigit()


def normalize(text: str) -> str:
    """Canonical answer text: unicode symbols to LaTeX, delimiters and spacing dropped, notation rewritten
    (`notation.py`), named quantities marked, text wrappers and units resolved, thousands separators removed,
    degree signs dropped."""
    text = unicode_forms(text)
    bold = re.fullmatch(r"\s*\*\*(.+)\*\*\s*", text, re.DOTALL)  # markdown bold around the whole answer
    text = bold.group(1) if bold else text
    text = rewrite_notation(text)
    text = text.replace("\\$", " ")
    text = _DROP.sub(" ", text)
    text = text.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac")
    text = text.replace("\\%", "%")
    text = _THIN_THOUSANDS.sub("", text)
    text = text.replace("\\,", " ")
    text = _DEGREES.sub(" ", text)
    text = mark_names(set_builder(text))
    text = _unwrap_text(text)
    if re.search(r"[\d\\]", text):  # "and" stays distinct: `x > 1 and x < 3` is one interval (see _Parser.top)
        text = re.sub(r"\band\b", r" \\land ", re.sub(r"\bor\b", ",", text))
        text = re.sub(r",\s*\\land\b", ",", text)  # "19, 46, and 82" is a list of three
    text = text.strip().rstrip(".").strip()
    unit = _UNIT_TAIL.match(text)
    if unit and not _HEDGE_WORDS.search(unit.group(2)) and not any(
            w in FUNCS or w in _WORD_CONSTS for w in re.findall(r"[a-zA-Z]+", unit.group(2))):
        text = unit.group(1).strip()
    if _PLAIN_THOUSANDS.match(text):
        text = text.replace(",", "")
    return " ".join(text.split())


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ParseError(f"unexpected character {text[pos]!r}")
        pos = match.end()
        if match.lastgroup != "space":
            out.append((match.lastgroup, match.group()))
    return out


def _number(literal: str) -> Node:
    is_float = "." in literal or "e" in literal.lower()
    mantissa, _, exponent = literal.lower().partition("e")
    value = Fraction(mantissa.rstrip(".") or "0")
    if exponent:
        if abs(int(exponent)) > 400:
            raise ParseError("exponent of a float out of range")
        value *= Fraction(10) ** int(exponent)
    return ("num", value, is_float)


class _Parser:
    """Recursive descent over the token list; each method parses one precedence level."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.toks, self.i, self.depth = tokens, 0, 0

    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.toks[j][1] if j < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise ParseError("unexpected end of answer")
        self.i += 1
        return self.toks[self.i - 1]

    def expect(self, value: str) -> None:
        got = self.take()[1]
        if got != value:
            raise ParseError(f"expected {value!r}, got {got!r}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("nesting too deep")

    def top(self) -> Node:
        items = self.items()
        if self.i != len(self.toks):
            raise ParseError(f"unexpected {self.peek()!r}")
        if len(items) == 2 and ("cmd", "\\land") in self.toks:
            chain = _between(*items)
            if chain is not None:
                return chain
        return items[0] if len(items) == 1 else ("list", tuple(items))

    def items(self) -> list[Node]:
        items = [self.relation()]
        while self.peek() in _SEPARATORS:
            self.take()
            items.append(self.relation())
        return items

    def relation(self) -> Node:
        exprs, ops = [self.ratio()], []
        while self.peek() in _REL:
            ops.append(_REL[self.take()[1]])
            exprs.append(self.ratio())
        return ("rel", tuple(ops), tuple(exprs)) if ops else exprs[0]

    def ratio(self) -> Node:
        """`2:3`, `1:2:3`, a time `2:30`: the terms in order."""
        parts = [self.union()]
        while self.peek() == ":":
            self.take()
            parts.append(self.union())
        return ("ratio", tuple(parts)) if len(parts) > 1 else parts[0]

    def union(self) -> Node:
        node = self.sum()
        parts = [node]
        while self.peek() in ("\\cup", "\\setminus"):
            if self.take()[1] == "\\setminus":
                parts[-1] = _remove_points(parts[-1], self.sum())
            else:
                parts.append(self.sum())
        if len(parts) == 1:
            return parts[0]
        return ("union", tuple(p for part in parts for p in (part[1] if part[0] == "union" else (part,))))

    def sum(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-", "\\pm", "\\mp"):
            op = self.take()[1]
            rhs = self.term()
            _arith(node, rhs)
            node = {"+": ("add", node, rhs), "-": ("add", node, ("neg", rhs)), "\\pm": ("pm", node, rhs),
                    "\\mp": ("pm", node, ("neg", rhs))}[op]
        return node

    def term(self) -> Node:
        node = self.unary()
        while True:
            nxt = self.peek()
            if nxt in _MUL or nxt in ("/", "\\div", "\\bmod", "\\mod"):
                self.take()
                rhs = self.unary()
                _arith(node, rhs)
                node = ("mul", node, rhs) if nxt in _MUL else ("mod", node, rhs) if "mod" in nxt else (
                    "div", node, rhs)
            elif self._starts_atom():
                if node[0] == "num" and self.toks[self.i][0] == "num":
                    raise ParseError("two numbers side by side")
                rhs = self.power()
                _arith(node, rhs)
                node = _mixed(node, rhs) or ("mul", node, rhs)
            else:
                return node

    def _starts_atom(self) -> bool:
        kind_value = self.toks[self.i] if self.i < len(self.toks) else None
        if kind_value is None:
            return False
        kind, value = kind_value
        if kind in ("num", "word"):
            return True
        if kind == "cmd":
            return value not in _REL and value not in _MUL and value not in (
                "\\cup", "\\pm", "\\mp", "\\div", "\\}", "\\\\", "\\end", "\\rfloor", "\\rceil", "\\land",
                "\\setminus", "\\bmod", "\\mod")
        return value in ("(", "{", "\\{", "[")  # not "|": juxtaposed |x| is ambiguous with a closing bar

    def unary(self) -> Node:
        op = self.peek()
        if op in ("-", "+", "\\pm", "\\mp"):
            self.take()
            inner = self.unary()
            if op == "+":
                return inner
            _arith(inner)
            if op == "-" and inner[0] == "pct":
                return ("pct", ("neg", inner[1]))  # -5\% is the percent -5, so the sign rule sees it
            return ("neg", inner) if op == "-" else ("pm", ("num", Fraction(0), False), inner)
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.peek() == "^":
            self.take()
            self.enter()
            exponent = self.group() if self.peek() == "{" else self.unary_atom()
            self.depth -= 1
            _arith(base, exponent)
            base = ("pow", base, exponent)
            while self.peek() in ("!", "%"):
                base = ("fact", base) if self.take()[1] == "!" else ("pct", base)
        return base

    def unary_atom(self) -> Node:
        if self.peek() == "-":
            self.take()
            return ("neg", self.postfix())
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        while self.peek() in ("!", "%", "_"):
            op = self.take()[1]
            _arith(node)
            if op == "!":
                node = ("fact", node)
            elif op == "%":
                node = ("pct", node)
            elif node[0] == "num" and not node[2]:
                node = ("base", str(node[1]), _base_name(self.simple_arg()))
            else:
                raise ParseError("subscript on an expression")
        return node

    def simple_arg(self) -> str:
        """A subscript: one token or a {group} of plain tokens, as text."""
        if self.peek() == "{":
            self.take()
            parts = []
            while self.peek() not in ("}", None):
                parts.append(self.take()[1])
            self.expect("}")
            return "".join(parts)
        return self.take()[1]

    def group(self, close: str = "}") -> Node:
        self.take()
        self.enter()
        items = self.items()
        self.expect(close)
        self.depth -= 1
        return items[0] if len(items) == 1 else ("set", tuple(items))

    def arg(self) -> Node:
        """A macro argument: {group}, one digit of a number (\\frac12), or one atom."""
        if self.peek() == "{":
            return self.group()
        kind, value = self.toks[self.i] if self.i < len(self.toks) else (None, None)
        if kind == "num" and len(value) > 1 and value.isdigit():
            self.toks[self.i] = ("num", value[1:])
            return ("num", Fraction(int(value[0])), False)
        return self.postfix()

    def atom(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return self.number(value)
        if kind == "word":
            return self.word(value)
        if value in ("(", "["):
            return self.bracket(value)
        if value == "{":
            self.i -= 1
            return self.group()
        if value == "\\{":
            self.enter()
            items = [] if self.peek() == "\\}" else self.items()
            self.expect("\\}")
            self.depth -= 1
            return ("set", tuple(items))
        if value == "|":
            self.enter()
            inner = self.sum()
            self.expect("|")
            self.depth -= 1
            _arith(inner)
            return ("func", "abs", inner)
        if kind == "cmd":
            return self.command(value)
        raise ParseError(f"unexpected {value!r}")

    def number(self, literal: str) -> Node:
        node = _number(literal)
        if self.peek() == "\\overline" and "." in literal:
            self.take()
            repeat = self.simple_arg()
            if not repeat.isdigit():
                raise ParseError("\\overline over non-digits")
            head = literal.rstrip(".")
            decimals = len(head.partition(".")[2])
            node = ("num", Fraction(head if "." in head else head + ".0") + Fraction(int(repeat), (10 ** len(
                repeat) - 1) * 10 ** decimals), False)
        return node

    def word(self, word: str) -> Node:
        if word in _WORD_CONSTS:
            return _WORD_CONSTS[word]
        if word in FUNCS:
            return self.function(word)
        if word in NARY and self.peek() == "(":
            return self.nary(word)
        if len(word) > 2:
            raise ParseError(f"word {word!r}")
        node = self.symbol(word[0])
        for letter in word[1:]:
            node = ("mul", node, self.symbol(letter))
        return node

    def symbol(self, name: str) -> Node:
        if self.peek() == "_":
            self.take()
            name = f"{name}_{self.simple_arg()}"
        if name == "e":
            return ("const", "e")
        if name == "i":
            return ("const", "i")
        return ("sym", name)

    def bracket(self, opener: str) -> Node:
        self.enter()
        items = self.items()
        closer = self.take()[1]
        if closer not in (")", "]"):
            raise ParseError(f"bracket {opener} closed by {closer!r}")
        self.depth -= 1
        if len(items) == 1 and opener + closer in ("()", "[]"):
            return items[0]
        return ("tuple", tuple(items), opener, closer)

    def command(self, cmd: str) -> Node:
        name = cmd[1:]
        if name in ("frac", "binom"):
            top, bottom = self.arg(), self.arg()
            _arith(top, bottom)
            return (name, top, bottom)
        if name == "sqrt":
            index: Node = ("num", Fraction(2), False)
            if self.peek() == "[":
                self.take()
                index = self.sum()
                self.expect("]")
            radicand = self.arg()
            _arith(radicand, index)
            return ("root", radicand, index)
        if name in ("pi", "infty", "inf"):
            return _WORD_CONSTS[name]
        if name == "name":  # a named quantity marked by notation.mark_names
            return ("sym", self.simple_arg())
        if name in ("emptyset", "varnothing"):
            return ("set", ())
        if name in ("lfloor", "lceil"):
            inner = self.sum()
            _arith(inner)
            self.expect("\\rfloor" if name == "lfloor" else "\\rceil")
            return ("func", "floor" if name == "lfloor" else "ceil", inner)
        if name == "mathbb":
            letter = self.simple_arg()
            if letter == "R":
                inf = ("const", "inf")
                return ("tuple", (("neg", inf), inf), "(", ")")
            raise ParseError(f"\\mathbb{{{letter}}}")
        if name in FUNCS:
            return self.function(name)
        if name in NARY and self.peek() == "(":
            return self.nary(name)
        if name in _GREEK:
            return self.symbol(name)
        if name == "begin":
            return self.matrix()
        raise ParseError(f"unknown command {cmd}")

    def function(self, name: str) -> Node:
        if name == "sqrt":
            radicand = self.arg()
            _arith(radicand)
            return ("root", radicand, ("num", Fraction(2), False))
        power = base = None
        for _ in range(2):
            if self.peek() == "^" and power is None:
                self.take()
                power = self.arg()
            elif self.peek() == "_" and name == "log" and base is None:
                self.take()
                base = self.arg()
        if power == ("neg", ("num", Fraction(1), False)) and name in _INVERSE:
            name, power = _INVERSE[name], None  # \sin^{-1} x is arcsin x, not 1/sin x
        if self.peek() == "{":
            arg = self.group()
        elif self.peek() in ("(", "["):
            arg = self.bracket(self.take()[1])
        else:
            arg = self.power()
            while self.i < len(self.toks) and self.toks[self.i][0] in ("word", "num") and \
                    self.peek() not in FUNCS:
                arg = ("mul", arg, self.power())
        _arith(arg, *(x for x in (power, base) if x is not None))
        node: Node = ("func", name, arg)
        if base is not None:
            node = ("div", ("func", "ln", arg), ("func", "ln", base))
        elif name == "log":
            node = ("func", "ln", arg)  # \log without a base is the natural log (documented policy)
        return ("pow", node, power) if power is not None else node

    def nary(self, name: str) -> Node:
        self.take()
        self.enter()
        args = self.items()
        self.expect(")")
        self.depth -= 1
        _arith(*args)
        return ("nfunc", name, tuple(args))

    def matrix(self) -> Node:
        env = self.simple_arg()
        if env not in _MATRIX_ENVS:
            raise ParseError(f"environment {env}")
        if env == "array" and self.peek() == "{":
            self.simple_arg()  # column spec
        rows, row = [], []
        while True:
            row.append(self.sum())
            sep = self.take()[1]
            if sep == "&":
                continue
            rows.append(tuple(row))
            row = []
            if sep == "\\end":
                self.simple_arg()
                break
            if sep != "\\\\":
                raise ParseError(f"unexpected {sep!r} in a matrix")
            if self.peek() == "\\end":
                self.take()
                self.simple_arg()
                break
        if len({len(r) for r in rows}) != 1:
            raise ParseError("ragged matrix")
        return ("matrix", tuple(rows))


_CONTAINERS = {"set", "list", "tuple", "union", "rel", "matrix", "text", "choice", "ratio"}


def _base_name(sub: str) -> str:
    """`(2)`, `two`, `\\text{five}` (already unwrapped to `five`) -> the base as digits."""
    sub = sub.strip("()")
    word = number_word(sub)
    return str(word) if word is not None else sub


def _point(node: Node) -> Fraction | None:
    if node[0] == "num":
        return node[1]
    if node[0] == "neg":
        inner = _point(node[1])
        return None if inner is None else -inner
    if node[0] == "frac":
        top, bottom = _point(node[1]), _point(node[2])
        return None if top is None or not bottom else top / bottom
    return None


def _remove_points(interval: Node, points: Node) -> Node:
    """`\\mathbb{R} \\setminus \\{0\\}`, `[0, 5] \\setminus \\{1, 2\\}`, `\\mathbb{R} \\setminus [1, 2]` -> a
    union of intervals (the points must be plain numbers)."""
    if interval[0] == "tuple" and points[0] == "tuple" and len(points[1]) == 2 and len(interval[1]) == 2:
        (low, high), (cut_low, cut_high) = interval[1], points[1]
        return ("union", (("tuple", (low, cut_low), interval[2], "]" if points[2] == "(" else ")"),
                          ("tuple", (cut_high, high), "[" if points[3] == ")" else "(", interval[3])))
    if interval[0] != "tuple" or len(interval[1]) != 2 or points[0] != "set":
        raise ParseError("\\setminus needs an interval and a set of numbers")
    values = [(_point(p), p) for p in points[1]]
    if any(v is None for v, _ in values):
        raise ParseError("\\setminus of a non-numeric set")
    pieces, (low, high), low_open = [], interval[1], interval[2]
    for _, point in sorted(values, key=lambda vp: vp[0]):
        pieces.append(("tuple", (low, point), low_open, ")"))
        low, low_open = point, "("
    pieces.append(("tuple", (low, high), low_open, interval[3]))
    return ("union", tuple(pieces))


def _arith(*nodes: Node) -> None:
    """Refuse a set, tuple, relation or matrix used as an arithmetic operand (`2\\{1\\}`, `\\sqrt{(1,2)}`)."""
    for node in nodes:
        if node[0] in _CONTAINERS:
            raise ParseError(f"a {node[0]} inside an arithmetic expression")


def _mixed(whole: Node, rhs: Node) -> Node | None:
    """A mixed number `2\\frac{1}{2}` (5/2), also negative (`-1\\frac{1}{2}` is -3/2, not -1/2) and as a
    percent (`33\\frac{1}{3}\\%`); None if `whole rhs` is a product."""
    if whole[0] == "neg":
        inner = _mixed(whole[1], rhs)
        return None if inner is None else ("neg", inner)
    if rhs[0] == "pct":
        inner = _mixed(whole, rhs[1])
        return None if inner is None else ("pct", inner)
    if _is_int_literal(whole) and rhs[0] == "frac" and all(_is_int_literal(x) for x in rhs[1:]):
        return ("add", whole, rhs)
    return None


def _between(a: Node, b: Node) -> Node | None:
    """`x > 1 and x < 3` -> the chain `1 < x < 3` (an intersection, where a comma or "or" is a union);
    None unless both are one-sided bounds of the same variable, one lower and one upper."""
    bounds = {}
    for node in (a, b):
        if node[0] != "rel" or len(node[1]) != 1 or node[1][0] not in _ORDER:
            return None
        (op,), (lhs, rhs) = node[1], node[2]
        if rhs[0] == "sym" and lhs[0] != "sym":
            op, lhs, rhs = _ORDER[op], rhs, lhs
        if lhs[0] != "sym":
            return None
        bounds["lower" if op in (">", ">=") else "upper"] = (lhs, op, rhs)
    if set(bounds) != {"lower", "upper"} or bounds["lower"][0] != bounds["upper"][0]:
        return None
    (var, low_op, low), (_, high_op, high) = bounds["lower"], bounds["upper"]
    return ("rel", (_ORDER[low_op], high_op), (low, var, high))


def _is_int_literal(node: Node) -> bool:
    return node[0] == "num" and not node[2] and node[1].denominator == 1 and node[1] >= 0


def _choice(text: str) -> Node | None:
    lower = _LOWER_CHOICE.fullmatch(text.strip())
    if lower:  # "(c)" alone is an option letter written in lower case, not the variable c
        return ("choice", lower.group(1).upper(), None)
    match = _CHOICE.match(text)
    if match is None:
        return None
    letter = match.group(1) or match.group(3) or match.group(4)
    rest = (match.group(2) or match.group(5) or "").strip()
    if _OTHER_CHOICE.search(rest):  # "(B) or (C)", "(B) 12, (C) 13": several options are no answer
        return ("text", _text_key(text))
    rest_node = None
    if rest:
        try:
            rest_node = _parse_math(rest)
        except ParseError:
            rest_node = ("text", _text_key(rest))
    return ("choice", letter, rest_node)


def _number_words(text: str) -> int | None:
    """`twenty-one`, and `Twelve marbles` (a number word and one unit word, not a hedge: `twelve maybe`)."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z -]*", text):
        return None
    value = number_word(text)
    head, _, unit = text.rpartition(" ")
    if value is None and head and not _HEDGE_WORDS.search(unit):
        value = number_word(head)
    return value


def _text_key(text: str) -> str:
    text = re.sub(r"[\\{}$]", " ", text)
    return " ".join(text.casefold().strip(" .!?\"'").split())


def _parse_math(text: str) -> Node:
    return _Parser(_tokens(text)).top()


@lru_cache(maxsize=8192)
def parse(text: str) -> Node:
    """Parse one answer into a node; raises ParseError. Text answers (words) become ("text", key)."""
    norm = normalize(text)
    if not norm:
        raise ParseError("empty answer")
    choice = _choice(norm)
    if choice is not None:
        return choice
    word = _number_words(norm)
    if word is not None:
        return ("num", Fraction(word), False)  # number words are numbers (documented policy)
    if re.fullmatch(r"[A-Za-z][A-Za-z '-]*[A-Za-z]", norm) and norm not in FUNCS and norm not in _WORD_CONSTS:
        return ("text", _text_key(norm))  # a word answer ("no", "Monday"), not a product of symbols
    try:
        return _parse_math(norm)
    except (ParseError, RecursionError, ValueError, ZeroDivisionError) as exc:
        if _WORDY.search(re.sub(r"\\[a-zA-Z]+", " ", norm)):  # words, not LaTeX commands
            return ("text", _text_key(norm))
        raise ParseError(str(exc)) from None
