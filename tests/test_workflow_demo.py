"""End to end: the real Snakemake DAG writes the demo raw datasets, and the README keeps its two commands."""

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import psutil
import pytest
from PIL import Image

from conftest import REPO, load_config, run_snakemake, start_snakemake
from test_config import deep_merge

# Tiny demo raw data, enough for both index jobs (their image caches are the targets).
# The demo's arms cannot be built from so few images: the chest plan, which would stop the run before the index
# saying so, is switched off (test_an_infeasible_config_stops_at_the_plan_before_the_index has it on).
TINY_RAW = {"demo": {"chest": {"train_patients": 15, "valid_patients": 3},
                     "brain": {"patients": 5, "haemorrhage_fraction": 0.5}},
            "datasets": {"brain": {"normal_images": 4}, "chest": {"plan_before_index": False}}}
INDEX_CACHES = [f"results/{dataset}/index/images_32.h5" for dataset in ("chest", "brain")]


@pytest.mark.e2e
def test_demo_dag_writes_raw_data_index_and_cache(tmp_path, write_config):
    tiny = write_config(TINY_RAW)
    targets = INDEX_CACHES
    args = ["demo_data", *targets, "--cores", "2", "--configfile", str(REPO / "config/demo.yaml"), str(tiny)]
    run_snakemake(tmp_path, *args)
    chest = tmp_path / "resources/demo/CheXpert-v1.0-small"
    brain = tmp_path / "resources/demo/rsna-intracranial-hemorrhage-detection"
    train = pd.read_csv(chest / "train.csv")
    assert train["Path"].str.extract(r"patient(\d+)")[0].nunique() == 15
    assert all((chest.parent / path).is_file() for path in train["Path"])
    labels = pd.read_csv(brain / "stage_2_train.csv")
    assert len(labels) == 6 * len(list((brain / "stage_2_train").glob("*.dcm")))
    assert "RSNA demo: 5/5 (100%)" in (tmp_path / "logs/demo/brain.log").read_text()
    assert "CheXpert demo train: 15/15 (100%)" in (tmp_path / "logs/demo/chest.log").read_text()
    for dataset in ("chest", "brain"):
        manifest = pd.read_csv(tmp_path / f"results/{dataset}/index/manifest.csv")
        with h5py.File(tmp_path / f"results/{dataset}/index/images_32.h5") as h5:
            assert h5["images"].shape == (len(manifest), 32, 32), "cache at the largest side of the demo arms"
        assert f"{dataset} index: {len(manifest)} images" in (tmp_path / f"logs/{dataset}/index/index.log").read_text()
    assert (pd.read_csv(tmp_path / "results/brain/index/manifest.csv")["no finding"] == 1).sum() == 4
    rerun = run_snakemake(tmp_path, "-n", *args)
    assert "Nothing to be done" in rerun.stdout + rerun.stderr
    downloads = tmp_path / "downloads of O'Neil & co $HOME"  # every value reaches the shell quoted
    shutil.copytree(chest, downloads / chest.name)
    shutil.copytree(brain, downloads / brain.name)
    moved = write_config({"datasets": {"chest": {"raw_dir": str(downloads / chest.name)},
                                       "brain": {"raw_dir": str(downloads / brain.name), "normal_images": 4}}},
                         "moved.yaml")
    elsewhere = [*targets, "--cores", "2", "--configfile", str(REPO / "config/demo.yaml"), str(tiny), str(moved)]
    run_snakemake(tmp_path / "elsewhere", *elsewhere)
    for dataset in ("chest", "brain"):
        assert (tmp_path / f"elsewhere/results/{dataset}/index/manifest.csv").read_bytes() == \
            (tmp_path / f"results/{dataset}/index/manifest.csv").read_bytes()
    # the index depends on the label table it reads, not on whatever else lands in the download's folder
    (downloads / chest.name / "notes.txt").write_text("my notes")
    unchanged = run_snakemake(tmp_path / "elsewhere", "-n", *elsewhere)
    assert "Nothing to be done" in unchanged.stdout + unchanged.stderr
    table = downloads / chest.name / "train.csv"
    os.utime(table, (time.time() + 5, time.time() + 5))
    touched = run_snakemake(tmp_path / "elsewhere", "-n", *elsewhere)
    assert "Nothing to be done" in touched.stdout + touched.stderr, "a newer table of the same content is the same"
    with open(table, "a") as handle:
        handle.write("\n")
    edited = run_snakemake(tmp_path / "elsewhere", "-n", *elsewhere).stdout
    assert "Updated input files" in edited and "index_chest" in edited and "index_brain" not in edited


