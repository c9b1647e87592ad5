"""The memorisation check of F synthetic against R real patches on this machine, as `mammogan
evaluate` runs it: the weights-free features of the synthetic patches' four flips and of the
real sample's flips, then the nearest real patch of every synthetic one in pixels and in
features, flips included, and the real-to-real scale.

    python benchmarks/bench_memorisation.py [--fake 10000] [--real 50000] [--device cpu]

The real set's own features are computed once per reference set and cached by `evaluate`, so
they are timed apart (`real_features_s`) and not counted in `check_s`. The patches are random
textures (no dataset needed), with 5 real patches planted as copies (some flipped) among the
synthetic ones; `planted_found` says how many the check flagged. Prints one JSON object.
Target: ../shared/design/PERFORMANCE.md ("Evaluation on 2 cores": 10K against 50K within
2 minutes).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from mammogan_core.metrics.features import extract, flips, random_extractor
from mammogan_core.metrics.memorisation import check_memorisation, real_sample

PLANTED = 5


def textures(n: int, seed: int) -> np.ndarray:
    """Smooth blobs plus noise, in blocks so that 50K patches stay within memory per step."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, 128, 128), np.uint8)
    for start in range(0, n, 2000):
        m = min(2000, n - start)
        low = np.kron(rng.normal(size=(m, 16, 16)), np.ones((8, 8), np.float32))
        noise = rng.normal(0, 5, (m, 128, 128)).astype(np.float32)
        out[start : start + m] = np.clip(120 + 30 * low + noise, 0, 255)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fake", type=int, default=10000)
    parser.add_argument("--real", type=int, default=50000)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    real, fake = textures(args.real, 0), textures(args.fake, 1)
    # planted copies of real patches, flipped as a trainer may have shown them
    variants = list(flips(real[: PLANTED * 7 : 7]).values())
    planted = np.arange(PLANTED) * 3
    for i, at in enumerate(planted):
        fake[at] = variants[i % len(variants)][i]
    rand = random_extractor()
    out: dict = {"fake": args.fake, "real": args.real, "device": str(device)}
    out["threads"] = torch.get_num_threads()

    t0 = time.perf_counter()
    real_f = extract(rand, real, device)
    out["real_features_s"] = round(time.perf_counter() - t0, 1)

    t0 = time.perf_counter()
    fake_flips = {k: extract(rand, np.ascontiguousarray(v), device) for k, v in flips(fake).items()}
    sample = real_sample(len(real))
    real_flips = {
        k: real_f[sample] if k == "none" else extract(rand, np.ascontiguousarray(v), device)
        for k, v in flips(real[sample]).items()
    }
    out["flip_features_s"] = round(time.perf_counter() - t0, 1)
    mean, std = real_f.mean(0), real_f.std(0) + 1e-6

    def scaled(x: np.ndarray) -> np.ndarray:
        return (x - mean) / std

    t1 = time.perf_counter()
    memo = check_memorisation(
        real,
        fake,
        scaled(real_f),
        {k: scaled(v) for k, v in fake_flips.items()},
        {k: scaled(v) for k, v in real_flips.items()},
        sample,
    )
    out["nearest_s"] = round(time.perf_counter() - t1, 1)
    out["check_s"] = round(time.perf_counter() - t0, 1)
    out["planted_found"] = len(set(planted.tolist()) & {s["index"] for s in memo.suspects})
    out["planted"] = PLANTED
    out["suspects"] = len(memo.suspects)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
