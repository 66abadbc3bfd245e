"""Wall time of the demo DAG per rule, from the `benchmark:` files of the last `make demo` in this checkout.

Each job writes benchmarks/<its output path>.tsv (Snakemake's `s` column: wall seconds). The entries sum them
per rule; jobs run side by side, so the sum is CPU-side work, not the elapsed time of `make demo`.
"""

from pathlib import Path

import pandas as pd

from synthbench import paths

REPO = Path(__file__).resolve().parents[1]
# A benchmark path names its rule by where it lies (the mirror of the rule's output folder, synthbench.paths).
RULES = [
    ("demo_chest + demo_brain", (paths.DEMO, "*.tsv")), ("index", (paths.INDEX, "index.tsv")),
    ("arm_split", (paths.ARM, "data.tsv")), ("fid_inception_weights", (paths.FID_INCEPTION, "inception_weights.tsv")),
    ("fid_real_stats", (paths.FID_STATS, "train.tsv")), ("train_gan", (paths.GAN, "train.tsv")),
    ("gan_inference", (paths.GAN, "inference.tsv")), ("train_classifier", (paths.CLASSIFIER, "train.tsv")),
    ("test_classifier", (paths.CLASSIFIER, "test.tsv")), ("classifier_features", (paths.FEATURES, "{split}.tsv")),
    ("nearest_neighbours", (paths.NEIGHBOURS, "search.tsv")), ("attribution_maps", (paths.EXPLAINER, "maps.tsv")),
    ("attribution_panel", (paths.ATTRIBUTION, "panel.tsv")), ("summary + plots", (paths.TOP, "summary.tsv")),
    ("summary + plots", (paths.PLOTS, "*.tsv")),
]


def per_rule(benchmarks: Path) -> pd.DataFrame:
    rows = []
    for rule, (folder, name) in RULES:
        for path in benchmarks.parent.glob(paths.glob(paths.benchmark(folder, name))):
            rows.append({"rule": rule, "seconds": float(pd.read_csv(path, sep="\t")["s"].iloc[0])})
    frame = pd.DataFrame(rows, columns=["rule", "seconds"])
    return frame.groupby("rule", sort=False)["seconds"].agg(["count", "sum"]).reset_index()


def run() -> list[dict]:
    benchmarks = REPO / paths.BENCHMARKS
    if not benchmarks.is_dir():
        print("no benchmarks/ here: run `make demo` first for per-rule demo timings")
        return []
    return [{"name": f"demo DAG: {row.rule} ({row.count} jobs, summed)", "figure": round(row.sum, 1), "unit": "s",
             "baseline": None, "ratio": None, "goal": ""} for row in per_rule(benchmarks).itertuples()]
