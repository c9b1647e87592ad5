"""The MRMC statistics against the published worked example: the Van Dyke data (RJafroc's
dataset02, MRMCaov's VanDyke; tests/core/data/vandyke.csv) and the OR-DBM MRMC 2.51 output
printed for it (RJafroc inst/IowaResults/VanDyke_trap_area_jackknife_anova.txt), to its printed
precision. Then the vectorised jackknife against plain loops, a null simulation whose rejection
rate must be 5% (and the pooled test's must not), a planted effect that must be found, an
interval that must cover the truth, the equivalence verdicts, exact intervals and the table's
refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.errors import InputError
from mammogan_core.review import equivalence as eq
from mammogan_core.review.analysis import analyse
from mammogan_core.review.mrmc import (
    auc_jackknife,
    components,
    jackknife_covariance,
    proportion_jackknife,
    single_modality,
    two_modalities,
)
from mammogan_core.review.sizing import Pilot, pilot_power, plan, simulate, simulated_tests
from mammogan_core.review.table import imrmc_text, read_table

VANDYKE = Path(__file__).parent / "data" / "vandyke.csv"


@pytest.fixture(scope="module")
def vandyke():
    t = read_table(VANDYKE)
    theta, jack = auc_jackknife(t.scores, t.truth)
    return t, theta, jackknife_covariance(jack)


def test_van_dyke_reader_aucs_and_or_components_as_printed(vandyke):
    t, theta, cov = vandyke
    assert t.scores.shape == (2, 5, 114) and t.truth.sum() == 45
    printed = [
        [0.91964573, 0.85877617, 0.90386473, 0.97310789, 0.82979066],
        [0.94782609, 0.90531401, 0.92173913, 0.99935588, 0.92995169],
    ]
    np.testing.assert_allclose(theta, printed, atol=5e-9)
    c = components(cov)
    assert float(c.var_error) == pytest.approx(0.00080229, abs=5e-9)
    assert float(c.cov1) == pytest.approx(0.00034661, abs=5e-9)
    assert float(c.cov2) == pytest.approx(0.00034407, abs=5e-9)
    assert float(c.cov3) == pytest.approx(0.00023903, abs=5e-9)


def test_van_dyke_random_readers_random_cases_as_printed(vandyke):
    t, theta, cov = vandyke
    d = two_modalities(theta, cov)
    assert float(d.diff) == pytest.approx(-0.04380032, abs=5e-9)
    assert float(d.f) == pytest.approx(4.46, abs=0.005)
    assert float(d.df) == pytest.approx(15.26, abs=0.005)
    assert float(np.sqrt(d.var)) == pytest.approx(0.02075, abs=5e-6)
    assert float(d.var) * 5 / 2 == pytest.approx(0.00107626, abs=5e-9)  # the error term
    s = single_modality(theta, cov)
    np.testing.assert_allclose(s.estimate, [0.89703704, 0.94083736], atol=5e-9)
    np.testing.assert_allclose(np.sqrt(s.var), [0.03317360, 0.02156637], atol=5e-9)
    np.testing.assert_allclose(s.df, [12.74, 12.71], atol=0.005)
    np.testing.assert_allclose(s.ms_r, [0.00308263, 0.00130460], atol=5e-9)
    np.testing.assert_allclose(s.cov2, [0.00048396, 0.00020419], atol=5e-9)
    np.testing.assert_allclose(s.var_error, [0.00101410, 0.00059047], atol=5e-9)

    result = analyse(t.scores, t.truth, t.readers, t.modalities).to_dict()
    cine, spin = result["modalities"]
    np.testing.assert_allclose(cine["ci"], [0.82522360, 0.96885048], atol=5e-9)
    np.testing.assert_allclose(spin["ci"], [0.89413783, 0.98753689], atol=5e-9)
    diff = result["difference"]
    assert diff["modalities"] == ["0", "1"]
    np.testing.assert_allclose(diff["ci"], [-0.08796, 0.00036], atol=5e-6)
    assert diff["p"] == pytest.approx(0.0517, abs=5e-5)


def test_the_cli_analyses_the_table_as_json(capsys):
    assert run_cli(["review", "mrmc", str(VANDYKE), "--margin", "0.2", "--json"]).exit_code == 0
    out = json.loads(capsys.readouterr().out.splitlines()[-1])
    cine = out["modalities"][0]
    assert set(cine) >= {"auc", "var", "df", "ci", "p_vs_half", "equivalence"}
    assert cine["auc"] == pytest.approx(0.89703704, abs=5e-9)
    assert cine["var"] == pytest.approx(0.03317360**2, rel=1e-6)
    assert cine["equivalence"] == {
        "margin": 0.2,
        "p": pytest.approx(1.0, abs=1e-3),
        "verdict": eq.DISTINGUISHABLE,
    }
    assert set(out["difference"]) >= {"diff", "var", "df", "ci", "p"}
    assert run_cli(["review", "mrmc", str(VANDYKE)]).exit_code == 0
    text = capsys.readouterr().out
    assert "reader-averaged AUC (0) 0.897 (95% CI 0.825 to 0.969, df 12.7" in text
    assert "difference 0 - 1: -0.044 (95% CI -0.088 to 0.000" in text


# ---------------------------------------------------------- an independent computation
def loop_jackknife(fom, scores: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Leave each case out and recompute, the slow way."""
    keep = np.ones(len(truth), bool)
    out = []
    for k in range(len(truth)):
        keep[k] = False
        out.append(fom(scores[keep], truth[keep]))
        keep[k] = True
    return np.array(out)


