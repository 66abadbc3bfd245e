"""Paired comparison of a synthetic-trained classifier with the real-trained one: DeLong's test against a
brute-force computation of its definition, the paired bootstrap, TOST, Holm, and the compare command."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from synthbench.classifier.paired import delong, holm, paired_mean_auroc_differences, tost_p
from synthbench.cli import main as synthbench_main
from synthbench.metrics import table as metrics_table


def brute_force_delong(truth, first, second):
    """DeLong et al. (1988) written out pair by pair: structural components, their covariance, the z-test."""
    positives, negatives = np.flatnonzero(truth == 1), np.flatnonzero(truth == 0)

    def psi(x, y):
        return 1.0 if x > y else 0.5 if x == y else 0.0

    def components(scores):
        v10 = [np.mean([psi(scores[i], scores[j]) for j in negatives]) for i in positives]
        v01 = [np.mean([psi(scores[i], scores[j]) for i in positives]) for j in negatives]
        return np.array(v10), np.array(v01)

    (a10, a01), (b10, b01) = components(first), components(second)
    m, n = len(positives), len(negatives)
    s10 = np.cov(a10, b10)  # ddof 1
    s01 = np.cov(a01, b01)
    variance = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    difference = b10.mean() - a10.mean()
    z = difference / math.sqrt(variance)
    return difference, math.sqrt(variance), 2 * (1 - stats.norm.cdf(abs(z)))


def test_delong_equals_its_definition_and_the_aurocs():
    rng = np.random.default_rng(0)
    truth = (rng.random(80) < 0.4).astype(float)
    first = np.round(truth * 0.5 + rng.random(80), 1)  # ties included
    second = np.round(truth * 0.9 + rng.random(80), 1)
    result = delong(truth, first, second)
    difference, se, p = brute_force_delong(truth, first, second)
    assert result["difference"] == pytest.approx(roc_auc_score(truth, second) - roc_auc_score(truth, first))
    assert (result["difference"], result["se"], result["p"]) == pytest.approx((difference, se, p), rel=1e-10)
    same = delong(truth, first, first)
    assert same["difference"] == 0 and same["p"] == 1.0
    with pytest.raises(ValueError, match="both label values"):
        delong(np.zeros(5), first[:5], second[:5])


def test_the_paired_bootstrap_resamples_rows_once_for_both_classifiers():
    rng = np.random.default_rng(1)
    labels = (rng.random((200, 2)) < 0.3).astype(float)
    real = labels * 0.6 + rng.random((200, 2))
    assert (paired_mean_auroc_differences(labels, real, real, 300, 0) == 0).all(), "a classifier equals itself"
    worse = labels * 0.2 + rng.random((200, 2))
    differences = paired_mean_auroc_differences(labels, real, worse, 300, 0)
    observed = np.mean([roc_auc_score(labels[:, c], worse[:, c]) - roc_auc_score(labels[:, c], real[:, c])
                        for c in range(2)])
    assert np.percentile(differences, 2.5) < observed < np.percentile(differences, 97.5) < 0


def test_tost_and_holm():
    differences = np.array([-0.03, -0.01, 0.0, 0.01, 0.015])
    assert tost_p(differences, 0.02) == pytest.approx(0.2), "1 of 5 at or beyond -0.02, none beyond +0.02"
    assert tost_p(np.zeros(10), 0.02) == 0.0
    # Holm by hand: sorted 0.01, 0.02, 0.04 -> 0.03, max(0.03, 0.04), max(0.04, 0.04).
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])


def write_predictions(path, labels, scores, names=("a", "b")):
    table = pd.DataFrame({"image_id": np.arange(len(labels))[::-1]})  # any row order: matched by id
    for column, name in enumerate(names):
        table[name] = labels[::-1, column].astype(int)
        table[f"score {name}"] = scores[::-1, column]
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    return path


def test_the_compare_command_writes_the_paired_rows_per_source(tmp_path):
    rng = np.random.default_rng(2)
    labels = (rng.random((150, 2)) < 0.4).astype(float)
    real = write_predictions(tmp_path / "real.csv", labels, labels * 0.6 + rng.random((150, 2)))
    twin = write_predictions(tmp_path / "twin.csv", labels, pd.read_csv(real).sort_values("image_id")[
        ["score a", "score b"]].to_numpy())
    worse = write_predictions(tmp_path / "worse.csv", labels, labels * 0.1 + rng.random((150, 2)))
    synthbench_main(["classifier", "compare", "--real", str(real), "--compared", f"cpd={twin}", f"prog={worse}",
                     "--settings-json", json.dumps({"bootstrap": 1000, "equivalence_margin": 0.02}), "--seed", "0",
                     "--out", str(tmp_path / "out")])
    table = metrics_table.read(tmp_path / "out" / metrics_table.FILE)
    rows = table.set_index(["source", "metric", "class"])["result"]
    assert rows[("cpd", "delta_mean_auroc", "")] == 0 and rows[("cpd", "tost_p", "")] == 0, "the same classifier"
    assert rows[("prog", "delta_mean_auroc", "")] < -0.05 and rows[("prog", "tost_p", "")] == 1.0
    assert 0 <= rows[("prog", "delong_p", "a")] < 0.05
    report = json.loads((tmp_path / "out/comparison.json").read_text())
    assert set(report["sources"]) == {"cpd", "prog"} and report["sources"]["prog"]["test_rows"] == 150
    other = write_predictions(tmp_path / "other.csv", labels[:100], rng.random((100, 2)))
    with pytest.raises(SystemExit, match="not predictions of the same test rows"):
        synthbench_main(["classifier", "compare", "--real", str(real), "--compared", f"cpd={other}",
                         "--settings-json", json.dumps({"bootstrap": 1000, "equivalence_margin": 0.02}),
                         "--seed", "0", "--out", str(tmp_path / "bad")])


def test_the_summary_table_holm_adjusts_each_arms_values_and_says_where_synthetic_is_as_good_as_real():
    from synthbench.summary.paired_tests import paired_tests

    rows = [{"dataset": "chest", "arm": "samples", "value": value, "source": "cpd", "seed": 0, "metric": metric,
             "class": np.nan, "result": result, "ci_low": low, "ci_high": high}
            for value, delta, p in ((20, -0.05, 0.4), (80, -0.001, 0.01), (160, 0.0, 0.02))
            for metric, result, low, high in (("delta_mean_auroc", delta, delta - 0.01, delta + 0.01),
                                              ("tost_p", p, np.nan, np.nan))]
    table = paired_tests(pd.DataFrame(rows))
    assert table["value"].tolist() == [20, 80, 160]
    assert table["tost_p_holm"].tolist() == pytest.approx([0.4, 0.03, 0.04])
    assert table["equivalent"].tolist() == [False, True, True]
