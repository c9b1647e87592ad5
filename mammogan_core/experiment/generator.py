"""The synthetic lesions of one (fold, k), as the seed's thesis made them: a generator trained on
exactly the k real lesions that cell's classifiers get, cached under the study folder
(`generators/fold<F>-k<K>/`, never a workspace run: `mammogan runs`, export and review do not
see it) and reused by every GAN mode and classifier seed of the (fold, k).

A source of synthetic lesions is any callable `source(request) -> Iterator[Event]` whose return
value (`yield from`'s) is a `Synthetic`: the study takes one as `run_study(..., synthetic=...)`,
so tests plant known lesions without training a GAN (`from_function`). The default is
`TrainedGenerators`; `ExistingRun` uses a workspace run (`--gan-run`) where its recorded
lesions are among every cell's k.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..atomic import atomic_open, atomic_write_json
from ..control import Control
from ..errors import InputError
from ..events import Event, Progress
from ..models import ModelSpec, build_generator, load_state_strict
from ..training import preset_config
from ..training.data import patients_of, select_patch_ids, to_uint8
from ..training.devices import speed_plan
from ..training.generate import generator_from_run, sample_batches
from ..training.runs import read_run_config, stored_train_config
from ..training.step import GUARDED_CALLS, GanStep
from ..workspace import PATCH_SIZE, Workspace
from .folds import Fold, ids_digest
from .options import StudyOptions

GENERATORS = "generators"  # the study's sub-folder of cached generators


@dataclass(frozen=True)
class Request:
    """What a (fold, k) needs: `count` synthetic lesions for its classifiers, whose real
    lesions are `lesion_ids` (pixels `lesions`, uint8 k x 1 x 128 x 128 on `device`)."""

    fold: Fold
    k: int
    lesion_ids: tuple[int, ...]
    patients: tuple[str, ...]  # the patients of those lesions
    lesions: torch.Tensor
    count: int
    seed: int
    device: torch.device
    control: Control


@dataclass(frozen=True)
class Synthetic:
    pixels: torch.Tensor  # uint8, count x 1 x 128 x 128, on the request's device
    run: str  # where they came from: the cached generator's folder, a run id, a test's name
    real_lesions: tuple[int, ...]  # the real lesion patch ids the generator learnt from
    details: dict[str, Any]


Source = Callable[[Request], Iterator[Event]]


def from_function(name: str, make: Callable[[Request], torch.Tensor]) -> Source:
    """A source from a plain function of the request (tests: planted or copied lesions)."""

    def source(req: Request) -> Iterator[Event]:
        yield from ()
        return Synthetic(make(req).to(req.device), name, req.lesion_ids, {})

    return source


def _sample(g: torch.nn.Module, req: Request) -> torch.Tensor:
    batches = [to_uint8(b) for b in sample_batches(g, req.count, req.seed, req.device, req.control)]
    if not batches:
        return torch.zeros(0, 1, PATCH_SIZE, PATCH_SIZE, dtype=torch.uint8, device=req.device)
    return torch.cat(batches).to(req.device)


class TrainedGenerators:
    """A generator per (fold, k) on its k lesions, `options.gan_steps` steps of the GAN
    preset's recipe; cached in `folder`/fold<F>-k<K>/ (generator.pt, generator.json). A cache
    whose lesions or recipe differ is retrained; one stopped mid-training is started again."""

    def __init__(self, options: StudyOptions, folder: Path) -> None:
        self.options, self.folder = options, folder

    def __call__(self, req: Request) -> Iterator[Event]:
        where = self.folder / f"fold{req.fold.index + 1}-k{req.k}"
        meta = self._meta(req)
        g = self._cached(where, meta)
        if g is None:
            g = yield from self._train(req, where, meta)
        name = f"{where.parent.parent.name}/{GENERATORS}/{where.name}"
        return Synthetic(_sample(g, req), name, req.lesion_ids, {**meta, "sample_seed": req.seed})

    def _meta(self, req: Request) -> dict[str, Any]:
        o = self.options
        return {
            "fold": req.fold.index,
            "k": req.k,
            "preset": o.gan_preset,
            "steps": o.gan_steps,
            "seed": o.seed * 7919 + 101 * req.fold.index + req.k,
            "lesion_digest": ids_digest(list(req.lesion_ids)),
        }

    def _cached(self, where: Path, meta: dict[str, Any]) -> torch.nn.Module | None:
        try:
            stored = json.loads((where / "generator.json").read_text(encoding="utf-8"))
            if {key: stored.get(key) for key in meta} != meta:
                return None
            payload = torch.load(where / "generator.pt", map_location="cpu", weights_only=True)
            spec = ModelSpec.from_dict(payload["model"])
        except (OSError, ValueError, RuntimeError, KeyError, pickle.UnpicklingError):
            return None  # none yet, or damaged: train it again
        g = build_generator(spec)
        load_state_strict(g, payload["generator"], where / "generator.pt", spec.preset)
        return g.eval()

    def _train(self, req: Request, where: Path, meta: dict[str, Any]) -> Iterator[Event]:
        o, started = self.options, time.perf_counter()
        # the study's lesion class, not the preset's filter (the pixels are given anyway)
        cfg = preset_config(o.gan_preset, seed=meta["seed"], device=str(req.device))
        engine = GanStep(cfg, req.lesions, req.device, speed_plan(cfg, req.device))
        labels = torch.Generator().manual_seed(meta["seed"] + 2)
        tag = f"fold {req.fold.index + 1}, k {req.k}: training its generator on its {req.k} lesions"
        every = max(1, o.gan_steps // 50)
        label = torch.tensor(1.0, device=req.device)
        for step in range(o.gan_steps):
            req.control.check()
            if step % engine.order.steps_per_epoch == 0:  # the trainer's smoothed label per epoch
                u = torch.rand((), generator=labels).item()
                label.fill_(cfg.real_label_min + (cfg.real_label_max - cfg.real_label_min) * u)
            engine.guarded(label) if step < GUARDED_CALLS else engine(label)
            if (step + 1) % every == 0 or step + 1 == o.gan_steps:
                yield Progress(step + 1, o.gan_steps, tag, unit="steps")
        g = engine.G.eval()
        with atomic_open(where / "generator.pt", "wb") as fh:
            torch.save({"generator": g.state_dict(), "model": engine.spec.to_dict()}, fh)
        atomic_write_json(
            where / "generator.json",
            {
                **meta,
                "real_lesions": list(req.lesion_ids),
                "patients": list(req.patients),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
        return g


class ExistingRun:
    """A workspace run's generator in every cell (`--gan-run`), accepted only where the lesions
    it recorded training on are all among the cell's k (`check`, before anything runs)."""

    def __init__(self, ws: Workspace, run_id: str) -> None:
        self.ws, self.run_id = ws, run_id
        self.trained_on = self._trained_lesions()

    def _trained_lesions(self) -> set[int]:
        """The lesion patches the run trained on: its recorded selection re-read from the
        catalogue, and refused where the count no longer matches its record."""
        selection = read_run_config(self.ws, self.run_id).get("selection") or {}
        if selection.get("patients") is None:
            raise InputError(
                f"run {self.run_id} does not record the patients it was trained on (it is "
                "older than that record), so its lesions cannot be shown to be among the "
                "cells'; leave the existing GAN run unset to train one generator per (fold, k)"
            )
        restricted = (
            frozenset(selection["patients"]) if selection.get("patients_restricted") else None
        )
        ids = set(select_patch_ids(self.ws, stored_train_config(self.ws, self.run_id), restricted))
        if len(ids) != selection.get("count"):
            raise InputError(
                f"run {self.run_id} recorded {selection.get('count')} training patches, the "
                f"catalogue now gives {len(ids)} for its selection: its lesions are unknown"
            )
        return ids

    def check(self, fold: Fold, k: int) -> None:
        outside = self.trained_on - set(fold.train_lesions[:k])
        if outside:
            patients = patients_of(self.ws, sorted(outside))
            raise InputError(
                f"run {self.run_id} trained on {len(outside)} lesion patches (of "
                f"{len(patients)} patients) that are not among fold {fold.index + 1}'s k = {k} "
                "training lesions: its synthetic lesions would carry more real lesions than "
                "the classifier gets. Leave the existing GAN run unset to train a generator "
                "per (fold, k) on exactly its k lesions"
            )

    def __call__(self, req: Request) -> Iterator[Event]:
        yield from ()
        g, source = generator_from_run(self.ws, self.run_id, "best")
        details = {**source, "sample_seed": req.seed}
        return Synthetic(_sample(g, req), self.run_id, tuple(sorted(self.trained_on)), details)
