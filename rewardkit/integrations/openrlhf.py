"""OpenRLHF's reward protocols: the remote reward model (`rewardkit serve`, `POST /get_reward`) and the
Python-file mode (`--remote_rm_url path/to/file.py`, which OpenRLHF loads and calls `reward_func` in).

OpenRLHF sends each `query` as prompt + response decoded with special tokens. The response is located in it
by the first rule that applies (`locate_response`; the rule is counted in the server's `/metrics`):

    prompt      the prompt found verbatim: the text after its first occurrence
    normalized  the prompt found after Unicode normalisation (NFKD, combining marks and whitespace ignored:
                tokenizers re-compose accents, turn full-width forms into ASCII, and re-space punctuation)
    tail        the prompt's end found the same way (OpenRLHF cuts an over-long prompt from the left)
    assistant   the text after the last assistant marker of a chat template (`<|im_start|>assistant`, ...)
    query       the whole query (no prompt was sent, or none of the above matched)

so a correct answer is never scored 0 because the prompt did not come back verbatim. Trailing end-of-sequence
and padding markers are removed in every case.

The reply is `{"rewards": [...], "scores": [...], "extra_logs": {component: [...], "rewardkit_scored": [...]}}`.
OpenRLHF cannot skip a sample, so a None reward becomes `none_reward` (flagged 0.0 in `rewardkit_scored`); a
component that was not scored is NaN in `extra_logs` (never a 0.0 that would read as "judged wrong"); a
sample lacking a field the recipe requires is refused (422 naming the rows: send `labels`), and an
`infra_error` is refused with 503 (OpenRLHF retries) rather than sent as a reward.

Python-file mode: pass this module's file (`python -c "import rewardkit.integrations.openrlhf as m;
print(m.__file__)"`) with REWARDKIT_RECIPE set, or a file generated with
`python -m rewardkit.integrations.openrlhf -r RECIPE -o reward_func.py` that names the recipe itself.
"""

from __future__ import annotations

import argparse
import math
import os
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from rewardkit.core import Sample, Scorer, Status
from rewardkit.errors import ConfigError, InputError, RequestError, ScoringUnavailable
from rewardkit.normalize import DEFAULT_EOS, strip_eos

ENV_VAR = "REWARDKIT_RECIPE"
# Where the assistant's turn starts in common chat templates (ChatML/Qwen, Llama 3, Phi, Gemma, R1-Zero).
ASSISTANT_MARKERS = ("<|im_start|>assistant", "<|start_header_id|>assistant<|end_header_id|>", "<|assistant|>",
                     "<start_of_turn>model", "<｜Assistant｜>", "Assistant:")
RULES = ("prompt", "normalized", "tail", "assistant", "query")
_TAIL = 64  # characters of the prompt's (normalised) end that must match when its start was cut off


class OpenRLHFRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    query: list[str]
    prompts: list[str] | None = None
    labels: list[Any] | None = None
    metas: list[dict[str, Any] | None] | None = None


class Located(NamedTuple):
    """The response cut out of a query and the rule that found it (one of RULES)."""

    response: str
    rule: str


def _skeleton(text: str) -> tuple[str, list[int]]:
    """`text` for matching (per character: NFKD, combining marks and whitespace dropped, case folded) and, for
    each character of it, the index in `text` just after the character it came from."""
    chars, ends = [], []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", ch).casefold():
            if not part.isspace() and not unicodedata.combining(part):
                chars.append(part)
                ends.append(i + 1)
    return "".join(chars), ends


def _after_normalized(query: str, prompt: str) -> Located | None:
    q_skel, q_ends = _skeleton(query)
    p_skel, _ = _skeleton(prompt)
    if not p_skel:
        return None
    tails = [(p_skel, "normalized")]
    if len(p_skel) > _TAIL:
        tails.append((p_skel[-_TAIL:], "tail"))
    for needle, rule in tails:
        at = q_skel.find(needle)
        if at >= 0:
            end = q_ends[at + len(needle) - 1]
            while end < len(query) and unicodedata.combining(query[end]):
                end += 1  # a combining mark belongs to the prompt's last character
            return Located(query[end:], rule)
    return None


def locate_response(query: str, prompt: str | None, eos_tokens: Sequence[str] = DEFAULT_EOS) -> Located:
    """The response inside an OpenRLHF `query` by the first rule that applies (see the module docstring).
    After a prompt match the text after its *first* occurrence is kept: BOS or padding may precede the prompt,
    and a response that echoes the prompt must not lose what it wrote before the echo."""
    found = None
    if prompt:
        at = query.find(prompt)
        found = Located(query[at + len(prompt):], "prompt") if at >= 0 else _after_normalized(query, prompt)
    if found is None:
        cut = max((query.rfind(m) + len(m) for m in ASSISTANT_MARKERS if m in query), default=-1)
        found = Located(query[cut:], "assistant") if cut >= 0 else Located(query, "query")
    return Located(strip_eos(found.response, eos_tokens), found.rule)


