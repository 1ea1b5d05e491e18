"""The reward server over real loopback HTTP: OpenRLHF's /get_reward, native /score, limits, metrics."""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import R1_OUTPUTS
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.core import Score, Scorer, Status
from rewardkit.errors import RequestError
from rewardkit.integrations.openrlhf import RULES, locate_response, openrlhf_response
from rewardkit.recipe import build
from rewardkit.server import ScoringPool

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parents[1]
RECIPE = [{"use": "think_format", "weight": 0.1}, {"use": "exact_match", "weight": 1.0}]
TEMPLATE = ("A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
            "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, "
            "respectively. User: {prompt}. Assistant:")
PROMPT = TEMPLATE.format(prompt="What is 2 + 3 * 4?")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `rewardkit serve` subprocess on a free loopback port (small limits to test them)."""
    recipe = tmp_path_factory.mktemp("serve") / "r1_zero.json"
    recipe.write_text(json.dumps(RECIPE))
    port = _free_port()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # 1,000 sockets on each side (inherited by the server)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "rewardkit", "serve", "-r", str(recipe), "--port", str(port),
                             "--workers", "1", "--max-batch", "64", "--max-body-mb", "1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start: {proc.stdout.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _alive(url: str) -> None:
    assert httpx.get(f"{url}/health", timeout=5).json()["status"] == "ok"


def test_get_reward_matches_python_api_on_the_r1_example(server):
    queries = [f"<s>{PROMPT}{o}<|im_end|>" for o in R1_OUTPUTS]  # as OpenRLHF decodes prompt + response
    body = {"query": queries, "prompts": [PROMPT] * 4, "labels": ["14"] * 4}
    got = httpx.post(f"{server}/get_reward", json=body, timeout=30).json()
    expected = [s.value for s in build(RECIPE).score_batch(
        [{"prompt": PROMPT, "completion": o, "answer": "14"} for o in R1_OUTPUTS])]
    assert expected == pytest.approx([0.1, 1.1, 1.0, 0.0])
    assert got["rewards"] == expected
    assert got["scores"] == got["rewards"]
    assert got["extra_logs"] == {"think_format": [1.0, 1.0, 0.0, 0.0], "exact_match": [0.0, 1.0, 1.0, 0.0],
                                 "rewardkit_scored": [1.0] * 4}


# A correct answer must not score 0 because the prompt did not come back verbatim: one row per way it changes.
QUERY_CASES = [
    ("verbatim", f"<s>{PROMPT}<answer>14</answer><|im_end|>", PROMPT, "prompt"),
    # the tokenizer re-composed an accent (decomposed e + U+0301 in the prompt, precomposed in the query)
    ("nfc accents", "Caf\u00e9 question: 2 + 12? Assistant:<answer>14</answer>",
     "Cafe\u0301 question: 2 + 12? Assistant:", "normalized"),
    # full-width digits and a no-break space in the prompt come back as ASCII
    ("nfkc width", "What is \uff12 + \uff11\uff12? Answer:<answer>14</answer>",
     "What is 2\u00a0+ 12? Answer:", "normalized"),
    # decoding re-spaced the punctuation
    ("spacing", "What is 2+12 ?Assistant:<answer>14</answer>", "What is 2 + 12? Assistant:", "normalized"),
    # OpenRLHF cut an over-long prompt from the left: only its end is in the query
    ("cut left", PROMPT[40:] + "<answer>14</answer>", PROMPT, "tail"),
    ("chat template", "<|im_start|>user\nsomething else<|im_end|>\n<|im_start|>assistant\n<answer>14</answer>",
     "a prompt that is not there", "assistant"),
    ("nothing matches", "<answer>14</answer></s>", "a prompt that is not there", "query"),
]


@pytest.mark.parametrize(("case", "query", "prompt", "rule"), QUERY_CASES, ids=[c[0] for c in QUERY_CASES])
def test_correct_answer_scores_however_the_prompt_came_back(server, case, query, prompt, rule):
    assert locate_response(query, prompt).rule == rule
    assert locate_response(query, prompt).response.strip() == "<answer>14</answer>"
    got = httpx.post(f"{server}/get_reward", json={"query": [query], "prompts": [prompt], "labels": ["14"]},
                     timeout=30).json()
    assert got["extra_logs"]["exact_match"] == [1.0] and got["extra_logs"]["rewardkit_scored"] == [1.0]
    rules = httpx.get(f"{server}/metrics", params={"format": "json"}).json()["response_rules"]
    assert rules[rule] >= 1


def test_missing_labels_are_422_naming_the_rows(server):
    # it used to score the format reward alone: `exact_match: [0.0]` and `rewardkit_scored: [1.0]`
    missing = {"query": ["q<answer>14</answer>"] * 3, "prompts": ["q"] * 3, "labels": ["14", None, None]}
    response = httpx.post(f"{server}/get_reward", json=missing, timeout=30)
    assert response.status_code == 422
    assert "rows 1, 2" in response.json()["detail"] and "'answer'" in response.json()["detail"]
    no_labels = httpx.post(f"{server}/get_reward", json={"query": ["<answer>14</answer>"]}, timeout=30)
    assert no_labels.status_code == 422 and "labels" in no_labels.json()["detail"]


def test_native_score_takes_the_cli_mapping(server):
    sample = {"completion": R1_OUTPUTS[1], "solution": "14"}
    got = httpx.post(f"{server}/score", json={"samples": [sample], "mapping": ["answer=solution"]}, timeout=30)
    assert got.json()["scores"][0]["value"] == pytest.approx(1.1)
    bad = httpx.post(f"{server}/score", json={"samples": [sample], "mapping": ["answer"]}, timeout=30)
    assert bad.status_code == 422 and "CANONICAL=COLUMN" in bad.json()["detail"]


def test_native_score_returns_full_scores(server):
    samples = [{"prompt": PROMPT, "completion": o, "solution": "14", "id": i} for i, o in enumerate(R1_OUTPUTS)]
    got = httpx.post(f"{server}/score", json={"samples": samples, "mapping": {"answer": "solution"}}, timeout=30)
    scores = got.json()["scores"]
    assert [s["value"] for s in scores] == pytest.approx([0.1, 1.1, 1.0, 0.0])
    assert scores[3]["components"] == {"think_format": 0.0, "exact_match": 0.0}
    assert all(s["status"] == "ok" and s["reason"] for s in scores)
    # no gold answer: exact_match cannot be computed, so the total is not scored (it was think_format's share)
    alone = httpx.post(f"{server}/score", json={"samples": [{"completion": R1_OUTPUTS[1]}]}).json()["scores"][0]
    assert alone["value"] is None and alone["status"] == "invalid_input" and "'answer'" in alone["reason"]
    assert alone["components"] == {"think_format": 1.0, "exact_match": None}


BAD_BODIES = [
    (b"", 400), (b"garbage", 400), (b"\xff\xfe\x00", 400), (b"[1, 2]", 422), (b"null", 422),
    (b'{"query": "not a list"}', 422), (b'{"query": [1, 2]}', 422), (b'{"prompts": ["p"]}', 422),
    (b'{"query": ["a", "b"], "prompts": ["p"]}', 422), (b'{"query": ["a"], "metas": [5]}', 422),
    (b"[" * 100_000 + b"]" * 100_000, 400),
]


@pytest.mark.parametrize(("body", "status"), BAD_BODIES)
def test_malformed_get_reward_gets_4xx_with_a_message(server, body, status):
    response = httpx.post(f"{server}/get_reward", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.json()["detail"]


@pytest.mark.parametrize("body", [b'{"samples": "x"}', b'{"samples": [{"prompt": "no completion"}]}',
                                  b'{"samples": [1]}', b'{"samples": [], "unknown": 1}',
                                  b'{"samples": [{"completion": "a"}], "mapping": {"answer": 3}}'])
def test_malformed_score_gets_422(server, body):
    response = httpx.post(f"{server}/score", content=body)
    assert response.status_code == 422 and response.json()["detail"]


def test_size_limits_give_413_and_the_server_survives(server):
    big = json.dumps({"query": ["x" * (10 * 2**20)]}).encode()  # a 10 MB payload
    assert httpx.post(f"{server}/get_reward", content=big, timeout=30).status_code == 413

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(10):
            yield b"x" * 2**20

    assert httpx.post(f"{server}/score", content=chunks(), timeout=30).status_code == 413
    many = {"query": ["q"] * 65}
    response = httpx.post(f"{server}/get_reward", json=many)
    assert response.status_code == 413 and "max-batch" in response.json()["detail"]
    _alive(server)


def test_metrics_count_requests_samples_errors(server):
    before = httpx.get(f"{server}/metrics", params={"format": "json"}).json()
    httpx.post(f"{server}/get_reward", json={"query": ["<answer>1</answer>"] * 3, "labels": ["1"] * 3})
    httpx.post(f"{server}/get_reward", content=b"nope")
    after = httpx.get(f"{server}/metrics", params={"format": "json"}).json()
    assert after["samples_total"] - before["samples_total"] == 3
    assert after["errors_total"] - before["errors_total"] == 1
    assert after["requests_total"] - before["requests_total"] == 3  # includes the first /metrics call
    assert after["latency_p50_s"] > 0
    text = httpx.get(f"{server}/metrics").text
    assert 'rewardkit_requests_total{path="/get_reward",status="200"}' in text
    assert "rewardkit_request_latency_seconds_count" in text


async def _post(url: str, body: bytes) -> tuple[int, dict]:
    """One POST on its own connection, as OpenRLHF's `requests.post` does (a lean client for 1,000 sockets)."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"POST /get_reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    raw = await reader.read()
    writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(content)


