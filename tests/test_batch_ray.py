"""`rewardkit score --backend ray` on a local Ray instance: the same bytes, errors and resume as the local backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rewardkit.batch import progress_path, score_file

pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "data" / "r1_example.jsonl"
FORMAT_ONLY = ROOT / "examples" / "recipes" / "format_only.yaml"


def test_ray_is_imported_lazily() -> None:
    code = "import rewardkit.batch, rewardkit.cli, rewardkit.filter, sys; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_more_workers_than_cluster_cpus_is_refused_not_a_silent_hang(tmp_path: Path) -> None:
    """On a cluster of 1 CPU (as with --address), -j 2 used to hang after the first chunks: one actor never
    started. It is refused with the number to use."""
    import ray

    from rewardkit.errors import ConfigError

    ray.init(num_cpus=1, include_dashboard=False, logging_level="ERROR")
    try:
        with pytest.raises(ConfigError, match="-j 2 asks for 2 Ray workers but the cluster has 1 CPUs"):
            score_file(EXAMPLE, FORMAT_ONLY, tmp_path / "out.jsonl", workers=2, backend="ray")
    finally:
        ray.shutdown()


@pytest.mark.slow
def test_ray_backend_matches_local(tmp_path: Path) -> None:
    """Example rows plus bad lines, in chunks of 5 over 2 actors; then a resume from a mid-run checkpoint."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    lines[3:3] = ["{not json", '{"id": "no-completion"}']
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    local, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    want = score_file(src, FORMAT_ONLY, local, chunk_size=5)
    got = score_file(src, FORMAT_ONLY, ray_out, workers=2, chunk_size=5, backend="ray")
    assert ray_out.read_bytes() == local.read_bytes()
    assert (tmp_path / "ray.jsonl.errors.jsonl").read_bytes() == (tmp_path / "local.jsonl.errors.jsonl").read_bytes()
    for key in ("rows", "errors", "status", "components", "scorer_stats"):
        assert got[key] == want[key]
    assert got["reward"] == pytest.approx(want["reward"])

    # resume from a mid-run checkpoint (after line 10) with a partial row left behind by a crash: the state is
    # what a run of the same chunks over those 10 lines recorded
    prefix = tmp_path / "prefix.jsonl"
    prefix.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    score_file(prefix, FORMAT_ONLY, tmp_path / "prefix_out.jsonl", chunk_size=5)
    prefix_state = json.loads(progress_path(tmp_path / "prefix_out.jsonl").read_text())
    state = json.loads(progress_path(ray_out).read_text())
    state.update({k: prefix_state[k] for k in ("lines_done", "input_offset", "output_offset", "errors_offset",
                                                "stats")}, done=False)
    progress_path(ray_out).write_text(json.dumps(state))
    with open(ray_out, "r+b") as f:
        f.truncate(state["output_offset"])
        f.seek(state["output_offset"])
        f.write(b'{"partial": "row cut by a cra')
    resumed = score_file(src, FORMAT_ONLY, ray_out, workers=2, chunk_size=5, backend="ray", resume=True)
    assert ray_out.read_bytes() == local.read_bytes()
    assert (tmp_path / "ray.jsonl.errors.jsonl").read_bytes() == (tmp_path / "local.jsonl.errors.jsonl").read_bytes()
    assert resumed["resumed"] and resumed["rows_this_run"] == want["rows"] - 8
    assert resumed["rows"] == want["rows"] and resumed["errors"] == want["errors"]
    assert resumed["reward"] == pytest.approx(want["reward"])
