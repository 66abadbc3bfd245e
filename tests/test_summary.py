"""The tidy summary, its mean over seeds, and the path -> run mapping both rely on."""

import numpy as np
import pandas as pd
import pytest

from synthbench.metrics import table as metrics_table
from synthbench.metrics.table import row
from synthbench.paths import run_of
from synthbench.summary.collect import mean_over_seeds, rows_of, summary_table
from synthbench.summary.headline import controls_line, headline, memorisation_line


def write(root, relative, rows):
    path = root / relative / metrics_table.FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    metrics_table.write(path, rows)
    return path


def classifier_rows(mean, low, high, classes):
    return [row("mean_auroc", mean, n=6, ci=(low, high)),
            *(row("auroc", value, class_name=name, n=6) for name, value in classes.items())]


def test_run_of_reads_wildcards_from_the_output_layout(tmp_path):
    assert run_of(tmp_path / "results/chest/classes/4/classifier/prog/seed2/test_metrics.json") == {
        "dataset": "chest", "arm": "classes", "value": 4, "stage": "classifier", "source": "prog", "seed": 2}
    assert run_of("results/brain/samples/80/attribution/seed0/attribution.json")["source"] is None
    with pytest.raises(ValueError, match="not under results"):
        run_of("elsewhere/metrics.json")


def test_summary_has_one_tidy_row_per_number_and_means_over_seeds(tmp_path):
    run = "results/chest/samples/20"
    files = [
        write(tmp_path, f"{run}/classifier/real/seed0", classifier_rows(0.9, 0.8, 0.95, {"a": 0.85, "b": 0.95})),
        write(tmp_path, f"{run}/classifier/real/seed1", classifier_rows(0.7, 0.6, 0.8, {"a": 0.6, "b": 0.8})),
        write(tmp_path, f"{run}/gan/prog/seed0", [row("fid", 12.5, extractor="inception", n=500),
                                                  row("best_kimg", 40.0), row("kimg", 60.0),
                                                  row("wall_seconds", 9.0)]),
        write(tmp_path, f"{run}/nn/prog/seed0", [row("nn_fraction_below_threshold", 0.02, n=60),
                                                 row("nn_threshold", 0.1, n=20)]),
        write(tmp_path, f"{run}/attribution/seed0", [
            row("attribution_spearman_mean", 0.4, source="prog", n=6),
            row("attribution_spearman_mean", np.nan, source="random", n=0),
            row("attribution_top_iou_mean", 0.1, source="random", n=6)]),
    ]
    table = summary_table(files)
    assert len(table) == 2 * 3 + 4 + 2 + 3
    b = table[(table["metric"] == "auroc") & (table["class"] == "b") & (table["seed"] == 1)]
    assert b[["dataset", "arm", "value", "source", "direction"]].iloc[0].tolist() == [
        "chest", "samples", 20, "real", "higher"]
    assert b["result"].item() == 0.8 and b["n"].item() == 6 and np.isnan(b["ci_low"].item())
    mean_auroc = table[(table["metric"] == "mean_auroc") & (table["seed"] == 1)]
    assert mean_auroc[["result", "ci_low", "ci_high"]].iloc[0].tolist() == [0.7, 0.6, 0.8]
    fid = table[table["metric"] == "fid"].iloc[0]
    assert (fid["extractor"], fid["source"], fid["direction"], fid["n"]) == ("inception", "prog", "lower", 500)
    assert table.loc[table["metric"] == "kimg", "direction"].item() == "none"
    random = table[(table["source"] == "random") & (table["metric"] == "attribution_spearman_mean")]
    assert np.isnan(random["result"].item()), "an undefined agreement stays missing, not 0"
    assert set(table.loc[table["metric"].str.startswith("attribution"), "source"]) == {"prog", "random"}, \
        "attribution rows belong to the explainer named in the row, not to the run folder"
    mean = mean_over_seeds(table)
    auroc = mean[(mean["metric"] == "mean_auroc")].iloc[0]
    assert auroc["mean"] == pytest.approx(0.8) and auroc["sd"] == pytest.approx(np.std([0.9, 0.7], ddof=1))
    assert auroc["n"] == 2 and auroc["direction"] == "higher"
    assert rows_of(files[2])["source"].tolist() == ["prog"] * 4


