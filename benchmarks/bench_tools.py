"""Tool-call verification: rewardkit's `tool_call` against Fireworks reward-kit's `exact_tool_match_reward`.

    PYTHONPATH=. python benchmarks/bench_tools.py [--rows 2400] [--rounds 5] [--peer-python PATH]

Both judge the same generated rows (a weather/time tool pair; one or two expected calls), written as OpenAI
`tool_calls` messages and as Hermes `<tool_call>` text, in kinds that each test one rule: exact copies,
reordered keys, `3.0` for `3`, `"3"` for `3`, a duplicate key with the right value last, parallel calls in
another order, an omitted argument at its schema default, a casing difference, a wrong value, the wrong tool,
no call where none is expected, a call quoted in prose. Each kind has an intended verdict (the `want` column):
BFCL's matching rules (numbers by value, strings case-insensitive, parallel calls in any order, an argument at
its default may be left out), except that a duplicate key fails, where BFCL's reader would keep the last value.
These labels are rewardkit's documented policy, so its agreement measures consistency, not independent
correctness; the table shows where an exact-serialisation match answers differently. It prints rows per
second for each side in one run and the ratio, then the verdicts per kind.

reward-kit 0.4.1 installs with `pip install --no-deps reward-kit`, but `import reward_kit` then fails (its
package `__init__` pulls mcp, fireworks-ai, datasets ...). The peer side therefore needs `openai==1.78.1` and
`pydantic` in its venv and loads `reward_kit.rewards.function_calling` with the package `__init__` files
skipped; the function itself is unchanged. Without that venv the peer columns say so and rewardkit runs alone.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rewardkit import build

PEER_PYTHON = "/work/venvs/rewardkit-fw/bin/python"
TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "required": ["city"], "properties": {
            "city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"],
                                                 "default": "celsius"},
            "days": {"type": "integer", "minimum": 1}}}}},
    {"type": "function", "function": {"name": "get_time", "parameters": {
        "type": "object", "required": ["zone"], "properties": {"zone": {"type": "string"}}}}},
]
CITIES = ["Paris", "Tokyo", "Lima", "Oslo", "Cairo", "Quito", "Hanoi", "Perth"]
ZONES = ["Europe/Paris", "Asia/Tokyo", "America/Lima", "Africa/Cairo"]

# The peer runs in its own venv; it reads the cases from a file and prints verdicts and its own timing.
PEER = r"""
import importlib.metadata as md, json, pathlib, sys, time, types
root = pathlib.Path(md.distribution("reward-kit").locate_file("reward_kit"))
for name, path in (("reward_kit", root), ("reward_kit.rewards", root / "rewards")):
    module = types.ModuleType(name); module.__path__ = [str(path)]; sys.modules[name] = module
from reward_kit.rewards.function_calling import exact_tool_match_reward
cases = json.load(open(sys.argv[1]))
for c in cases[:50]:  # warm-up, as on the rewardkit side
    exact_tool_match_reward(messages=c["messages"], ground_truth=c["ground_truth"])
times = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    values = [exact_tool_match_reward(messages=c["messages"], ground_truth=c["ground_truth"]).score for c in cases]
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": sorted(times)[len(times) // 2], "values": values,
                  "version": md.version("reward-kit")}))
