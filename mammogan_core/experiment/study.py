"""`run_study`: the augmentation study as a generator of events.

    for ev in run_study(ws, StudyOptions(k=(10, 25)), control):       # a new study
    for ev in run_study(ws, None, control, resume="study-2025...")    # finish a stopped one
    run_study(ws, options, control, synthetic=source)   # tests: a planted generator.Source

Per fold (patient-level, folds.py) and k: the (fold, k)'s synthetic lesions (a generator on
exactly its k lesions, cached in the study folder, or an accepted existing run: generator.py),
then per mode (modes.py) and classifier seed a classifier (classifier.py), its threshold chosen
on the fold's validation set, scored on the fold's real test patches. Each cell is stored as it
finishes (store.py), so a resume redoes none of them.

Events: Log (the plan, warnings), Progress per generator step (unit 'steps') and per cell (unit
'cells', message 'fold F/N, k K, MODE, seed S'), CellFinished(CellResult) per cell, the study's
warnings (stats.warnings) as Log warnings, and last Finished(StudyResult) with status finished
or stopped (and then resume_command). Importing this module does not import torch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

from ..control import Control, Stopped
from ..errors import InputError
from ..events import CellFinished, Event, Finished, Log, Progress
from ..workspace import Workspace
from ..workspace.catalogue import utc_now
from . import store
from .options import GAN_MODES, StudyOptions


def run_study(
    workspace: Workspace,
    options: StudyOptions | None,
    control: Control | None = None,
    resume: str | None = None,
    synthetic: Any = None,
) -> Iterator[Event]:
    """Run a new study with `options`, or finish the stored study `resume` (its own options);
    `synthetic`: a generator.Source instead of the trained generators (tests)."""
    control = control or Control()
    record = None
    if resume:
        record = store.read_record(workspace, resume)
        _refuse_if_running_elsewhere(record)
        options = StudyOptions.from_dict(record["options"], strict=False)
    if options is None:
        raise InputError("a study needs its options (or the id of a study to resume)")
    yield from _Study(workspace, options, control, record, synthetic).run()


def _refuse_if_running_elsewhere(record: dict[str, Any]) -> None:
    from ..training.owner import is_other_live_process

    owner = record.get("process") or {}
    if record.get("status") == "running" and is_other_live_process(owner):
        raise InputError(
            f"study {record['id']} is being run by process {owner['pid']} on {owner['host']}; "
            "stop it before resuming"
        )


def _cell_seed(seed: int, k: int, fold: int, index: int) -> int:
    """The classifier seed of a (k, fold, seed index): the same for every mode (paired)."""
    return (seed * 1_000_003 + fold * 10_007 + k + 7_919 * index) % 2**31


class _Study:
    def __init__(
        self,
        ws: Workspace,
        options: StudyOptions,
        control: Control,
        record: dict | None,
        synthetic: Any,
    ) -> None:
        self.ws, self.options, self.control, self.record = ws, options, control, record
        self.source = synthetic

    def run(self) -> Iterator[Event]:
        from ..training.devices import resolve_device
        from ..training.owner import this_process
        from .folds import check_k, make_folds, patient_patches
        from .generator import GENERATORS, ExistingRun, TrainedGenerators

        opts = self.options
        data = patient_patches(self.ws, opts)
        if data.unkeyed:
            yield Log(
                f"{data.unkeyed} patches come from images without a patient key and are left "
                "out (their patient, hence their fold, is unknown)",
                "warning",
            )
        self.folds = make_folds(data, opts)
        check_k(self.folds, opts)
        if self.source is None and opts.gan_run and opts.uses_gan:
            self.source = ExistingRun(self.ws, opts.gan_run)
            for fold in self.folds:
                for k in opts.k:
                    self.source.check(fold, k)  # refused before anything is stored
        if self.record is None:
            self.record = self._new_record(data)
        else:
            self._check_same_folds()
        self.record.update(status="running", process=this_process())
        self.folder = self.ws.runs_dir / self.record["id"]
        if self.source is None:
            self.source = TrainedGenerators(opts, self.folder / GENERATORS)
        store.write_record(self.ws, self.record)
        self.device = resolve_device(opts.device)
        self.done = {c.key for c in store.read_cells(self.folder)}
        self.total = store.cells_total(opts)
        yield Log(
            f"study {self.record['id']}: {opts.describe()}; {len(data.patients)} patients, "
            f"{self.total - len(self.done)} of {self.total} cells to run on {self.device}"
        )
        status = "finished"
        try:
            for fold in self.folds:
                todo = [key for key in store.cell_keys(opts, fold.index) if key not in self.done]
                if todo:
                    yield from self._fold(fold, todo)
        except Stopped:
            status = "stopped"
        except BaseException:
            self._finish("failed")
            raise
        result = self._finish(status)
        for warning in result.warnings:
            yield Log(warning, "warning")
        yield Finished(result)

    # ------------------------------------------------------------------ record
    def _new_record(self, data: Any) -> dict[str, Any]:
        from ..training.runs import versions
        from .classifier import RECIPES
        from .folds import leakage

        study = store.new_study_id(self.ws)
        (self.ws.runs_dir / study / "cells").mkdir(parents=True)
        opts = self.options
        return {
            "kind": store.KIND,
            "id": study,
            "created": utc_now(),
            "options": opts.to_dict(),
            "folds": [
                {**f.record(), "generators": {}, "leakage": leakage(f, None)} for f in self.folds
            ],
            "provenance": {
                "versions": versions(),
                "workspace": str(self.ws.root),
                "catalogue": self.ws.counts(),
                "patients": len(data.patients),
                "patches_without_patient": data.unkeyed,
                "classifier": {
                    "preset": opts.classifier_preset,
                    **vars(RECIPES[opts.classifier_preset]),
                },
                "seeds": {
                    "folds": opts.seed,
                    "classifier": "(seed * 1000003 + fold * 10007 + k + 7919 * seed index) "
                    "mod 2^31, every mode alike",
                    "generator": "seed * 7919 + 101 * fold + k",
                    "synthetic": "seed + 7919 * (fold + 1) + k",
                },
            },
        }

    def _check_same_folds(self) -> None:
        """A resumed study must see the data it started with (cells of both would not pair)."""
        for fold, stored in zip(self.folds, self.record["folds"], strict=True):
            now = fold.record()
            changed = [key for key in now if now[key] != stored.get(key)]
            if changed:
                raise InputError(
                    f"the workspace's patches changed since study {self.record['id']} started "
                    f"(fold {fold.index + 1}: {', '.join(changed)} differ); start a new study"
                )

    def _save(self) -> None:
        store.write_record(self.ws, self.record)

    def _finish(self, status: str) -> Any:
        self.record["status"] = status
        self._save()
        return store.study_result(self.ws, self.record, status)

    # ------------------------------------------------------------------ one fold
    def _fold(self, fold: Any, todo: list[tuple[str, int, int, int]]) -> Iterator[Event]:
        opts = self.options
        pixels = self._pixels(fold)
        for k in sorted(opts.k):
            cells = [key for key in todo if key[1] == k]
            if not cells:
                continue
            synthetic = None
            if any(mode in GAN_MODES for mode, *_rest in cells):
                synthetic = yield from self._synthetic(fold, k, pixels)
            for key in cells:
                mode, _k, _fold, seed = key
                yield Progress(
                    len(self.done),
                    self.total,
                    f"fold {fold.index + 1}/{opts.folds}, k {k}, {mode}, seed {seed + 1}",
                    unit="cells",
                )
                cell = yield from self._cell(fold, k, mode, seed, pixels, synthetic)
                store.write_cell(self.folder, cell)
                self.done.add(key)
                self._write_files()
                yield CellFinished(cell)
        yield Progress(len(self.done), self.total, f"fold {fold.index + 1} done", unit="cells")

    def _synthetic(self, fold: Any, k: int, pixels: dict[str, Any]) -> Iterator[Event]:
        """The (fold, k)'s synthetic lesions, checked against the cell's real lesions and its
        fold's validation and test patients, and recorded with the fold."""
        from ..training.data import patients_of
        from .folds import leakage
        from .generator import Request
        from .modes import extra_positives

        opts, frec = self.options, self.record["folds"][fold.index]
        lesion_ids = fold.train_lesions[:k]
        request = Request(
            fold=fold,
            k=k,
            lesion_ids=lesion_ids,
            patients=tuple(patients_of(self.ws, list(lesion_ids))),
            lesions=pixels["lesions"][:k],
            count=extra_positives(k, opts),
            seed=opts.seed + 7919 * (fold.index + 1) + k,
            device=self.device,
            control=self.control,
        )
        made = yield from self.source(request)
        outside = set(made.real_lesions) - set(lesion_ids)
        seen = set(patients_of(self.ws, list(made.real_lesions)))
        frec["generators"][str(k)] = {
            "run": made.run,
            "real_lesions": list(made.real_lesions),
            "patients": sorted(seen),
            "count": len(made.pixels),
            "outside_cell_lesions": len(outside),
            **made.details,
        }
        every = [set(g["patients"]) for g in frec["generators"].values()]
        frec["leakage"] = leakage(fold, set().union(*every))
        self._save()
        if len(made.pixels) != request.count:  # the cells' labels count on every one
            raise InputError(
                f"fold {fold.index + 1}, k {k}: the generator {made.run} gave "
                f"{len(made.pixels)} synthetic lesions, not the {request.count} asked for"
            )
        leaked = frec["leakage"]["generator_val_test_patients"]
        if outside or leaked:
            raise InputError(
                f"fold {fold.index + 1}, k {k}: the generator {made.run} learnt from "
                f"{len(outside)} lesions outside the cell's {k} and from {leaked} of the "
                "fold's validation or test patients; refusing its synthetic lesions"
            )
        yield Log(
            f"fold {fold.index + 1}, k {k}: {len(made.pixels)} synthetic lesions from {made.run}"
        )
        return made

    def _pixels(self, fold: Any) -> dict[str, Any]:
        """The fold's real patches on the device: the training pools as far as the largest k
        reaches, and the validation and test sets (real only)."""
        import numpy as np
        import torch

        def load(ids: tuple[int, ...]) -> Any:
            return torch.from_numpy(self.ws.patch_pixels(list(ids))).unsqueeze(1).to(self.device)

        kmax = max(self.options.k)
        normals = fold.train_normals[: math.ceil(self.options.normal_ratio * kmax)]
        return {
            "lesions": load(fold.train_lesions[:kmax]),
            "normals": load(normals),
            "val_x": load(fold.val_lesions + fold.val_normals),
            "val_y": np.array([1] * len(fold.val_lesions) + [0] * len(fold.val_normals)),
            "test_x": load(fold.test_lesions + fold.test_normals),
            "test_y": np.array([1] * len(fold.test_lesions) + [0] * len(fold.test_normals)),
        }

    # ------------------------------------------------------------------ one cell
    def _cell(
        self, fold: Any, k: int, mode: str, seed: int, pixels: dict[str, Any], synthetic: Any
    ) -> Iterator[Event]:
        import torch

        from .classifier import RECIPES, predict, scores, train_classifier, validation_threshold
        from .modes import training_set
        from .results import CellResult

        opts = self.options
        ts = training_set(mode, k, fold, opts)
        if ts.normal_shortfall and mode == opts.modes[0] and seed == 0:
            yield Log(
                f"fold {fold.index + 1}, k {k}: {len(ts.normals)} normal patches instead of "
                f"{ts.normals_wanted} (the fold's training patients have no more)",
                "warning",
            )
        lesions = pixels["lesions"][:k]
        parts = [
            lesions,
            lesions[torch.arange(ts.repeats, device=self.device) % k],  # cycling through the k
            synthetic.pixels[: ts.synthetic] if ts.synthetic else lesions[:0],
            pixels["normals"][: ts.negatives],
        ]
        x = torch.cat(parts)
        y = torch.zeros(len(x), device=self.device)
        y[: ts.positives] = 1.0
        recipe = RECIPES[opts.classifier_preset]
        started = time.perf_counter()
        trained = train_classifier(
            x,
            y,
            pixels["val_x"],
            pixels["val_y"],
            opts.classifier_preset,
            opts.classifier_steps,
            # the ORG set's epoch, so every mode of the cell decays its rate alike
            -(-(k + ts.negatives) // recipe.batch_size),
            ts.flips,
            _cell_seed(opts.seed, k, fold.index, seed),
            self.control,
        )
        threshold, val_f1 = validation_threshold(
            pixels["val_y"], predict(trained.model, pixels["val_x"])
        )
        prob = predict(trained.model, pixels["test_x"])
        generator = None
        if ts.synthetic:
            generator = {"run": synthetic.run, "real_lesions": list(synthetic.real_lesions)}
        return CellResult(
            mode=mode,
            k=k,
            fold=fold.index,
            seed=seed,
            **scores(pixels["test_y"], prob, threshold),
            threshold=round(threshold, 6),
            threshold_source="validation",
            positives=ts.positives,
            negatives=ts.negatives,
            synthetic_count=ts.synthetic,
            real_count=k,
            repeats=ts.repeats,
            normal_count=ts.negatives,
            generator=generator,
            selected_step=trained.selected_step,
            first_check=trained.selected_step == trained.history[0][0] and len(trained.history) > 1,
            val_ap=round(trained.val_ap, 6),
            val_auc=None if trained.val_auc is None else round(trained.val_auc, 6),
            val_f1=round(val_f1, 6),
            seconds=round(time.perf_counter() - started, 3),
        )

    def _write_files(self) -> None:
        from .plot import write_csv, write_plot
        from .stats import summarise

        cells = store.read_cells(self.folder)
        summary = summarise(cells)
        write_plot(self.folder / store.PLOT, summary, cells)
        write_csv(self.folder / store.CSV, summary, cells)
