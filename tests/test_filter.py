"""Rejection sampling and preference pairs: `rewardkit filter` / `rewardkit.filter.filter_file`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewardkit.cli import main
from rewardkit.errors import ConfigError, InputError
from rewardkit.filter import filter_file, group_key


def write_jsonl(path: Path, rows: list) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


ROWS = [
    {"id": 0, "prompt": "a", "completion": "a0", "reward": 0.5},
    {"id": 1, "prompt": "b", "completion": "b1", "reward": 1.1},
    {"id": 2, "prompt": "a", "completion": "a2", "reward": 1.1},
    {"id": 3, "prompt": "a", "completion": "a3", "reward": None},
    {"id": 4, "prompt": "a", "completion": "a4", "reward": 1.1},
    {"id": 5, "prompt": "b", "completion": "b5", "reward": 0.0},
    {"id": 6, "prompt": "c", "completion": "c6", "reward": None},
    {"id": 7, "prompt": "a", "completion": "a7", "reward": 0.1},
]


def test_best_of_one_with_deterministic_ties(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    stats = filter_file(src, tmp_path / "kept.jsonl")
    kept = read_jsonl(tmp_path / "kept.jsonl")
    assert [r["id"] for r in kept] == [1, 2]  # a: 2 and 4 tie at 1.1, the earlier line wins; c has only null
    assert stats["groups"] == 3 and stats["kept"] == 2 and stats["null_reward"] == 2


def test_best_of_k_and_threshold_keep_input_order(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    filter_file(src, tmp_path / "kept.jsonl", best_of=3, min_reward=0.1)
    assert [r["id"] for r in read_jsonl(tmp_path / "kept.jsonl")] == [0, 1, 2, 4]  # a: 2, 4, then 0 over 7
    filter_file(src, tmp_path / "kept.jsonl", best_of=10, min_reward=2.0)
    assert read_jsonl(tmp_path / "kept.jsonl") == []


def test_kept_rows_are_verbatim(tmp_path: Path) -> None:
    line = '{"prompt":"p",  "completion": "x", "reward": 1.0, "n": 1.50}'
    src = write_jsonl(tmp_path / "in.jsonl", [line])
    filter_file(src, tmp_path / "kept.jsonl")
    assert (tmp_path / "kept.jsonl").read_text() == line + "\n"


def test_chat_prompts_group_by_canonical_json(tmp_path: Path) -> None:
    p1 = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "2+2?"}]
    p1_reordered = [{"content": "be brief", "role": "system"}, {"content": "2+2?", "role": "user"}]
    p2 = [{"role": "user", "content": "2+2?"}]
    rows = [{"prompt": p1, "completion": "4", "reward": 1.0},
            {"prompt": p1_reordered, "completion": "5", "reward": 0.0},
            {"prompt": p2, "completion": "four", "reward": 0.5}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    stats = filter_file(src, tmp_path / "kept.jsonl", pairs_path=tmp_path / "pairs.jsonl")
    assert stats["groups"] == 2
    assert [r["completion"] for r in read_jsonl(tmp_path / "kept.jsonl")] == ["4", "four"]
    assert read_jsonl(tmp_path / "pairs.jsonl") == [
        {"prompt": p1, "chosen": "4", "rejected": "5", "chosen_reward": 1.0, "rejected_reward": 0.0}]
    assert group_key(p1) == group_key(p1_reordered) != group_key(p2)
    assert group_key("2") != group_key(2)


def test_pairs_need_margin_and_distinct_rows(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    pairs = tmp_path / "pairs.jsonl"
    filter_file(src, tmp_path / "kept.jsonl", pairs_path=pairs, min_margin=1.05)
    assert read_jsonl(pairs) == [
        {"prompt": "b", "chosen": "b1", "rejected": "b5", "chosen_reward": 1.1, "rejected_reward": 0.0}]
    filter_file(src, tmp_path / "kept.jsonl", pairs_path=pairs, min_margin=0.5)
    got = read_jsonl(pairs)
    assert [(p["prompt"], p["chosen"], p["rejected"]) for p in got] == [("a", "a2", "a7"), ("b", "b1", "b5")]
    filter_file(src, tmp_path / "kept.jsonl", pairs_path=pairs, min_reward=1.5)  # no chosen reaches 1.5
    assert read_jsonl(pairs) == []


def test_pairs_keep_lone_surrogates(tmp_path: Path) -> None:
    # a completion holding half an emoji (JSON `\\ud83d`) used to crash the pairs writer
    src = tmp_path / "in.jsonl"
    src.write_text('{"prompt": "p", "completion": "good", "reward": 1.0}\n'
                   '{"prompt": "p", "completion": "bad \\ud83d", "reward": 0.0}\n', encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    assert filter_file(src, tmp_path / "kept.jsonl", pairs_path=pairs)["pairs"] == 1
    assert read_jsonl(pairs)[0]["rejected"] == "bad \ud83d"


def test_bad_lines_are_reported_and_skipped(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [ROWS[1], "{oops", "[]", {"completion": "x", "reward": 1.0},
                                              {"prompt": "b", "reward": "high"}, {"prompt": "b", "reward": True}])
    stats = filter_file(src, tmp_path / "kept.jsonl")
    assert stats["errors"] == 5 and stats["kept"] == 1
    err = capsys.readouterr().err
    for n in (2, 3, 4, 5, 6):
        assert f"line {n}:" in err


def test_output_or_pairs_never_overwrite_the_input(tmp_path: Path) -> None:
    # `-o scored.jsonl` on scored.jsonl used to replace the scored file with the kept rows
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    before = src.read_bytes()
    for kwargs in ({"output_path": src}, {"output_path": tmp_path / "k.jsonl", "pairs_path": src},
                   {"output_path": tmp_path / "k.jsonl", "pairs_path": tmp_path / "k.jsonl"}):
        with pytest.raises(InputError, match="different files"):
            filter_file(src, **kwargs)
    assert src.read_bytes() == before


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    rc = main(["filter", str(src), "-o", str(tmp_path / "kept.jsonl"), "--best-of", "2", "--min-reward", "0.5",
               "--pairs", str(tmp_path / "pairs.jsonl"), "--min-margin", "0.2"])
    assert rc == 0
    assert [r["id"] for r in read_jsonl(tmp_path / "kept.jsonl")] == [1, 2, 4]
    assert len(read_jsonl(tmp_path / "pairs.jsonl")) == 2
    assert "kept 3" in capsys.readouterr().err
    assert main(["filter", str(src), "-o", str(tmp_path / "k.jsonl"), "--best-of", "0"]) == 2
    with pytest.raises(ConfigError):
        filter_file(src, tmp_path / "k.jsonl", min_reward=float("nan"))


def brute_force(rows: list[dict], k: int, min_reward: float | None) -> list[int]:
    """The reference: sort each group by (reward desc, line asc), take k, output in line order."""
    groups: dict[str, list[tuple[float, int]]] = {}
    for i, row in enumerate(rows):
        r = row["reward"]
        if r is not None and (min_reward is None or r >= min_reward):
            groups.setdefault(row["prompt"], []).append((-r, i))
    return sorted(i for members in groups.values() for _, i in sorted(members)[:k])


@settings(max_examples=60, deadline=None)
@given(rewards=st.lists(st.tuples(st.sampled_from("abcd"), st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0]),
                                                                      st.floats(-5, 5))), max_size=40),
       k=st.integers(1, 4), min_reward=st.one_of(st.none(), st.sampled_from([0.0, 0.5, 1.0])))
def test_matches_brute_force(tmp_path_factory: pytest.TempPathFactory, rewards: list, k: int,
                             min_reward: float | None) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    rows = [{"id": i, "prompt": p, "completion": f"c{i}", "reward": r} for i, (p, r) in enumerate(rewards)]
    src = write_jsonl(tmp / "in.jsonl", rows)
    filter_file(src, tmp / "kept.jsonl", best_of=k, min_reward=min_reward, pairs_path=tmp / "pairs.jsonl")
    assert [r["id"] for r in read_jsonl(tmp / "kept.jsonl")] == brute_force(rows, k, min_reward)
    for pair in read_jsonl(tmp / "pairs.jsonl"):
        group = [r["reward"] for r in rows if r["prompt"] == pair["prompt"] and r["reward"] is not None]
        assert (pair["chosen_reward"], pair["rejected_reward"]) == (max(group), min(group))
        assert pair["chosen_reward"] > pair["rejected_reward"]
