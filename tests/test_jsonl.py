"""The one JSONL reader (rewardkit.jsonl) and the one column-mapping parser, as every command uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rewardkit.cli import main
from rewardkit.core import Sample, parse_mapping
from rewardkit.errors import ConfigError, InputError
from rewardkit.jsonl import BadLine, read_jsonl

BOM = "\ufeff"


def _write(path: Path, *lines: str | bytes) -> Path:
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return path


def test_line_numbers_are_the_files_and_a_bom_is_dropped(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.jsonl", BOM + '{"a": 1}', "", "  ", '{"a": 2}', "[3]", "{bad", b'{"a": "\xff"}')
    bad: list[BadLine] = []
    rows = list(read_jsonl(path, "skip", bad.append))
    assert [(line.number, line.row) for line in rows] == [(1, {"a": 1}), (4, {"a": 2})]
    assert rows[0].raw == b'{"a": 1}'  # the bytes without the BOM, as `filter` writes them back
    assert [(b.number, b.error.split(":")[0]) for b in bad] == [(5, "not a JSON object (got list)"),
                                                                 (6, "malformed JSON"), (7, "malformed JSON")]
    assert bad[0].to_json() == {"line": 5, "error": "not a JSON object (got list)", "text": "[3]"}


def test_fail_policy_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.jsonl", '{"a": 1}', "", "{bad")
    with pytest.raises(InputError, match=r"x\.jsonl:3: malformed JSON"):
        list(read_jsonl(path))
    with pytest.raises(InputError, match="not found"):
        list(read_jsonl(tmp_path / "missing.jsonl"))
    with pytest.raises(InputError, match="is a directory"):
        list(read_jsonl(tmp_path))


def test_every_command_reads_a_file_that_starts_with_a_bom(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`train`, `rm` and `vote` used to reject line 1 of a file saved with a byte-order mark."""
    pytest.importorskip("torch")
    from rewardkit.rm.data import read_pairs
    from rewardkit.train.cli import read_rows

    row = {"prompt": "What is 2 + 3 * 4?", "completion": "<answer>14</answer>", "answer": "14", "reward": 1.0}
    data = _write(tmp_path / "rows.jsonl", BOM + json.dumps(row), json.dumps(row))
    assert len(read_rows(str(data), {})) == 2
    pairs = _write(tmp_path / "pairs.jsonl", BOM + json.dumps({"prompt": "p", "chosen": "a", "rejected": "b"}))
    assert read_pairs(pairs)[0].chosen == "a"
    assert main(["vote", str(data), "-o", str(tmp_path / "votes.jsonl")]) == 0
    assert json.loads((tmp_path / "votes.jsonl").read_text())["count"] == 2
    assert main(["filter", str(data), "-o", str(tmp_path / "kept.jsonl")]) == 0
    assert (tmp_path / "kept.jsonl").read_text().count("\n") == 1
    assert main(["score", str(data), "-r", "exact_match", "-o", str(tmp_path / "scored.jsonl")]) == 0
    assert [json.loads(x)["reward"] for x in (tmp_path / "scored.jsonl").read_text().splitlines()] == [1.0, 1.0]


def test_vote_skips_bad_lines_with_their_line_numbers(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`vote` used to abort on the first bad line, with json's position instead of the file's line."""
    good = json.dumps({"prompt": "q", "completion": "<answer>14</answer>", "answer": "14"})
    data = _write(tmp_path / "rows.jsonl", good, "", "{not json", good)
    assert main(["vote", str(data), "-o", str(tmp_path / "votes.jsonl")]) == 0
    assert json.loads((tmp_path / "votes.jsonl").read_text())["count"] == 2
    assert "line 3: malformed JSON" in capsys.readouterr().err


def test_train_and_rm_stop_at_a_bad_line_naming_it(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from rewardkit.rm.data import read_pairs
    from rewardkit.train.cli import read_rows

    data = _write(tmp_path / "rows.jsonl", '{"prompt": "p"}', "", "[1]")
    with pytest.raises(InputError, match=r"rows\.jsonl:3: not a JSON object"):
        read_rows(str(data), {})
    with pytest.raises(InputError, match=r"rows\.jsonl:1: missing field"):
        read_pairs(data)


@pytest.mark.parametrize(("spec", "expected"), [
    (None, {}),
    (["answer=solution"], {"answer": "solution"}),
    ([" answer = solution ", "prompt=question"], {"answer": "solution", "prompt": "question"}),
    ("answer=solution,prompt=question", {"answer": "solution", "prompt": "question"}),
    ({"answer": "gold"}, {"answer": "gold"}),
])
def test_one_mapping_parser(spec, expected) -> None:
    assert parse_mapping(spec) == expected


@pytest.mark.parametrize("spec", [["answer"], ["=solution"], ["answer="], ["answer=a", "answer=b"], {"answer": 3}])
def test_mapping_errors_name_the_flag(spec) -> None:
    with pytest.raises(ConfigError) as info:
        parse_mapping(spec)
    assert info.value.path == "--map"


def test_mapping_reaches_the_sample() -> None:
    sample = Sample.from_dict({"completion": "x", "solution": "14"}, parse_mapping(["answer=solution"]))
    assert sample.answer == "14"