@pytest.mark.slow
def test_1000_concurrent_requests_no_errors_no_lost_responses(server):
    async def one(i: int) -> tuple[int, list[float]]:
        body = {"query": [f"<answer>{i}</answer>", "<answer>x</answer>"], "labels": [str(i), str(i)]}
        status, data = await asyncio.wait_for(_post(server, json.dumps(body).encode()), 60)
        return status, data["extra_logs"]["exact_match"]

    async def run() -> list:
        return await asyncio.gather(*[one(i) for i in range(1000)], return_exceptions=True)

    results = asyncio.run(run())
    assert results == [(200, [1.0, 0.0])] * 1000  # each client got its own answer: none lost, none mixed up
    _alive(server)


# ------------------------------------------------------------------------------------ policies without HTTP
def test_metas_keep_their_answer_and_prompt_without_labels_or_prompts():
    # without `labels`, the answer given in `metas` used to be overwritten with None (every row unscored)
    from rewardkit.integrations.openrlhf import OpenRLHFRequest, openrlhf_rows

    req = OpenRLHFRequest(query=["<answer>14</answer>"], metas=[{"answer": "14", "prompt": "q"}])
    assert openrlhf_rows(req, ())[0] == [{"answer": "14", "prompt": "q", "completion": "<answer>14</answer>"}]
    req = OpenRLHFRequest(query=["q<answer>1</answer>"], prompts=["q"], labels=["1"], metas=[{"answer": "x"}])
    assert openrlhf_rows(req, ())[0] == [{"answer": "1", "prompt": "q", "completion": "<answer>1</answer>"}]


