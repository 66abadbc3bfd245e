"""Whether FID's verdict depends on the ruler: for each arm, the generator runs (every value, family and seed)
ranked by FID in each extractor's feature space (and each input normalisation variant, e.g. classifier[minmax]),
and the agreement of every two rankings as Spearman's rho and Kendall's tau-b (ties shared).

Values near 1 say the extractors order generators alike, so a conclusion drawn with one holds with the other;
low or negative values say the ordering is an artefact of the ruler. The real-vs-real ceiling is not a run and
is left out. With fewer than MIN_RUNS runs measured by both extractors a rank correlation says nothing (two runs
always agree or disagree perfectly): the row is kept, its values empty and the reason given.
"""

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from synthbench.fid.options import standard_first
from synthbench.names import REAL

MIN_RUNS = 3
RUN = ["value", "source", "seed"]
COLUMNS = ["dataset", "arm", "metric", "extractor_a", "extractor_b", "runs", "spearman", "kendall", "note"]


def rank_agreement(summary: pd.DataFrame, metric: str = "fid") -> pd.DataFrame:
    """One row per (dataset, arm, pair of extractors that measured `metric` on its runs)."""
    runs = summary[(summary["metric"] == metric) & (summary["source"] != REAL)]
    rows = []
    for (dataset, arm), group in runs.groupby(["dataset", "arm"], sort=True):
        wide = group.pivot_table(index=RUN, columns="extractor", values="result", aggfunc="first")
        for first, second in itertools.combinations(sorted(wide.columns, key=standard_first), 2):
            both = wide[[first, second]].dropna()
            row = {"dataset": dataset, "arm": arm, "metric": metric, "extractor_a": first, "extractor_b": second,
                   "runs": len(both), "spearman": np.nan, "kendall": np.nan, "note": ""}
            if len(both) < MIN_RUNS:
                row["note"] = f"{len(both)} runs; a rank correlation needs at least {MIN_RUNS}"
            else:
                row["spearman"] = float(stats.spearmanr(both[first], both[second]).statistic)
                row["kendall"] = float(stats.kendalltau(both[first], both[second]).statistic)
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
