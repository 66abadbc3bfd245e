"""results/summary.csv: every number the DAG produced, as one tidy table built from the per-job JSON files.

One row per number: dataset, arm, value (the arm's value), source, seed, metric, class (empty for whole-run
metrics), extractor (for FID), result. Where a job wrote a file decides which wildcards a row gets, so the
table is a pure function of the files, and `summary_mean.csv` (over seeds: mean, sd, n) of the table.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.paths import run_of

KEYS = ["dataset", "arm", "value", "source", "seed", "metric", "class", "extractor"]
COLUMNS = [*KEYS, "result"]
def _classifier(data: dict) -> list[tuple[str, str, str, float]]:
    low, high = data["mean_auroc_ci95"]
    rows = [("mean_auroc", "", "", data["mean_auroc"]), ("mean_auroc_ci_low", "", "", low),
            ("mean_auroc_ci_high", "", "", high)]
    return rows + [("auroc", name, "", result["auroc"]) for name, result in data["classes"].items()]


def _gan(data: dict) -> list[tuple[str, str, str, float]]:
    return [("best_fid", "", data["extractor"], data["best_fid"]), ("best_kimg", "", "", data["best_kimg"]),
            ("kimg", "", "", data["kimg"]), ("wall_seconds", "", "", data["wall_seconds"])]


def _memorisation(data: dict) -> list[tuple[str, str, str, float]]:
    return [("nn_fraction_below_threshold", "", "", data["fraction_below_threshold"]),
            ("nn_distance_median", "", "", data["synthetic_to_train"]["q50"]),
            ("nn_heldout_distance_median", "", "", data["heldout_to_train"]["q50"]),
            ("nn_threshold", "", "", data["threshold"])]


READERS = {"test_metrics.json": _classifier, "training.json": _gan, "memorisation.json": _memorisation}


def rows_of(path: Path) -> list[dict]:
    """The tidy rows of one job file, its wildcards read from its path."""
    path = Path(path)
    if path.name not in (*READERS, "attribution.json"):
        raise ValueError(f"{path}: not a file the summary reads ({', '.join([*READERS, 'attribution.json'])})")
    run = {key: value for key, value in run_of(path).items() if key != "stage"}
    data = json.loads(path.read_text())
    if path.name == "attribution.json":
        # One file compares every explainer with the real-trained classifier: its rows belong to the explainer.
        return [{**run, "source": name, "metric": f"attribution_{measure}_mean", "class": "", "extractor": "",
                 "result": result[measure].get("mean", np.nan)}
                for name, result in data["explainers"].items() for measure in ("spearman", "top_iou")]
    return [{**run, "metric": metric, "class": name, "extractor": extractor, "result": result}
            for metric, name, extractor, result in READERS[path.name](data)]


def summary_table(paths: list[Path]) -> pd.DataFrame:
    table = pd.DataFrame([row for path in paths for row in rows_of(path)], columns=COLUMNS)
    table = table.astype({"value": int, "seed": int, "result": float})
    return table.sort_values(KEYS, kind="stable").reset_index(drop=True)


def mean_over_seeds(table: pd.DataFrame) -> pd.DataFrame:
    """mean, sd (ddof 1; empty for one seed) and n of every metric over seeds."""
    keys = [key for key in KEYS if key != "seed"]
    grouped = table.groupby(keys, sort=True, dropna=False)["result"]
    return grouped.agg(mean="mean", sd="std", n="count").reset_index()