def test_only_metrics_tables_are_read(tmp_path):
    with pytest.raises(ValueError, match="history.csv: not a per-run metrics table"):
        rows_of(tmp_path / "results/chest/samples/20/classifier/real/seed0/history.csv")


def test_headline_puts_each_sources_auroc_beside_real_and_names_the_most_memorising_run(tmp_path):
    run = "results/brain/classes"
    files = [
        write(tmp_path, f"{run}/4/classifier/real/seed0", classifier_rows(0.9, 0.8, 0.95, {"a": 0.85})),
        write(tmp_path, f"{run}/4/classifier/real/seed1", classifier_rows(0.8, 0.7, 0.9, {"a": 0.75})),
        write(tmp_path, f"{run}/4/classifier/prog/seed0", classifier_rows(0.61, 0.5, 0.7, {"a": 0.6})),
        write(tmp_path, f"{run}/2/classifier/real/seed0", classifier_rows(0.99, 0.98, 1.0, {"a": 0.99})),
        write(tmp_path, f"{run}/2/nn/cpd/seed0", [row("nn_fraction_below_threshold", 0.125, n=80)]),
        write(tmp_path, f"{run}/4/nn/prog/seed0", [row("nn_fraction_below_threshold", 0.01, n=80)]),
    ]
    summary = tmp_path / "summary_mean.csv"
    mean_over_seeds(summary_table(files)).to_csv(summary, index=False)
    lines = headline(pd.read_csv(summary)).splitlines()
    assert lines[1].split() == ["dataset", "arm", "value", "real", "prog"], "real first, then each source"
    assert lines[2].split() == ["brain", "classes", "2", "0.990", "-"], "a source missing on a value shows '-'"
    assert lines[3].split() == ["brain", "classes", "4", f"0.850±{np.std([0.9, 0.8], ddof=1):.3f}", "0.610"]
    assert "12.5 % " in lines[-1] and "cpd on brain classes 2; 2 runs searched" in lines[-1]


def test_headline_leaves_the_controls_out_of_the_memorisation_line_and_says_what_they_proved(tmp_path):
    run = "results/chest/samples"
    attack = [row("mia_auc", 0.52, extractor="classifier", n=40, ci=(0.4, 0.6)),
              row("mia_auc", 0.71, extractor="pixels", n=40, ci=(0.6, 0.8))]
    files = [
        write(tmp_path, f"{run}/20/nn/prog/seed0", [row("nn_fraction_below_threshold", 0.02, n=80)]),
        write(tmp_path, f"{run}/20/nn/copycat/seed0", [
            row("nn_fraction_below_threshold", 0.45, n=80), *attack,
            row("copy_recall", 0.95, extractor="pixels", n=36), row("copy_recall", 0.5, extractor="classifier", n=36)]),
        write(tmp_path, f"{run}/80/nn/copycat/seed0", [row("copy_recall", 1.0, extractor="pixels", n=36)]),
        write(tmp_path, f"{run}/20/nn/noise/seed0", [row("mia_auc", 0.48, extractor="pixels", n=40, ci=(0.4, 0.6))]),
    ]
    table = mean_over_seeds(summary_table(files))
    assert "2.0 % " in memorisation_line(table) and "prog on chest samples 20; 1 runs searched" in memorisation_line(
        table), "copycat's flags are its planted copies, not a generator's memorisation"
    assert headline(table).splitlines()[-1] == (
        "controls: copycat's planted copies found with recall 0.50 (classifier), 0.95-1.00 (pixels); membership AUC "
        "in pixels copycat 0.71, noise 0.48 (0.5: chance)")
    assert controls_line(table[table["source"] == "prog"]) is None, "no line where no control ran"


def test_headline_says_when_no_run_copies_its_training_images(tmp_path):
    files = [write(tmp_path, f"results/chest/samples/{value}/nn/prog/seed0",
                   [row("nn_fraction_below_threshold", 0.0, n=80)]) for value in (20, 80)]
    assert memorisation_line(mean_over_seeds(summary_table(files))) == (
        "memorisation: no synthetic image of the 2 runs searched lies nearer a training image than held-out "
        "images do")


def fid_rows(arm, runs):
    """Summary rows of FID: runs are (value, source, seed, {extractor: fid})."""
    return pd.DataFrame([{"dataset": "chest", "arm": arm, "value": value, "source": source, "seed": seed,
                          "metric": "fid", "extractor": extractor, "result": fid}
                         for value, source, seed, fids in runs for extractor, fid in fids.items()])