def loop_auc(scores: np.ndarray, truth: np.ndarray) -> float:
    pairs = [
        1.0 if x > y else 0.5 if x == y else 0.0 for x in scores[truth] for y in scores[~truth]
    ]
    return sum(pairs) / len(pairs)


def test_the_vectorised_jackknife_equals_plain_loops():
    rng = np.random.default_rng(5)
    truth = rng.random(23) < 0.4
    scores = rng.integers(1, 6, (2, 3, 23)).astype(float) + 2 * truth  # many ties
    theta, jack = auc_jackknife(scores, truth)
    for t in range(2):
        for r in range(3):
            assert theta[t, r] == pytest.approx(loop_auc(scores[t, r], truth))
            np.testing.assert_allclose(jack[t, r], loop_jackknife(loop_auc, scores[t, r], truth))
    hits = rng.random((3, 23)) < 0.6
    sens = lambda h, tr: h[tr].mean()  # noqa: E731
    theta, jack = proportion_jackknife(hits, truth)
    for r in range(3):
        np.testing.assert_allclose(jack[r], loop_jackknife(sens, hits[r], truth))
    # the covariance by its definition, (C - 1) / C sum of products of deviations
    flat = jack.reshape(3, -1)
    explicit = np.zeros((3, 3))
    for a in range(3):
        for b in range(3):
            da, db = flat[a] - flat[a].mean(), flat[b] - flat[b].mean()
            explicit[a, b] = 22 / 23 * sum(da * db)
    np.testing.assert_allclose(jackknife_covariance(jack[None])[0, :, 0, :], explicit)


# -------------------------------------------------------------- null, effect, coverage
def test_under_the_null_the_test_rejects_in_5_percent_and_the_pooled_test_does_not():
    """5 readers x 50 images, 5000 studies from the Roe-Metz model at AUC 0.5: the AUC's and
    the accuracy's tests reject in 5% +/- 2% (about 5.5%, benchmarks/bench_mrmc.py). The pooled
    binomial test of accuracy (every answer independent) must be anti-conservative: the
    reason the pooled row is descriptive only."""
    from scipy.stats import binomtest

    rng = np.random.default_rng(11)
    scores, truth = simulate(5, 50, 0.5, 5000, rng)
    theta, jack = auc_jackknife(scores, truth)
    s = single_modality(theta, jackknife_covariance(jack))
    p = eq.p_two_sided(s.estimate[:, 0], s.var[:, 0], s.df[:, 0])
    assert 0.03 <= (p < 0.05).mean() <= 0.07
    hits = (scores >= 6) == truth  # the binary calls: synthetic from 6 up
    theta, jack = proportion_jackknife(hits, np.ones_like(truth))
    s = single_modality(theta, jackknife_covariance(jack))
    p = eq.p_two_sided(s.estimate[:, 0], s.var[:, 0], s.df[:, 0])
    assert 0.03 <= (p < 0.05).mean() <= 0.07  # accuracy against 50%, the same way
    right = hits[:, 0].sum((1, 2))
    pooled = [binomtest(int(k), 250).pvalue for k in right[:1000]]
    assert np.mean(np.array(pooled) < 0.05) > 0.10  # about 0.15: three times too often


