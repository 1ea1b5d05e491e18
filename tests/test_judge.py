"""The `judge` scorer against real HTTP servers on loopback: verdict parsing, prompts, position swap, the reply
cache, and the failure policies (server down, slow, 429, 5xx, garbage) while a batch goes on.

The servers here are small scripted OpenAI-compatible endpoints (real sockets, real httpx); the real model
behind `transformers serve` is exercised in test_judge_model.py (slow).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rewardkit
from rewardkit import ConfigError, Status
from rewardkit.scorers.judge import Judge, parse_score, parse_winner, summarize
from rewardkit.scorers.judge.parse import raw_score
from rewardkit.testing import check_scorer

ROOT = Path(__file__).resolve().parents[1]

# A behaviour maps (request body, index of this request) to (HTTP status, headers, body, delay in seconds).
Behaviour = Callable[[dict[str, Any], int], tuple[int, dict[str, str], Any, float]]


def chat_reply(text: str | None, tokens: tuple[int, int] = (50, 5)) -> dict[str, Any]:
    return {"id": "x", "object": "chat.completion", "model": "judge",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": tokens[0], "completion_tokens": tokens[1], "total_tokens": sum(tokens)}}


def user_text(body: dict[str, Any]) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


BLOCK = re.compile(r"<([a-z_]+)-([0-9a-f]{12})>\n(.*?)\n</\1-\2>", re.DOTALL)


def section(text: str, title: str) -> str:
    """The text under `[title]` in a default-template prompt, unwrapped from its delimited block."""
    start = text.index(f"[{title}]\n") + len(title) + 3
    found = BLOCK.match(text, start)
    assert found is not None, f"[{title}] is not followed by a delimited block"
    return found.group(3)


def equivalence_judge(body: dict[str, Any], _: int) -> tuple[int, dict[str, str], Any, float]:
    """A deterministic judge: 1 when the response equals the reference, else 0; a repair turn gets the same."""
    prompt = user_text(body)
    if "[Reference answer]" not in prompt:
        return 200, {}, chat_reply(f"Score: {len(prompt) % 11}"), 0.0
    same = section(prompt, "Reference answer").strip() == section(prompt, "Response").strip()
    return 200, {}, chat_reply(f"Compared the two.\nScore: {int(same)}"), 0.0


class ScriptedServer:
    """An OpenAI-compatible endpoint on 127.0.0.1 whose replies come from a swappable `behaviour`."""

    def __init__(self) -> None:
        self.behaviour: Behaviour = equivalence_judge
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with scripted._lock:
                    index = len(scripted.requests)
                    scripted.requests.append(body)
                    scripted.headers.append(dict(self.headers))
                status, headers, payload, delay = scripted.behaviour(body, index)
                time.sleep(delay)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for key, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.stop()


def judge(server: ScriptedServer, tmp_path: Path, **params: Any) -> Judge:
    defaults = {"model": "judge", "base_url": server.url, "cache_dir": str(tmp_path / "cache"),
                "backoff_s": 0.01, "max_backoff_s": 1.0, "timeout_s": 5.0}
    return Judge(**{**defaults, **params})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- verdict parsing ---------------------------------------------------------------------------------------

SCORES = [  # (reply, low, high, expected value in [0, 1] or None)
    ("The answers match.\nScore: 1", 0, 1, 1.0),
    ("Score: 0", 0, 1, 0.0),
    ("**Score:** 7", 1, 10, 6 / 9),
    ("Score: 8/10", 1, 10, 7 / 9),
    ("score = 10", 1, 10, 1.0),
    ("Rating: [[4]]", 1, 10, 3 / 9),
    ('{"score": 3}', 1, 10, 2 / 9),
    ('Reasoning...\n```json\n{"reasoning": "ok", "Score": "9"}\n```', 1, 10, 8 / 9),
    ("Score: 42", 1, 10, 1.0),  # clamped
    ("Score: -3", 1, 10, 0.0),  # clamped
    ("Score: 0.5", 0, 1, 0.5),
    ("Score: yes", 0, 1, 1.0),
    ("7", 1, 10, 6 / 9),  # a bare number is the whole reply
    ("First I thought Score: 2.\nOn reflection:\nScore: 9", 1, 10, 8 / 9),  # the last verdict line wins
    ("There are 7 balls, so it is fine.", 1, 10, None),  # a stray number is not a verdict
    ("Score: N", 1, 10, None),  # the format echoed back
    ("", 1, 10, None),
    ('{"score": "high"}', 1, 10, None),
    ("Score: 1e999", 1, 10, None),
    ("Score: 0 or Score: 1", 0, 1, None),  # an echoed format line
    ("Score: 1 (Score: 1 means equivalent)", 0, 1, 1.0),  # not a plain number: no verdict rather than a guess
]


@pytest.mark.parametrize(("reply", "low", "high", "expected"), SCORES)
def test_parse_score_table(reply: str, low: int, high: int, expected: float | None) -> None:
    got = parse_score(reply, low, high)
    assert got == pytest.approx(expected) if expected is not None else got is None


WINNERS = [
    ("Response A is clearer.\nWinner: A", "A"),
    ("**Winner:** B", "B"),
    ("Winner: tie", "tie"),
    ("Verdict: [[B]]", "B"),
    ("[[A]]", "A"),
    ("[[C]]", "tie"),
    ('{"winner": "B"}', "B"),
    ("B", "B"),
    ("Winner: Response A", "A"),
    ("Both are bad. A is longer than B.", None),  # no anchored verdict
    ("Winner: X", None),
    ("Winner: A, Winner: B or Winner: tie.", None),  # the instructions echoed back decide nothing
    ("Winner: A\nOn reflection, Winner: B", "B"),
    ("", None),
]


@pytest.mark.parametrize(("reply", "expected"), WINNERS)
def test_parse_winner_table(reply: str, expected: str | None) -> None:
    assert parse_winner(reply) == expected


verdictish = st.lists(st.sampled_from(["Score:", "score =", "**", "{", "}", '"score"', ":", "Winner:", "[[",
                                       "]]", "A", "B", "tie", "1e309", "nan", "-", "7", "10", "/", "\n", " ",
                                       "0.5", "inf", "yes"]) | st.text(max_size=30), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(reply=verdictish | st.text(max_size=300), low=st.integers(-5, 5), span=st.integers(1, 20))
def test_parse_never_raises_and_stays_in_range(reply: str, low: int, span: int) -> None:
    value = parse_score(reply, low, low + span)
    assert value is None or 0.0 <= value <= 1.0
    assert parse_winner(reply) in (None, "A", "B", "tie")


def test_parse_is_fast_on_hostile_replies() -> None:
    start = time.monotonic()
    for reply in ("{" * 200_000, "Score: " * 100_000, '{"score": ' * 50_000, "[[" * 100_000 + "A"):
        assert parse_score(reply, 1, 10) is None or 0 <= parse_score(reply, 1, 10) <= 1
        parse_winner(reply)
    assert time.monotonic() - start < 2.0
    assert raw_score("x" * 1_000_000 + "\nScore: 5") == 5.0


# -- configuration -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "key"), [
    ({}, "model"),
    ({"model": "m", "rubric": "helpfulnes"}, "rubric"),
    ({"model": "m", "mode": "pairwise", "rubric": "equivalence"}, "rubric"),
    ({"model": "m", "scale": [5, 5]}, "scale"),
    ({"model": "m", "template": "Rate {response} {nonsense}"}, "template"),
    ({"model": "m", "template": "Rate the answer against {reference}"}, "template"),
    ({"model": "m", "template": "Rate {response}"}, "template"),  # equivalence needs the reference
    ({"model": "m", "mode": "pairwise", "template": "{response_a} only"}, "template"),
    ({"model": "m", "template": "{response"}, "template"),
    ({"model": "m", "api_key_env": "RK_SURELY_UNSET_KEY"}, "api_key_env"),
    ({"model": "m", "base_url": "localhost:8000"}, "base_url"),
    ({"model": "m", "temprature": 0}, "temprature"),
])
def test_bad_configuration_names_the_key(params: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        rewardkit.build({"use": "judge", **params})
    assert key in str(info.value)


def test_import_stays_light() -> None:
    code = ("import sys, rewardkit; rewardkit.build({'use': 'judge', 'model': 'm'}); "
            "print(sorted(m for m in ('httpx', 'torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


# -- pointwise ---------------------------------------------------------------------------------------------

def test_pointwise_equivalence_sees_only_the_answer_region(server: ScriptedServer, tmp_path: Path) -> None:
    scorer = judge(server, tmp_path)
    rows = [{"prompt": "What is 2 + 3 * 4?", "completion": "<think>SECRET 3*4=12</think> <answer>14</answer>",
             "answer": "14"},
            {"prompt": "What is 2 + 3 * 4?", "completion": "<think>2+3=5</think> <answer>20</answer>",
             "answer": "14"}]
    scores = scorer.score_batch(rows)
    assert [(s.value, s.status) for s in scores] == [(1.0, Status.OK), (0.0, Status.OK)]
    assert scores[0].components == {"judge": 1.0} and "Score: 1" in scores[0].details["judge_replies"][0]
    prompts = [user_text(r) for r in server.requests]
    assert all("SECRET" not in p and "What is 2 + 3 * 4?" in p and "Score: N" in p for p in prompts)
    body = server.requests[0]
    assert body["temperature"] == 0 and body["model"] == "judge" and body["messages"][0]["role"] == "system"


def test_helpfulness_scale_and_custom_template(server: ScriptedServer, tmp_path: Path) -> None:
    server.behaviour = lambda body, i: (200, {}, chat_reply("Fine.\nScore: 7"), 0.0)
    helpful = judge(server, tmp_path, rubric="helpfulness", region="all")
    assert helpful.score({"prompt": "hi", "completion": "hello"}).value == pytest.approx(6 / 9)
    custom = judge(server, tmp_path, rubric="Is the reply polite?", scale=[0, 10], verdict_format="json",
                   template="{rubric}\nQ: {question}\nA: {response}\n{format_instruction} ({low}-{high})")
    assert custom.score({"prompt": "hi", "completion": "{question} {response} {0}"}).value == pytest.approx(0.7)
    prompt = user_text(server.requests[-1])
    assert prompt.startswith("Is the reply polite?\nQ: <question-")
    assert BLOCK.search(prompt, prompt.index("A: ")).group(3) == "{question} {response} {0}"
    assert '{"score": N}' in prompt and "(0-10)" in prompt


def test_api_key_from_environment(server: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RK_TEST_JUDGE_KEY", "sekrit")
    judge(server, tmp_path, api_key_env="RK_TEST_JUDGE_KEY").score({"completion": "<answer>1</answer>",
                                                                     "answer": "1"})
    assert {k.lower(): v for k, v in server.headers[0].items()}["authorization"] == "Bearer sekrit"


def test_inputs_that_need_no_call(server: ScriptedServer, tmp_path: Path) -> None:
    scorer = judge(server, tmp_path)
    empty = scorer.score({"completion": "<think>long reasoning</think><answer> </answer>", "answer": "14"})
    missing = scorer.score({"completion": "<answer>14</answer>"})
    assert (empty.value, empty.status) == (0.0, Status.OK)
    assert (missing.value, missing.status) == (None, Status.INVALID_INPUT)
    assert server.requests == []


def test_contract_over_generated_samples(server: ScriptedServer, tmp_path: Path) -> None:
    check_scorer(judge(server, tmp_path), max_examples=40)
    check_scorer(judge(server, tmp_path, mode="pairwise", other_field="answer"), max_examples=20)


# -- pairwise: both orders ---------------------------------------------------------------------------------

def prefers(marker: str) -> Behaviour:
    """A judge that picks the response containing `marker` (a tie if both or neither do)."""
    def behaviour(body: dict[str, Any], _: int) -> tuple[int, dict[str, str], Any, float]:
        prompt = user_text(body)
        a, b = marker in section(prompt, "Response A"), marker in section(prompt, "Response B")
        return 200, {}, chat_reply(f"Winner: {'tie' if a == b else 'A' if a else 'B'}"), 0.0
    return behaviour


@pytest.mark.parametrize(("behaviour", "completion", "other", "value"), [
    (prefers("GOOD"), "GOOD answer", "bad answer", 1.0),
    (prefers("GOOD"), "bad answer", "GOOD answer", 0.0),
    (prefers("GOOD"), "GOOD", "GOOD too", 0.5),
    # a judge stuck on one position: the completion keeps its lower result, never a free tie (issue 13)
    (lambda body, i: (200, {}, chat_reply("Winner: A"), 0.0), "one", "two", 0.0),
    (lambda body, i: (200, {}, chat_reply("Winner: B"), 0.0), "one", "two", 0.0),
])
def test_pairwise_swaps_positions(server: ScriptedServer, tmp_path: Path, behaviour: Behaviour,
                                  completion: str, other: str, value: float) -> None:
    server.behaviour = behaviour
    scorer = judge(server, tmp_path, mode="pairwise", region="all")
    got = scorer.score({"prompt": "Say something", "completion": completion, "reference_completion": other})
    assert (got.value, got.status) == (value, Status.OK)
    prompts = sorted((user_text(r) for r in server.requests), key=lambda p: section(p, "Response A") != completion)
    assert [(section(p, "Response A"), section(p, "Response B")) for p in prompts] == [(completion, other),
                                                                                        (other, completion)]


def test_pairwise_disagreement_tie_keeps_the_older_policy(server: ScriptedServer, tmp_path: Path) -> None:
    server.behaviour = lambda body, i: (200, {}, chat_reply("Winner: A"), 0.0)
    scorer = judge(server, tmp_path, mode="pairwise", region="all", disagreement="tie")
    assert scorer.score({"prompt": "Say", "completion": "one", "reference_completion": "two"}).value == 0.5


def test_pairwise_other_field_and_chat_messages(server: ScriptedServer, tmp_path: Path) -> None:
    server.behaviour = prefers("14")
    scorer = judge(server, tmp_path, mode="pairwise", other_field="other")
    row = {"completion": [{"role": "assistant", "content": "<think>x</think><answer>14</answer>"}],
           "other": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "<answer>20</answer>"}]}
    assert scorer.score(row).value == 1.0
    assert scorer.score({"completion": "<answer>14</answer>"}).status is Status.INVALID_INPUT
    both_empty = scorer.score({"completion": "<answer></answer>", "other": "<answer> </answer>"})
    assert (both_empty.value, both_empty.status) == (0.5, Status.OK)


# -- cache and costs ---------------------------------------------------------------------------------------

ROWS = [{"prompt": f"Question {i}?", "completion": f"<answer>{i % 3}</answer>", "answer": "1"} for i in range(12)]


def test_second_run_hits_the_cache(server: ScriptedServer, tmp_path: Path) -> None:
    first = judge(server, tmp_path, concurrency=4)
    values = [s.value for s in first.score_batch(ROWS)]
    stats = first.collect_stats()
    assert (stats["requests"], stats["calls"], stats["cache_hits"]) == (12, 12, 0)
    assert (stats["tokens_in"], stats["tokens_out"]) == (600, 60) and stats["latency_s"] > 0
    assert first.collect_stats()["calls"] == 0  # collecting resets
    again = judge(server, tmp_path)  # a new scorer over the same cache dir (a new run)
    assert [s.value for s in again.score_batch(ROWS)] == values
    stats = again.collect_stats()
    assert (stats["calls"], stats["cache_hits"], stats["tokens_in"]) == (0, 12, 0)
    assert len(server.requests) == 12
    line = summarize(stats)
    assert "12 prompts, 0 calls, 12 cache hits (100%)" in line
    # another rubric, model or temperature is another key
    judge(server, tmp_path, temperature=0.5).score_batch(ROWS[:2])
    judge(server, tmp_path, model="judge-2").score_batch(ROWS[:2])
    assert len(server.requests) == 16


def test_duplicates_in_a_batch_cost_one_call(server: ScriptedServer, tmp_path: Path) -> None:
    scorer = judge(server, tmp_path, cache=False)
    scores = scorer.score_batch([ROWS[0]] * 5)
    assert len({s.value for s in scores}) == 1 and len(server.requests) == 1
    assert scorer.collect_stats()["calls"] == 1


def test_cache_is_shared_by_worker_processes(server: ScriptedServer, tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        from rewardkit.scorers.judge import Judge
        part = int(sys.argv[1])
        scorer = Judge(model="judge", base_url={server.url!r}, cache_dir={str(tmp_path / 'cache')!r})
        rows = [{{"prompt": f"Q{{i}}", "completion": f"<answer>{{i}}</answer>", "answer": "3"}}
                for i in range(part * 20, part * 20 + 40)]  # the two workers overlap on 20 rows
        for start in range(0, 40, 4):
            scorer.score_batch(rows[start:start + 4])
        print(scorer.collect_stats()["requests"])
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", script, str(part)], stdout=subprocess.PIPE, text=True,
                                env=env) for part in (0, 1)]
    assert [w.communicate(timeout=60)[0].strip() for w in workers] == ["40.0", "40.0"]
    scorer = judge(server, tmp_path)
    rows = [{"prompt": f"Q{i}", "completion": f"<answer>{i}</answer>", "answer": "3"} for i in range(60)]
    assert [s.value for s in scorer.score_batch(rows)] == [float(i == 3) for i in range(60)]
    assert scorer.collect_stats()["cache_hits"] == 60


def test_pickled_scorer_keeps_working(server: ScriptedServer, tmp_path: Path) -> None:
    import pickle

    scorer = judge(server, tmp_path)
    assert scorer.score(ROWS[1]).value == 1.0
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone.score(ROWS[1]).value == 1.0 and clone.collect_stats()["cache_hits"] == 1


# -- failures while a batch goes on ------------------------------------------------------------------------

def test_server_down_is_infra_error_and_fails_fast(tmp_path: Path) -> None:
    scorer = Judge(model="judge", base_url=f"http://127.0.0.1:{free_port()}/v1", cache_dir=str(tmp_path),
                   backoff_s=0.05, max_retries=2, concurrency=2)
    start = time.monotonic()
    scores = scorer.score_batch(ROWS)
    assert {(s.value, s.status) for s in scores} == {(None, Status.INFRA_ERROR)}
    assert time.monotonic() - start < 3.0  # the circuit breaker stops 12 prompts from each retrying
    assert "cannot reach" in scores[0].reason or "is down" in scores[0].reason
    assert scorer.collect_stats()["infra_errors"] == 12
    combined = rewardkit.build([{"use": "exact_match"}, {"use": "judge", "model": "judge", "weight": 0.5,
                                 "base_url": f"http://127.0.0.1:{free_port()}/v1", "max_retries": 0,
                                 "cache": False}])
    result = combined.score(ROWS[1])
    assert (result.value, result.status) == (None, Status.INFRA_ERROR)  # never a silent reward of 1.0 + 0


def test_slow_server_times_out_and_others_finish(server: ScriptedServer, tmp_path: Path) -> None:
    def behaviour(body: dict[str, Any], i: int) -> tuple[int, dict[str, str], Any, float]:
        slow = "Question 4?" in user_text(body)
        return (*equivalence_judge(body, i)[:3], 3.0 if slow else 0.0)

    server.behaviour = behaviour
    scorer = judge(server, tmp_path, timeout_s=0.5, concurrency=4)
    start = time.monotonic()
    scores = scorer.score_batch(ROWS)
    assert time.monotonic() - start < 2.5
    assert (scores[4].value, scores[4].status) == (None, Status.TIMEOUT)
    assert all(s.status is Status.OK for i, s in enumerate(scores) if i != 4)
    assert scorer.collect_stats()["timeouts"] == 1
    # a timeout is not cached: the next run asks again
    server.behaviour = equivalence_judge
    assert scorer.score(ROWS[4]).status is Status.OK


def test_429_then_success_honours_retry_after(server: ScriptedServer, tmp_path: Path) -> None:
    def behaviour(body: dict[str, Any], i: int) -> tuple[int, dict[str, str], Any, float]:
        if i == 0:
            return 429, {"Retry-After": "0.4"}, {"error": "slow down"}, 0.0
        return equivalence_judge(body, i)

    server.behaviour = behaviour
    scorer = judge(server, tmp_path, backoff_s=0.0)
    start = time.monotonic()
    got = scorer.score(ROWS[1])
    assert (got.value, got.status) == (1.0, Status.OK)
    assert time.monotonic() - start >= 0.4
    assert scorer.collect_stats()["http_retries"] == 1


def test_5xx_retried_then_infra_error_for_that_prompt_only(server: ScriptedServer, tmp_path: Path) -> None:
    def behaviour(body: dict[str, Any], i: int) -> tuple[int, dict[str, str], Any, float]:
        prompt = user_text(body)
        if "Question 2?" in prompt:
            return 500, {}, {"error": "boom"}, 0.0
        if "Question 3?" in prompt and sum("Question 3?" in user_text(r) for r in server.requests) == 1:
            return 503, {}, b"busy", 0.0  # the first attempt only
        return equivalence_judge(body, i)

    server.behaviour = behaviour
    scorer = judge(server, tmp_path, max_retries=2, concurrency=3)
    scores = scorer.score_batch(ROWS)
    assert (scores[2].value, scores[2].status) == (None, Status.INFRA_ERROR) and "HTTP 500" in scores[2].reason
    assert scores[3].status is Status.OK and scores[3].value == 0.0
    assert all(s.status is Status.OK for i, s in enumerate(scores) if i != 2)
    assert sum("Question 2?" in user_text(r) for r in server.requests) == 3  # 1 try + 2 retries
    assert scorer.collect_stats()["http_retries"] == 3


def test_client_errors_and_malformed_bodies_are_infra_errors(server: ScriptedServer, tmp_path: Path) -> None:
    server.behaviour = lambda body, i: (404, {}, {"error": "model not found"}, 0.0)
    assert judge(server, tmp_path).score(ROWS[0]).status is Status.INFRA_ERROR
    assert len(server.requests) == 1  # not retried
    server.behaviour = lambda body, i: (200, {}, b"<html>proxy error</html>", 0.0)
    got = judge(server, tmp_path).score(ROWS[0])
    assert got.status is Status.INFRA_ERROR and "not a chat-completions reply" in got.reason


def test_garbage_reply_gets_one_repair_turn_then_invalid_input(server: ScriptedServer, tmp_path: Path) -> None:
    def behaviour(body: dict[str, Any], i: int) -> tuple[int, dict[str, str], Any, float]:
        prompt = user_text(body)
        if "Question 5?" in prompt:
            return 200, {}, chat_reply("I like turtles."), 0.0
        if "Question 6?" in prompt and len(body["messages"]) <= 2:
            return 200, {}, chat_reply(None), 0.0  # no content at first, a verdict on the repair turn
        if "Question 6?" in prompt:
            return 200, {}, chat_reply("Score: 1"), 0.0
        return equivalence_judge(body, i)

    server.behaviour = behaviour
    scorer = judge(server, tmp_path)
    scores = scorer.score_batch(ROWS)
    assert (scores[5].value, scores[5].status) == (None, Status.INVALID_INPUT)
    assert "after a repair turn" in scores[5].reason
    assert (scores[6].value, scores[6].status) == (1.0, Status.OK)
    repairs = [r for r in server.requests if len(r["messages"]) > 2]
    assert len(repairs) == 2 and repairs[0]["messages"][-2]["role"] == "assistant"
    assert "required format" in repairs[0]["messages"][-1]["content"]
    stats = scorer.collect_stats()
    assert (stats["repairs"], stats["invalid"]) == (2, 1)
    # in a recipe the unparseable judge is skipped (like TRL skips None), never read as 0
    recipe = rewardkit.build([{"use": "exact_match"}, {"use": "judge", "model": "judge", "weight": 0.5,
                              "base_url": server.url, "cache_dir": str(tmp_path / "cache")}])
    mixed = recipe.score(ROWS[5])
    assert mixed.value == 0.0 and mixed.components == {"exact_match": 0.0, "judge": None}
    # the unparseable replies are cached too: rescoring pays nothing
    before = len(server.requests)
    scorer.score_batch(ROWS)
    assert len(server.requests) == before
