"""Batch scoring: `rewardkit score` / `rewardkit.batch.score_file` (streaming, workers, errors, resume, summary)."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.batch import ChunkScorer, fingerprint, progress_path, score_file
from rewardkit.cli import main
from rewardkit.core import Sample, Score, Scorer, parse_mapping
from rewardkit.errors import ConfigError, InputError, RewardkitError
from rewardkit.recipe import build

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "data" / "r1_example.jsonl"
FORMAT_ONLY = ROOT / "examples" / "recipes" / "format_only.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
BIG = 100_000  # rows: a run long enough (seconds) to be killed after its first checkpoint

GOOD = "<think>3 * 4 = 12, 2 + 12 = 14</think> <answer>14</answer>"
COMPLETIONS = [GOOD, "<answer>14</answer>", "<think>hm</think> <answer> 7<answer>", "plain text, no tags",
               [{"role": "user", "content": "hi"}, {"role": "assistant", "content": GOOD}], "ünïcødé <think>日本"]


def write_jsonl(path: Path, rows: list) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
            f.write("\n")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def generated_rows(n: int) -> list[dict]:
    return [{"id": i, "prompt": f"q{i % 7}", "completion": COMPLETIONS[i % len(COMPLETIONS)], "answer": "14",
             "meta": {"nested": [i, None, {"x": "é"}]}, "score_me": i % 3 == 0} for i in range(n)]


def rewardkit_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "rewardkit", *map(str, args)]


class CountingScorer(Scorer):
    """1.0 for every row; counts rows and score_batch calls to prove that worker counters reach the summary."""

    name = "counting"
    description = "test scorer"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self.rows = self.batches = 0

    def _score(self, sample: Sample) -> Score:
        return Score(1.0)

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        self.batches += 1
        self.rows += len(samples)
        return [Score(float(len(s.completion_text) % 2)) for s in samples]

    def collect_stats(self) -> dict[str, float]:
        stats, self.rows, self.batches = {"rows": self.rows, "batches": self.batches}, 0, 0
        return stats


def test_r1_example_format_only(tmp_path: Path) -> None:
    """DESIGN.md's worked example: strict think_format gives o1..o4 1/1/0/0 (o4's answer tag is not closed)."""
    out = tmp_path / "out.jsonl"
    summary = score_file(EXAMPLE, FORMAT_ONLY, out)
    rows = {r["id"]: r for r in read_jsonl(out)}
    assert [rows[f"r1-o{i}"]["rewards"]["think_format"] for i in range(1, 5)] == [1.0, 1.0, 0.0, 0.0]
    assert [rows[f"r1-o{i}"]["rewards"]["tag_count"] for i in range(1, 5)] == [1.0, 1.0, 0.5, 0.5]
    assert [rows[f"r1-o{i}"]["reward"] for i in range(1, 5)] == [1.5, 1.5, 0.25, 0.25]
    assert summary["rows"] == len(EXAMPLE.read_text().splitlines()) and summary["errors"] == 0


def test_r1_zero_recipe_on_example(tmp_path: Path) -> None:
    """The R1-Zero recipe (math 1.0 + think_format 0.1) on the worked example: o4's unclosed tag scores 0."""
    out = tmp_path / "out.jsonl"
    score_file(EXAMPLE, ROOT / "examples" / "recipes" / "r1_zero.yaml", out)
    rows = {r["id"]: r for r in read_jsonl(out)}
    assert [rows[f"r1-o{i}"]["reward"] for i in range(1, 5)] == pytest.approx([0.1, 1.1, 1.0, 0.0])


def test_order_fields_and_workers(tmp_path: Path) -> None:
    """-j 2 with small chunks: same bytes as in-process, input order kept, every input field kept verbatim."""
    rows = generated_rows(3000)
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    s1 = score_file(src, FORMAT_ONLY, one, workers=1, chunk_size=64)
    s2 = score_file(src, FORMAT_ONLY, two, workers=2, chunk_size=37)
    assert one.read_bytes() == two.read_bytes()
    out = read_jsonl(two)
    assert [r["id"] for r in out] == list(range(3000))
    for row, scored in zip(rows, out, strict=True):
        assert {k: v for k, v in scored.items() if k not in ("reward", "rewards", "reward_status")} == row
        assert set(scored["rewards"]) == {"think_format", "tag_count"}
        assert scored["reward_status"] == "ok"
    assert s1["reward"] == pytest.approx(s2["reward"]) and s1["status"] == s2["status"] == {"ok": 3000}


