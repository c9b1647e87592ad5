"""How many readers and images a visual Turing test needs: the power of the equivalence test
(equivalence.py) for a design, before the set is made.

Two ways. By simulation from the Roe-Metz model (Roe & Metz 1997): a reader's latent score of
an image is case + reader x case + error, plus the reader's separation for synthetic images;
thousands of studies are analysed at once by the same OR/Hillis code as the report. Or from the
variance components of an earlier (pilot) set: its MS(R), Cov2 and Var(error) give the variance
and Hillis df of another design (Cov2 and Var(error) scale as 1 / images, Hillis, Obuchowski &
Berbaum 2011), and the power of the two one-sided tests follows from the t distribution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from ..events import Result
from . import equivalence as eq
from .mrmc import auc_jackknife, jackknife_covariance, single_modality
from .options import PlanOptions

if TYPE_CHECKING:
    from ..workspace import Workspace

LEVELS = 10  # the readers' scale: the call and a confidence of 1 to 5
STUDIES = 400  # simulated studies per design (PlanOptions.studies): power to about +/-0.025


@dataclass(frozen=True)
class RoeMetz:
    """Variances on the latent scale (assumed, not measured: a pilot set replaces them):
    case, reader x case and error sum to 1; `reader` spreads the readers' separations."""

    case: float = 0.3
    reader_case: float = 0.2
    error: float = 0.5
    reader: float = 0.02

    def separation(self, auc: float) -> float:
        """The mean separation that gives a population (reader-averaged) AUC of `auc`."""
        from scipy.stats import norm

        within = 2 * (self.case + self.reader_case + self.error)
        return float(norm.ppf(auc) * np.sqrt(within + self.reader))


def simulate(
    readers: int,
    images: int,
    auc: float,
    studies: int,
    rng: np.random.Generator,
    model: RoeMetz = RoeMetz(),
) -> tuple[np.ndarray, np.ndarray]:
    """Scores (studies, 1, readers, images) on the 10-point scale and the truth (half the
    images synthetic = positive)."""
    from scipy.stats import norm

    truth = np.arange(images) < images // 2
    shape = (studies, 1, readers, images)
    latent = (
        rng.normal(0, np.sqrt(model.case), (studies, 1, 1, images))
        + rng.normal(0, np.sqrt(model.reader_case), shape)
        + rng.normal(0, np.sqrt(model.error), shape)
    )
    mu = model.separation(auc) + rng.normal(0, np.sqrt(model.reader), (studies, 1, readers, 1))
    latent = latent + truth * mu - mu / 2
    # equal-probability categories of the latent distribution at chance
    cuts = norm.ppf(np.arange(1, LEVELS) / LEVELS) * np.sqrt(
        model.case + model.reader_case + model.error
    )
    return np.digitize(latent, cuts) + 1.0, truth


def simulated_tests(
    readers: int,
    images: int,
    auc: float = eq.CHANCE,
    margin: float = eq.MARGIN,
    studies: int = STUDIES,
    seed: int = 0,
    model: RoeMetz = RoeMetz(),
) -> tuple[np.ndarray, np.ndarray]:
    """The equivalence and the two-sided p-values of `studies` simulated studies."""
    scores, truth = simulate(readers, images, auc, studies, np.random.default_rng(seed), model)
    theta, jack = auc_jackknife(scores, truth)
    s = single_modality(theta, jackknife_covariance(jack))
    est, var, df = s.estimate[:, 0], s.var[:, 0], s.df[:, 0]
    return eq.p_equivalence(est, var, df, margin), eq.p_two_sided(est, var, df)


@dataclass(frozen=True)
class Pilot:
    """The variance components of an earlier set's AUC (ModalityAnalysis)."""

    images: int
    ms_r: float
    cov2: float
    var_error: float


