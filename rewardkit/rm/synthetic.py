"""Synthetic preference pairs with a known right answer, for tests, benchmarks and demos of `rewardkit rm`.

- `politeness_pairs`: the same correct answer to an arithmetic question, introduced politely (chosen) or
  rudely (rejected); `vocabulary="train"|"test"` draws the phrases from disjoint lists, so accuracy on
  "test" measures whether a model knows politeness rather than memorised phrases.
- `case_pairs`: the prompt asks for an UPPERCASE or a lowercase reply; the same two replies swap roles with
  the prompt, so a model that ignores the prompt cannot beat chance.
- `arithmetic_steps`: step-labelled traces for process reward models: "What is a + b * c?" solved in two
  steps ("b*c=12", "a+12=14"), each step's result wrong with probability `p_error` and labelled by whether
  its own arithmetic holds; `shuffle_labels` permutes the labels across the data (the negative control).
- `sentiment_pairs`: "The {topic} was {adjective}." with a positive (chosen) or negative (rejected)
  adjective; train and test adjectives are disjoint (only a pretrained backbone can transfer).
"""

from __future__ import annotations

import random
from typing import Any

_POLITE = {
    "train": ["Thank you for asking!", "Happy to help.", "Great question, thanks.", "Sure, glad to help!",
              "Of course, my pleasure.", "Thanks for your patience.", "I'd be delighted to help."],
    "test": ["Certainly, it is a pleasure to assist you.", "Thanks so much for the question!",
             "Kindly note the following.", "You're very welcome to ask."],
}
_RUDE = {
    "train": ["Ugh, figure it out yourself.", "Stop bothering me.", "What a dumb question.", "Whatever, idiot.",
              "Don't waste my time.", "Are you stupid?", "Go away."],
    "test": ["Shut up and listen, moron.", "This is pathetic, you fool.", "Leave me alone, loser.",
             "Nobody cares, dummy."],
}
_POSITIVE = {
    "train": ["wonderful", "excellent", "delightful", "superb", "lovely", "fantastic", "pleasant", "brilliant",
              "charming", "marvelous", "great", "enjoyable"],
    "test": ["outstanding", "terrific", "splendid", "magnificent", "amazing", "fabulous"],
}
_NEGATIVE = {
    "train": ["terrible", "awful", "dreadful", "horrible", "disgusting", "miserable", "lousy", "unpleasant",
              "boring", "nasty", "poor", "annoying"],
    "test": ["atrocious", "abysmal", "appalling", "horrendous", "dismal", "wretched"],
}
_TOPICS = ["movie", "meal", "hotel", "concert", "book", "service", "trip", "game", "lecture", "party",
           "show", "room", "coffee", "weather", "flight", "museum"]


def _question(rng: random.Random) -> tuple[str, int]:
    a, b = rng.randint(1, 99), rng.randint(1, 99)
    return f"What is {a} + {b}?", a + b


def politeness_pairs(n: int, seed: int = 0, vocabulary: str = "train") -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        question, total = _question(rng)
        answer = f"The answer is {total}."
        rows.append({"prompt": question, "chosen": f"{rng.choice(_POLITE[vocabulary])} {answer}",
                     "rejected": f"{rng.choice(_RUDE[vocabulary])} {answer}"})
    return rows


def case_pairs(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        question, total = _question(rng)
        reply = f"the answer is {total}"
        upper = rng.random() < 0.5
        prompt = f"{question} Reply in {'UPPERCASE' if upper else 'lowercase'}."
        loud, quiet = reply.upper(), reply
        rows.append({"prompt": prompt, "chosen": loud if upper else quiet, "rejected": quiet if upper else loud})
    return rows


def sentiment_pairs(n: int, seed: int = 0, vocabulary: str = "train") -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        topic = rng.choice(_TOPICS)
        prompt = f"How was the {topic}?"
        rows.append({"prompt": prompt, "chosen": f"The {topic} was {rng.choice(_POSITIVE[vocabulary])}.",
                     "rejected": f"The {topic} was {rng.choice(_NEGATIVE[vocabulary])}."})
    return rows


def arithmetic_steps(n: int, seed: int = 0, p_error: float = 0.5, shuffle_labels: bool = False,
                     max_operand: int = 9) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        a, b, c = (rng.randint(1, max_operand) for _ in range(3))
        steps, labels = [], []
        inner, ok = _maybe_wrong(rng, b * c, p_error)
        steps.append(f"{b}*{c}={inner}")
        labels.append(ok)
        total, ok = _maybe_wrong(rng, a + inner, p_error)
        steps.append(f"{a}+{inner}={total}")
        labels.append(ok)
        rows.append({"prompt": f"What is {a} + {b} * {c}?", "steps": steps, "labels": labels})
    if shuffle_labels:
        flat = [label for row in rows for label in row["labels"]]
        rng.shuffle(flat)
        for i, row in enumerate(rows):
            row["labels"] = flat[2 * i:2 * i + 2]
    return rows


def _maybe_wrong(rng: random.Random, value: int, p_error: float) -> tuple[int, bool]:
    if rng.random() >= p_error:
        return value, True
    return max(0, value + rng.choice([-3, -2, -1, 1, 2, 3])), False
