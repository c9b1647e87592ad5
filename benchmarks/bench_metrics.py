"""Time the evaluation's parts on this machine's CPU (or --device cuda).

    python benchmarks/bench_metrics.py [--n 5000] [--inception-images 32] [--device cpu]

Prints one JSON object: feature extraction in images/s for the FID Inception-v3 (randomly
initialised: the cost does not depend on the weights) and the weights-free random-conv network,
the radiomic features' images/s, and the seconds of each metric at `--n` samples per set (FID on
2048-d features, KID with 100 subsets of 1000 on the weights-free features (training's checks),
precision/recall, and the memorisation check of n synthetic against n real patches, pixels and
features, flips included). The figures with their intervals and floors, as evaluate computes
them: bench_evaluate.py. Targets: ../shared/design/PERFORMANCE.md ("Evaluation on 2 cores").
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from mammogan_core.metrics.features import Extractor, extract, flips, random_extractor
from mammogan_core.metrics.frechet import fit_gaussian, frechet_distance
from mammogan_core.metrics.inception import FIDInceptionV3
from mammogan_core.metrics.kid import kid
from mammogan_core.metrics.memorisation import check_memorisation, real_sample
from mammogan_core.metrics.precision_recall import precision_recall
from mammogan_core.metrics.radiomics import radiomic_features


def timed(fn, *args):
    t0 = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - t0


def patches(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    low = np.kron(rng.normal(size=(n, 16, 16)), np.ones((8, 8)))
    return np.clip(120 + 30 * low + rng.normal(0, 5, (n, 128, 128)), 0, 255).astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--inception-images", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    real, fake = patches(args.n, 0), patches(args.n, 1)
    out: dict = {"n": args.n, "device": str(device), "threads": torch.get_num_threads()}

    inception = Extractor("inception", "", FIDInceptionV3().eval(), batch=32)
    _, s = timed(extract, inception, real[: args.inception_images], device)
    out["inception_images_per_s"] = round(args.inception_images / s, 2)
    rand = random_extractor()
    rf, s = timed(extract, rand, real, device)
    out["random_conv_images_per_s"] = round(args.n / s, 1)
    ff = extract(rand, fake, device)
    _, s = timed(radiomic_features, real[:1000])
    out["radiomics_images_per_s"] = round(1000 / s, 1)

    big = np.random.default_rng(2).normal(size=(args.n, 2048)).astype(np.float32)
    big2 = np.random.default_rng(3).normal(size=(args.n, 2048)).astype(np.float32)
    _, s = timed(lambda: frechet_distance(fit_gaussian(big), fit_gaussian(big2)))
    out["fid_2048_s"] = round(s, 2)
    mean, std = rf.mean(0), rf.std(0) + 1e-6
    rs, fs = (rf - mean) / std, (ff - mean) / std
    _, out["kid_s"] = timed(kid, rs, fs)
    _, out["precision_recall_s"] = timed(precision_recall, rs, fs)

    def memorisation():
        sample = real_sample(args.n)
        fake_flips = {
            k: (extract(rand, np.ascontiguousarray(v), device) - mean) / std
            for k, v in flips(fake).items()
        }
        real_flips = {
            k: (extract(rand, np.ascontiguousarray(v), device) - mean) / std
            for k, v in flips(real[sample]).items()
        }
        return check_memorisation(real, fake, rs, fake_flips, real_flips, sample)

    _, out["memorisation_s"] = timed(memorisation)
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}))


if __name__ == "__main__":
    main()
