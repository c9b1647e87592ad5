"""The built-in demo: synthetic DICOM mammograms -> import -> patches -> a small CPU training run.

Every step is idempotent, so running the demo again after a kill continues where it stopped
(the corpus skips finished images, import ignores rows it has, extraction skips finished images,
training resumes its last checkpoint).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from .control import Control
from .events import Event, Finished, Log
from .runner import drive
from .workspace import Workspace

# resources/demo.json: 40 images and the training preset (`cpu`: 300 epochs on their ~30
# training lesions).
SETTINGS: dict[str, Any] = json.loads(
    resources.files("mammogan_resources").joinpath("demo.json").read_text(encoding="utf-8")
)
DEMO_IMAGES: int = SETTINGS["images"]
DEMO_SEED: int = SETTINGS["seed"]
_DONE_KEY = "demo_complete"


def default_demo_dir() -> Path:
    """Where "Open the demo" puts its workspace (MAMMOGAN_DEMO_DIR overrides it)."""
    return Path(os.environ.get("MAMMOGAN_DEMO_DIR") or Path.home() / "MammoGAN" / "demo")


def is_complete_demo(folder: str | Path) -> bool:
    try:
        ws = Workspace.open(folder)
    except Exception:
        return False
    with ws:
        return bool(ws.query("SELECT 1 FROM meta WHERE key=?", (_DONE_KEY,)))


def _forward(events: Iterator[Event], results: dict[str, Any], key: str) -> Iterator[Event]:
    """Yield a step's events; keep its Finished summary under `key` instead of ending the demo."""
    for ev in events:
        if isinstance(ev, Finished):
            results[key] = ev.as_dict()
        else:
            yield ev


def demo_steps(
    folder: str | Path,
    control: Control,
    n_images: int = DEMO_IMAGES,
    seed: int = DEMO_SEED,
    train: bool = True,
    train_epochs: int | None = None,
) -> Iterator[Event]:
    from .extraction import ExtractParams, extract_patches
    from .importing import import_dataset
    from .phantom import generate_corpus

    folder = Path(folder).expanduser()
    ws = Workspace.open_or_create(folder)
    results: dict[str, Any] = {}
    try:
        corpus = ws.data_dir / "phantom"
        yield Log(f"1/4 writing {n_images} synthetic DICOM mammograms to {corpus}")
        yield from _forward(generate_corpus(corpus, n_images, seed, control), results, "phantom")
        control.check()
        yield Log("2/4 importing the corpus and its annotation CSV")
        yield from _forward(
            import_dataset(ws, corpus, "generic", corpus / "annotations.csv", control),
            results,
            "import",
        )
        control.check()
        yield Log("3/4 extracting lesion and normal-tissue patches")
        yield from _forward(
            extract_patches(
                ws, ExtractParams(seed=seed), control, workers=min(2, os.cpu_count() or 1)
            ),
            results,
            "extract",
        )
        control.check()
        if train:
            yield Log(f"4/4 training the {SETTINGS['train_preset']} DCGAN preset")
            yield from _forward(_train_step(ws, control, seed, train_epochs), results, "train")
        if not control.stop_requested:
            with ws.transaction() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", (_DONE_KEY,)
                )
        summary = {"workspace": str(ws.root), **ws.counts(), "steps": results}
    finally:
        ws.close()
    yield Finished(summary)


def _train_step(ws: Workspace, control: Control, seed: int, epochs: int | None) -> Iterator[Event]:
    """Train the demo's preset, or resume the demo's interrupted run, or skip a finished one."""
    from .errors import InputError
    from .training import preset_config, train
    from .training.runs import find_checkpoint, list_runs

    runs = list_runs(ws)
    if runs and runs[-1]["status"] == "finished":
        yield Log(f"training already finished ({runs[-1]['id']})")
        return
    resume = None
    if runs:
        try:
            find_checkpoint(ws, runs[-1]["id"], "last")
            resume = runs[-1]["id"]
        except InputError:  # killed before its first checkpoint: start again
            resume = None
    config = preset_config(SETTINGS["train_preset"], seed=seed, epochs=epochs)
    yield from train(ws, None if resume else config, control, resume=resume)


def run_demo(folder: str | Path, control: Control | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run the whole demo headless; return its summary."""
    return drive(demo_steps(folder, control or Control(), **kwargs))
