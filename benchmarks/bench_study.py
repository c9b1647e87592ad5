"""The whole small augmentation study on the CPU, on the demo's phantoms and on the film
phantoms: every mode (ORG, AugORG, Oversample, AugOversample, GAN, AugGAN), 3 folds, the
classifier seeds, a generator per (fold, k) trained on its k masses. Target: each study within
10 minutes on a CPU.

For each data set it builds a workspace in a temporary folder (the demo's phantoms: generated,
imported and extracted as `mammogan demo` does, without its training; the film phantoms:
`mammogan phantom --film`, imported as mini-MIAS, extracted) and times the study alone, with
its cells, generators trained, warnings and the summary's AP per mode at the largest k.
Reports the machine's load average before and after (the numbers are only comparable on an
idle machine).

Run by hand: `python benchmarks/bench_study.py [--k 4 8] [--seeds 3] [--classifier-steps 60]
[--gan-steps 60] [--gan-preset cpu] [--film-images 60]`; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from mammogan_core.control import Control
from mammogan_core.events import Finished, Progress
from mammogan_core.experiment.options import StudyOptions
from mammogan_core.experiment.study import run_study
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.importing import import_dataset
from mammogan_core.phantom import generate_corpus, generate_film_corpus
from mammogan_core.runner import drive
from mammogan_core.workspace import Workspace


def demo_workspace(folder: Path, images: int, seed: int) -> None:
    with Workspace.create(folder) as ws:
        corpus = ws.data_dir / "phantom"
        drive(generate_corpus(corpus, images, seed, Control()))
        drive(import_dataset(ws, corpus, "generic", corpus / "annotations.csv", Control()))
        drive(extract_patches(ws, ExtractParams(seed=seed), Control(), workers=1))


def film_workspace(folder: Path, images: int, seed: int) -> None:
    with Workspace.create(folder) as ws:
        corpus = ws.data_dir / "film"
        drive(generate_film_corpus(corpus, images, seed, Control()))
        drive(import_dataset(ws, corpus, "mias", None, Control()))
        drive(extract_patches(ws, ExtractParams(seed=seed), Control(), workers=1))


def study(folder: Path, options: StudyOptions) -> dict[str, Any]:
    started = time.perf_counter()
    generators = 0
    with Workspace.open(folder) as ws:
        masses = ws.query(
            "SELECT COUNT(*) FROM patches WHERE label='lesion' AND lesion_type='mass'"
        )[0][0]
        result = None
        for ev in run_study(ws, options, Control()):
            if isinstance(ev, Progress) and ev.unit == "steps" and ev.done == ev.total:
                generators += 1
            elif isinstance(ev, Finished):
                result = ev.summary
    assert result is not None
    kmax = max(options.k)
    return {
        "mass_patches": masses,
        "study_s": round(time.perf_counter() - started, 1),
        "cells": len(result.results),
        "generators_trained": generators,
        "ap_at_largest_k": {
            r.mode: r.ap.mean and round(r.ap.mean, 3) for r in result.summary if r.k == kmax
        },
        "established": [
            f"{c.mode} - {c.baseline} k {c.k} {c.metric}"
            for c in result.comparisons
            if c.established
        ],
        "warnings": list(result.warnings),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--k", type=int, nargs="+", default=[4, 8])
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--classifier-steps", type=int, default=60)
    p.add_argument("--classifier-preset", default="alyafi2020")
    p.add_argument("--gan-steps", type=int, default=60)
    p.add_argument("--gan-preset", default="cpu")
    p.add_argument("--demo-images", type=int, default=36)
    p.add_argument("--film-images", type=int, default=60)
    p.add_argument("--only", choices=("demo", "film"), default=None)
    p.add_argument("--seed", type=int, default=2020)
    args = p.parse_args()
    options = StudyOptions(
        k=tuple(args.k),
        seeds=args.seeds,
        classifier_preset=args.classifier_preset,
        classifier_steps=args.classifier_steps,
        gan_preset=args.gan_preset,
        gan_steps=args.gan_steps,
        device="cpu",
    )
    out: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_before": [round(v, 2) for v in os.getloadavg()],
        "options": options.to_dict(),
    }
    builders = {
        "demo": (demo_workspace, args.demo_images),
        "film": (film_workspace, args.film_images),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, (build, images) in builders.items():
            if args.only and name != args.only:
                continue
            folder = Path(tmp) / name
            started = time.perf_counter()
            build(folder, images, args.seed)
            built = round(time.perf_counter() - started, 1)
            out[name] = {"images": images, "build_s": built, **study(folder, options)}
            out[name]["within_10_min"] = out[name]["study_s"] <= 600
    out["load_after"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