def openrlhf_rows(req: OpenRLHFRequest, eos_tokens: Sequence[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """One row per query, and the rule that located each response."""
    n = len(req.query)
    for name in ("prompts", "labels", "metas"):
        values = getattr(req, name)
        if values is not None and len(values) != n:
            raise RequestError(422, f"'{name}' has {len(values)} items but 'query' has {n}")
    rows, rules = [], []
    for i, query in enumerate(req.query):
        prompt = req.prompts[i] if req.prompts is not None else None
        located = locate_response(query, prompt, eos_tokens)
        row = dict(req.metas[i] or {}) if req.metas is not None else {}
        row["completion"] = located.response
        if req.prompts is not None:  # absent lists leave a prompt or answer given in `metas` in place
            row["prompt"] = prompt
        if req.labels is not None:
            row["answer"] = req.labels[i]
        rows.append(row)
        rules.append(located.rule)
    return rows, rules


def check_required(scorer: Scorer, rows: Sequence[dict[str, Any]]) -> None:
    """Refuse (422) rows that lack a field the recipe requires: OpenRLHF would train on them as a number."""
    lacking: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        try:
            sample = Sample.from_dict(row)
        except InputError as exc:  # e.g. a `metas` entry with a prompt that is not text
            raise RequestError(422, f"row {i}: {exc}") from None
        for name in scorer.missing_fields(sample):
            lacking.setdefault(name, []).append(i)
    if lacking:
        parts = []
        for name, idx in lacking.items():
            shown = ", ".join(map(str, idx[:10])) + (f" and {len(idx) - 10} more" if len(idx) > 10 else "")
            source = "labels" if name.startswith("answer") else f"metas[i].{name.split(' or ')[0]}"
            parts.append(f"rows {shown} lack the required field '{name}' (send it as {source})")
        raise RequestError(422, "; ".join(parts))


def openrlhf_response(scores: list[dict[str, Any]], names: list[str], none_reward: float) -> dict[str, Any]:
    """The reply for scored rows (`Score.to_dict()` each). NaN marks an unscored component in `extra_logs`."""
    for i, score in enumerate(scores):
        if score["status"] == Status.INFRA_ERROR.value:
            raise RequestError(503, f"sample {i} could not be scored ({score['reason']}); retry later")
    rewards = [none_reward if s["value"] is None else s["value"] for s in scores]
    logs = {name: [math.nan if s["components"].get(name) is None else s["components"][name] for s in scores]
            for name in names}
    logs["rewardkit_scored"] = [0.0 if s["value"] is None else 1.0 for s in scores]
    return {"rewards": rewards, "scores": list(rewards), "extra_logs": logs}


# ------------------------------------------------------------------------------------------ Python-file mode
def make_reward_func(recipe: Any, none_reward: float = 0.0, eos_tokens: Sequence[str] = DEFAULT_EOS) -> Any:
    """A `reward_func(queries, prompts, labels, **kwargs)` for OpenRLHF's Python-file mode, scoring with
    `recipe`; it returns OpenRLHF's dict with torch tensors (what its experience maker turns into rewards)."""
    from rewardkit.integrations.common import cached_build

    def reward_func(queries: Sequence[str], prompts: Sequence[str] | None = None,
                    labels: Sequence[Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        scorer = cached_build(recipe)
        req = OpenRLHFRequest(query=list(queries), prompts=None if prompts is None else list(prompts),
                              labels=None if labels is None else list(labels))
        try:
            rows, _ = openrlhf_rows(req, eos_tokens)
            check_required(scorer, rows)
            reply = openrlhf_response([s.to_dict() for s in scorer.score_batch(rows)], scorer.component_names(),
                                      none_reward)
        except RequestError as exc:
            if exc.status == 503:
                raise ScoringUnavailable(exc.message) from None
            raise ConfigError(exc.message) from None
        return _tensors(reply)

    return reward_func


def _tensors(reply: dict[str, Any]) -> dict[str, Any]:
    try:
        import torch
    except ImportError:  # OpenRLHF always has torch; lists serve any other caller
        return reply
    return {"rewards": torch.tensor(reply["rewards"], dtype=torch.float32),
            "scores": torch.tensor(reply["scores"], dtype=torch.float32),
            "extra_logs": {k: torch.tensor(v, dtype=torch.float32) for k, v in reply["extra_logs"].items()}}


def reward_func(queries: Sequence[str], prompts: Sequence[str] | None = None, labels: Sequence[Any] | None = None,
                **kwargs: Any) -> dict[str, Any]:
    """OpenRLHF's Python-file entry point, scoring with the recipe named by $REWARDKIT_RECIPE."""
    recipe = os.environ.get(ENV_VAR)
    if not recipe:
        raise ConfigError(f"no recipe: set {ENV_VAR} in the environment of OpenRLHF's workers, or generate a "
                          "file with `python -m rewardkit.integrations.openrlhf -r RECIPE -o reward_func.py`")
    # OpenRLHF loads this file by path, as a module of another name: use the package's own copy, whose classes
    # pydantic can resolve
    import importlib

    package = importlib.import_module("rewardkit.integrations.openrlhf")
    return package.make_reward_func(recipe)(queries, prompts, labels, **kwargs)


_FILE = '''"""OpenRLHF reward function (--remote_rm_url {path}), generated by rewardkit."""
from rewardkit.integrations.openrlhf import make_reward_func

reward_func = make_reward_func({recipe!r}, none_reward={none_reward!r})
'''


def write_reward_file(recipe: str, path: str, none_reward: float = 0.0) -> str:
    """Write a file for `--remote_rm_url` that scores with `recipe` (a path is made absolute); returns it."""
    from rewardkit.recipe import build

    build(recipe)  # a bad recipe fails now, not in the trainer's workers
    if os.path.exists(recipe):
        recipe = os.path.abspath(recipe)
    with open(path, "w", encoding="utf-8") as f:
        f.write(_FILE.format(path=path, recipe=recipe, none_reward=float(none_reward)))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rewardkit.integrations.openrlhf",
                                     description="write a reward_func file for OpenRLHF's --remote_rm_url")
    parser.add_argument("-r", "--recipe", required=True, help="recipe file or scorer name")
    parser.add_argument("-o", "--output", default="reward_func.py", help="file to write (default reward_func.py)")
    parser.add_argument("--none-reward", type=float, default=0.0,
                        help="reward for samples rewardkit does not score (default 0.0)")
    args = parser.parse_args(argv)
    print(write_reward_file(args.recipe, args.output, args.none_reward))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