"""


def _weather(rng: random.Random) -> dict:
    return {"name": "get_weather", "arguments": {"city": rng.choice(CITIES), "days": rng.randint(1, 7)}}


def _time(rng: random.Random) -> dict:
    return {"name": "get_time", "arguments": {"zone": rng.choice(ZONES)}}


def _case(kind: str, rng: random.Random) -> tuple[list[dict], list[dict] | None, list[str] | None, float]:
    """(expected calls, calls made, their argument texts when the text itself is the point, BFCL verdict)."""
    call = _weather(rng)
    args = call["arguments"]
    if kind == "exact":
        return [call], [call], None, 1.0
    if kind == "reordered keys":
        return [call], [{"name": call["name"], "arguments": dict(reversed(list(args.items())))}], None, 1.0
    if kind == "3.0 for 3":
        return [call], [call], [json.dumps({**args, "days": float(args["days"])})], 1.0
    if kind == '"3" for 3':
        return [call], [{"name": call["name"], "arguments": {**args, "days": str(args["days"])}}], None, 0.0
    if kind == "duplicate key, right value last":
        text = json.dumps({**args, "city": "Atlantis"})[:-1] + f', "city": {json.dumps(args["city"])}}}'
        return [call], [call], [text], 0.0
    if kind == "parallel, other order":
        other = _time(rng)
        return [call, other], [other, call], None, 1.0
    if kind == "omitted default":
        return [{"name": call["name"], "arguments": {**args, "unit": "celsius"}}], [call], None, 1.0
    if kind == "casing":
        return [call], [{"name": call["name"], "arguments": {**args, "city": args["city"].upper()}}], None, 1.0
    if kind == "wrong value":
        return [call], [{"name": call["name"], "arguments": {**args, "days": args["days"] + 1}}], None, 0.0
    if kind == "wrong tool":
        return [call], [_time(rng)], None, 0.0
    if kind == "no call expected, none made":
        return [], [], None, 1.0
    if kind == "call quoted in prose":
        return [call], None, None, 0.0
    raise ValueError(kind)


KINDS = ["exact", "reordered keys", "3.0 for 3", '"3" for 3', "duplicate key, right value last",
         "parallel, other order", "omitted default", "casing", "wrong value", "wrong tool",
         "no call expected, none made", "call quoted in prose"]


def _message(made: list[dict] | None, texts: list[str] | None, form: str, prose_call: dict) -> dict:
    if made is None:
        return {"role": "assistant", "content": f"I would call {json.dumps(prose_call)} for this."}
    texts = texts or [json.dumps(c["arguments"]) for c in made]
    if form == "openai":
        return {"role": "assistant", "content": "", "tool_calls": [
            {"id": f"c{i}", "type": "function", "function": {"name": c["name"], "arguments": t}}
            for i, (c, t) in enumerate(zip(made, texts, strict=True))]}
    if not made:
        return {"role": "assistant", "content": "None of these tools can answer that."}
    return {"role": "assistant", "content": "".join(
        f'<tool_call>{{"name": {json.dumps(c["name"])}, "arguments": {t}}}</tool_call>'
        for c, t in zip(made, texts, strict=True))}


def cases(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind, form = KINDS[i % len(KINDS)], ("openai", "hermes")[(i // len(KINDS)) % 2]
        expected, made, texts, want = _case(kind, rng)
        message = _message(made, texts, form, expected[0] if expected else {})
        out.append({"kind": kind, "form": form, "want": want, "expected": expected, "message": message})
    return out


def run_rewardkit(rows: list[dict], rounds: int, tools: list[dict] | None = TOOLS
                  ) -> tuple[float, list[float | None]]:
    """Median seconds over `rounds` passes, and the verdicts."""
    scorer = build({"use": "tool_call"})
    samples = [{"completion": [r["message"]], "tool_calls": r["expected"], "tools": tools} for r in rows]
    scorer.score_batch(samples[:50])  # warm-up: jsonschema's import and each schema's validator, built once
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        values = [s.value for s in scorer.score_batch(samples)]
        times.append(time.perf_counter() - start)
    return statistics.median(times), values


def run_peer(rows: list[dict], python: str, rounds: int) -> dict | str:
    if not Path(python).exists():
        return f"no peer venv at {python}"
    peer_cases = [{"messages": [r["message"]], "ground_truth": {"tool_calls": [
        {"type": "function", "function": {"name": c["name"], "arguments": json.dumps(c["arguments"])}}
        for c in r["expected"]]}} for r in rows]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(peer_cases, f)
    done = subprocess.run([python, "-c", PEER, f.name, str(rounds)], capture_output=True, text=True, timeout=600)
    Path(f.name).unlink()
    if done.returncode != 0:
        return f"peer failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2400)
    parser.add_argument("--rounds", type=int, default=5, help="timed passes per side; the median is reported")
    parser.add_argument("--peer-python", default=PEER_PYTHON)
    args = parser.parse_args()
    rows = cases(args.rows)
    rk_seconds, rk_values = run_rewardkit(rows, args.rounds)
    bare_seconds, _ = run_rewardkit(rows, args.rounds, tools=None)
    peer = run_peer(rows, args.peer_python, args.rounds)
    print(f"{len(rows)} rows ({len(KINDS)} kinds x OpenAI tool_calls / Hermes text), one process each, "
          f"median of {args.rounds} passes")
    print(f"rewardkit tool_call (schema validation on): {len(rows) / rk_seconds:10,.0f} rows/s")
    print(f"rewardkit tool_call (rows without tools):   {len(rows) / bare_seconds:10,.0f} rows/s")
    if isinstance(peer, str):
        print(f"reward-kit exact_tool_match_reward: not run ({peer})")
        peer_values = [None] * len(rows)
    else:
        print(f"reward-kit {peer['version']} exact_tool_match_reward: {len(rows) / peer['seconds']:10,.0f} rows/s")
        print(f"ratio rewardkit / reward-kit: {peer['seconds'] / rk_seconds:.2f}x")
        peer_values = peer["values"]
    print(f"\n{'kind':34} {'want':>5} {'rewardkit':>10} {'reward-kit':>11}")
    tally = Counter()
    for kind in KINDS:
        idx = [i for i, r in enumerate(rows) if r["kind"] == kind]
        want = rows[idx[0]]["want"]
        rk = sum(rk_values[i] == want for i in idx) / len(idx)
        fw = sum(peer_values[i] == want for i in idx) / len(idx) if peer_values[0] is not None else None
        tally["rk"] += sum(rk_values[i] == want for i in idx)
        tally["fw"] += sum(peer_values[i] == want for i in idx) if fw is not None else 0
        print(f"{kind:34} {want:5.0f} {rk:10.0%} {'-' if fw is None else f'{fw:.0%}':>11}")
    print(f"{'agrees with the intended verdict':34} {'':5} {tally['rk'] / len(rows):10.1%} "
          f"{'-' if isinstance(peer, str) else format(tally['fw'] / len(rows), '.1%'):>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
