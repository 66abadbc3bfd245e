"""The equivalence verdicts: for each arm, source and seed, every value's paired comparison with the real-trained
classifier (`synthbench.classifier.paired`), the TOST p-values Holm-adjusted across the arm's values (one family
of tests per arm, as a reader scans an arm's curve), and whether the source is "as good as real" there."""

import pandas as pd

from synthbench.classifier.paired import holm

ALPHA = 0.05
COLUMNS = ["dataset", "arm", "source", "seed", "value", "delta_mean_auroc", "ci_low", "ci_high", "tost_p",
           "tost_p_holm", "equivalent"]


def paired_tests(summary: pd.DataFrame) -> pd.DataFrame:
    deltas = summary[summary["metric"] == "delta_mean_auroc"].set_index(["dataset", "arm", "source", "seed", "value"])
    tests = summary[summary["metric"] == "tost_p"].set_index(["dataset", "arm", "source", "seed", "value"])
    if deltas.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = pd.DataFrame({"delta_mean_auroc": deltas["result"], "ci_low": deltas["ci_low"],
                          "ci_high": deltas["ci_high"], "tost_p": tests["result"]}).reset_index()
    table["tost_p_holm"] = table.groupby(["dataset", "arm", "source", "seed"])["tost_p"].transform(
        lambda p_values: pd.Series(holm(p_values.tolist()), index=p_values.index))
    table["equivalent"] = table["tost_p_holm"] < ALPHA
    return table.sort_values(["dataset", "arm", "source", "seed", "value"]).reset_index(drop=True)[COLUMNS]
