"""The demo's cost: `make demo`'s DAG run from nothing (raw demo data included) in a fresh folder, its wall time
in all, and per rule the number of jobs, their summed wall seconds and the span from the first one's start to
the last one's end. The goal is the README's: the whole demo within 15 minutes on 2 cores.

Each job writes benchmarks/<its output path>.tsv (Snakemake's `s` column: its wall seconds); the file's
modification time is when it ended. Set SYNTHBENCH_BENCH_DEMO=0 to leave this (long) benchmark out.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from synthbench import paths

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 15 * 60
CORES = 2
# A benchmark path names its rule by where it lies (the mirror of the rule's output folder, synthbench.paths).
RULES = [
    ("demo_chest + demo_brain", (paths.DEMO, "*.tsv")), ("index", (paths.INDEX, "index.tsv")),
    ("arm_split", (paths.ARM, "data.tsv")), ("fid_inception_weights", (paths.FID_INCEPTION, "inception_weights.tsv")),
    ("fid_real_stats", (paths.FID_STATS, "train.tsv")), ("train_gan", (paths.GAN, "train.tsv")),
    ("overfit_subset", (paths.TRAINING_SUBSET, "subset.tsv")), ("source_intake", (paths.GAN, "intake.tsv")),
    ("generator_metrics", (paths.GENERATOR_METRICS, "metrics.tsv")),
    ("train_classifier", (paths.CLASSIFIER, "train.tsv")),
    ("evaluate_classifier", (paths.CLASSIFIER, "evaluate.tsv")),
    ("compare_classifiers", (paths.COMPARISON, "compare.tsv")),
    ("nearest_neighbours", (paths.NEIGHBOURS, "search.tsv")),
    ("attribution_panel", (paths.ATTRIBUTION, "panel.tsv")), ("summary + plots", (paths.TOP, "summary.tsv")),
    ("summary + plots", (paths.PLOTS, "*.tsv")),
]


def per_rule(workdir: Path) -> pd.DataFrame:
    """count, summed seconds and [first start, last end] of the jobs of each rule that ran in `workdir`."""
    rows = []
    for rule, (folder, name) in RULES:
        for path in workdir.glob(paths.glob(paths.benchmark(folder, name))):
            seconds = float(pd.read_csv(path, sep="\t")["s"].iloc[0])
            end = path.stat().st_mtime
            rows.append({"rule": rule, "seconds": seconds, "start": end - seconds, "end": end})
    frame = pd.DataFrame(rows, columns=["rule", "seconds", "start", "end"])
    return frame.groupby("rule", sort=False).agg(count=("seconds", "size"), sum=("seconds", "sum"),
                                                 start=("start", "min"), end=("end", "max")).reset_index()


def run_demo(workdir: Path) -> float:
    """Runs the demo DAG (and its report) as `make demo` does, in `workdir`; its wall seconds."""
    started = time.perf_counter()
    common = ["--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
              "--configfile", str(REPO / "config/demo.yaml")]
    subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(CORES), "--max-threads", "1", *common],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "snakemake", "--report", str(workdir / "results/report.html"), *common],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run() -> list[dict]:
    if os.environ.get("SYNTHBENCH_BENCH_DEMO") == "0":
        return []
    with tempfile.TemporaryDirectory(prefix="synthbench-demo-") as folder:
        workdir = Path(folder)
        wall = run_demo(workdir)
        rules = per_rule(workdir)
    entries = [{"name": "demo: make demo's DAG and report from nothing, wall", "figure": round(wall, 1), "unit": "s",
                "baseline": GOAL_SECONDS, "ratio": round(wall / GOAL_SECONDS, 2),
                "goal": f"<= {GOAL_SECONDS} s on {CORES} cores"}]
    for row in rules.itertuples():
        entries.append({"name": f"demo: {row.rule} ({row.count} jobs; span {row.end - row.start:.0f} s)",
                        "figure": round(row.sum, 1), "unit": "s summed", "baseline": None, "ratio": None, "goal": ""})
    return entries
