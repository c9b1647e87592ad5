"""`mammogan merge`: shards extracted apart and merged equal one extraction on one machine,
patch for patch; merging again changes nothing; a merge killed midway and run again ends in the
same state; a shard with other settings, or of another workspace, is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mammogan_core.workspace import Workspace

from .test_shards import catalogued, cli, extract_shard, extracted_once, state


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return catalogued(tmp_path_factory.mktemp("merge") / "main")


@pytest.fixture(scope="module")
def single_run(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    """The state of one extraction of every image on one machine."""
    return extracted_once(template, tmp_path_factory.mktemp("single") / "ws")


@pytest.fixture
def main(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "main"))


@pytest.fixture
def shards(main: Path, tmp_path: Path, capsys) -> list[Path]:  # type: ignore[no-untyped-def]
    """Shards 0/2 and 1/2 of `main`, extracted apart."""
    out = [tmp_path / "s0", tmp_path / "s1"]
    for i, folder in enumerate(out):
        extract_shard(capsys, main, folder, f"{i}/2")
    return out


def merged_state(main: Path) -> dict:  # type: ignore[type-arg]
    with Workspace.open(main) as ws:
        return state(ws)


def test_merged_shards_equal_a_single_run_and_merging_again_changes_nothing(
    main: Path,
    shards: list[Path],
    single_run: dict,  # type: ignore[type-arg]
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    code, summary = cli(capsys, "merge", "--workspace", str(main), *map(str, shards))
    assert code == 0 and summary["status"] == "finished" and summary["refused"] == []
    assert [s["shard"] for s in summary["shards"]] == ["0/2", "1/2"]
    assert summary["images_merged"] == 6
    assert summary["patches_merged"] == len(single_run["patches"])
    assert merged_state(main) == single_run
    code, again = cli(capsys, "merge", "--workspace", str(main), *map(str, shards))
    assert code == 0 and again["images_merged"] == again["patches_merged"] == 0
    assert [s["images_before"] for s in again["shards"]] == [3, 3]
    assert merged_state(main) == single_run
    with Workspace.open(main) as ws:
        stored = ws.query("SELECT COUNT(*), COUNT(DISTINCT store_index) FROM patches")[0]
        assert stored[0] == stored[1] == len(single_run["patches"])


def test_a_merge_killed_midway_ends_as_one_run_when_run_again(
    main: Path,
    shards: list[Path],
    single_run: dict,  # type: ignore[type-arg]
    capsys,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mammogan_core.workspace.merge as merge

    real, calls = merge._merge_image, []

    def dying(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 4:  # in the second shard
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(merge, "_merge_image", dying)
    code, _ = cli(capsys, "merge", "--workspace", str(main), *map(str, shards))
    assert code == 130
    monkeypatch.setattr(merge, "_merge_image", real)
    with Workspace.open(main) as ws:
        assert ws.query("SELECT COUNT(*) FROM images WHERE extracted_at IS NOT NULL")[0][0] == 3
    code, summary = cli(capsys, "merge", "--workspace", str(main), *map(str, shards))
    assert code == 0 and summary["images_merged"] == 3
    assert merged_state(main) == single_run


def test_a_shard_with_other_settings_is_refused_and_the_rest_merged(
    main: Path,
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    extract_shard(capsys, main, tmp_path / "s0", "0/2")
    extract_shard(capsys, main, tmp_path / "s1", "1/2", "--normal-per-image", "2", "--seed", "3")
    code, summary = cli(
        capsys, "merge", "--workspace", str(main), str(tmp_path / "s0"), str(tmp_path / "s1")
    )
    assert code == 0 and [s["shard"] for s in summary["shards"]] == ["0/2"]
    [refused] = summary["refused"]
    assert refused["path"] == str(tmp_path / "s1")
    assert "other extraction settings" in refused["reason"]
    assert "normal_per_image: 10 -> 2" in refused["reason"] and "seed: 0 -> 3" in refused["reason"]
    with Workspace.open(main) as ws:
        done = [r[0] for r in ws.query("SELECT id FROM images WHERE extracted_at IS NOT NULL")]
        assert done and all(i % 2 == 0 for i in done)
    # alone, nothing merges: a usage error
    code, summary = cli(capsys, "merge", "--workspace", str(main), str(tmp_path / "s1"))
    assert code == 2 and "no shard merged" in summary["error"]


def test_a_shard_of_another_workspace_or_a_plain_one_is_refused(
    main: Path,
    template: Path,
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    other = Path(shutil.copytree(template, tmp_path / "other"))
    with Workspace.open(other) as ws:  # another workspace: another creation time
        ws.conn.execute(
            "UPDATE meta SET value = '2000-01-01T00:00:00+00:00' WHERE key = 'created_at'"
        )
    extract_shard(capsys, other, tmp_path / "s0", "0/2")
    code, summary = cli(
        capsys,
        "merge",
        "--workspace",
        str(main),
        str(tmp_path / "s0"),
        str(other),
        str(tmp_path / "nowhere"),
    )
    assert code == 2
    assert "a shard of another workspace" in summary["error"]
    assert "not a shard workspace" in summary["error"]
    assert "no such folder" in summary["error"]
