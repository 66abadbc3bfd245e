"""The per-run metrics table (`metrics.csv`): the one form in which every job hands its numbers on.

One row per number: `source` (empty: the run's own, read from its path; set where one job measures several
sources, as attribution does for every explainer), `metric` (a registered name), `class` (empty for
whole-run numbers), `extractor` (the feature space, for feature metrics), `n` (how many images the number
rests on, where that is one count), `result`, and `ci_low` / `ci_high`: the number's 95 % interval where the job
measured one (empty otherwise; each job's log and JSON report say how: a bootstrap, subsets). Rows are checked
against the registry when written and when read, so a misspelt name or an impossible value stops the job that
made it, not a reader much later.
"""

from pathlib import Path

import pandas as pd

from synthbench.atomic import replacing
from synthbench.metrics import registry

FILE = "metrics.csv"
COLUMNS = ["source", "metric", "class", "extractor", "n", "result", "ci_low", "ci_high"]
CI_LEVEL = 0.95  # the level of every interval in the ci_low / ci_high columns
TEXT = ["source", "metric", "class", "extractor"]
NUMBERS = ["result", "ci_low", "ci_high"]


def row(metric: str, result: float, *, class_name: str = "", extractor: str = "", n: int | None = None,
        source: str = "", ci: tuple[float, float] | None = None) -> dict:
    """One number of a run (with its CI_LEVEL interval `ci`, if measured), checked against the metric's
    registration."""
    entry = registry.entry(metric)
    result = float(result)
    low, high = (float("nan"), float("nan")) if ci is None else map(float, ci)
    named = f"metric {metric!r}{f' ({class_name})' if class_name else ''}"
    for value in (result, low, high):
        if not entry.in_range(value):
            raise ValueError(f"{named}: {value} is outside its range [{entry.low}, {entry.high}]")
    if low > high:
        raise ValueError(f"{named}: interval [{low}, {high}] has its low end above its high end")
    return {"source": source, "metric": metric, "class": class_name, "extractor": extractor,
            "n": None if n is None else int(n), "result": result, "ci_low": low, "ci_high": high}


def write(path: Path, rows: list[dict]) -> None:
    """Writes a run's rows (made by `row`) as `path`, atomically."""
    table = pd.DataFrame(rows, columns=COLUMNS).astype({"n": "Int64"})
    with replacing(path) as partial:
        table.to_csv(partial, index=False)


def read(path: Path) -> pd.DataFrame:
    """A run's metrics table, checked: the columns, registered names, values in range."""
    table = pd.read_csv(path, dtype={column: str for column in TEXT}, keep_default_na=False,
                        na_values={column: ["", "nan", "NaN"] for column in ("n", *NUMBERS)})
    if list(table.columns) != COLUMNS:
        raise ValueError(f"{path}: columns {list(table.columns)}, expected {COLUMNS}")
    table = table.astype({"n": "Int64", **{column: float for column in NUMBERS}})
    for metric, *values in zip(table["metric"], *(table[column] for column in NUMBERS), strict=True):
        try:
            entry = registry.entry(metric)
        except KeyError as error:
            raise ValueError(f"{path}: {error.args[0]}") from None
        for column, value in zip(NUMBERS, values, strict=True):
            if not entry.in_range(value):
                raise ValueError(f"{path}: {metric} {column} = {value} is outside its range "
                                 f"[{entry.low}, {entry.high}]")
    return table