@pytest.mark.e2e
def test_a_killed_workflow_is_unlocked_and_finished_as_the_readme_says(tmp_path, write_config):
    args = [*INDEX_CACHES, "--cores", "1", "--configfile", str(REPO / "config/demo.yaml"),
            str(write_config(TINY_RAW))]
    snakemake = start_snakemake(tmp_path, *args)
    started = tmp_path / "logs/demo"
    while not started.is_dir() and snakemake.poll() is None:
        time.sleep(0.05)
    for process in [*psutil.Process(snakemake.pid).children(recursive=True), psutil.Process(snakemake.pid)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    snakemake.wait(timeout=60)
    assert not any((tmp_path / "results").rglob("manifest.csv")), "killed before any index finished"
    locked = run_snakemake(tmp_path, *args, check=False)
    assert locked.returncode != 0 and "cannot be locked" in locked.stdout + locked.stderr
    run_snakemake(tmp_path, "--unlock", *args)
    run_snakemake(tmp_path, *args)
    for dataset in ("chest", "brain"):
        with h5py.File(tmp_path / f"results/{dataset}/index/images_32.h5") as h5:
            assert len(h5["images"]) == len(pd.read_csv(tmp_path / f"results/{dataset}/index/manifest.csv"))


DEMO = deep_merge(load_config("config.yaml"), load_config("demo.yaml"))
ARM_VALUES = [(dataset, arm, value) for dataset in ("chest", "brain")
              for arm, settings in DEMO["datasets"][dataset]["arms"].items() for value in settings["values"]]


@pytest.mark.e2e
def test_an_infeasible_config_stops_at_the_plan_before_the_index(tmp_path, write_config):
    """The tiny raw data cannot fill the demo's chest arms: the plan job fails in seconds listing every value that
    will not build, and the chest index never starts."""
    tiny = write_config(deep_merge(TINY_RAW, {"datasets": {"chest": {"plan_before_index": True}}}))
    args = ["--cores", "2", "--configfile", str(REPO / "config/demo.yaml"), str(tiny)]
    plan = run_snakemake(tmp_path, "-n", INDEX_CACHES[0], *args).stdout
    assert "plan_chest" in plan and "index_chest" in plan
    failed = run_snakemake(tmp_path, INDEX_CACHES[0], *args, check=False)
    assert failed.returncode != 0
    log = (tmp_path / "logs/chest/index/plan.log").read_text()
    assert "error: 6 of 6 chest arm values will not build" in log, log
    assert log.count("  no: dataset chest") == 6
    assert not (tmp_path / "logs/chest/index/index.log").exists(), "the index never started"
    assert not (tmp_path / "results/chest/index/plan.csv").exists()


@pytest.fixture(scope="module")
def demo_datasets(tmp_path_factory):
    """A work directory in which the demo DAG has built every arm dataset (the GAN stage is run by tests)."""
    workdir = tmp_path_factory.mktemp("demo")
    targets = [f"results/{d}/{a}/{v}/data/meta.json" for d, a, v in ARM_VALUES]
    run_snakemake(workdir, *targets, "--cores", "2", "--configfile", str(REPO / "config/demo.yaml"))
    return workdir


@pytest.mark.e2e
def test_demo_dag_builds_every_arm_value_with_the_configured_counts(demo_datasets):
    demo, tmp_path = DEMO, demo_datasets
    built = 0
    for dataset in ("chest", "brain"):
        arms = demo["datasets"][dataset]["arms"]
        for arm, settings in arms.items():
            for position, value in enumerate(settings["values"]):
                meta = json.loads((tmp_path / f"results/{dataset}/{arm}/{value}/data/meta.json").read_text())
                counts = {split: meta["splits"][split]["images_per_class"] for split in ("train", "valid", "test")}
                if arm == "resolution":
                    assert meta["resolution"] == value
                    assert sum(counts["valid"].values()) == settings["valid_images"]
                    assert sum(counts["test"].values()) == settings["test_images"]
                    continue
                expected_train = settings["train_per_class"][position] if arm == "classes" else value
                assert len(meta["classes"]) == (value if arm == "classes" else settings["classes"])
                assert set(counts["train"].values()) == {expected_train}
                assert set(counts["valid"].values()) == {settings["valid_per_class"]}
                assert set(counts["test"].values()) == {settings["test_per_class"]}
                built += 1
    assert built == sum(len(demo["datasets"][d]["arms"][a]["values"]) for d in ("chest", "brain")
                        for a in ("classes", "samples"))
    planned = pd.read_csv(tmp_path / "results/chest/index/plan.csv")  # the plan the chest index waited for
    for row in planned.itertuples():
        meta = json.loads((tmp_path / f"results/chest/{row.arm}/{row.value}/data/meta.json").read_text())
        assert [row.train, row.valid, row.test] == [meta["splits"][split]["images"] for split in
                                                    ("train", "valid", "test")] and row.builds, row


def test_readme_starts_with_the_two_commands():
    first_lines = (REPO / "README.md").read_text().splitlines()[:15]
    assert any("make demo" in line for line in first_lines)
    assert any("make test" in line for line in first_lines)


FAMILIES = ("prog", "cpd", "dcgan")  # what these tests train on chest's samples arm (brain's has sngan instead)
TINY_LOOP = {"total_kimg": 0.6, "min_kimg": 0, "fid_every_kimg": 0.2, "tick_kimg": 0.2, "minibatch": 8}
TINY_GAN = {**TINY_LOOP, "networks": {"latent_size": 8, "fmap_base": 32, "fmap_max": 16}}
TINY_DCGAN = {**TINY_LOOP, "networks": {"latent_size": 8, "g_channels": 4, "d_channels": 4}}
TINY = {"fid": {"extractor": "random", "num_images": 50}, "generator_metrics": {"extractors": ["classifier"]},
        "gans": {"prog": {**TINY_GAN, "growth": {"training_kimg": 0.1, "transition_kimg": 0.1}}, "cpd": TINY_GAN,
                 "dcgan": TINY_DCGAN, "sngan": TINY_DCGAN},
        "classifier": {"batch_size": 16, "steps_per_epoch": 2, "max_epochs": 2},
        "attribution": {"images": 3, "patch": 8},
        # Every family, on arms of both datasets (the demo itself runs fewer; `sources` does not touch the data).
        "datasets": {"chest": {"arms": {"samples": {"sources": list(FAMILIES)}}},
                     "brain": {"arms": {"classes": {"sources": ["prog", "cpd"]},
                                        "samples": {"sources": ["prog", "cpd", "sngan"]}}}}}


@pytest.mark.e2e
def test_gan_rules_train_every_family_and_write_synthetic_splits(demo_datasets, write_config):
    override = write_config(TINY)
    runs = [f"results/{d}/{a}/{v}/gan/{gan}/seed0" for d, a, v, families in (
        ("chest", "samples", 20, FAMILIES), ("brain", "classes", 2, ("prog", "cpd")),
        ("brain", "samples", 20, ("sngan",))) for gan in families]
    targets = [f"{run}/synthetic/train.tfrecord" for run in runs]
    args = [*targets, "--cores", "2", "--configfile", str(REPO / "config/demo.yaml"), str(override)]
    run_snakemake(demo_datasets, *args)
    for run in runs:
        out = demo_datasets / run
        record = json.loads((out / "training.json").read_text())
        assert record["extractor"] == "random" and record["stop_reason"] in ("total_kimg", "fid_patience")
        assert (out / "network_final.keras").is_file() and (out / "samples.png").is_file()
        data = out.parents[2] / "data"
        for split in ("train", "valid", "test"):
            real, fake = pd.read_csv(data / f"{split}.csv"), pd.read_csv(out / f"synthetic/{split}.csv")
            assert len(fake) == len(real) and (fake.columns == real.columns).all()
        assert "kimg" in (demo_datasets / "logs" / run.removeprefix("results/") / "train.log").read_text()
    stats = demo_datasets / "results/chest/samples/20/fid/random/train.npz"
    assert stats.is_file(), "real statistics cached per split and extractor, shared by every family"
    real_features = np.load(stats.with_name("features.npz"))
    kept = np.load(demo_datasets / f"{runs[0]}/features.npz")
    assert str(real_features["extractor"]) == str(kept["extractor"]) == "random"
    assert kept["synthetic"].shape == real_features["train"].shape, "one synthetic twin per real row measured"
    assert len(real_features["heldout"]) == len(pd.read_csv(stats.parents[2] / "data/test.csv"))
    rerun = run_snakemake(demo_datasets, "-n", *args)
    assert "Nothing to be done" in rerun.stdout + rerun.stderr


@pytest.mark.e2e
def test_classifiers_read_their_source_and_are_tested_on_the_real_test_split(demo_datasets, write_config):
    override = write_config(TINY)
    arm = demo_datasets / "results/chest/samples/20"
    targets = [f"results/chest/samples/20/classifier/{source}/seed0/test_metrics.json" for source in ("real", "prog")]
    run_snakemake(demo_datasets, *targets, "--cores", "2", "--configfile", str(REPO / "config/demo.yaml"),
                  str(override))
    test_ids = pd.read_csv(arm / "data/test.csv")["image_id"]
    for source, train_dir in (("real", "data"), ("prog", "gan/prog/seed0/synthetic")):
        out = arm / f"classifier/{source}/seed0"
        inputs = json.loads((out / "inputs.json").read_text())
        for split in ("train", "valid"):
            assert inputs[split]["records"] == f"results/chest/samples/20/{train_dir}/{split}.tfrecord"
            low, high = inputs[split]["image_ids"]
            assert (high < 0) if source == "prog" else (low >= 0), "synthetic rows have negative ids"
        metrics = json.loads((out / "test_metrics.json").read_text())
        assert metrics["test"]["records"] == "results/chest/samples/20/data/test.tfrecord"
        assert metrics["test_rows"] == len(test_ids) and metrics["bootstrap"]["resamples"] == 1000
        assert metrics["backbone"] == inputs["backbone"] == "densenet_mini", "the demo's backbone, named"
        assert set(metrics["classes"]) == set(arm_labels(arm))
        predictions = pd.read_csv(out / "predictions.csv")
        assert (predictions["image_id"] == test_ids).all(), "every real test row, in order"
        assert len(pd.read_csv(out / "history.csv")) == 2 and (out / "roc.csv").is_file()
        assert (out / "model.keras").is_file(), "saved whole, for every later job"
    # A key only testing reads: the evaluations are planned again, the trained classifiers are not.
    retest = write_config({**TINY, "classifier": {**TINY["classifier"], "bootstrap": 1200}}, "retest.yaml")
    replan = run_snakemake(demo_datasets, "-n", *targets, "--cores", "2", "--configfile",
                           str(REPO / "config/demo.yaml"), str(retest))
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", replan.stdout, flags=re.M))
    assert jobs.get("evaluate_classifier") == "2" and "train_classifier" not in jobs, replan.stdout


def arm_labels(arm):
    return json.loads((arm / "data/meta.json").read_text())["labels"]


@pytest.mark.e2e
def test_analysis_rules_search_every_synthetic_image_and_compare_every_classifier(demo_datasets, write_config):
    override = write_config(TINY)
    arm = demo_datasets / "results/chest/samples/20"
    targets = ["results/chest/samples/20/nn/prog/seed0/memorisation.json",
               "results/chest/samples/20/attribution/seed0/attribution.json"]
    run_snakemake(demo_datasets, *targets, "--cores", "2", "--configfile", str(REPO / "config/demo.yaml"),
                  str(override))
    ids = {split: pd.read_csv(arm / f"data/{split}.csv")["image_id"] for split in ("train", "test")}
    synthetic_ids = pd.read_csv(arm / "gan/prog/seed0/synthetic/train.csv")["image_id"]
    with np.load(arm / "nn/prog/seed0/neighbours.npz") as found:
        assert (found["query_id"] == synthetic_ids).all(), "every synthetic train image is searched"
        assert np.isin(found["neighbour_id"], ids["train"]).all() and found["neighbour_id"].shape[1] == 5
        assert (found["heldout_query_id"] == ids["test"]).all()
    memorisation = json.loads((arm / "nn/prog/seed0/memorisation.json").read_text())
    # Label fidelity: the real classifier's AUROC on the fakes, equal to scikit-learn's on its own predictions.
    from sklearn.metrics import roc_auc_score

    from synthbench.classifier.model import load_classifier
    from synthbench.classifier.pipeline import evaluation_batches
    from synthbench.classifier.training import predict
    meta = json.loads((arm / "data/meta.json").read_text())
    truth, scores, _ = predict(load_classifier(arm / "classifier/real/seed0/model.keras"), evaluation_batches(
        arm / "gan/prog/seed0/synthetic/train.tfrecord", len(meta["labels"]), meta["resolution"], 16))
    fidelity = memorisation["label_fidelity"]
    for column, name in enumerate(meta["labels"]):
        if len(set(truth[:, column])) == 2:
            assert fidelity["classes"][name]["auroc"] == pytest.approx(roc_auc_score(truth[:, column],
                                                                                     scores[:, column]), abs=1e-6)
    rows = pd.read_csv(arm / "nn/prog/seed0/metrics.csv")
    assert rows.loc[rows["metric"] == "trts_mean_auroc", "result"].item() == pytest.approx(fidelity["mean_auroc"])
    assert memorisation["synthetic_to_train"]["count"] == len(synthetic_ids)
    assert (arm / "nn/prog/seed0/grid.png").is_file()
    explained = None
    for source in ("real", *FAMILIES):  # written by each classifier's evaluation, beside its test metrics
        with np.load(arm / f"classifier/{source}/seed0/maps.npz") as maps:
            assert str(maps["explainer"]) == source and maps["maps"].shape == (3, 2, 2), "8 px patches of 16 px"
            assert str(maps["method"]) == "cxpl" and maps["maps"].min() >= 1e-7, "the study's, floored Δ-loss"
            explained = maps["image_id"] if explained is None else explained
            assert (maps["image_id"] == explained).all(), "every classifier explains the same images"
    assert np.isin(explained, ids["test"]).all()
    report = json.loads((arm / "attribution/seed0/attribution.json").read_text())
    assert set(report["explainers"]) == {*FAMILIES, "random"}
    assert (arm / "attribution/seed0/panel.png").is_file()


ONE_ARM = {"datasets": {"brain": {"enabled": False},
                        "chest": {"arms": {"resolution": {"enabled": False}, "classes": {"enabled": False},
                                           "samples": {"values": [20]}}}}}


@pytest.mark.e2e
def test_plots_and_report_are_built_from_results_and_agree_with_the_summary(demo_datasets, write_config):
    override = write_config(deep_merge(TINY, ONE_ARM))
    # The other tests' jobs ran with the full demo arm sections; only the enabled switches differ here, so
    # their outputs are reused (mtime) instead of being rebuilt for a changed config section.
    args = ["--cores", "2", "--configfile", str(REPO / "config/demo.yaml"), str(override), "--rerun-triggers", "mtime"]
    run_snakemake(demo_datasets, "report", *args)
    results = demo_datasets / "results"
    summary = pd.read_csv(results / "summary.csv")
    means = summary[summary["metric"] == "mean_auroc"].set_index("source")["result"]
    assert set(means.index) == {"real", *FAMILIES}
    for source, mean in means.items():
        metrics = json.loads((results / f"chest/samples/20/classifier/{source}/seed0/test_metrics.json").read_text())
        assert mean == pytest.approx(metrics["mean_auroc"])
    for metric in ("mean_auprc", "brier", "ece"):  # beside AUROC: precision-recall and calibration
        whole_run = summary[(summary["metric"] == metric) & summary["class"].isna()]
        assert set(whole_run["source"]) == {"real", *FAMILIES} and whole_run["result"].between(0, 1).all(), metric
    verdicts = pd.read_csv(results / "paired_tests.csv")
    assert sorted(verdicts["source"]) == sorted(FAMILIES) and set(verdicts["value"]) == {20}
    for row in verdicts.itertuples():
        assert row.delta_mean_auroc == pytest.approx(means[row.source] - means["real"], abs=1e-9)
        assert row.ci_low <= row.delta_mean_auroc <= row.ci_high and row.equivalent == (row.tost_p_holm < 0.05)
    per_class = summary[(summary["metric"] == "auroc") & summary["result"].notna()]
    assert per_class["ci_low"].notna().all() and (per_class["ci_low"] <= per_class["ci_high"]).all()
    plotted = pd.read_csv(results / "plots/auroc.csv")
    plotted = plotted[plotted["figure"] == "auroc"].set_index("source")["mean"]
    assert plotted.sort_index().tolist() == pytest.approx(means.sort_index().tolist())
    generator = summary[summary["metric"].isin(["fid", "fid_infinity", "kid", "precision", "recall", "density",
                                                 "coverage"])]
    assert set(generator["source"]) == {"real", *FAMILIES}
    assert set(generator["extractor"]) == {"random", "random[minmax]", "classifier"}
    assert len(generator) == (7 + 1 + 7) * (1 + len(FAMILIES)), "every generator metric for every run and the " \
        "ceiling in both spaces, and FID of the min-max stretched images in the FID extractor's"
    assert set(generator.loc[generator["extractor"] == "random[minmax]", "metric"]) == {"fid"}
    # Every metric has its interval but KID where its subsets are both whole sets (the tiny test arm's case).
    with_interval = generator[generator["metric"] != "kid"]
    assert with_interval["ci_low"].notna().all() and (with_interval["ci_low"] <= with_interval["ci_high"]).all()
    assert generator["direction"].isin(["lower", "higher"]).all()
    attacks = summary[summary["metric"] == "mia_auc"]
    assert set(attacks["source"]) == set(FAMILIES) and attacks["result"].between(0, 1).all()
    assert (attacks.groupby("source")["extractor"].agg(set) == {"classifier", "pixels"}).all(), "in both spaces"
    fidelity = summary[summary["metric"] == "trts_mean_auroc"]
    assert set(fidelity["source"]) == set(FAMILIES) and fidelity["ci_low"].notna().all()
    plotted = pd.read_csv(results / "plots/metrics_chest.csv")
    assert len(plotted) == len(generator) + len(attacks) + len(fidelity), "one seed: a summary row is one point"
    agreement = pd.read_csv(results / "fid_rank_agreement.csv")
    assert agreement[["arm", "extractor_a", "extractor_b", "runs"]].values.tolist() == [
        ["samples", "classifier", "random", len(FAMILIES)], ["samples", "classifier", "random[minmax]", len(FAMILIES)],
        ["samples", "random", "random[minmax]", len(FAMILIES)]]
    assert agreement["spearman"].between(-1, 1).all() and agreement["kendall"].between(-1, 1).all()
    for figure in ("auroc", "auroc_gap", "fid_chest", "metrics_chest", "memorisation_chest"):
        assert (results / f"plots/{figure}.png").stat().st_size > 10_000
    (results / "plots/auroc.png").unlink()
    replan = run_snakemake(demo_datasets, "-n", "plots", *args)
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", replan.stdout, flags=re.M))
    assert set(jobs) == {"plot_auroc", "plots", "total"}, "only the plot is redone, no training"
    run_snakemake(demo_datasets, "plots", *args)
    run_snakemake(demo_datasets, "--report", "results/report.html", *args)
    html = (results / "report.html").read_text()
    assert "Main results" in html and "auroc.png" in html and "Memorisation" in html
    pages = embedded_pages(html)
    config_page = pages["results/config.html"]
    assert "Configuration of this run" in config_page and "backbone: densenet_mini" in config_page, \
        "the report shows the resolved configuration, defaults filled in"
    table = pages["results/summary_mean.html"]
    assert table.count("<tr>") == len(pd.read_csv(results / "summary_mean.csv")) and "mean_auroc" in table
    assert "<table" in pages["results/plots/auroc.html"] and "<table" in pages["results/plots/fid_chest.html"]
    assert "<table" in pages["results/plots/metrics_chest.html"]
    assert "random[minmax]" in pages["results/fid_rank_agreement.html"]
    listed = pd.read_csv(results / "catalogue.csv")
    assert sorted(listed["id"]) == sorted(f"chest-samples-20-{family}-s0" for family in FAMILIES)
    assert listed["test mean AUROC"].tolist() == [means[family] for family in listed["family"]]
    assert "chest-samples-20-cpd-s0" in pages["results/catalogue.html"]
    assert "tost_p_holm" in pages["results/paired_tests.html"]
    assert "real-vs-real ceiling" in pages["results/plots/metrics_chest.html"]
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", html), "self-contained: works offline"
    # `make demo`'s last step, as the README shows it, from a folder laid out like the checkout.
    command = next(line for line in (REPO / "README.md").read_text().splitlines()
                   if line.startswith("PYTHONPATH=src python -m synthbench headline"))
    assert command in (REPO / "Makefile").read_text(), "the README shows what make demo runs"
    (demo_datasets / "src").symlink_to(REPO / "src")
    printed = subprocess.run(command, shell=True, cwd=demo_datasets, capture_output=True, text=True, check=True).stdout
    real = means["real"]
    assert re.search(rf"^chest\s+samples\s+20\s+{real:.3f}\s", printed, flags=re.M), printed
    assert printed.rstrip().endswith("results/report.html (open it in a browser)"), printed
    suggested = re.search(r"^make images with the best of them \((\S+)\): (PYTHONPATH=src .*)$", printed, flags=re.M)
    assert suggested, printed
    subprocess.run(suggested[2], shell=True, cwd=demo_datasets, capture_output=True, text=True, check=True)
    assert (demo_datasets / f"fakes/{suggested[1]}/labels.csv").is_file(), "the printed command works as printed"
    # The README's catalogue commands, as written, on this run's generators.
    catalogue = [line for line in (REPO / "README.md").read_text().splitlines()
                 if line.startswith("PYTHONPATH=src python -m synthbench models ")]
    assert len(catalogue) == 8
    printed = {}  # command -> output; the two lists are "list" and "list --root"
    for line in catalogue:
        command = line.split()[5:]
        key = " ".join(command[:2]) if command[0] == "list" else command[0]
        printed[key] = subprocess.run(line, shell=True, cwd=demo_datasets, capture_output=True, text=True,
                                      check=True).stdout
    assert all(f"chest-samples-20-{family}-s0" in printed["list"] for family in FAMILIES)
    assert printed["list --root"].splitlines()[1].split()[0] == "chest-samples-20-cpd-s0", "the imported package"
    assert printed["search"].splitlines()[1].split()[0] == "chest-samples-20-cpd-s0"
    fids = generator[(generator["metric"] == "fid") & (generator["extractor"] == "classifier")
                     & (generator["source"] != "real")]
    best_first = fids.assign(id="chest-samples-20-" + fids["source"] + "-s0").sort_values(["result", "id"])
    assert [line.split()[0] for line in printed["rank"].splitlines()[1:]] == best_first["id"].tolist()
    assert json.loads(printed["info"])["id"] == "chest-samples-20-cpd-s0"
    written = pd.read_csv(demo_datasets / "fakes/labels.csv")
    assert len(written) == len(pd.read_csv(results / "chest/samples/20/data/train.csv"))


def noisy_copies(arm: Path, out: Path, noise: float = 8.0) -> Path:
    """An outside images source made from the arm's real images with Gaussian noise (a copycat generator): one
    PNG per real row of every split, and its manifest."""
    from synthbench import records

    labels = arm_labels(arm)
    side = json.loads((arm / "data/meta.json").read_text())["resolution"]
    rows, rng = [], np.random.default_rng(0)
    out.mkdir(parents=True)
    for split in ("train", "valid", "test"):
        images, vectors, ids = records.read_records(arm / f"data/{split}.tfrecord", len(labels), side)
        for image, vector, image_id in zip(images, vectors, ids, strict=True):
            noisy = np.clip(image + rng.normal(0, noise, image.shape), 0, 255).astype(np.uint8)
            Image.fromarray(noisy).save(out / f"{split}_{image_id}.png")
            rows.append({"file": f"{split}_{image_id}.png", "split": split,
                         **dict(zip(labels, vector.astype(int).tolist(), strict=True))})
    pd.DataFrame(rows).to_csv(out / "manifest.csv", index=False)
    return out


@pytest.mark.e2e
def test_outside_images_and_packages_are_benchmarked_beside_the_families(demo_datasets, write_config):
    """Two outside sources on chest's samples arm: noisy copies of the real images (images + manifest) and the
    cpd run exported as a package. The dry run plans one intake job each and trains nothing; the run measures,
    classifies, searches and plots both beside cpd. The package makes exactly cpd's synthetic splits; the
    copycat is caught by the membership attack."""
    arm = demo_datasets / "results/chest/samples/20"
    args = ["--cores", "2", "--rerun-triggers", "mtime", "--configfile", str(REPO / "config/demo.yaml")]
    run_snakemake(demo_datasets, "results/chest/samples/20/gan/cpd/seed0/training.json", *args,
                  str(write_config(TINY)))
    noisy_copies(arm, demo_datasets / "outside/noisy/chest/samples/20")
    subprocess.run([sys.executable, "-m", "synthbench", "models", "export", "chest-samples-20-cpd-s0", "--out",
                    "outside/cpd.zip"], cwd=demo_datasets, check=True,
                   env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    override = write_config(deep_merge(deep_merge(TINY, ONE_ARM), {
        "outside_sources": {"noisy": {"kind": "images", "path": "outside/noisy/{dataset}/{arm}/{value}"},
                            "theirs": {"kind": "package", "path": "outside/cpd.zip"}},
        "datasets": {"chest": {"arms": {"samples": {"sources": ["cpd", "noisy", "theirs"]}}}}}), "outside.yaml")
    targets = ["results/summary.csv", "results/plots/metrics_chest.png", "results/plots/auroc.png"]
    plan = run_snakemake(demo_datasets, "-n", *targets, *args, str(override)).stdout
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", plan, flags=re.M))
    assert jobs["source_intake"] == "2" and "train_gan" not in jobs, plan
    assert all(f"classifier/{source}/seed0/test_metrics.json" in plan for source in ("noisy", "theirs"))
    run_snakemake(demo_datasets, *targets, *args, str(override))
    intake = json.loads((arm / "gan/noisy/seed0/intake.json").read_text())
    for split in ("train", "valid", "test"):
        real, noisy = (pd.read_csv(arm / folder / f"{split}.csv") for folder in ("data", "gan/noisy/seed0/synthetic"))
        assert intake["rows"][split] == len(real) == intake["offered"][split]
        assert (noisy[arm_labels(arm)].to_numpy() == real[arm_labels(arm)].to_numpy()).all(), "row by row"
        assert (noisy["image_id"] < 0).all()
        assert (arm / f"gan/theirs/seed0/synthetic/{split}.tfrecord").read_bytes() == \
            (arm / f"gan/cpd/seed0/synthetic/{split}.tfrecord").read_bytes(), "the package is cpd's generator"
    assert (arm / "gan/noisy/seed0/samples.png").is_file()
    summary = pd.read_csv(demo_datasets / "results/summary.csv")
    means = summary[summary["metric"] == "mean_auroc"].set_index("source")["result"]
    assert set(means.index) == {"real", "cpd", "noisy", "theirs"}
    for space in ("classifier", "pixels"):
        auc = summary[(summary["metric"] == "mia_auc") & (summary["extractor"] == space)].set_index("source")["result"]
        assert auc["noisy"] > 0.75 and auc["noisy"] > auc["cpd"], f"copies of training images caught ({space})"
    fid = summary[(summary["metric"] == "fid") & (summary["extractor"] == "random")].set_index("source")
    assert fid.loc["theirs", "result"] == pytest.approx(fid.loc["cpd", "result"], rel=1e-9)
    assert fid.loc["noisy", "result"] < fid.loc["cpd", "result"] and fid["ci_low"].notna().all()
    assert sorted(pd.read_csv(demo_datasets / "results/catalogue.csv")["id"]) == ["chest-samples-20-cpd-s0"], \
        "outside sources are benchmarked, not catalogued"
    plotted = pd.read_csv(demo_datasets / "results/plots/metrics_chest.csv")
    assert {"noisy", "theirs"} <= set(plotted["source"])


@pytest.mark.e2e
def test_the_controls_prove_the_memorisation_check_and_the_membership_attack(demo_datasets, write_config):
    """copycat (half of cpd's rows replaced by disguised copies of training images), noise and overfit (cpd run long
    on a few patients) on chest's samples arm: the check finds the planted copies, the attack finds copycat's
    training patients and overfit's and not noise's."""
    arm = demo_datasets / "results/chest/samples/20"
    args = ["--cores", "2", "--rerun-triggers", "mtime", "--configfile", str(REPO / "config/demo.yaml")]
    override = write_config(deep_merge(deep_merge(TINY, ONE_ARM), {
        "controls": {"copycat": {"base": "cpd", "copy_fraction": 0.5}, "overfit": {"train_images": 8, "kimg": 15}},
        "datasets": {"chest": {"arms": {"samples": {"sources": ["cpd", "copycat", "noise", "overfit"]}}}}}),
        "controls.yaml")
    # By mtime alone an existing summary (another test's) is up to date whatever its inputs: make it anew.
    (demo_datasets / "results/summary.csv").unlink(missing_ok=True)
    run_snakemake(demo_datasets, "results/summary.csv", *args, str(override))
    planted = pd.read_csv(arm / "gan/copycat/seed0/planted.csv")
    real = pd.read_csv(arm / "data/train.csv").set_index("image_id")
    copies = planted[planted["split"] == "train"]
    assert len(copies) == len(real) // 2 and copies["real_image_id"].isin(real.index).all()
    synthetic = pd.read_csv(arm / "gan/copycat/seed0/synthetic/train.csv").set_index("image_id")
    labels = arm_labels(arm)
    assert (synthetic.loc[copies["image_id"], labels].to_numpy() ==
            real.loc[copies["real_image_id"], labels].to_numpy()).all(), "a copy of an image of the row's labels"
    from synthbench import records
    side = json.loads((arm / "data/meta.json").read_text())["resolution"]
    ours, base = (records.read_records(arm / f"gan/{source}/seed0/synthetic/train.tfrecord", len(labels), side)
                  for source in ("copycat", "cpd"))
    changed = (ours[0] != base[0]).any(axis=(1, 2))
    assert set(ours[2][changed]) <= set(copies["image_id"]) and (ours[2] == base[2]).all(), "the rest is cpd's"
    summary = pd.read_csv(demo_datasets / "results/summary.csv")
    recall = summary[summary["metric"] == "copy_recall"].set_index("extractor")["result"]
    assert set(recall.index) == {"classifier", "pixels", "random"} and recall[["pixels", "random"]].min() >= 0.9, recall
    assert set(summary.loc[summary["metric"].str.startswith("copy_"), "source"]) == {"copycat"}
    # Members with a copied image: each is exposed (the TPR at 1 % FPR), the others are like outsiders, so the AUC
    # rises by about half their share (0.21 here, half the rows copied, drawn with replacement).
    copied = real.loc[copies["real_image_id"].unique(), "patient_id"].nunique() / real["patient_id"].nunique()
    attacks = summary[summary["metric"].isin(["mia_auc", "mia_tpr_at_1pct_fpr"])].pivot_table(
        index=["source", "extractor"], columns="metric", values="result")
    for space in ("classifier", "pixels"):
        assert abs(attacks.loc[("noise", space), "mia_auc"] - 0.5) < 0.15, f"noise knows no patient ({space})"
        assert attacks.loc[("copycat", space), "mia_auc"] > attacks.loc[("noise", space), "mia_auc"] + 0.1, space
        assert attacks.loc[("copycat", space), "mia_tpr_at_1pct_fpr"] >= 0.9 * copied, f"copied patients ({space})"
    floor = summary[(summary["source"] == "noise") & summary["metric"].isin(["precision", "coverage"])]
    assert len(floor) == 4 and (floor["result"] <= 0.05).all(), "noise is the floor: no image near a real one"
    assert sorted(pd.read_csv(demo_datasets / "results/catalogue.csv")["id"]) == ["chest-samples-20-cpd-s0"]
    report = json.loads((arm / "nn/copycat/seed0/memorisation.json").read_text())
    assert report["planted_copies"]["spaces"]["pixels"]["planted"] == len(copies)
    # overfit: whole patients, at least 8 images; its final network (no early stop); attacked on those patients.
    subset = pd.read_csv(arm / "gan/overfit/seed0/subset/train.csv", dtype={"patient_id": str})
    everyone = pd.read_csv(arm / "data/train.csv", dtype={"patient_id": str})
    assert len(subset) >= 8 and sorted(subset["image_id"]) == sorted(
        everyone.loc[everyone["patient_id"].isin(subset["patient_id"]), "image_id"]), "every image of its patients"
    record = json.loads((arm / "gan/overfit/seed0/training.json").read_text())
    assert record["stop_reason"] == "total_kimg" and record["best_kimg"] == record["kimg"] >= 15
    from synthbench.digest import file_sha256
    card = json.loads((arm / "gan/overfit/seed0/card.json").read_text())
    assert card["family"] == "cpd" and card["training_data_sha256"] == file_sha256(
        arm / "gan/overfit/seed0/subset/train.tfrecord")
    attack = json.loads((arm / "nn/overfit/seed0/memorisation.json").read_text())["membership"]["pixels"]
    assert attack["member_patients"] == subset["patient_id"].nunique()
    # 15 kimg on 8 images (1,875 passes over each): it learned them, and the attack sees it in both spaces.
    overfit = summary[(summary["source"] == "overfit") & (summary["metric"] == "mia_auc")].set_index("extractor")
    for space in ("classifier", "pixels"):
        assert overfit.loc[space, "result"] > attacks.loc[("noise", space), "mia_auc"] + 0.2, f"overfit leaks ({space})"
        assert overfit.loc[space, "ci_low"] > 0.5, f"its interval clear of chance ({space})"
    from synthbench.catalogue.models import Generators
    assert not [model for model in Generators(demo_datasets / "results") if "overfit" in model.folder.parts], \
        "a control is not a generator to share (nor a second chest-samples-20-cpd-s0)"


@pytest.mark.e2e
def test_real_and_synthetic_mixes_train_on_both_and_are_compared_with_real(demo_datasets, write_config):
    """cpd mixed in at half and twice the real train size on chest's samples arm: the twice mix takes every twin
    and as many extra fakes sampled from the generator; both are compared with real and drawn in their figure."""
    arm = demo_datasets / "results/chest/samples/20"
    args = ["--cores", "2", "--rerun-triggers", "mtime", "--configfile", str(REPO / "config/demo.yaml")]
    override = write_config(deep_merge(deep_merge(TINY, ONE_ARM), {
        "datasets": {"chest": {"arms": {"samples": {"sources": ["cpd"], "mix_ratios": [0.5, 2]}}}}}), "mixes.yaml")
    (demo_datasets / "results/summary.csv").unlink(missing_ok=True)
    run_snakemake(demo_datasets, "results/summary.csv", "results/plots/mixes.png", "results/plots/auroc.png", *args,
                  str(override))
    real = pd.read_csv(arm / "data/train.csv")
    more = pd.read_csv(arm / "gan/cpd/seed0/synthetic/more.csv")
    assert more["image_id"].tolist() == list(range(-len(real) - 1, -2 * len(real) - 1, -1)), "ids after the twins'"
    labels = arm_labels(arm)
    assert (more[labels].to_numpy() == real[labels].to_numpy()).all(), "one more fake per real train row"
    for source, taken in (("real+0.5cpd", [round(len(real) / 2)]), ("real+2cpd", [len(real), len(real)])):
        inputs = json.loads((arm / f"classifier/{source}/seed0/inputs.json").read_text())
        assert inputs["train"]["records"] == "results/chest/samples/20/data/train.tfrecord"
        assert inputs["valid"]["records"] == "results/chest/samples/20/data/valid.tfrecord", "validated on real"
        assert [part["rows_taken"] for part in inputs["mix"]["synthetic"]] == taken
        assert [part["records"] for part in inputs["mix"]["synthetic"]] == [
            f"results/chest/samples/20/gan/cpd/seed0/synthetic/{name}.tfrecord" for name in ("train", "more")
        ][:len(taken)]
    compared = json.loads((arm / "comparison/seed0/comparison.json").read_text())["sources"]
    assert set(compared) == {"cpd", "real+0.5cpd", "real+2cpd"}
    summary = pd.read_csv(demo_datasets / "results/summary.csv")
    means = summary[(summary["metric"] == "mean_auroc")].set_index("source")["result"]
    plotted = pd.read_csv(demo_datasets / "results/plots/mixes.csv")
    assert plotted[["family", "ratio"]].values.tolist() == [["cpd", 0.0], ["cpd", 0.5], ["cpd", 2.0]]
    for row in plotted[plotted["ratio"] > 0].itertuples():
        assert row.mean == pytest.approx(compared[row.source]["delta_mean_auroc"])
        assert row.mean == pytest.approx(means[row.source] - means["real"], abs=1e-9)
    main = pd.read_csv(demo_datasets / "results/plots/auroc.csv")
    assert set(main["source"]) == {"real", "cpd"}, "the mixes have their own figure"
    assert (demo_datasets / "results/plots/mixes.png").stat().st_size > 10_000


@pytest.mark.e2e
def test_an_arm_with_two_seeds_trains_each_and_draws_their_interval(demo_datasets, write_config):
    """`seeds: [0, 2]` on chest's samples arm alone (seed 1 is the resume test's): every generator and classifier
    of the arm runs once per seed, and the mean table and the AUROC figures average the seeds with the t interval
    over them (issue 22: CIs over seeds exercised)."""
    arm = demo_datasets / "results/chest/samples/20"
    args = ["--cores", "2", "--rerun-triggers", "mtime", "--configfile", str(REPO / "config/demo.yaml")]
    override = write_config(deep_merge(deep_merge(TINY, ONE_ARM), {
        "datasets": {"chest": {"arms": {"samples": {"sources": ["cpd"], "mix_ratios": [], "seeds": [0, 2]}}}}}),
        "seeds.yaml")
    (demo_datasets / "results/summary.csv").unlink(missing_ok=True)
    run_snakemake(demo_datasets, "results/summary_mean.csv", "results/plots/auroc.png", *args, str(override))
    from synthbench import records
    labels, side = arm_labels(arm), json.loads((arm / "data/meta.json").read_text())["resolution"]
    fakes = [records.read_records(arm / f"gan/cpd/seed{seed}/synthetic/train.tfrecord", len(labels), side)[0]
             for seed in (0, 2)]
    assert fakes[0].shape == fakes[1].shape and not np.array_equal(*fakes), "each seed trains its own generator"
    summary = pd.read_csv(demo_datasets / "results/summary.csv")
    runs = summary[(summary["metric"] == "mean_auroc") & (summary["arm"] == "samples")]
    by_seed = runs.pivot(index="seed", columns="source", values="result")
    assert sorted(by_seed.index) == [0, 2] and set(by_seed.columns) == {"real", "cpd"}
    mean = pd.read_csv(demo_datasets / "results/summary_mean.csv")
    mean = mean[(mean["metric"] == "mean_auroc") & (mean["arm"] == "samples")].set_index("source")
    plotted = pd.read_csv(demo_datasets / "results/plots/auroc.csv")
    t = 12.706204736  # the 97.5 % point of Student's t with one degree of freedom
    for source in ("real", "cpd"):
        values = by_seed[source]
        assert mean.loc[source, "n"] == 2 and mean.loc[source, "mean"] == pytest.approx(values.mean())
        point = plotted[(plotted["figure"] == "auroc") & (plotted["source"] == source)].iloc[0]
        assert point["band"] == "95% CI over seeds" and point["n"] == 2
        half = t * values.std(ddof=1) / np.sqrt(2)
        assert (point["low"], point["high"]) == pytest.approx((values.mean() - half, values.mean() + half))
    gap = plotted[plotted["figure"] == "gap"].iloc[0]
    assert gap["source"] == "cpd" and gap["n"] == 2
    assert gap["mean"] == pytest.approx((by_seed["real"] - by_seed["cpd"]).mean()), "paired by seed"


@pytest.mark.e2e
def test_reader_study_set_is_built_by_its_target_rule_and_finished_answers_are_analysed(demo_datasets, write_config):
    """`reader_study_chest_samples` shows cpd's synthetic test twins beside the real test images of the same rows:
    the served folder holds tokens and images only, the key apart names each; answers exported from a finished
    study (here simulated), listed in reader_study.answers, are analysed by the DAG for the report."""
    arm = demo_datasets / "results/chest/samples/20"
    study_folder = demo_datasets / "results/chest/samples/reader_study"
    args = ["--cores", "2", "--rerun-triggers", "mtime", "--configfile", str(REPO / "config/demo.yaml")]
    reader = {"datasets": {"chest": {"arms": {"samples": {"sources": ["cpd"]}}}},
              "reader_study": {"images_per_source": 5, "permutations": 500, "bootstrap": 200}}
    run_snakemake(demo_datasets, "reader_study_chest_samples", *args,
                  str(write_config(deep_merge(deep_merge(TINY, ONE_ARM), reader), "reader.yaml")))
    key = pd.read_csv(study_folder / "key.csv", dtype={"item": str})
    assert len(key) == 10 and set(key["source"]) == {"cpd"} and set(key["value"]) == {20}
    real, synthetic = key[key["truth"] == "real"], key[key["truth"] == "synthetic"]
    test = pd.read_csv(arm / "data/test.csv")
    assert len(real) == len(synthetic) == 5 and real["image_id"].isin(test["image_id"]).all()
    rows = test.index[test["image_id"].isin(real["image_id"])]
    assert sorted(-synthetic["image_id"] - 1) == sorted(rows), "the synthetic twins of the shown real rows"
    assert sorted(real["labels"]) == sorted(synthetic["labels"])
    served = json.loads((study_folder / "study/study.json").read_text())
    assert sorted(served["items"]) == sorted(key["item"]) and "cpd" not in json.dumps(served)
    from synthbench import records
    labels, side = arm_labels(arm), json.loads((arm / "data/meta.json").read_text())["resolution"]
    for _, item in key.iterrows():
        folder = arm / ("data" if item["truth"] == "real" else "gan/cpd/seed0/synthetic")
        expected = records.images_by_id(folder / "test.tfrecord", len(labels), side, [item["image_id"]])
        shown = np.asarray(Image.open(study_folder / f"study/images/{item['item']}.png"))
        assert (shown == expected[item["image_id"]]).all()
    subprocess.run([sys.executable, "-m", "synthbench", "reader", "simulate", str(study_folder / "study"), "--key",
                    str(study_folder / "key.csv"), "--readers", "3", "--accuracy", "0.9", "--out", "answers.csv"],
                   cwd=demo_datasets, check=True, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    finished = write_config(deep_merge(deep_merge(deep_merge(TINY, ONE_ARM), reader),
                                       {"reader_study": {"answers": {"chest": {"samples": "answers.csv"}}}}),
                            "finished.yaml")
    plan = run_snakemake(demo_datasets, "-n", "report", *args, str(finished)).stdout
    assert "results/chest/samples/reader_study/accuracy.png" in plan, "a finished study is part of the report"
    run_snakemake(demo_datasets, "report", *args, str(finished))
    run_snakemake(demo_datasets, "--report", "results/report.html", *args, str(finished))
    html = (demo_datasets / "results/report.html").read_text()
    assert "Reader study" in html and "accuracy.png" in html
    assert "<table" in embedded_pages(html)["results/chest/samples/reader_study/analysis.html"]
    table = pd.read_csv(study_folder / "analysis.csv")
    pooled = table[(table["reader"] == "all") & (table["measure"] == "accuracy")].iloc[0]
    assert pooled["n"] == 30 and pooled["estimate"] > 0.7 and pooled["ci_low"] <= 0.9 <= pooled["ci_high"]
    assert set(table["reader"]) == {"all", "simulated-1", "simulated-2", "simulated-3"}
    assert (study_folder / "analysis.html").read_text().count("<tr") == len(table) + 1


@pytest.mark.e2e
def test_report_lists_the_figures_a_configuration_cannot_make(tmp_path, write_config):
    """A dataset without generator runs has no FID curves or memorisation histograms: the plan leaves them
    out, and the report's configuration page names each with the reason, instead of the report failing."""
    brain_real_only = write_config({"datasets": {"brain": {"arms": {
        arm: {"sources": []} for arm in ("resolution", "classes", "samples")}}}})
    args = ["--cores", "1", "--configfile", str(REPO / "config/demo.yaml"), str(brain_real_only)]
    plan = run_snakemake(tmp_path, "-n", "report", *args).stdout
    assert "results/plots/fid_chest.png" in plan and "results/plots/fid_brain.png" not in plan
    assert "results/plots/mixes.png" in plan, "the demo's classes arms mix cpd into real data"
    run_snakemake(tmp_path, "results/config.html", *args)
    page = (tmp_path / "results/config.html").read_text()
    left_out, configuration = page.split("<pre>")
    assert "Left out of this report" in left_out
    for name in ("fid_brain.png", "fid_brain.html", "metrics_brain.png", "metrics_brain.html",
                 "memorisation_brain.png"):
        assert f"<code>results/plots/{name}</code>: no generator runs on brain" in left_out
    assert "chest" not in left_out
    assert "sources: []" in configuration
    without_mixes = write_config({"datasets": {dataset: {"arms": {"classes": {"mix_ratios": []}}}
                                               for dataset in ("chest", "brain")}}, "no_mixes.yaml")
    run_snakemake(tmp_path, "results/config.html", *args, str(without_mixes))
    assert "<code>results/plots/mixes.png</code>: no real + synthetic mixes" in (
        tmp_path / "results/config.html").read_text()


def embedded_pages(report: str) -> dict[str, str]:
    """The HTML results Snakemake's report embeds (shown in the report itself, not offered as downloads):
    path -> the page's text, decoded from its data URI."""
    found = re.findall(r'"(results/[^"]+\.html)": \{"name".*?"mime_type": "text/html".*?"data_uri": '
                       r'"data:text/html;[^"]*?base64,([A-Za-z0-9+/=]+)"', report, flags=re.S)
    return {path: base64.b64decode(data).decode() for path, data in found}


def kill_when_checkpointed(snakemake: subprocess.Popen, jobs: dict[str, Path], timeout: float = 600) -> set[str]:
    """SIGKILLs each job's process (found by a unique part of its command line) once its checkpoint file
    exists, as a preemption would; returns the jobs it killed."""
    killed, deadline = set(), time.monotonic() + timeout
    while len(killed) < len(jobs) and snakemake.poll() is None and time.monotonic() < deadline:
        for command, checkpoint in jobs.items():
            if command in killed or not checkpoint.is_file():
                continue
            for child in psutil.Process(snakemake.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if command in " ".join(child.cmdline()) and "python" in child.name():
                        child.kill()
                        killed.add(command)
        time.sleep(0.1)
    return killed


@pytest.mark.e2e
def test_killed_training_jobs_are_retried_and_resume_from_their_checkpoints(demo_datasets, write_config):
    override = write_config(deep_merge(TINY, {"seeds": [1], "classifier": {"max_epochs": 4}}))
    run_dir = "results/chest/samples/20"
    targets = [f"{run_dir}/gan/prog/seed1/training.json", f"{run_dir}/classifier/real/seed1/history.csv"]
    snakemake = start_snakemake(demo_datasets, *targets, "--cores", "2", "--retries", "1", "--configfile",
                                str(REPO / "config/demo.yaml"), str(override))
    killed = kill_when_checkpointed(snakemake, {
        "gan train --family prog": demo_datasets / f"{run_dir}/gan/prog/seed1/checkpoints/state.npz",
        "classifier train": demo_datasets / f"{run_dir}/classifier/real/seed1/checkpoints/state.json"})
    stdout, stderr = snakemake.communicate(timeout=900)
    assert snakemake.returncode == 0, stdout + stderr
    assert killed == {"gan train --family prog", "classifier train"}
    assert stderr.count("Trying to restart job") + stdout.count("Trying to restart job") >= 2
    logs = demo_datasets / "logs/chest/samples/20"
    assert "prog: resuming at kimg" in (logs / "gan/prog/seed1/train.log").read_text()
    assert "resumed after epoch" in (logs / "classifier/real/seed1/train.log").read_text()
    history = pd.read_csv(demo_datasets / f"{run_dir}/classifier/real/seed1/history.csv")
    assert history["epoch"].tolist() == list(range(len(history))), "no epoch lost or repeated"
    fid = pd.read_csv(demo_datasets / f"{run_dir}/gan/prog/seed1/fid.csv")
    assert fid["kimg"].is_monotonic_increasing and fid["kimg"].duplicated().sum() == 0
