"""The per-run metrics table (`metrics.csv`): the one form in which every job hands its numbers on.

One row per number: `source` (empty: the run's own, read from its path; set where one job measures several
sources, as attribution does for every explainer), `metric` (a registered name), `class` (empty for
whole-run numbers), `extractor` (the feature space, for feature metrics), `n` (how many images the number
rests on, where that is one count) and `result`. Rows are checked against the registry when written and when
read, so a misspelt name or an impossible value stops the job that made it, not a reader much later.
"""

from pathlib import Path

import pandas as pd

from synthbench.atomic import replacing
from synthbench.metrics import registry

FILE = "metrics.csv"
COLUMNS = ["source", "metric", "class", "extractor", "n", "result"]
TEXT = ["source", "metric", "class", "extractor"]


def row(metric: str, result: float, *, class_name: str = "", extractor: str = "", n: int | None = None,
        source: str = "") -> dict:
    """One number of a run, checked against the metric's registration."""
    entry = registry.entry(metric)
    result = float(result)
    if not entry.in_range(result):
        raise ValueError(f"metric {metric!r}{f' ({class_name})' if class_name else ''}: {result} is outside its "
                         f"range [{entry.low}, {entry.high}]")
    return {"source": source, "metric": metric, "class": class_name, "extractor": extractor,
            "n": None if n is None else int(n), "result": result}


def write(path: Path, rows: list[dict]) -> None:
    """Writes a run's rows (made by `row`) as `path`, atomically."""
    table = pd.DataFrame(rows, columns=COLUMNS).astype({"n": "Int64"})
    with replacing(path) as partial:
        table.to_csv(partial, index=False)


def read(path: Path) -> pd.DataFrame:
    """A run's metrics table, checked: the columns, registered names, values in range."""
    table = pd.read_csv(path, dtype={column: str for column in TEXT}, keep_default_na=False,
                        na_values={"n": [""], "result": ["", "nan", "NaN"]})
    if list(table.columns) != COLUMNS:
        raise ValueError(f"{path}: columns {list(table.columns)}, expected {COLUMNS}")
    for metric, result in zip(table["metric"], table["result"], strict=True):
        try:
            entry = registry.entry(metric)
        except KeyError as error:
            raise ValueError(f"{path}: {error.args[0]}") from None
        if not entry.in_range(float(result)):
            raise ValueError(f"{path}: {metric} = {float(result)} is outside its range [{entry.low}, {entry.high}]")
    return table.astype({"n": "Int64", "result": float})