def pilot_power(
    pilot: Pilot, readers: int, images: int, auc: float = eq.CHANCE, margin: float = eq.MARGIN
) -> float:
    """The TOST's power for a design, from a pilot's components (Hillis df; the usual
    approximation P(both one-sided tests reject) = F(a) + F(b) - 1)."""
    from scipy.stats import t

    scale = pilot.images / images
    cov2, var_error = pilot.cov2 * scale, pilot.var_error * scale
    var_reader = max(pilot.ms_r - (pilot.var_error - pilot.cov2), 0.0)
    ms_r = var_reader + var_error - cov2  # its expected value in the new design
    denominator = ms_r + readers * max(cov2, 0.0)
    se = np.sqrt(denominator / readers)
    df = denominator**2 / (ms_r**2 / (readers - 1)) if ms_r > 0 else np.inf
    crit = t.ppf(1 - eq.ALPHA, df)
    delta = abs(auc - eq.CHANCE)
    power = t.cdf((margin - delta) / se - crit, df) + t.cdf((margin + delta) / se - crit, df) - 1
    return float(max(power, 0.0))


@dataclass(frozen=True)
class Plan(Result):
    target: float  # the power wanted
    auc: float  # the true reader-averaged AUC assumed
    margin: float
    method: str  # "Roe-Metz simulation" | "pilot set <id>"
    readers: tuple[int, ...]
    images: tuple[int, ...]
    power: tuple[tuple[float, ...], ...]  # [reader count][image count]
    smallest: dict[str, int] | None  # {"readers", "images"}: fewest readings reaching target


def plan(
    readers: tuple[int, ...],
    images: tuple[int, ...],
    target: float = 0.8,
    auc: float = eq.CHANCE,
    margin: float = eq.MARGIN,
    pilot: Pilot | None = None,
    pilot_name: str = "",
    studies: int = STUDIES,
    seed: int = 0,
) -> Plan:
    """The power of each design of the grid and the one with the fewest readings (readers x
    images) that reaches `target`."""
    if min(readers) < 2 or min(images) < 4:
        raise InputError("a design needs two readers or more and four images or more")
    if abs(auc - eq.CHANCE) >= margin:
        raise InputError(
            f"a true AUC of {auc:g} lies outside 0.5 +/- {margin:g}: equivalence cannot be shown"
        )
    grid = []
    for r in readers:
        if pilot is not None:
            grid.append(tuple(pilot_power(pilot, r, c, auc, margin) for c in images))
        else:
            row = (simulated_tests(r, c, auc, margin, studies, seed)[0] for c in images)
            grid.append(tuple(float((p < eq.ALPHA).mean()) for p in row))
    reaching = [(r * c, r, c) for r, row in zip(readers, grid) for c, p in zip(images, row)
                if p >= target]  # fmt: skip
    best = min(reaching) if reaching else None
    return Plan(
        target, auc, margin,
        f"pilot set {pilot_name}" if pilot is not None else "Roe-Metz simulation",
        tuple(readers), tuple(images), tuple(grid),
        {"readers": best[1], "images": best[2]} if best else None,
    )  # fmt: skip


def study_plan(options: PlanOptions, workspace: Workspace | None = None) -> Plan:
    """The plan of `options`; a pilot set is read from `workspace`."""
    pilot = None
    if options.pilot:
        from .report import set_mrmc

        if workspace is None:
            raise InputError("a pilot set needs the workspace that holds it (--workspace)")
        mrmc = set_mrmc(workspace, options.pilot, options.margin)
        m = mrmc.modalities[0] if mrmc else None
        if m is None or m.ms_r is None or m.cov2 is None or m.var_error is None:
            raise InputError(
                f"review set {options.pilot} cannot be a pilot: it needs two readers or more "
                "who answered the same two real and two synthetic images or more"
            )
        pilot = Pilot(m.cases, m.ms_r, m.cov2, m.var_error)
    return plan(
        options.readers, options.images, options.power, options.auc, options.margin, pilot,
        options.pilot or "", options.studies, options.seed,
    )  # fmt: skip