def test_worker_counters_are_summed(tmp_path: Path) -> None:
    """collect_stats() of each leaf is gathered from every worker and summed into the summary."""
    src = write_jsonl(tmp_path / "in.jsonl", generated_rows(1000))
    summary = score_file(src, CountingScorer(), tmp_path / "out.jsonl", workers=2, chunk_size=100)
    assert summary["scorer_stats"] == {"counting": {"rows": 1000, "batches": 10}}


class DyingScorer(CountingScorer):
    """Kills its worker process on the row whose completion is 'die' (a native crash, an OOM kill)."""

    name = "dying"

    def _score_batch(self, samples: list[Sample]) -> list[Score]:
        if any(s.completion == "die" for s in samples):
            os._exit(1)
        return super()._score_batch(samples)


def test_dead_worker_fails_the_run_instead_of_hanging(tmp_path: Path) -> None:
    rows = generated_rows(400)
    rows[350]["completion"] = "die"
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    with pytest.raises(RewardkitError, match="worker process died"):
        score_file(src, DyingScorer(), out, workers=2, chunk_size=50)
    state = json.loads(progress_path(out).read_text())
    assert state["lines_done"] <= 350 and not state["done"]
    assert len(out.read_bytes()) >= state["output_offset"]


def test_bad_lines_reported_and_run_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    lines = [
        {"id": 1, "completion": GOOD, "answer": "14"},
        '{"id": 2, "completion": "unterminated',
        "[1, 2, 3]",
        {"id": 4, "answer": "14"},
        "",
        {"id": 6, "completion": GOOD},
        {"id": 7, "completion": None, "answer": "14"},
        '{"id": 8, "completion": "<answer>\\u00e9 ok</answer>", "answer": "é ok"}',
        "[" * 100_000,
    ]
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    summary = score_file(src, {"use": "exact_match"}, out)
    assert [r["id"] for r in read_jsonl(out)] == [1, 8]
    assert [r["reward"] for r in read_jsonl(out)] == [1.0, 1.0]
    errors = read_jsonl(tmp_path / "out.jsonl.errors.jsonl")
    assert [e["line"] for e in errors] == [2, 3, 4, 6, 7, 9]
    assert "malformed JSON" in errors[0]["error"] and "not a JSON object" in errors[1]["error"]
    assert "completion" in errors[2]["error"] and "answer" in errors[3]["error"]
    err = capsys.readouterr().err
    assert "line 2: malformed JSON" in err and "line 6: missing required field 'answer'" in err
    assert summary["rows"] == 2 and summary["errors"] == 6 and summary["lines"] == 9


def test_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'\xef\xbb\xbf{"completion": "<answer>1</answer>"}\r\n{"completion": "x"}\r\n')
    out = tmp_path / "out.jsonl"
    score_file(src, {"use": "tag_count"}, out)
    assert out.read_bytes().startswith(b'{"completion"') and b"\r" not in out.read_bytes()
    assert [r["reward"] for r in read_jsonl(out)] == [0.5, 0.0]