def test_locate_response():
    def cut(query, prompt):
        return locate_response(query, prompt).response

    assert cut("<s>P: hi. A:<answer>1</answer><|im_end|>", "P: hi. A:") == "<answer>1</answer>"
    assert cut("P:x</s><pad><pad>", "P:") == "x"
    assert cut("just text <|eot_id|>\n", None) == "just text"
    # the query is [BOS/padding] + prompt + response: the response starts after the prompt's first occurrence,
    # even when the model echoes the prompt (it used to be cut after the echo, dropping its answer)
    assert cut("Q Q R", "Q ") == "Q R"
    prompt = "User: What is 2 + 3 * 4? Assistant:"
    echoed = f"<s>{prompt}<answer>14</answer> {prompt} <think>x</think><answer>14</answer></s>"
    assert cut(echoed, prompt) == f"<answer>14</answer> {prompt} <think>x</think><answer>14</answer>"
    # a normalised match keeps the response's own characters (here full-width digits stay as written)
    assert cut("Cafe\u0301 A:\uff11\uff14", "Caf\u00e9 A:") == "\uff11\uff14"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=20)))
def test_locate_response_never_raises(query, prompt):
    located = locate_response(query, prompt)
    assert len(located.response) <= len(query)
    assert located.response in query and located.rule in RULES


