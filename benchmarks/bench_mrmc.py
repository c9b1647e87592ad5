"""The reader-study statistics on this machine: seconds for the OR/Hillis analysis of the Van Dyke
example (5 readers x 114 cases x 2 modalities), for a null simulation of many studies (5
readers x 50 images at AUC 0.5, the size the issue quotes) with its rejection rates (the MRMC
test, and the pooled binomial test that treats every answer as independent), and for the
default study-size plan (4 reader counts x 4 image counts, 400 studies each).

    python benchmarks/bench_mrmc.py [--studies 5000]

Prints one JSON object."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from mammogan_core.review import equivalence as eq
from mammogan_core.review.analysis import analyse
from mammogan_core.review.mrmc import auc_jackknife, jackknife_covariance, single_modality
from mammogan_core.review.options import PlanOptions
from mammogan_core.review.sizing import simulate, study_plan
from mammogan_core.review.table import read_table

VANDYKE = Path(__file__).resolve().parents[1] / "tests" / "core" / "data" / "vandyke.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=5000)
    args = parser.parse_args()
    from scipy.stats import binom

    out: dict[str, object] = {}
    t = time.perf_counter()
    table = read_table(VANDYKE)
    result = analyse(table.scores, table.truth, table.readers, table.modalities)
    out["vandyke_s"] = round(time.perf_counter() - t, 3)
    out["vandyke_difference_p"] = round(result.difference.p, 4)

    t = time.perf_counter()
    scores, truth = simulate(5, 50, 0.5, args.studies, np.random.default_rng(1))
    theta, jack = auc_jackknife(scores, truth)
    s = single_modality(theta, jackknife_covariance(jack))
    p = eq.p_two_sided(s.estimate[:, 0], s.var[:, 0], s.df[:, 0])
    out["null_studies"] = args.studies
    out["null_s"] = round(time.perf_counter() - t, 2)
    out["null_rejection_mrmc"] = round(float((p < 0.05).mean()), 4)
    # the pooled binomial test: 250 answers as if independent, two-sided exact at 5%
    right = ((scores[:, 0] >= 6) == truth).sum((1, 2))
    n = 5 * 50
    k = np.arange(n + 1)
    pmf = binom.pmf(k, n, 0.5)
    p_exact = np.array([pmf[pmf <= pmf[i] * (1 + 1e-7)].sum() for i in k])
    out["null_rejection_pooled_binomial"] = round(float((p_exact[right] < 0.05).mean()), 4)

    t = time.perf_counter()
    plan = study_plan(PlanOptions())
    out["plan_s"] = round(time.perf_counter() - t, 2)
    out["plan_power"] = {
        f"{r} readers": dict(zip(map(str, plan.images), row))
        for r, row in zip(plan.readers, plan.power)
    }
    out["plan_smallest"] = plan.smallest
    print(json.dumps(out))


if __name__ == "__main__":
    main()