def test_map_renames_fields_for_reading(tmp_path: Path) -> None:
    rows = [{"response": "<answer>42</answer>", "solution": "42", "prompt": "p"},
            {"response": "<answer>41</answer>", "solution": "42", "prompt": "p"}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    rc = main(["score", str(src), "-r", "exact_match", "-o", str(out), "--map", "completion=response",
               "--map", "answer=solution"])
    assert rc == 0
    scored = read_jsonl(out)
    assert [r["reward"] for r in scored] == [1.0, 0.0]
    assert all("completion" not in r and "answer" not in r and r["solution"] == "42" for r in scored)
    assert parse_mapping(["answer = solution"]) == {"answer": "solution"}
    with pytest.raises(ConfigError, match="--map"):
        parse_mapping(["answer"])


def test_summary_json_matches_hand_computation(tmp_path: Path) -> None:
    completions = [GOOD, "<answer>14</answer>", "<think>a</think>", "x", GOOD, "<think>a</think><answer>b"]
    src = write_jsonl(tmp_path / "in.jsonl", [{"completion": c} for c in completions] + ["not json"])
    summary_path = tmp_path / "summary.json"
    rc = main(["score", str(src), "-r", str(FORMAT_ONLY), "-o", str(tmp_path / "out.jsonl"),
               "--summary-json", str(summary_path), "-j", "1"])
    assert rc == 0
    summary = json.loads(summary_path.read_text())
    think = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    tags = [1.0, 0.5, 0.5, 0.0, 1.0, 0.75]
    total = [t + 0.5 * g for t, g in zip(think, tags, strict=True)]
    for got, want in ((summary["reward"], total), (summary["components"]["think_format"], think),
                      (summary["components"]["tag_count"], tags)):
        assert got["mean"] == pytest.approx(statistics.fmean(want))
        assert got["std"] == pytest.approx(statistics.pstdev(want))
        assert (got["min"], got["max"], got["none_share"]) == (min(want), max(want), 0.0)
    assert summary["rows"] == 6 and summary["errors"] == 1 and summary["status"] == {"ok": 6}


def test_none_values_and_statuses_in_summary(tmp_path: Path) -> None:
    """Rows a scorer skips get reward null and count in the share of None, not as 0."""
    rows = [{"completion": "<answer>1</answer>", "answer": a} for a in ("1", "2", {"not": "text"}, "1")]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    summary = score_file(src, {"use": "exact_match", "extract": "answer"}, out)
    scored = read_jsonl(out)
    nulls = [r for r in scored if r["reward"] is None]
    assert len(nulls) == 1 and nulls[0]["reward_status"] == "invalid_input"
    present = [r["reward"] for r in scored if r["reward"] is not None]
    assert summary["reward"]["none"] == len(nulls)
    assert summary["reward"]["none_share"] == pytest.approx(len(nulls) / 4)
    assert summary["reward"]["mean"] == pytest.approx(statistics.fmean(present))
    assert sum(summary["status"].values()) == 4


def test_rescoring_replaces_reward_fields(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    score_file(EXAMPLE, FORMAT_ONLY, src)
    out = tmp_path / "again.jsonl"
    score_file(src, {"use": "think_format"}, out)
    for line in out.read_text(encoding="utf-8").splitlines():
        assert line.count('"reward"') == 1 and line.count('"rewards"') == 1
        assert set(json.loads(line)["rewards"]) == {"think_format"}


def test_rescoring_a_row_with_a_lone_surrogate(tmp_path: Path) -> None:
    # half an emoji as a JSON escape: valid JSON, not encodable as UTF-8; the run used to crash on it
    src = tmp_path / "in.jsonl"
    src.write_text('{"completion": "<answer>x</answer> \\ud83d", "reward": 1.0}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = score_file(src, {"use": "think_format"}, out)
    assert summary["rows"] == 1 and summary["errors"] == 0
    row = json.loads(out.read_bytes().decode("utf-8"))
    assert row["completion"] == "<answer>x</answer> \ud83d" and row["reward"] == 0.0


def test_resume_refuses_a_missing_errors_file(tmp_path: Path) -> None:
    # the errors file used to be recreated as NUL bytes up to the recorded offset, then appended to
    src = write_jsonl(tmp_path / "in.jsonl", ["not json", {"completion": "x"}])
    out = tmp_path / "out.jsonl"
    score_file(src, FORMAT_ONLY, out)
    state = json.loads(progress_path(out).read_text())
    state["done"] = False
    progress_path(out).write_text(json.dumps(state))
    errors = tmp_path / "out.jsonl.errors.jsonl"
    errors.unlink()
    with pytest.raises(InputError, match="errors file"):
        score_file(src, FORMAT_ONLY, out, resume=True)
    assert not errors.exists()


def test_resume_refuses_another_job(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    first = score_file(EXAMPLE, FORMAT_ONLY, out)
    again = score_file(EXAMPLE, FORMAT_ONLY, out, resume=True)  # already complete: nothing to do
    assert again["rows_this_run"] == 0 and again["rows"] == first["rows"] and again["reward"] == first["reward"]
    with pytest.raises(InputError, match="different recipe"):
        score_file(EXAMPLE, {"use": "think_format"}, out, resume=True)
    other = write_jsonl(tmp_path / "other.jsonl", generated_rows(3))
    with pytest.raises(InputError, match="another input"):
        score_file(other, FORMAT_ONLY, out, resume=True)
    progress_path(out).unlink()
    with pytest.raises(InputError, match="no progress file"):
        score_file(EXAMPLE, FORMAT_ONLY, out, resume=True)


def test_fingerprint_sees_every_parameter() -> None:
    base = {"combine": "gate", "components": [{"use": "think_format"}, {"use": "tag_count", "weight": 0.5}]}
    variants = [{**base, "threshold": 0.5}, {**base, "fail_value": -1.0}, {**base, "name": "fmt"},
                {**base, "components": [{"use": "think_format", "mode": "lenient"}, base["components"][1]]},
                {**base, "components": [base["components"][0], {"use": "tag_count", "weight": 0.25}]}]
    prints = {fingerprint(build(recipe), {}) for recipe in [base, *variants]}
    prints.add(fingerprint(build(base), {"answer": "solution"}))
    assert len(prints) == len(variants) + 2
    assert fingerprint(build(base), {}) == fingerprint(build(json.loads(json.dumps(base))), {})


def test_fresh_run_overwrites_a_longer_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"old content\n" * 10_000)
    (tmp_path / "out.jsonl.errors.jsonl").write_text("stale\n")
    score_file(EXAMPLE, FORMAT_ONLY, out)
    assert len(read_jsonl(out)) == len(EXAMPLE.read_text().splitlines())
    assert (tmp_path / "out.jsonl.errors.jsonl").read_text() == ""


def test_errors_or_summary_file_never_overwrites_the_input(tmp_path: Path) -> None:
    # `--errors data.jsonl` used to truncate the input before reading it
    src = write_jsonl(tmp_path / "in.jsonl", [{"completion": "x"}, "not json"])
    before = src.read_bytes()
    with pytest.raises(InputError, match="errors file must not be the input"):
        score_file(src, FORMAT_ONLY, tmp_path / "out.jsonl", errors_path=src)
    with pytest.raises(InputError, match="summary file must not be the input"):
        score_file(src, FORMAT_ONLY, tmp_path / "out.jsonl", summary_json=src)
    with pytest.raises(InputError, match="errors file must not be the output"):
        score_file(src, FORMAT_ONLY, tmp_path / "out.jsonl", errors_path=tmp_path / "out.jsonl")
    assert src.read_bytes() == before


def test_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        score_file(tmp_path / "missing.jsonl", FORMAT_ONLY, tmp_path / "o.jsonl")
    with pytest.raises(InputError, match="must not be the input"):
        score_file(EXAMPLE, FORMAT_ONLY, EXAMPLE)
    with pytest.raises(InputError, match="stdout"):
        score_file(EXAMPLE, FORMAT_ONLY, "-", resume=True)
    with pytest.raises(ConfigError, match="chunk-size"):
        score_file(EXAMPLE, FORMAT_ONLY, tmp_path / "o.jsonl", chunk_size=0)
    assert main(["score", str(EXAMPLE), "-r", "no_such_scorer", "-o", str(tmp_path / "o.jsonl")]) == 2


def test_chunk_scorer_is_picklable() -> None:
    import pickle

    chunk_scorer = ChunkScorer(build(FORMAT_ONLY), {"answer": "solution"})
    clone = pickle.loads(pickle.dumps(chunk_scorer))
    line = json.dumps({"completion": GOOD}).encode()
    assert clone(1, [line]).out == chunk_scorer(1, [line]).out


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    return write_jsonl(path, generated_rows(BIG))


@pytest.mark.slow
def test_sigkill_then_resume_is_byte_identical(big_input: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference.jsonl"
    full = score_file(big_input, FORMAT_ONLY, reference, chunk_size=200)
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(rewardkit_cmd("score", big_input, "-r", FORMAT_ONLY, "-o", out, "--chunk-size", "200"),
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sidecar = progress_path(out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait for a checkpoint in the middle of the run
        state = json.loads(sidecar.read_text()) if sidecar.exists() else {}
        if state.get("lines_done", 0) > 0:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    state = json.loads(sidecar.read_text())
    assert 0 < state["lines_done"] < BIG and not state["done"], "the kill must land mid-run"
    resumed = subprocess.run(rewardkit_cmd("score", big_input, "-r", FORMAT_ONLY, "-o", out, "--resume",
                                           "--summary-json", tmp_path / "s.json", "-j", "2"),
                             env=ENV, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == reference.read_bytes()
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["resumed"] and summary["rows"] == BIG and summary["rows_this_run"] < BIG
    assert summary["reward"] == pytest.approx(full["reward"]) and summary["status"] == full["status"]


def test_interrupt_inside_the_writer_then_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C can arrive while the writer updates its state; the checkpoint taken on the way out must not
    # record offsets without the statistics (or the reverse): the resumed summary must equal a clean run's
    from rewardkit.batch.stats import RunStats

    src = write_jsonl(tmp_path / "in.jsonl", generated_rows(40))
    clean = score_file(src, FORMAT_ONLY, tmp_path / "clean.jsonl", chunk_size=4)
    merge, calls = RunStats.merge, []

    def interrupted(self: RunStats, other: RunStats) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        merge(self, other)

    monkeypatch.setattr(RunStats, "merge", interrupted)
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        score_file(src, FORMAT_ONLY, out, chunk_size=4)
    monkeypatch.setattr(RunStats, "merge", merge)
    resumed = score_file(src, FORMAT_ONLY, out, chunk_size=4, resume=True)
    assert out.read_bytes() == (tmp_path / "clean.jsonl").read_bytes()
    assert (resumed["rows"], resumed["reward"]) == (clean["rows"], clean["reward"])


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_resumes(big_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(rewardkit_cmd("score", big_input, "-r", FORMAT_ONLY, "-o", out, "-j", "2"),
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out.exists() and out.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    subprocess.run(rewardkit_cmd("score", big_input, "-r", FORMAT_ONLY, "-o", out, "--resume"), env=ENV,
                   check=True, capture_output=True, timeout=120)
    assert [r["id"] for r in read_jsonl(out)] == list(range(BIG))


def test_missing_output_directories_are_created(tmp_path: Path) -> None:
    nested = tmp_path / "runs" / "today"
    assert main(["score", str(EXAMPLE), "-r", str(FORMAT_ONLY), "-o", str(nested / "out.jsonl"),
                 "--summary-json", str(nested / "stats" / "summary.json")]) == 0
    assert main(["filter", str(nested / "out.jsonl"), "-o", str(tmp_path / "kept" / "kept.jsonl")]) == 0
    assert (nested / "stats" / "summary.json").exists() and (tmp_path / "kept" / "kept.jsonl").stat().st_size > 0


def test_unwritable_output_is_a_message_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    assert main(["score", str(EXAMPLE), "-r", str(FORMAT_ONLY), "-o", str(blocker / "out.jsonl")]) == 1
    assert main(["filter", str(EXAMPLE), "-o", str(blocker / "kept.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err.count("rewardkit: error: [Errno 17] File exists") == 2 and "Traceback" not in err


def test_pipe_into_head_exits_cleanly(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", generated_rows(20_000))
    proc = subprocess.Popen(rewardkit_cmd("score", src, "-r", FORMAT_ONLY, "-o", "-", "-j", "2"), env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    head = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()  # what `head -n 3` does after its third line
    _, err = proc.communicate(timeout=60)
    assert [json.loads(line)["id"] for line in head] == [0, 1, 2]
    assert proc.returncode == 0, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=8)
ROWS_OR_JUNK = st.one_of(
    st.dictionaries(st.sampled_from(["completion", "answer", "prompt", "reward", "x", "é"]), JSON_VALUES,
                    max_size=5).map(lambda d: json.dumps(d, ensure_ascii=False).encode()),
    st.fixed_dictionaries({"completion": st.text()}, optional={"answer": st.text()}).map(
        lambda d: json.dumps(d).encode()),
    st.binary(max_size=40),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(ROWS_OR_JUNK, max_size=12), first=st.integers(1, 10**6))
def test_every_line_is_a_row_or_an_error(lines: list[bytes], first: int) -> None:
    """Whatever the bytes, a chunk never raises; each non-blank line yields exactly one output row (the input
    object plus the reward fields) or one error naming its line number."""
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") + b"\n" for line in lines]
    result = ChunkScorer(build({"use": "exact_match"}))(first, lines)
    out = [json.loads(line) for line in result.out.splitlines()]
    errors = [json.loads(line) for line in result.err.splitlines()]
    nonblank = [first + i for i, line in enumerate(lines) if line.strip().removeprefix(b"\xef\xbb\xbf")]
    assert len(out) + len(errors) == len(nonblank) == result.stats.rows + result.stats.errors
    bad = {e["line"] for e in errors}
    assert bad <= set(nonblank)
    scored_inputs = [json.loads(lines[n - first]) for n in nonblank if n not in bad]
    for row, source in zip(out, scored_inputs, strict=True):
        assert {k: v for k, v in row.items() if k not in ("reward", "rewards", "reward_status")} == \
            {k: v for k, v in source.items() if k not in ("reward", "rewards", "reward_status")}
        assert row["reward_status"] in {"ok", "not_applicable", "invalid_input", "error"}
        assert row["reward"] is None or 0.0 <= row["reward"] <= 1.0
        assert set(row["rewards"]) == {"exact_match"}
