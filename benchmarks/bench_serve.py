"""Load test of the reward server on loopback: many concurrent OpenRLHF clients against `rewardkit serve`.

    PYTHONPATH=. python benchmarks/bench_serve.py [--requests 1000] [--concurrency 1000] [--workers 2]

Starts `rewardkit serve` in a subprocess with the R1-Zero-like recipe (think_format 0.1 + exact_match 1.0),
fires `--requests` POST /get_reward requests at once (each with `--samples` R1 outputs), then the naive
baseline: the same kind of request one at a time. Prints requests/s, p50/p99 latency, HTTP errors, lost
responses (no answer before the deadline or a broken connection) and wrong answers (rewards that differ from
the Python API's), and the ratio of the two throughputs. Bounded: every request has a deadline, the whole run
stops after `--max-seconds`, and the server is terminated at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from rewardkit import build

ROOT = Path(__file__).resolve().parents[1]
RECIPE = [{"use": "think_format", "weight": 0.1}, {"use": "exact_match", "weight": 1.0}]
PROMPT = ("A conversation between User and Assistant. The reasoning process and answer are enclosed within "
          "<think> </think> and <answer> </answer> tags. User: What is 2 + 3 * 4?. Assistant:")
OUTPUTS = ["<think>2 + 3 = 5, 5 * 4 = 20</think> <answer> 20</answer>",
           "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>",
           "<answer>14</answer>",
           "<think>…some gibberish reasoning…</think> <answer> 7<answer>"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(recipe: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "rewardkit", "serve", "-r", str(recipe), "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode()[-2000:]}")


def payload(i: int, samples: int) -> tuple[dict, list[float]]:
    outputs = [OUTPUTS[(i + k) % 4] for k in range(samples)]
    return ({"query": [f"<s>{PROMPT}{o}<|im_end|>" for o in outputs], "prompts": [PROMPT] * samples,
             "labels": ["14"] * samples}, [EXPECTED[o] for o in outputs])


EXPECTED = {o: s.value for o, s in zip(OUTPUTS, build(RECIPE).score_batch(
    [{"completion": o, "answer": "14"} for o in OUTPUTS]), strict=True)}


async def post(port: int, body: bytes) -> tuple[int, bytes]:
    """One HTTP/1.1 POST on its own connection (as OpenRLHF's `requests.post` does); a lean client, so the
    load generator is not what is measured."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"POST /get_reward HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), content


async def one(port: int, i: int, samples: int, stats: dict, deadline_s: float) -> None:
    body, expected = payload(i, samples)
    data = json.dumps(body).encode()
    start = time.perf_counter()
    try:
        status, content = await asyncio.wait_for(post(port, data), deadline_s)
    except (OSError, asyncio.TimeoutError, ValueError, IndexError):
        stats["lost"] += 1
        return
    stats["latencies"].append(time.perf_counter() - start)
    if status != 200:
        stats["errors"] += 1
    elif json.loads(content).get("rewards") != expected:
        stats["wrong"] += 1


async def run(port: int, n: int, concurrency: int, samples: int, deadline_s: float) -> dict:
    stats = {"latencies": [], "errors": 0, "lost": 0, "wrong": 0}
    gate = asyncio.Semaphore(concurrency)

    async def bounded(i: int) -> None:
        async with gate:
            await one(port, i, samples, stats, deadline_s)

    start = time.perf_counter()
    tasks = [asyncio.create_task(bounded(i)) for i in range(n)]
    _, pending = await asyncio.wait(tasks, timeout=deadline_s)
    for task in pending:
        task.cancel()
    stats["lost"] += len(pending)
    stats["seconds"] = time.perf_counter() - start
    return stats


def report(label: str, stats: dict, n: int) -> float:
    lat = sorted(stats["latencies"])
    rps = len(lat) / stats["seconds"]
    p50 = statistics.median(lat) * 1e3 if lat else float("nan")
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1e3 if lat else float("nan")
    print(f"{label:<36} {n:>5} req  {rps:>8.1f} req/s  p50 {p50:>7.1f} ms  p99 {p99:>7.1f} ms  "
          f"errors {stats['errors']}  lost {stats['lost']}  wrong {stats['wrong']}")
    return rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--baseline-requests", type=int, default=200)
    parser.add_argument("--samples", type=int, default=8, help="samples per request")
    parser.add_argument("--workers", type=int, default=2, help="server scoring processes")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="deadline of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of both phases")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # 1,000 sockets on each side of loopback
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    with tempfile.TemporaryDirectory() as tmp:
        recipe = Path(tmp) / "r1_zero.json"
        recipe.write_text(json.dumps(RECIPE))
        port = free_port()
        server = start_server(recipe, port, args.workers)
        try:
            print(f"rewardkit serve --workers {args.workers}; {args.samples} samples per request; "
                  f"CPUs: {os.cpu_count()}")
            loaded_rps, serial_rps = [], []
            for r in range(args.rounds):  # interleaved rounds: the machine's load drifts between phases
                loaded = asyncio.run(run(port, args.requests, args.concurrency, args.samples, args.max_seconds))
                loaded_rps.append(report(f"[{r}] {args.concurrency} concurrent clients", loaded, args.requests))
                serial = asyncio.run(run(port, args.baseline_requests, 1, args.samples, args.max_seconds))
                serial_rps.append(report(f"[{r}] baseline: one at a time", serial, args.baseline_requests))
            rps, base = statistics.median(loaded_rps), statistics.median(serial_rps)
            print(f"median of {args.rounds} rounds: concurrent {rps:.1f} req/s ({rps * args.samples:.0f} samples/s), "
                  f"one at a time {base:.1f} req/s; ratio {rps / base:.2f}x")
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", params={"format": "json"}).json()
            print(f"server /metrics: requests {metrics['requests_total']}, samples {metrics['samples_total']}, "
                  f"errors {metrics['errors_total']}")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
