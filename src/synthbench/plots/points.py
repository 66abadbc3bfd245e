"""The points every arm figure draws: one metric of one source at one arm value, averaged over seeds, with an
interval. Several seeds: the t interval of their mean (the spread of training runs). One seed: the run's own
interval from summary.csv's ci_low / ci_high (a bootstrap or subsets, as its job measured it), if it has one.
"""

import numpy as np
import pandas as pd
from scipy import stats

RUN = ["dataset", "arm", "value", "source"]
COLUMNS = [*RUN, "mean", "low", "high", "n", "band"]


def seed_interval(values: pd.Series) -> tuple[float, float]:
    """The 95 % t interval of the mean of values over seeds (NaN for fewer than two)."""
    if len(values) < 2:
        return np.nan, np.nan
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean() - half, values.mean() + half


def metric_points(summary: pd.DataFrame, metric: str) -> pd.DataFrame:
    """dataset, arm, value, source, mean, low, high, n (seeds), band (what the interval is): one point per run
    of the whole-run (class-less) rows of `metric`."""
    whole = summary[summary["class"].isna() | (summary["class"] == "")]
    rows = whole[(whole["metric"] == metric) & whole["result"].notna()]
    points = []
    for key, group in rows.groupby(RUN):
        values = group["result"]
        if len(values) > 1:
            low, high, band = *seed_interval(values), "95% CI over seeds"
        else:
            low, high = group["ci_low"].iloc[0], group["ci_high"].iloc[0]
            band = "the run's 95% CI" if pd.notna(low) else "none"
        points.append(dict(zip(RUN, key, strict=True), mean=values.mean(), low=low, high=high, n=len(values),
                           band=band))
    return pd.DataFrame(points, columns=COLUMNS)
