"""The t-SNE map: real points stay put while others are placed, synthetic lesions land among the
real lesions, frames and progress arrive while it builds, a stop leaves the earlier map whole,
the saved map reopens as it was and its patch ids name the workspace's patches, and
`mammogan evaluate --tsne --json` carries the map."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mammogan_core.cli.main import run_cli
from mammogan_core.control import Control
from mammogan_core.events import EmbeddingFrame, Finished, Progress
from mammogan_core.metrics.inception import sha256_of
from mammogan_core.metrics.tsne import TsneOptions, build_tsne, load_tsne
from mammogan_core.metrics.tsne_embed import embed, even_sample, first_map_points
from mammogan_core.metrics.tsne_options import FROZEN
from mammogan_core.workspace import Workspace

from .test_train import add_lesions

TINY = TsneOptions(
    synthetic=16, early_iter=40, n_iter=40, place_iter=20, chunk=20, first_map_normals=20
)


def drive(gen):
    """(events, return value) of a generator that returns a value."""
    events = []
    while True:
        try:
            events.append(next(gen))
        except StopIteration as done:
            return events, done.value


def clusters(n: int, centres: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return (centres[rng.integers(0, len(centres), n)] + rng.normal(size=(n, 64))).astype(np.float32)


def test_placed_points_leave_the_real_ones_where_they_were_and_land_among_their_kind() -> None:
    rng = np.random.default_rng(0)
    lesion_centres, tissue_centres = rng.normal(0, 6, (2, 64)), rng.normal(0, 6, (2, 64))
    real = np.concatenate([clusters(120, lesion_centres, rng), clusters(280, tissue_centres, rng)])
    is_lesion = np.arange(400) < 120
    synthetic = clusters(40, lesion_centres, rng)
    first = first_map_points(is_lesion, np.zeros(400), np.arange(400) // 4, TINY)
    assert len(first) == 140 and is_lesion[first].sum() == 120  # every lesion, 20 normals

    events, emb = drive(embed(real, first, synthetic, replace(TINY, placement=FROZEN)))

    frames = [e for e in events if isinstance(e, EmbeddingFrame)]
    assert {f.stage for f in frames} == {"initial", "placing", "synthetic"}
    first_map = [f for f in frames if f.stage == "initial"][-1].coords
    before_synthetic = [f for f in frames if f.stage == "placing"][-1].coords
    # the first map does not move while the others are placed, nor the real points while the
    # synthetic ones are
    np.testing.assert_array_equal(emb.coords[first], first_map[first])
    np.testing.assert_array_equal(emb.coords[:400], before_synthetic[:400])
    assert np.isnan(first_map[400:]).all() and not np.isnan(emb.coords).any()
    # each synthetic lesion's nearest real point in the map is a real lesion
    d = np.linalg.norm(emb.coords[400:, None] - emb.coords[None, :400], axis=2)
    assert is_lesion[d.argmin(axis=1)].mean() >= 0.9


def _gap(coords: np.ndarray, lesions: np.ndarray, synthetic: np.ndarray) -> float:
    """The median distance from a synthetic point to its nearest real lesion, in units of the
    real lesions' median spacing (their nearest-neighbour distance)."""
    real = coords[lesions]
    spacing = np.linalg.norm(real[:, None] - real[None], axis=2)
    np.fill_diagonal(spacing, np.inf)
    to_real = np.linalg.norm(coords[synthetic][:, None] - real[None], axis=2).min(1)
    return float(np.median(to_real) / np.median(spacing.min(1)))