def test_a_planted_effect_is_found_and_the_interval_covers_the_truth():
    _, p = simulated_tests(5, 100, auc=0.7, studies=1000, seed=3)
    assert (p < 0.05).mean() > 0.8
    rng = np.random.default_rng(4)
    scores, truth = simulate(6, 80, 0.6, 2000, rng)
    theta, jack = auc_jackknife(scores, truth)
    s = single_modality(theta, jackknife_covariance(jack))
    low, high = eq.interval(s.estimate[:, 0], s.var[:, 0], s.df[:, 0])
    assert 0.92 <= ((low <= 0.6) & (high >= 0.6)).mean() <= 0.98


def test_equivalence_is_shown_when_true_and_rarely_at_the_margin():
    p_equiv, _ = simulated_tests(10, 300, auc=0.5, margin=0.1, studies=400, seed=6)
    assert (p_equiv < 0.05).mean() > 0.8
    at_margin, _ = simulated_tests(10, 300, auc=0.6, margin=0.1, studies=1000, seed=7)
    assert (at_margin < 0.05).mean() <= 0.07


def test_the_verdict_is_exactly_one_of_three():
    same = eq.p_equivalence(0.52, 0.01**2, 20.0)
    assert eq.verdict(float(same), 0.04) == eq.INDISTINGUISHABLE  # within the margin wins
    apart = eq.p_equivalence(0.75, 0.05**2, 20.0)
    p_apart = eq.p_two_sided(0.75, 0.05**2, 20.0)
    assert eq.verdict(float(apart), float(p_apart)) == eq.DISTINGUISHABLE
    vague = eq.p_equivalence(0.55, 0.08**2, 4.0)
    p_vague = eq.p_two_sided(0.55, 0.08**2, 4.0)
    assert eq.verdict(float(vague), float(p_vague)) == eq.INCONCLUSIVE
    assert eq.verdict(None, None) == eq.INCONCLUSIVE
    # the TOST p is the 90% interval touching the margin: at its edge p = 0.05
    low, _ = eq.interval(0.45, 0.02**2, 10.0, level=0.90)
    assert float(eq.p_equivalence(0.45 + (0.4 - low), 0.02**2, 10.0)) == pytest.approx(0.05)


def test_one_reader_gives_an_auc_but_no_random_reader_verdict():
    rng = np.random.default_rng(0)
    truth = np.arange(20) < 10
    scores = rng.integers(1, 11, (1, 1, 20)).astype(float)
    (m,) = analyse(scores, truth, ("A",), ("",), scores >= 6).modalities
    assert m.var is None and m.ci is None and m.accuracy is None
    assert m.equivalence.verdict == eq.INCONCLUSIVE


def test_clopper_pearson_intervals():
    low, high = eq.clopper_pearson(np.array([0, 5, 10]), np.array([10, 10, 10]))
    np.testing.assert_allclose(low, [0.0, 0.18708603, 0.69150289], atol=1e-7)
    np.testing.assert_allclose(high, [0.30849711, 0.81291397, 1.0], atol=1e-7)


# --------------------------------------------------------------------- sizing
def test_pilot_power_grows_with_readers_and_images_and_agrees_with_simulation():
    rng = np.random.default_rng(8)
    scores, truth = simulate(8, 200, 0.5, 1, rng)  # one large pilot study
    theta, jack = auc_jackknife(scores, truth)
    s = single_modality(theta, jackknife_covariance(jack))
    pilot = Pilot(200, float(s.ms_r[0, 0]), float(s.cov2[0, 0]), float(s.var_error[0, 0]))
    powers = [pilot_power(pilot, r, c) for r, c in ((3, 40), (5, 80), (8, 160), (12, 320))]
    assert powers == sorted(powers) and powers[0] < 0.3 and powers[-1] > 0.9
    simulated = (simulated_tests(8, 160, studies=600, seed=9)[0] < 0.05).mean()
    assert abs(pilot_power(pilot, 8, 160) - simulated) < 0.15


