"""results/summary.csv: every number the DAG produced, as one tidy table built from the per-run metrics tables.

Each job that measures something writes `metrics.csv` (`synthbench.metrics.table`); the summary adds the
run's wildcards, read from the file's path (a row's own `source` wins: attribution measures every explainer
in one job), and each metric's direction from the registry. One row per number: dataset, arm, value (the arm's
value), source, seed, metric, class (empty for whole-run metrics), extractor (for feature metrics), n (images
behind the number), direction, result, ci_low and ci_high (the number's own 95 % interval, where its job
measured one). `summary_mean.csv` is the mean, sd and n over seeds of that table.
"""

from pathlib import Path

import pandas as pd

from synthbench.metrics import registry
from synthbench.metrics import table as metrics_table
from synthbench.paths import run_of

KEYS = ["dataset", "arm", "value", "source", "seed", "metric", "class", "extractor"]
COLUMNS = [*KEYS, "n", "direction", *metrics_table.NUMBERS]


def rows_of(path: Path) -> pd.DataFrame:
    """The rows of one run's metrics table, with the run's wildcards from its path."""
    path = Path(path)
    if path.name != metrics_table.FILE:
        raise ValueError(f"{path}: not a per-run metrics table ({metrics_table.FILE})")
    run = run_of(path)
    table = metrics_table.read(path)
    table["source"] = table["source"].where(table["source"] != "", run["source"] or "")
    for key in ("dataset", "arm", "value", "seed"):
        table[key] = run[key]
    table["direction"] = [registry.entry(metric).direction for metric in table["metric"]]
    return table[COLUMNS]


def summary_table(paths: list[Path]) -> pd.DataFrame:
    tables = [rows_of(path) for path in paths]
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COLUMNS)
    numbers = {column: float for column in metrics_table.NUMBERS}
    table = table.astype({"value": int, "seed": int, "n": "Int64", **numbers})
    return table.sort_values(KEYS, kind="stable").reset_index(drop=True)


def mean_over_seeds(table: pd.DataFrame) -> pd.DataFrame:
    """mean, sd (ddof 1; empty for one seed) and n (seeds) of every metric over seeds."""
    keys = [key for key in KEYS if key != "seed"]
    grouped = table.groupby([*keys, "direction"], sort=True, dropna=False)["result"]
    return grouped.agg(mean="mean", sd="std", n="count").reset_index()
