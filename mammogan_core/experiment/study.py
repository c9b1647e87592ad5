"""`run_study`: the augmentation study as a generator of events.

    for ev in run_study(ws, StudyOptions(k=(10, 25)), control):       # a new study
    for ev in run_study(ws, None, control, resume="study-2025...")    # finish a stopped one

Per fold (patient-level, folds.py): the fold's generator (trained on its training patients'
lesions, or an accepted existing run: generator.py), its synthetic lesions, then per k and
mode (modes.py) a classifier (classifier.py) scored on the fold's real test patches. Each cell
is stored as it finishes (store.py), so a resume redoes none of them.

Events: Log (the plan, warnings), Progress per generator step (unit 'steps') and per cell (unit
'cells', message 'fold F/N, k K, MODE'), CellFinished(CellResult) per cell, and last
Finished(StudyResult) with status finished or stopped (and then resume_command).
Importing this module does not import torch.
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
from .options import StudyOptions
from .results import threshold_note


def run_study(
    workspace: Workspace,
    options: StudyOptions | None,
    control: Control | None = None,
    resume: str | None = None,
) -> Iterator[Event]:
    """Run a new study with `options`, or finish the stored study `resume` (its own options)."""
    control = control or Control()
    record = None
    if resume:
        record = store.read_record(workspace, resume)
        _refuse_if_running_elsewhere(record)
        options = StudyOptions.from_dict(record["options"], strict=False)
    if options is None:
        raise InputError("a study needs its options (or the id of a study to resume)")
    yield from _Study(workspace, options, control, record).run()


def _refuse_if_running_elsewhere(record: dict[str, Any]) -> None:
    from ..training.owner import is_other_live_process

    owner = record.get("process") or {}
    if record.get("status") == "running" and is_other_live_process(owner):
        raise InputError(
            f"study {record['id']} is being run by process {owner['pid']} on {owner['host']}; "
            "stop it before resuming"
        )


def _cell_seed(seed: int, k: int, fold: int) -> int:
    """The classifier seed of a (k, fold): the same for every mode, so modes are paired."""
    return (seed * 1_000_003 + fold * 10_007 + k) % 2**31


class _Study:
    def __init__(
        self, ws: Workspace, options: StudyOptions, control: Control, record: dict | None
    ) -> None:
        self.ws, self.options, self.control, self.record = ws, options, control, record

    def run(self) -> Iterator[Event]:
        from ..training.devices import resolve_device
        from ..training.owner import this_process
        from .folds import check_k, make_folds, patient_patches
        from .generator import check_existing_run

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
        if opts.gan_run and opts.uses_gan:
            check_existing_run(self.ws, opts.gan_run, self.folds)
        if self.record is None:
            self.record = self._new_record(data)
        else:
            self._check_same_folds()
        self.record.update(status="running", process=this_process())
        self.folder = self.ws.runs_dir / self.record["id"]
        store.write_record(self.ws, self.record)
        self.device = resolve_device(opts.device)
        self.done = {(c.mode, c.k, c.fold) for c in store.read_cells(self.folder)}
        self.total = store.cells_total(opts)
        yield Log(
            f"study {self.record['id']}: {opts.describe()}; {len(data.patients)} patients, "
            f"{self.total - len(self.done)} of {self.total} cells to run on {self.device}"
        )
        status = "finished"
        try:
            for fold in self.folds:
                todo = [
                    (k, mode)
                    for k in sorted(opts.k)
                    for mode in opts.modes
                    if (mode, k, fold.index) not in self.done
                ]
                if todo:
                    yield from self._fold(fold, todo)
        except Stopped:
            status = "stopped"
        except BaseException:
            self._finish("failed")
            raise
        result = self._finish(status)
        note = threshold_note(result.results)
        if note:
            yield Log(note, "warning")
        yield Finished(result)

    # ------------------------------------------------------------------ record
    def _new_record(self, data: Any) -> dict[str, Any]:
        from ..training.runs import versions
        from .classifier import RECIPES

        study = store.new_study_id(self.ws)
        (self.ws.runs_dir / study / "cells").mkdir(parents=True)
        opts = self.options
        return {
            "kind": store.KIND,
            "id": study,
            "created": utc_now(),
            "options": opts.to_dict(),
            "folds": [{**f.record(), "generator": None, "leakage": {}} for f in self.folds],
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
                    "classifier": "(seed * 1000003 + fold * 10007 + k) mod 2^31, every mode alike",
                    "generator": "seed + fold",
                    "synthetic": "seed + 7919 * (fold + 1)",
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
    def _fold(self, fold: Any, todo: list[tuple[int, str]]) -> Iterator[Event]:
        import torch

        from .folds import leakage
        from .modes import synthetic_count

        opts, frec = self.options, self.record["folds"][fold.index]
        # drawn for the largest k whatever is left to do, so a resume sees the same lesions
        n_synthetic = max(synthetic_count(m, k, opts) for m in opts.modes for k in opts.k)
        synthetic = torch.zeros(0, 1, 1, 1, dtype=torch.uint8)
        if n_synthetic:
            synthetic = yield from self._synthetic(fold, frec, n_synthetic)
        else:
            frec["leakage"] = leakage(fold, None)
        self._save()
        pixels = self._pixels(fold)
        for k, mode in todo:
            yield Progress(
                len(self.done),
                self.total,
                f"fold {fold.index + 1}/{opts.folds}, k {k}, {mode}",
                unit="cells",
            )
            cell = yield from self._cell(fold, k, mode, pixels, synthetic)
            store.write_cell(self.folder, cell)
            self.done.add((mode, k, fold.index))
            self._write_files()
            yield CellFinished(cell)
        yield Progress(len(self.done), self.total, f"fold {fold.index + 1} done", unit="cells")

    def _synthetic(self, fold: Any, frec: dict[str, Any], n: int) -> Iterator[Event]:
        from .folds import leakage
        from .generator import synthetic_lesions, train_fold_generator, trained_patients

        opts = self.options
        run = opts.gan_run or (frec["generator"] if frec.get("generator_done") else None)
        if run is None:
            yield Log(f"fold {fold.index + 1}: training its generator on its training lesions")

            def started(run_id: str) -> None:
                frec["generator"] = run_id
                self._save()

            run = yield from train_fold_generator(
                self.ws, opts, fold, self.control, frec.get("generator"), started
            )
            if run is None:
                raise Stopped()
            frec.update(generator=run, generator_done=True)
        seen = trained_patients(self.ws, run)
        frec["leakage"] = leakage(fold, seen)
        frec["generator_patients"] = len(seen)
        if frec["leakage"]["generator_val_test_patients"]:  # the rule, checked on the record
            self._save()
            raise InputError(
                f"fold {fold.index + 1}'s generator {run} records "
                f"{frec['leakage']['generator_val_test_patients']} of the fold's validation or "
                "test patients; refusing its synthetic lesions"
            )
        seed = opts.seed + 7919 * (fold.index + 1)
        pixels, source = synthetic_lesions(self.ws, run, n, seed, self.device, self.control)
        frec.update(generator=run, synthetic_count=n, synthetic_source=source)
        yield Log(f"fold {fold.index + 1}: {n} synthetic lesions from {run}")
        return pixels

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
        self, fold: Any, k: int, mode: str, pixels: dict[str, Any], synthetic: Any
    ) -> Iterator[Event]:
        import torch

        from .classifier import RECIPES, predict, scores, train_classifier
        from .modes import training_set
        from .results import CellResult

        opts = self.options
        ts = training_set(mode, k, fold, opts)
        if ts.normal_shortfall and mode == opts.modes[0]:
            yield Log(
                f"fold {fold.index + 1}, k {k}: {len(ts.normals)} normal patches instead of "
                f"{ts.normals_wanted} (the fold's training patients have no more)",
                "warning",
            )
        parts = [
            pixels["lesions"][:k],
            synthetic[: ts.synthetic].to(self.device),
            pixels["normals"][: len(ts.normals)],
        ]
        x = torch.cat([p for p in parts if len(p)])
        y = torch.zeros(len(x), device=self.device)
        y[: k + ts.synthetic] = 1.0
        started = time.perf_counter()
        trained = train_classifier(
            x,
            y,
            pixels["val_x"],
            pixels["val_y"],
            opts.classifier_preset,
            opts.classifier_epochs,
            ts.flips,
            _cell_seed(opts.seed, k, fold.index),
            self.control,
        )
        prob = predict(trained.model, pixels["test_x"])
        return CellResult(
            mode=mode,
            k=k,
            fold=fold.index,
            **scores(pixels["test_y"], prob, RECIPES[opts.classifier_preset].threshold),
            synthetic_count=ts.synthetic,
            real_count=k,
            normal_count=len(ts.normals),
            val_f1=round(trained.val_f1, 6),
            best_step=trained.best_step,
            seconds=round(time.perf_counter() - started, 3),
        )

    def _write_files(self) -> None:
        from .plot import write_csv, write_plot
        from .results import summarise

        cells = store.read_cells(self.folder)
        summary = summarise(cells)
        write_plot(self.folder / store.PLOT, summary, cells)
        write_csv(self.folder / store.CSV, summary, cells)