def test_the_plan_names_the_smallest_design_reaching_the_power():
    p = plan((3, 10), (40, 320), target=0.8, studies=200, seed=1)
    assert len(p.power) == 2 and all(len(row) == 2 for row in p.power)
    assert p.power[0][0] < 0.3 and p.power[1][1] > 0.8
    assert p.smallest == {"readers": 10, "images": 320}
    with pytest.raises(InputError, match=r"outside 0.5 \+/- 0.1"):
        plan((3,), (40,), auc=0.65)


def test_the_cli_plans_without_a_workspace(capsys):
    argv = ["review", "plan", "--readers", "4", "--images", "40", "--studies", "100", "--json"]
    assert run_cli(argv).exit_code == 0
    out = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert out["readers"] == [4] and out["images"] == [40] and 0 <= out["power"][0][0] <= 0.3
    assert out["method"] == "Roe-Metz simulation" and out["smallest"] is None


# ------------------------------------------------------------------- the table
def test_the_table_refuses_bad_rows_naming_the_line(tmp_path):
    bad = tmp_path / "t.csv"
    for body, why in (
        ("reader,case,truth,score\nA,1,2,3\n", "line 2: truth must be 0 or 1"),
        ("reader,case,truth,score\nA,1,1,x\n", "line 2: the score 'x' is not a number"),
        ("reader,case,truth,score\nA,1,1,3\nB,1,0,3\n", "line 3: case 1 has truth 0 and 1"),
        ("reader,case,truth,score\nA,1,1,3\nA,1,1,4\n", "line 3: reader A read case 1 twice"),
        ("reader,case,rating\n", "the header must name reader,case,truth,score"),
        ("reader,case,truth,score\nA,1,1,3\nA,2,0,3\n", "two of each are needed"),
    ):
        bad.write_text(body)
        with pytest.raises(InputError, match=why) as err:
            read_table(bad)
        assert str(bad) in str(err.value)


def test_cases_not_read_by_every_reader_are_left_out_with_a_warning(tmp_path):
    table = tmp_path / "t.csv"
    rows = [
        f"{r},{c},{int(c < 3)},{(c * 7 + n) % 5},{int(c % 2)}"
        for n, r in enumerate("AB")
        for c in range(6)
    ]
    table.write_text("# a comment\nreader,case,truth,score,call\n" + "\n".join(rows[:-1]) + "\n")
    t = read_table(table)
    assert t.readers == ("A", "B") and len(t.cases) == 5 and t.calls is not None
    assert "1 of 6 cases left out" in t.warnings[0]
    (m,) = analyse(t.scores, t.truth, t.readers, t.modalities, t.calls).modalities
    assert m.accuracy is not None and 0 <= m.accuracy.estimate <= 1


def test_the_imrmc_text_has_its_header_truth_rows_and_scores():
    t = read_table(VANDYKE)
    lines = imrmc_text(t, "Van Dyke").splitlines()
    at = lines.index("BEGIN DATA:")
    assert {"NR: 5", "N0: 69", "N1: 45", "NM: 2"} <= set(lines[:at])
    data = [line.split(",") for line in lines[at + 1 :]]
    assert len(data) == 114 + 2 * 5 * 114
    truth = [row for row in data if row[0] == "-1"]
    assert (
        len(truth) == 114 and sum(int(r[3]) for r in truth) == 45 and {r[2] for r in truth} == {"0"}
    )
    first = data[114]
    assert first[:3] == ["1", "1", "1"] and float(first[3]) == t.scores[0, 0, 0]


def test_readers_alike_use_normal_quantiles_and_the_cli_names_a_missing_table(tmp_path, capsys):
    rng = np.random.default_rng(2)
    truth = np.arange(30) < 15
    one = rng.integers(1, 11, 30).astype(float) + 2 * truth
    scores = np.stack([one, one])[None]  # two readers, the same scores: MS(R) = 0
    (m,) = analyse(scores, truth, ("A", "B"), ("",)).modalities
    assert m.df is None and m.ci is not None  # Hillis df infinite: the normal interval
    half = 1.959964 * np.sqrt(m.var)
    assert m.ci == pytest.approx((m.auc - half, m.auc + half), abs=1e-6)
    missing = tmp_path / "none.csv"
    assert run_cli(["review", "mrmc", str(missing)]).exit_code == 2
    assert str(missing) in capsys.readouterr().err
    assert run_cli(["review", "mrmc", str(VANDYKE), "--margin", "0.7"]).exit_code == 2
    assert "--margin must be between 0 and 0.5" in capsys.readouterr().err
