"""Time `mammogan evaluate` of the demo run on this machine's CPU, and the intervals and floors
on their own (bootstrap on precomputed features) at the largest set size.

    python benchmarks/bench_evaluate.py [--workspace DEMO_WS --run RUN] [--n 2000]
        [--train-epochs 2] [--replicates 100]

Without --workspace the demo workspace is built in a temporary folder (its 40 images; training
cut to --train-epochs, which does not change what evaluate costs). Prints one JSON object:
evaluate_s (the whole command: sampling, features, figures with intervals and floors,
memorisation, report), the real and synthetic counts and the set size the figures compare, and
intervals_{m}_s: compare() alone on m x 448 random-conv and m x 38 radiomic features per set
(m = the largest set, 2000), with --inception 2048-d Inception-sized features too (on a CPU
their Fréchet distance is resampled FD_CPU_RESAMPLES times, seconds each). Target: evaluate of
the demo run within a minute on a CPU (issue 20).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from mammogan_core.cli.main import run_cli
from mammogan_core.metrics.compare import BOOTSTRAP, MAX_SET, SetFeatures, compare


def demo_run(folder: Path, epochs: int) -> tuple[Path, str]:
    from mammogan_core.demo import run_demo

    results = run_demo(folder, train_epochs=epochs)
    return folder, results["steps"]["train"]["run"]


def timed_intervals(m: int, inception: bool, replicates: int) -> float:
    rng = np.random.default_rng(0)

    def features(n: int, shift: float) -> SetFeatures:
        return SetFeatures(
            rng.normal(shift, 1, (n, 448)).astype(np.float32),
            rng.normal(shift, 1, (n, 38)),
            rng.normal(shift, 1, (n, 2048)).astype(np.float32) if inception else None,
        )

    real, fake = features(2 * m, 0.0), features(m, 0.1)
    t0 = time.perf_counter()
    compare(real, fake, {}, replicates=replicates)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace")
    parser.add_argument("--run")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--train-epochs", type=int, default=2)
    parser.add_argument("--replicates", type=int, default=BOOTSTRAP)
    parser.add_argument(
        "--inception", action="store_true", help="also time 2048-d (Inception-sized) features"
    )
    args = parser.parse_args()
    out: dict = {"threads": torch.get_num_threads(), "replicates": args.replicates}
    with tempfile.TemporaryDirectory() as tmp:
        if args.workspace:
            root, run = Path(args.workspace), args.run
        else:
            t0 = time.perf_counter()
            root, run = demo_run(Path(tmp) / "demo", args.train_epochs)
            out["demo_build_s"] = round(time.perf_counter() - t0, 1)
        argv = ["evaluate", "--workspace", str(root), "--run", run, "--n", str(args.n)]
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # its table; this prints one JSON
            outcome = run_cli([*argv, "--device", "cpu", "--quiet"])
        out["evaluate_s"] = round(time.perf_counter() - t0, 2)
        if outcome.exit_code:
            raise SystemExit(f"mammogan evaluate failed (exit code {outcome.exit_code})")
        report = json.loads(
            (next((root / "runs" / run / "evaluation").glob("*/report.json"))).read_text()
        )
        out["n_real"], out["n_synthetic"] = report["n_real"], report["n_fake"]
        out["compared_per_set"] = report["metrics"]["kid"]["n_real"]
    for inception in (False, True)[: 1 + args.inception]:
        key = f"intervals_{MAX_SET}{'_with_inception' if inception else ''}_s"
        out[key] = round(timed_intervals(MAX_SET, inception, args.replicates), 2)
    out["load_average_1min"] = round(os.getloadavg()[0], 1)  # other work on the machine
    print(json.dumps(out))


if __name__ == "__main__":
    main()
