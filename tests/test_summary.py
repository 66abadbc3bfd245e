"""The tidy summary, its mean over seeds, and the path -> run mapping both rely on."""

import json

import numpy as np
import pytest

from synthbench.paths import run_of
from synthbench.summary.collect import mean_over_seeds, rows_of, summary_table


def write(root, relative, data):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def metrics(mean, low, high, classes):
    return {"mean_auroc": mean, "mean_auroc_ci95": [low, high],
            "classes": {name: {"auroc": value, "positives": 3, "negatives": 3} for name, value in classes.items()}}


def test_run_of_reads_wildcards_from_the_output_layout(tmp_path):
    assert run_of(tmp_path / "results/chest/classes/4/classifier/prog/seed2/test_metrics.json") == {
        "dataset": "chest", "arm": "classes", "value": 4, "stage": "classifier", "source": "prog", "seed": 2}
    assert run_of("results/brain/samples/80/attribution/seed0/attribution.json")["source"] is None
    with pytest.raises(ValueError, match="not under results"):
        run_of("elsewhere/metrics.json")


def test_summary_has_one_tidy_row_per_number_and_means_over_seeds(tmp_path):
    run = "results/chest/samples/20"
    files = [
        write(tmp_path, f"{run}/classifier/real/seed0/test_metrics.json",
              metrics(0.9, 0.8, 0.95, {"a": 0.85, "b": 0.95})),
        write(tmp_path, f"{run}/classifier/real/seed1/test_metrics.json", metrics(0.7, 0.6, 0.8, {"a": 0.6, "b": 0.8})),
        write(tmp_path, f"{run}/gan/prog/seed0/training.json",
              {"extractor": "inception", "best_fid": 12.5, "best_kimg": 40.0, "kimg": 60.0, "wall_seconds": 9.0}),
        write(tmp_path, f"{run}/nn/prog/seed0/memorisation.json",
              {"fraction_below_threshold": 0.02, "threshold": 0.1, "synthetic_to_train": {"q50": 0.3},
               "heldout_to_train": {"q50": 0.35}}),
        write(tmp_path, f"{run}/attribution/seed0/attribution.json",
              {"explainers": {"prog": {"spearman": {"mean": 0.4}, "top_iou": {"mean": 0.3}},
                              "random": {"spearman": {"n": 0, "undefined": 6}, "top_iou": {"mean": 0.1}}}}),
    ]
    table = summary_table(files)
    assert len(table) == 2 * 5 + 4 + 4 + 4
    row = table[(table["metric"] == "auroc") & (table["class"] == "b") & (table["seed"] == 1)]
    assert row[["dataset", "arm", "value", "source"]].iloc[0].tolist() == ["chest", "samples", 20, "real"]
    assert row["result"].item() == 0.8
    assert table.loc[table["metric"] == "best_fid", "extractor"].item() == "inception"
    random = table[(table["source"] == "random") & (table["metric"] == "attribution_spearman_mean")]
    assert np.isnan(random["result"].item()), "an undefined agreement stays missing, not 0"
    mean = mean_over_seeds(table)
    auroc = mean[(mean["metric"] == "mean_auroc")].iloc[0]
    assert auroc["mean"] == pytest.approx(0.8) and auroc["sd"] == pytest.approx(np.std([0.9, 0.7], ddof=1))
    assert auroc["n"] == 2
    assert rows_of(files[2])[0]["source"] == "prog"


def test_unknown_files_are_named(tmp_path):
    with pytest.raises(ValueError, match="history.csv: not a file the summary reads"):
        rows_of(tmp_path / "results/chest/samples/20/classifier/real/seed0/history.csv")