def test_a_planted_off_manifold_cluster_is_apart_in_the_joint_map_only() -> None:
    """Synthetic lesions unlike every real point: optimised with the real ones (joint) they form
    their own island; placed into the real map (frozen) they land beside their nearest real
    points, the limitation the frozen option states."""
    rng = np.random.default_rng(3)
    lesion_centres, tissue_centres = rng.normal(0, 6, (2, 64)), rng.normal(0, 6, (2, 64))
    real = np.concatenate([clusters(100, lesion_centres, rng), clusters(200, tissue_centres, rng)])
    is_lesion = np.arange(300) < 100
    off = clusters(60, rng.normal(0, 6, (1, 64)) + 12, rng)  # a cluster of its own
    first = first_map_points(is_lesion, np.zeros(300), np.arange(300) // 4, TINY)
    lesions, synthetic = np.flatnonzero(is_lesion), 300 + np.arange(60)

    _, joint = drive(embed(real, first, off, TINY))  # joint: the default
    assert not np.isnan(joint.coords).any() and len(joint.coords) == 360
    d = np.linalg.norm(joint.coords[synthetic, None] - joint.coords[None, :], axis=2)
    d[np.arange(60), synthetic] = np.inf
    assert (d.argmin(1) >= 300).mean() >= 0.95  # each synthetic point's neighbour: synthetic
    _, frozen = drive(embed(real, first, off, replace(TINY, placement=FROZEN)))
    joint_gap, frozen_gap = (
        _gap(joint.coords, lesions, synthetic),
        _gap(frozen.coords, lesions, synthetic),
    )
    assert joint_gap > 10 and frozen_gap < 5, (joint_gap, frozen_gap)


def test_the_saved_picture_draws_real_lesions_above_synthetic_ones(tmp_path) -> None:
    from mammogan_core.metrics.figures import _LEGEND_PX, TSNE_COLOURS, write_tsne

    coords = np.array([[0, 0], [0, 0], [1, 1], [1, 1], [2, 2]], np.float32)  # pairs overlap
    kind = np.array(
        ["synthetic_lesion", "real_lesion", "real_lesion", "synthetic_lesion", "normal"]
    )
    write_tsne(tmp_path / "map.png", coords, kind)
    pixels = np.asarray(Image.open(tmp_path / "map.png").convert("RGB"))[_LEGEND_PX:]
    found = {tuple(int(c) for c in p) for p in pixels.reshape(-1, 3)}
    assert TSNE_COLOURS["real_lesion"] in found and TSNE_COLOURS["normal"] in found
    assert TSNE_COLOURS["synthetic_lesion"] not in found  # both synthetic points under real ones


def test_the_first_map_takes_every_group_before_a_second_of_any() -> None:
    groups = np.array([0] * 50 + [1] * 3 + [2] * 1)
    picked = even_sample(groups, 6, np.random.default_rng(1))
    assert sorted(np.bincount(groups[picked], minlength=3)) == [1, 2, 3]
    assert len(even_sample(groups, 100, np.random.default_rng(1))) == len(groups)


@pytest.fixture(scope="module")
def mapped(demo_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo workspace with a tiny map of its run, and the build's events."""
    root = Path(shutil.copytree(demo_template, tmp_path_factory.mktemp("tsne") / "demo"))
    with Workspace.open(root) as ws:
        run = ws.query("SELECT id FROM runs")[0][0]
        events = list(build_tsne(ws, run, options=TINY))
    return root, run, events


def test_frames_and_progress_arrive_while_the_map_builds(mapped) -> None:
    _, _, events = mapped
    frames = [e for e in events if isinstance(e, EmbeddingFrame)]
    progress = [e.done for e in events if isinstance(e, Progress) and e.unit == "iterations"]
    # joint (the default): the synthetic lesions are in the first map, one placing stage after
    assert len(frames) >= 6 and progress == sorted(progress) and progress[-1] == 100
    n = len(frames[-1].coords)
    assert all(f.coords.shape == (n, 2) and f.coords.dtype == np.float32 for f in frames)
    assert np.isnan(frames[0].coords).any() and not np.isnan(frames[-1].coords).any()
    assert isinstance(events[-1], Finished) and events[-1].summary.status == "finished"


def test_the_saved_map_reopens_as_built_and_names_real_patches(mapped) -> None:
    root, run, events = mapped
    result = events[-1].summary
    last = [e for e in events if isinstance(e, EmbeddingFrame)][-1]
    with Workspace.open(root) as ws:
        m = load_tsne(ws.runs_dir / run, ws)  # a run folder opens its newest map
        assert m.folder == Path(result.path)
        assert load_tsne(Path(result.path) / "map.npz", ws).folder == m.folder
        np.testing.assert_array_equal(m.coords, last.coords)
        assert {k: int((m.kind == k).sum()) for k in result.counts} == result.counts
        assert result.counts["synthetic_lesion"] == 16 and result.counts["real_lesion"] >= 1
        real = np.flatnonzero(m.patch_id >= 0)
        labels = dict(ws.query("SELECT id, label FROM patches"))
        expected = [
            "real_lesion" if labels[int(p)] == "lesion" else "normal" for p in m.patch_id[real]
        ]
        assert list(m.kind[real]) == expected
        np.testing.assert_allclose(
            m.images(real[::-1]), ws.patch_pixels(m.patch_id[real[::-1]]) / 255.0, atol=1e-6
        )
        synthetic = np.flatnonzero(m.patch_id < 0)
        assert (m.kind[synthetic] == "synthetic_lesion").all()
        shown = m.images(synthetic[[3, 0]])
        assert shown.shape == (2, 128, 128) and shown.dtype == np.float32
        stored = np.load(m.folder / "synthetic.npy")[[3, 0]]
        np.testing.assert_allclose(shown, stored / 255.0, atol=1e-6)
        info = json.loads((m.folder / "map.json").read_text())
        assert info["checkpoint_sha256"] == sha256_of(ws.resolve(info["checkpoint"]))
        assert info["counts"] == result.counts and info["versions"]["openTSNE"]
    m.to_csv(root / "map.csv")
    rows = (root / "map.csv").read_text().splitlines()
    assert len(rows) == len(m) + 1 and rows[0] == "index,x,y,kind,lesion_type,patch_id"
    with Image.open(result.figure) as figure:
        assert figure.size[0] > 0


def test_a_stop_leaves_the_earlier_map_whole(mapped) -> None:
    root, run, _ = mapped
    with Workspace.open(root) as ws:
        folder = Path(load_tsne(ws.runs_dir / run, ws).folder)
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        control = Control()
        events = []
        for event in build_tsne(ws, run, options=TINY, control=control):
            events.append(event)
            if isinstance(event, EmbeddingFrame) and event.stage == "placing":
                control.stop()
    assert events[-1].summary.status == "stopped" and events[-1].summary.path is None
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in folder.parent.iterdir() if "tsne" in p.name) == ["tsne"]


def test_evaluate_with_tsne_reports_the_map(demo_ws: Path, capsys) -> None:
    with Workspace.open(demo_ws) as ws:
        run = ws.query("SELECT id FROM runs")[0][0]
        add_lesions(ws, 12)  # the demo's two lesions are too few for the metrics
    argv = ["evaluate", "--workspace", str(demo_ws), "--run", run, "--n", "12", "--json"]
    assert run_cli([*argv, "--device", "cpu", "--tsne"]).exit_code == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    tsne = out["tsne"]
    assert tsne["status"] == "finished" and tsne["counts"]["synthetic_lesion"] == 12
    assert Path(tsne["path"]).parent == Path(out["report_dir"])
    assert (Path(tsne["path"]) / "map.npz").is_file() and Path(tsne["figure"]).is_file()
    assert json.loads((Path(out["report_dir"]) / "report.json").read_text())["tsne"] == tsne


def test_the_lesion_types_setting_maps_those_real_lesions_and_every_normal(
    mapped, tmp_path
) -> None:
    import dataclasses

    root, run, events = mapped
    everything = events[-1].summary.counts
    copy = Path(shutil.copytree(root, tmp_path / "demo"))
    with Workspace.open(copy) as ws:
        masses = ws.query("SELECT COUNT(*) FROM patches WHERE lesion_type = 'mass'")[0][0]
        assert everything["real_lesion"] == masses  # the demo's lesions are masses
        calcs = np.random.default_rng(0).integers(0, 255, (3, 128, 128), dtype=np.uint8)
        ws.add_patches(calcs, [{"label": "lesion", "lesion_type": "calcification"}] * 3)
        only = dataclasses.replace(TINY, lesion_types=("mass",))
        counts = list(build_tsne(ws, run, options=only))[-1].summary.counts
    assert counts["real_lesion"] == masses  # not the 3 calcifications
    assert counts["normal"] == everything["normal"]
