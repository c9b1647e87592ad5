"""Small-data training, side by side at equal steps: the seed's recipe, + DiffAugment,
+ DiffAugment with ADA's adaptive p, at 50, 200 and 1,000 training lesions (issue 22).

Data: masses of the film phantom (`mammogan phantom --film`: its tissue, its mass model and
its placement rule), several placed per film so that a few hundred films give the lesions,
each cut as the extractor cuts a lesion (its box, resized to 128 x 128). The last
`--reference` masses are held out: every generator is measured against them, never trained on
them. Figures, on the weights-free features of `mammogan evaluate` (metrics.features):
- KID x 10^3 with a 95% interval: 2.5-97.5 percentiles of KID over --intervals random
  half-subsets of both sets (subsampling: wider than a bootstrap of the full sets, never
  narrower);
- the 1-NN two-sample accuracy (Lopez-Paz & Oquab 2017): leave-one-out 1-nearest-neighbour
  classification of held-out real vs synthetic, as many of each; 0.5 = indistinguishable,
  1.0 = separable.
The `real` row (the training lesions themselves against the held-out ones) is the floor and
the negative control: its KID interval should cover 0 and its accuracy be near 0.5.

    python benchmarks/bench_small_data.py --steps 150          # CPU: a narrow model
    python benchmarks/bench_small_data.py --device cuda --paper-size --steps 5000

Prints one JSON object (and the table on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from mammogan_core.metrics.features import extract, random_extractor
from mammogan_core.metrics.kid import mmd2_unbiased
from mammogan_core.metrics.radiomics import standardise
from mammogan_core.metrics.samples import sample_patches
from mammogan_core.preprocess.crop import resize_unit
from mammogan_core.training import preset_config
from mammogan_core.training.devices import resolve_device, speed_plan
from mammogan_core.training.step import GanStep
from mammogan_core.workspace import PATCH_SIZE

MASSES_PER_FILM = 12
VARIANTS = {
    "seed": {},  # alyafi2020 as the paper trains it
    "diffaug": dict(aug_translate=0.125, aug_cutout=0.5, aug_brightness=64.0, aug_contrast=0.5),
}
VARIANTS["diffaug+ada"] = {**VARIANTS["diffaug"], "ada": True}


def film_masses(n: int, seed: int) -> np.ndarray:
    """n mass patches (uint8, n x 128 x 128) from film phantoms, in a fixed order."""
    # imported here: the phantom package needs pydicom, which a GPU image may lack (a cached
    # set of masses then suffices)
    from mammogan_core.phantom.film import plan_film, render_film
    from mammogan_core.phantom.lesions import random_lesion
    from mammogan_core.phantom.plan import _place

    out: list[np.ndarray] = []
    film = 0
    while len(out) < n:
        plan = plan_film(seed, film)
        rng = np.random.default_rng([seed, film, 22])
        image, taken = plan.image, []
        for _ in range(4 * MASSES_PER_FILM):
            if len(taken) == MASSES_PER_FILM:
                break
            lesion = random_lesion(rng)
            if lesion.label == "mass":
                spot = _place(rng, image.shape, lesion, image.spacing_mm, taken)
                if spot is not None:
                    taken.append(spot)
        pixels = render_film(replace(plan, image=replace(image, findings=tuple(taken)))).pixels
        if image.mirrored:  # back to the canonical orientation the placements use
            pixels = pixels[:, ::-1]
        padded = np.pad(pixels, 128, mode="constant")
        for p in taken:
            box = padded[p.y - p.r + 128 : p.y + p.r + 129, p.x - p.r + 128 : p.x + p.r + 129]
            unit = resize_unit(box.astype(np.float32) / 255.0, PATCH_SIZE)
            out.append(np.rint(unit * 255).astype(np.uint8))
        film += 1
    return np.stack(out[:n])


def train_generator(config, data: torch.Tensor, steps: int, device: torch.device):
    """`steps` GAN steps as the trainer takes them (a smoothed real label drawn per epoch)."""
    engine = GanStep(config, data.to(device), device, speed_plan(config, device))
    label_gen = torch.Generator().manual_seed(config.seed + 2)
    spe = engine.order.steps_per_epoch
    label = torch.tensor(1.0, device=device)
    trace = []
    for step in range(steps):
        if step % spe == 0:
            u = torch.rand((), generator=label_gen).item()
            lo, hi = config.real_label_min, config.real_label_max
            label = torch.tensor(lo + (hi - lo) * u, device=device)
        trace.append(engine(label))
    stats = torch.stack(trace).cpu()
    return engine.G, {"r_t_last": float(stats[-20:, 4].mean()), "p_last": float(stats[-1, 5])}


def kid_interval(real: np.ndarray, fake: np.ndarray, draws: int, seed: int) -> dict:
    """KID on the full sets, and percentiles over random half-subsets (without replacement)."""
    x, y = torch.from_numpy(real), torch.from_numpy(fake)
    rng = np.random.default_rng(seed)
    half = min(len(x), len(y)) // 2
    values = [
        mmd2_unbiased(
            x[torch.from_numpy(rng.choice(len(x), half, replace=False))],
            y[torch.from_numpy(rng.choice(len(y), half, replace=False))],
        )
        for _ in range(draws)
    ]
    lo, hi = np.percentile(values, (2.5, 97.5))
    return {"kid_x1e3": 1e3 * mmd2_unbiased(x, y), "kid_ci": [1e3 * lo, 1e3 * hi]}


def one_nn_accuracy(real: np.ndarray, fake: np.ndarray) -> float:
    """Leave-one-out 1-NN accuracy of real vs fake (equal counts; features standardised)."""
    n = min(len(real), len(fake))
    z = torch.from_numpy(np.concatenate([real[:n], fake[:n]]))
    labels = torch.cat([torch.zeros(n), torch.ones(n)])
    d = torch.cdist(z, z)
    d.fill_diagonal_(float("inf"))
    return float((labels[d.argmin(1)] == labels).float().mean())


def figures(ref_f: np.ndarray, feats: np.ndarray, draws: int, seed: int) -> dict:
    r, f = standardise(ref_f, feats)  # in the reference's units, as evaluate
    return {**kid_interval(r, f, draws, seed), "one_nn_acc": one_nn_accuracy(r, f)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="50,200,1000", help="training lesions per run")
    ap.add_argument("--reference", type=int, default=300, help="held-out masses")
    ap.add_argument("--steps", type=int, default=150, help="GAN steps per run (all equal)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--samples", type=int, default=300, help="synthetic patches per run")
    ap.add_argument("--intervals", type=int, default=200, help="half-subsets for the KID CI")
    ap.add_argument("--ada-speed", type=int, default=None, help="default: the setting's")
    ap.add_argument("--paper-size", action="store_true", help="the seed's widths (else cpu's)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=".bench", help="folder for the rendered masses")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    device = resolve_device(args.device)
    torch.manual_seed(args.seed)
    t0 = time.perf_counter()
    total = max(sizes) + args.reference
    cache = Path(args.cache) / f"film_masses_seed{args.seed}_n{total}.npy"
    if cache.is_file():
        masses = np.load(cache)
    else:
        masses = film_masses(total, args.seed)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, masses)
    render_s = time.perf_counter() - t0
    reference = masses[-args.reference :]
    ex = random_extractor()
    ref_f = extract(ex, reference, device)
    widths = {} if args.paper_size else {"nz": 32, "ngf": 8, "ndf": 8}  # the cpu preset's
    rows = []
    for k in sizes:
        train_set = masses[:k]
        rows.append(
            {
                "variant": "real",
                "train": k,
                **figures(ref_f, extract(ex, train_set, device), args.intervals, args.seed),
            }
        )
        data = torch.from_numpy(train_set).unsqueeze(1)
        for name in args.variants.split(","):
            more = dict(VARIANTS[name])
            if more.get("ada") and args.ada_speed:
                more["ada_speed"] = args.ada_speed
            cfg = preset_config(
                "alyafi2020",
                batch_size=args.batch,
                device=str(device),
                seed=args.seed,
                **widths,
                **more,
            )
            t = time.perf_counter()
            g, trace = train_generator(cfg, data, args.steps, device)
            seconds = time.perf_counter() - t
            fake = sample_patches(g, args.samples, args.seed + 1, device)
            row = {
                "variant": name,
                "train": k,
                **figures(ref_f, extract(ex, fake, device), args.intervals, args.seed),
            }
            rows.append({**row, **trace, "train_s": round(seconds, 1)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    result = {
        "benchmark": "small_data",
        "device": str(device),
        "steps": args.steps,
        "batch": args.batch,
        "model": "alyafi2020 widths" if args.paper_size else "cpu widths (nz 32, ngf 8, ndf 8)",
        "reference": args.reference,
        "samples": args.samples,
        "features": ex.name,
        "render_s": round(render_s, 1),
        "total_s": round(time.perf_counter() - t0, 1),
        "rows": rows,
    }
    print(json.dumps(result, indent=1))
    print(table(rows), file=sys.stderr)


def table(rows: list[dict]) -> str:
    lines = ["variant       train  KIDx1e3 [95% CI]          1-NN acc   p_last"]
    for r in rows:
        lo, hi = r["kid_ci"]
        lines.append(
            f"{r['variant']:<12} {r['train']:>6}  {r['kid_x1e3']:8.2f} [{lo:7.2f}, {hi:7.2f}]"
            f"   {r['one_nn_acc']:.3f}   {r.get('p_last', float('nan')):.2f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
