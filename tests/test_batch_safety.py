"""Long `rewardkit score` runs are safe: an unfinished output is not truncated by a re-run without --resume,
SIGTERM checkpoints like Ctrl-C, a run that scored nothing fails and says why, and odd inputs get messages."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli

from rewardkit import Score, Scorer
from rewardkit.batch import progress_path, score_file
from rewardkit.errors import ConfigError, InputError
from rewardkit.recipe import build

ROOT = Path(__file__).resolve().parents[1]
FORMAT_ONLY = ROOT / "examples" / "recipes" / "format_only.yaml"
EXACT = '[{"use": "exact_match"}, {"use": "think_format", "weight": 0.1}]'
GOOD = "<think>three times four is twelve, plus two is fourteen</think> <answer>14</answer>"
LANGUAGE = '{"use": "language_consistency", "target": "en"}'


def _rows(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def _unfinish(out: Path, lines_done: int) -> None:
    """Make `out` look like a run that stopped after `lines_done` lines (what a kill leaves behind)."""
    state = json.loads(progress_path(out).read_text())
    state.update(done=False, lines_done=lines_done)
    progress_path(out).write_text(json.dumps(state))


def test_rerun_without_resume_refuses_to_truncate_an_unfinished_output(tmp_path):
    src = _rows(tmp_path / "in.jsonl", [{"completion": GOOD, "answer": "14"}] * 20)
    out = tmp_path / "out.jsonl"
    score_file(src, EXACT, out)
    _unfinish(out, 10)
    before = out.read_bytes()
    with pytest.raises(InputError, match=r"unfinished run \(10 input lines done\).*--resume.*--overwrite"):
        score_file(src, EXACT, out)
    assert out.read_bytes() == before  # it used to be truncated here (28,672 lines -> 14,336)
    score_file(src, EXACT, out, overwrite=True)
    assert len(out.read_text().splitlines()) == 20
    score_file(src, EXACT, out)  # a finished run may be re-run as before


def test_sigterm_checkpoints_and_hints_like_ctrl_c(tmp_path):
    rows = [{"id": i, "completion": GOOD if i % 2 else "plain", "answer": "14"} for i in range(60_000)]
    src = _rows(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "rewardkit", "score", str(src), "-r", str(FORMAT_ONLY), "-o",
                             str(out), "--chunk-size", "256"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while not (progress_path(out).exists() and out.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err  # it was killed outright: no checkpoint, no hint
    assert "run again with --resume" in err and "Traceback" not in err
    done = json.loads(progress_path(out).read_text())
    assert not done["done"] and 0 < done["lines_done"] < len(rows)
    score_file(src, FORMAT_ONLY, out, resume=True)
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == list(range(len(rows)))


def test_nothing_scored_fails_naming_the_reason_and_the_errors_file(tmp_path):
    src = _rows(tmp_path / "in.jsonl", [{"text": "no completion field"}] * 3 + ["\x00\x01 binary junk"])
    out = tmp_path / "out.jsonl"
    result = run_cli("score", str(src), "-r", EXACT, "-o", str(out))
    assert result.returncode == 3, result.stderr  # it exited 0 with 4 errors and an empty output
    assert "0 of 4 lines got a reward" in result.stderr
    assert f"{out}.errors.jsonl" in result.stderr and "bad_line: " in result.stderr
    assert "top reasons for bad_line:" in result.stdout


def test_min_scored_and_top_reasons_per_status(tmp_path):
    # 2 rows with a think region, 5 without (language_consistency: not_applicable), 1 without a completion
    rows = [{"completion": GOOD}] * 2 + [{"completion": "no think region"}] * 5 + [{"text": "x"}]
    src = _rows(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    summary = score_file(src, LANGUAGE, out, min_scored=2)
    assert summary["status"] == {"ok": 2, "not_applicable": 5}
    assert summary["reasons"]["not_applicable"] == [["the think region is empty", 5]]
    assert summary["reasons"]["bad_line"][0][1] == 1
    result = run_cli("score", str(src), "-r", LANGUAGE, "-o", str(out), "--min-scored", "3")
    assert result.returncode == 3, result.stderr
    assert "2 of 8 lines got a reward; at least 3 (--min-scored) needed" in result.stderr
    assert "top reasons for not_applicable:" in result.stdout and "the think region is empty" in result.stdout
    assert f"bad lines are listed in {out}.errors.jsonl" in result.stdout


def test_odd_inputs_get_messages_not_tracebacks(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    for args, message in [((str(empty),), "is empty"), ((str(tmp_path),), "is a directory")]:
        result = run_cli("score", *args, "-r", EXACT)
        assert result.returncode == 3 and message in result.stderr and "Traceback" not in result.stderr
    one = _rows(tmp_path / "one.jsonl", [{"completion": GOOD, "answer": "14"}])
    bad = run_cli("score", str(one), "-r", '[{"use": "exact_match"')
    assert bad.returncode == 2 and "inline JSON" in bad.stderr


def test_inline_json_recipe():
    assert build(EXACT).component_names() == ["exact_match", "think_format"]
    with pytest.raises(ConfigError, match="inline JSON"):
        build("{nope")


def test_every_scorer_caps_the_text_it_reads():
    """One 50 MB row took language_consistency 80 s and 3.3 GB; over max_chars it is refused before scoring."""
    huge = "<think>" + "word " * 400_000 + "</think> <answer>14</answer>"  # 2 MB
    recipe = [{"use": "language_consistency", "target": "en"}, {"use": "think_format", "weight": 0.1}]
    started = time.perf_counter()
    score = build(recipe).score({"completion": huge, "answer": "14"})
    assert time.perf_counter() - started < 1.0
    # a runaway completion is model output: each scorer's lowest value, never a skip that escapes the penalty
    assert score.components == {"language_consistency": 0.0, "think_format": 0.0}
    assert score.value == 0.0
    alone = build(recipe[0]).score({"completion": huge})
    assert alone.status.value == "ok" and "over max_chars=1,000,000" in alone.reason
    assert build({"use": "repetition"}).score({"completion": huge}).value == -1.0
    lifted = build({"use": "think_format", "max_chars": None}).score({"completion": huge})
    assert lifted.value == 1.0
    small = build({"use": "think_format", "max_chars": 10}).score({"completion": "<think>a</think> x"})
    assert small.value == 0.0 and small.details == {"over_max_chars": 18}
    with pytest.raises(ConfigError, match="max_chars"):
        build([{"use": "think_format", "max_chars": 0}])


@pytest.mark.parametrize(("blocked", "argv", "extra"), [
    ("safetensors", ["rm", "train", "pairs.jsonl", "-o", "rm_out"], "rm"),
    ("matplotlib", ["train", "demo", "--steps", "1"], "train"),
])
def test_a_missing_extra_is_named_before_the_command_starts(blocked, argv, extra, monkeypatch, capsys):
    from rewardkit.cli import main

    monkeypatch.setitem(sys.modules, blocked, None)  # as if it were not installed
    assert main(argv) == 1  # it was a traceback from deep inside the command
    err = capsys.readouterr().err
    assert f"needs {blocked}, which is not installed: pip install 'rewardkit[{extra}]'" in err


def test_rewardkit_testing_without_hypothesis_names_the_extra():
    code = "import sys; sys.modules['hypothesis'] = None; import rewardkit.testing"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "MissingExtra" in result.stderr and "pip install 'rewardkit[testing]'" in result.stderr


def test_every_recipe_mistake_is_reported_in_one_run(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("- {use: mathh}\n- {use: think_format, weight: heavy}\n- {use: exact_match}\n")
    with pytest.raises(ConfigError) as err:
        build(str(recipe))
    text = str(err.value)
    assert "2 problems" in text and "components[0].use" in text and "components[1].weight" in text
    broken = tmp_path / "broken.yaml"
    broken.write_text("- {use: math\n")
    result = run_cli("score", str(recipe), "-r", str(broken))
    assert result.returncode == 2 and str(broken) in result.stderr  # a YAML error names the file


def test_vote_skips_a_row_without_completion_with_its_line_number(tmp_path):
    src = _rows(tmp_path / "v.jsonl", [{"prompt": "q", "completion": "<answer>1</answer>", "answer": "1"}, "not json",
                                       {"prompt": "q", "text": "no completion"},
                                       {"prompt": "q", "completion": "<answer>1</answer>"}])
    result = run_cli("vote", str(src))
    assert result.returncode == 0, result.stderr  # the row without a completion used to end the run
    assert "line 2: malformed JSON" in result.stderr and "line 3: row has no 'completion'" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["count"] == 2


def test_every_option_help_names_its_default():
    from rewardkit.cli import build_parser

    texts = {" ".join(cmd): _help(build_parser(), cmd) for cmd in (["train", "demo"], ["filter"], ["score"],
                                                                     ["serve"])}
    assert "GRPO steps (default 120)" in texts["train demo"] and "default 0" in texts["train demo"]
    assert "(default prompt)" in texts["filter"]
    assert "(default 512)" in texts["score"] and "--min-scored" in texts["score"]
    assert "(default 170: under OpenRLHF's 180 s)" in texts["serve"]


def _help(parser, command: list[str]) -> str:
    import argparse

    for name in command:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return " ".join(parser.format_help().split())


def test_the_size_cap_holds_for_batch_scorers_too():
    # a scorer with its own score_batch and no required field used to skip the max_chars check in a batch
    class Counting(Scorer):
        name = "counting"
        value_range = (0.0, 1.0)

        def _score(self, sample):
            return Score(1.0)

        def _score_batch(self, samples):
            return [Score(1.0) for _ in samples]

    scorer = Counting()
    scorer.max_chars = 10
    batch = scorer.score_batch([{"completion": "short"}, {"completion": "x" * 50}])
    assert [s.value for s in batch] == [1.0, 0.0] and batch[1].details == {"over_max_chars": 50}
    assert [s.value for s in batch] == [scorer.score(r).value for r in ({"completion": "short"},
                                                                          {"completion": "x" * 50})]