def test_rank_agreement_compares_every_two_extractors_rankings_of_an_arms_runs():
    from synthbench.summary.rank_agreement import rank_agreement

    samples = fid_rows("samples", [
        (20, "cpd", 0, {"classifier": 10.0, "classifier[minmax]": 30.0, "random": 4.0}),
        (20, "prog", 0, {"classifier": 20.0, "classifier[minmax]": 10.0, "random": 3.0}),
        (80, "cpd", 0, {"classifier": 30.0, "classifier[minmax]": 40.0, "random": 2.0}),
        (80, "prog", 0, {"classifier": 40.0, "classifier[minmax]": 50.0, "random": 1.0}),
        (80, "real", 0, {"classifier": 1.0, "classifier[minmax]": 99.0, "random": 9.0}),  # the ceiling: no run
    ])
    classes = fid_rows("classes", [(2, "cpd", 0, {"classifier": 5.0, "classifier[minmax]": 6.0}),
                                   (4, "cpd", 0, {"classifier": 7.0, "classifier[minmax]": 8.0})])
    table = rank_agreement(pd.concat([samples, classes])).set_index(["arm", "extractor_a", "extractor_b"])
    assert list(table.index) == [("classes", "classifier", "classifier[minmax]"),
                                 ("samples", "classifier", "random"), ("samples", "classifier", "classifier[minmax]"),
                                 ("samples", "random", "classifier[minmax]")]
    one_swap = table.loc[("samples", "classifier", "classifier[minmax]")]
    assert one_swap["runs"] == 4 and one_swap["note"] == ""
    assert one_swap["spearman"] == pytest.approx(1 - 6 * 2 / (4 * 15)), "d² = 1 + 1 over n(n² - 1) = 60"
    assert one_swap["kendall"] == pytest.approx((5 - 1) / 6), "5 concordant and 1 discordant of 6 pairs"
    reversed_order = table.loc[("samples", "classifier", "random")]
    assert (reversed_order["spearman"], reversed_order["kendall"]) == (pytest.approx(-1.0), pytest.approx(-1.0))
    too_few = table.loc[("classes", "classifier", "classifier[minmax]")]
    assert too_few["runs"] == 2 and np.isnan(too_few["spearman"]) and "at least 3" in too_few["note"]
    assert rank_agreement(fid_rows("samples", [(20, "cpd", 0, {"classifier": 1.0})])).empty, "one extractor"


def test_the_catalogue_table_has_a_row_per_generator_with_its_fid_kid_and_test_auroc(tmp_path):
    from synthbench.summary.catalogue_table import catalogue_table

    run = "results/chest/samples/20"
    files = [write(tmp_path, f"{run}/metrics/cpd/seed0", [row("fid", 12.5, extractor="classifier", n=50),
                                                          row("fid", 40.0, extractor="classifier[minmax]", n=50),
                                                          row("kid", 0.01, extractor="classifier", n=50)]),
             write(tmp_path, f"{run}/metrics/real/seed0", [row("fid", 2.0, extractor="classifier", n=50)]),
             write(tmp_path, f"{run}/classifier/cpd/seed0", classifier_rows(0.8, 0.7, 0.9, {"a": 0.8})),
             write(tmp_path, f"{run}/classifier/real/seed0", classifier_rows(0.9, 0.8, 0.95, {"a": 0.9})),
             write(tmp_path, f"{run}/metrics/theirs/seed0", [row("fid", 9.0, extractor="classifier", n=50)]),
             write(tmp_path, f"{run}/classifier/theirs/seed0", classifier_rows(0.7, 0.6, 0.8, {"a": 0.7}))]
    assert "theirs" in set(catalogue_table(summary_table(files))["family"]), "a source like any other ..."
    table = catalogue_table(summary_table(files), uncatalogued=("theirs",))  # ... unless it was not trained here
    assert table.to_dict("records") == [{"id": "chest-samples-20-cpd-s0", "family": "cpd", "dataset": "chest",
                                         "arm": "samples", "value": 20, "seed": 0, "fid classifier": 12.5,
                                         "kid classifier": 0.01, "test mean AUROC": 0.8}]