def test_infra_error_is_503_not_a_zero_reward():
    ok = {"value": 1.0, "status": "ok", "components": {"a": 1.0}, "reason": ""}
    down = {"value": None, "status": "infra_error", "components": {"a": None}, "reason": "judge down"}
    skipped = {"value": None, "status": "not_applicable", "components": {"a": None}, "reason": ""}
    with pytest.raises(RequestError) as err:
        openrlhf_response([ok, down], ["a"], 0.0)
    assert err.value.status == 503 and "judge down" in err.value.message
    got = openrlhf_response([ok, skipped], ["a"], -1.0)
    assert got["rewards"] == [1.0, -1.0] and got["extra_logs"]["rewardkit_scored"] == [1.0, 0.0]
    assert math.isnan(got["extra_logs"]["a"][1])


class Crasher(Scorer):
    """Kills its worker process on the completion 'crash' (a segfaulting native verifier)."""

    name = "crasher"

    def _score(self, sample):
        if sample.completion_text == "crash":
            os._exit(1)
        if sample.completion_text == "slow":
            time.sleep(1.0)  # a CPU-heavy verifier, as far as the event loop can tell
        return Score(1.0, Status.OK)


@pytest.mark.slow
def test_pool_off_the_event_loop_dead_worker_503_and_recovery():
    async def run() -> None:
        pool = ScoringPool(Crasher(), workers=1, max_waiting=10)
        try:
            await pool.start()
            assert [s["value"] for s in await pool.score([{"completion": "fine"}], 30)] == [1.0]
            with pytest.raises(RequestError) as err:
                await pool.score([{"completion": "crash"}], 30)
            assert err.value.status == 503
            assert [s["value"] for s in await pool.score([{"completion": "fine"}], 30)] == [1.0]
            # a slow job does not block the event loop: a ticker keeps running while it is scored
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.01)
                    ticks += 1

            task = asyncio.create_task(ticker())
            assert [s["value"] for s in await pool.score([{"completion": "slow"}], 30)] == [1.0]
            task.cancel()
            assert ticks >= 30
            with pytest.raises(RequestError) as err:  # and a request that runs past its deadline gets 504
                await pool.score([{"completion": "slow"}], 0.2)
            assert err.value.status == 504
        finally:
            pool.close()

    asyncio.run(run())


def test_thread_mode_pool_scores_like_the_python_api():
    rows = [{"prompt": PROMPT, "completion": o, "answer": "14"} for o in R1_OUTPUTS] * 40

    async def run() -> list[dict]:
        pool = ScoringPool(build(RECIPE), workers=0, max_waiting=32, max_job=16)
        try:
            await pool.start()
            parts = await asyncio.gather(*[pool.score(rows[i:i + 5], 30) for i in range(0, len(rows), 5)])
            pool.max_waiting = 0  # beyond the waiting limit a request is refused with 503 (retry), not queued
            with pytest.raises(RequestError) as err:
                await pool.score(rows[:1], 30)
            assert err.value.status == 503
            return [s for part in parts for s in part]
        finally:
            pool.close()

    got = asyncio.run(run())
    assert [s["value"] for s in got] == [s.value for s in build(RECIPE).score_batch(rows)]


def test_unknown_paths_are_404_and_share_one_metrics_label(server):
    for i in range(5):
        assert httpx.get(f"{server}/nope/{i}").status_code == 404
    assert httpx.get(f"{server}/get_reward").status_code == 405
    text = httpx.get(f"{server}/metrics").text
    assert "/nope" not in text and 'path="(other)",status="404"' in text
