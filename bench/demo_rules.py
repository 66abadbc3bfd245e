"""Wall time of the demo DAG per rule, from the `benchmark:` files of the last `make demo` in this checkout.

Each job writes benchmarks/<its output path>.tsv (Snakemake's `s` column: wall seconds). The entries sum them
per rule; jobs run side by side, so the sum is CPU-side work, not the elapsed time of `make demo`.
"""

from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
# A benchmark path names its rule by where it lies (the mirror of the rule's output layout).
RULES = [
    ("demo_chest + demo_brain", "demo/*.tsv"), ("index", "*/index/index.tsv"), ("arm_split", "*/*/*/data.tsv"),
    ("fid_inception_weights", "fid/inception_weights.tsv"),
    ("fid_real_stats", "*/*/*/fid/*/train.tsv"), ("train_gan", "*/*/*/gan/*/seed*/train.tsv"),
    ("gan_inference", "*/*/*/gan/*/seed*/inference.tsv"), ("train_classifier", "*/*/*/classifier/*/seed*/train.tsv"),
    ("test_classifier", "*/*/*/classifier/*/seed*/test.tsv"), ("classifier_features", "*/*/*/nn/features/**/*.tsv"),
    ("nearest_neighbours", "*/*/*/nn/*/seed*/search.tsv"), ("attribution_maps", "*/*/*/attribution/*/seed*/maps.tsv"),
    ("attribution_panel", "*/*/*/attribution/seed*/panel.tsv"), ("summary + plots", "summary.tsv"),
    ("summary + plots", "plots/*.tsv"),
]


def per_rule(benchmarks: Path) -> pd.DataFrame:
    rows = []
    for rule, pattern in RULES:
        for path in benchmarks.glob(pattern):
            rows.append({"rule": rule, "seconds": float(pd.read_csv(path, sep="\t")["s"].iloc[0])})
    frame = pd.DataFrame(rows, columns=["rule", "seconds"])
    return frame.groupby("rule", sort=False)["seconds"].agg(["count", "sum"]).reset_index()


def run() -> list[dict]:
    benchmarks = REPO / "benchmarks"
    if not benchmarks.is_dir():
        print("no benchmarks/ here: run `make demo` first for per-rule demo timings")
        return []
    return [{"name": f"demo DAG: {row.rule} ({row.count} jobs, summed)", "figure": round(row.sum, 1), "unit": "s",
             "baseline": None, "ratio": None, "goal": ""} for row in per_rule(benchmarks).itertuples()]
