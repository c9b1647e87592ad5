"""The t-SNE map at N points on this machine: seconds to the first map and to the full map (the
same `embed` as `mammogan evaluate --tsne`), beside a plain openTSNE fit of the same points.

    python benchmarks/bench_tsne.py [--points 150000] [--lesions 10000] [--synthetic 2000]
                                    [--threads N] [--no-plain] [--json]

The features are synthetic, not patches: clusters in the 32 x 32 = 1024-dimensional space of
the map's pixel features (lesion types, tissue densities, synthetic lesions near the lesion
clusters), so the run needs no dataset; PCA, affinities and optimisation see the sizes they
would see on a real workspace. Reading and averaging the patches is timed separately on random
patches (`pixel_features_patches_per_s`). Prints one JSON object (--json) or its lines.
Targets: ../shared/design/PERFORMANCE.md ("t-SNE on 2 cores": first map within 60 s, the full
map of 150K within 4 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from mammogan_core.control import Control
from mammogan_core.metrics.tsne_embed import PCA_DIMS, embed, first_map_points
from mammogan_core.metrics.tsne_features import pixel_features
from mammogan_core.metrics.tsne_options import TsneOptions

DIMS = 1024
LESION_TYPES = ("mass", "calcification", "architectural_distortion", "asymmetry")
NORMALS_PER_IMAGE = 15


def clustered(n: int, centres: np.ndarray, rng: np.random.Generator, noise: float) -> tuple:
    which = rng.integers(0, len(centres), n)
    x = centres[which] + rng.normal(0, noise, (n, DIMS)).astype(np.float32)
    return x.astype(np.float32), which


def dataset(points: int, lesions: int, synthetic: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    lesion_centres = rng.normal(0, 1, (12, DIMS)).astype(np.float32)  # 3 looks per type
    tissue_centres = rng.normal(0, 1, (6, DIMS)).astype(np.float32)  # densities
    les, les_cluster = clustered(lesions, lesion_centres, rng, 0.8)
    nor, _ = clustered(points - lesions, tissue_centres, rng, 1.0)
    syn, _ = clustered(synthetic, lesion_centres, rng, 0.9)
    return {
        "real": np.concatenate([les, nor]),
        "added": syn,
        "is_lesion": np.arange(points) < lesions,
        "lesion_type": np.array(
            [LESION_TYPES[c // 3] for c in les_cluster] + [""] * (points - lesions)
        ),
        "image": np.arange(points) // NORMALS_PER_IMAGE,
    }


def run_embed(data: dict, options: TsneOptions) -> dict:
    first = first_map_points(data["is_lesion"], data["lesion_type"], data["image"], options)
    frames = 0
    cpu0 = time.process_time()
    gen = embed(data["real"], first, data["added"], options, Control())
    while True:
        try:
            frames += type(next(gen)).__name__ == "EmbeddingFrame"
        except StopIteration as done:
            result = done.value
            break
    return {
        "first_map_points": len(first),
        "first_map_s": round(result.first_map_s, 1),
        "full_map_s": round(result.full_map_s, 1),
        "frames": frames,
        "full_map_cpu_s": round(time.process_time() - cpu0, 1),  # all threads' CPU seconds
        **{k: round(v, 1) for k, v in result.timings.items()},
    }


def plain_fit(data: dict, options: TsneOptions) -> dict:
    """openTSNE's own fit (default schedule: 250 + 500 iterations) on every point, after the
    same PCA to 50 dimensions."""
    from openTSNE import TSNE
    from sklearn.decomposition import PCA

    t0, cpu0 = time.perf_counter(), time.process_time()
    x = PCA(PCA_DIMS, random_state=options.seed).fit_transform(
        np.concatenate([data["real"], data["added"]])
    )
    TSNE(n_jobs=options.threads or -1, random_state=options.seed).fit(x)
    return {
        "plain_fit_s": round(time.perf_counter() - t0, 1),
        "plain_fit_cpu_s": round(time.process_time() - cpu0, 1),
    }


def features_per_s(n: int = 4096) -> float:
    patches = np.random.default_rng(0).integers(0, 256, (n, 128, 128), dtype=np.uint8)
    t0 = time.perf_counter()
    pixel_features(patches, 32)
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=150_000, help="real points")
    parser.add_argument("--lesions", type=int, default=10_000, help="of which lesions")
    parser.add_argument("--synthetic", type=int, default=2000, help="synthetic points added")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-plain", action="store_true", help="skip the plain openTSNE fit")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args()
    lesions = min(args.lesions, args.points)
    options = TsneOptions(synthetic=args.synthetic, seed=args.seed, threads=args.threads)
    data = dataset(args.points, lesions, args.synthetic, args.seed)
    out: dict = {
        "points": args.points,
        "lesions": lesions,
        "normals": args.points - lesions,
        "synthetic": args.synthetic,
        "features": f"synthetic clustered features ({DIMS} dims, not patches)",
        "cpu_count": os.cpu_count(),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),  # the machine is shared
        "threads": args.threads or os.cpu_count(),
        **run_embed(data, options),
        **({} if args.no_plain else plain_fit(data, options)),
        "pixel_features_patches_per_s": round(features_per_s()),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "targets_s": {"first_map": 60, "full_map": 240},
    }
    if args.json:
        print(json.dumps(out))
    else:
        for key, value in out.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
