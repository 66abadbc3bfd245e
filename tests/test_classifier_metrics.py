"""Test metrics equal scikit-learn's on saved predictions; degenerate classes are reported and excluded."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from synthbench.classifier.metrics import auroc_report, bootstrap_mean_auroc, class_aurocs, roc_table

NAMES = ["a", "b", "c"]


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    labels = (rng.random((300, 3)) < [0.3, 0.5, 0.0]).astype(float)  # class c: no positives in test
    scores = np.clip(labels * 0.4 + rng.random((300, 3)) * 0.8, 0, 1)
    scores[:, 1] = 1 - scores[:, 1]  # class b predicted backwards: AUROC < 0.5
    return labels, scores


def test_per_class_and_mean_auroc_equal_scikit_learn(predictions):
    labels, scores = predictions
    report = auroc_report(labels, scores, NAMES, resamples=1000, seed=1)
    for column, name in enumerate(NAMES[:2]):
        assert report["classes"][name]["auroc"] == pytest.approx(roc_auc_score(labels[:, column], scores[:, column]))
    expected_mean = np.mean([roc_auc_score(labels[:, c], scores[:, c]) for c in (0, 1)])
    assert report["mean_auroc"] == pytest.approx(expected_mean)
    assert report["auroc"] == "raw" and report["test_rows"] == 300


def test_degenerate_class_is_excluded_with_reason_and_counts(predictions):
    labels, scores = predictions
    report = auroc_report(labels, scores, NAMES, resamples=1000, seed=1)
    assert {key: report["classes"]["c"][key] for key in ("auroc", "auroc_ci95", "auprc", "positives", "negatives")} \
        == {"auroc": None, "auroc_ci95": None, "auprc": None, "positives": 0, "negatives": 300}
    assert report["excluded"] == {"c": "only negative labels among the 300 test rows"}
    assert report["classes"]["a"]["positives"] == int(labels[:, 0].sum())


def test_bootstrap_ci_is_seeded_and_brackets_the_mean(predictions):
    labels, scores = predictions
    first = auroc_report(labels, scores, NAMES, resamples=1000, seed=7)
    again = auroc_report(labels, scores, NAMES, resamples=1000, seed=7)
    other = auroc_report(labels, scores, NAMES, resamples=1000, seed=8)
    low, high = first["mean_auroc_ci95"]
    assert first["mean_auroc_ci95"] == again["mean_auroc_ci95"] != other["mean_auroc_ci95"]
    assert low < first["mean_auroc"] < high
    means = bootstrap_mean_auroc(labels, scores, 1000, seed=7)
    assert (low, high) == pytest.approx((np.percentile(means, 2.5), np.percentile(means, 97.5)))


def test_flip_below_half_is_an_option_and_labelled(predictions):
    labels, scores = predictions
    raw = class_aurocs(labels, scores)
    flipped = auroc_report(labels, scores, NAMES, resamples=1000, seed=1, flip_below_half=True)
    assert raw[1] < 0.5 and flipped["classes"]["b"]["auroc"] == pytest.approx(1 - raw[1])
    assert flipped["auroc"].startswith("flipped")


def test_no_usable_class_is_an_error():
    with pytest.raises(ValueError, match="no class has both label values"):
        auroc_report(np.zeros((5, 2)), np.zeros((5, 2)), ["a", "b"], resamples=1000, seed=0)


def test_roc_table_has_curves_for_usable_classes(predictions):
    labels, scores = predictions
    table = roc_table(labels, scores, NAMES)
    assert set(table["class"]) == {"a", "b"}
    curve = table[table["class"] == "a"]
    assert curve["fpr"].iloc[-1] == 1.0 and curve["tpr"].iloc[-1] == 1.0


def test_auroc_equals_scikit_learn_with_ties_and_on_every_bootstrap_resample():
    """The weighted form must equal scikit-learn on the test split and on each resample drawn row by row (the
    draws the seeded stream gives, one resample after another)."""
    rng = np.random.default_rng(3)
    labels = (rng.random((120, 2)) < 0.4).astype(float)
    scores = np.round(labels * 0.3 + rng.random((120, 2)), 1)  # rounded: many tied scores
    for column in range(2):
        assert class_aurocs(labels, scores)[column] == pytest.approx(roc_auc_score(labels[:, column],
                                                                                   scores[:, column]), abs=1e-12)
    means = bootstrap_mean_auroc(labels, scores, 50, seed=11)
    stream = np.random.default_rng(11)
    for resample in range(50):
        rows = stream.integers(0, 120, 120)
        expected = np.mean([roc_auc_score(labels[rows, c], scores[rows, c]) for c in range(2)])
        assert means[resample] == pytest.approx(expected, abs=1e-12)


def test_per_class_intervals_come_from_the_same_resamples_as_the_mean(predictions):
    from synthbench.classifier.metrics import bootstrap_class_aurocs

    labels, scores = predictions
    report = auroc_report(labels, scores, NAMES, resamples=500, seed=3)
    draws = bootstrap_class_aurocs(labels, scores, 500, seed=3)
    for column, name in enumerate(NAMES[:2]):
        low, high = report["classes"][name]["auroc_ci95"]
        assert (low, high) == pytest.approx(tuple(np.percentile(draws[:, column], [2.5, 97.5])))
        assert low < report["classes"][name]["auroc"] < high
    assert report["classes"]["c"]["auroc_ci95"] is None
    assert report["mean_auroc_ci95"] == pytest.approx(np.percentile(np.nanmean(draws, axis=1), [2.5, 97.5]))


def test_auprc_brier_and_ece_equal_their_definitions(predictions):
    from sklearn.metrics import average_precision_score, brier_score_loss

    labels, scores = predictions
    report = auroc_report(labels, scores, NAMES, resamples=10, seed=0)
    for column, name in enumerate(NAMES[:2]):
        assert report["classes"][name]["auprc"] == pytest.approx(average_precision_score(labels[:, column],
                                                                                         scores[:, column]))
        assert report["classes"][name]["brier"] == pytest.approx(brier_score_loss(labels[:, column], scores[:, column]))
    assert report["classes"]["c"]["auprc"] is None, "no positive: average precision is undefined"
    assert report["mean_auprc"] == pytest.approx(np.mean([report["classes"][n]["auprc"] for n in NAMES[:2]]))
    assert report["brier"] == pytest.approx(np.mean([brier_score_loss(labels[:, c], scores[:, c]) for c in range(3)]))


def test_ece_by_hand():
    from synthbench.classifier.metrics import expected_calibration_error

    # Bin [0.1, 0.2): scores 0.15, 0.15, labels 0, 1 -> |0.5 - 0.15| = 0.35, weight 2/4.
    # Bin [0.9, 1.0]: scores 0.95, 1.0, labels 1, 1 -> |1 - 0.975| = 0.025, weight 2/4 (1.0 in the last bin).
    labels = np.array([[0.0, 1.0], [1.0, 1.0]])
    scores = np.array([[0.15, 0.95], [0.15, 1.0]])
    assert expected_calibration_error(labels, scores) == pytest.approx(0.5 * 0.35 + 0.5 * 0.025)
    perfect = np.array([[0.0], [1.0]])
    assert expected_calibration_error(perfect, perfect) == 0.0
