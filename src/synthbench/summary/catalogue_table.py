"""The report's catalogue table: one row per trained generator, under its catalogue id, with the numbers a user
picks a generator by: FID and KID in each feature space it was measured in (standard input scaling), and the
mean test AUROC of the classifier trained on its synthetic images. Built from the summary alone; outside sources
and controls are benchmarked but not trained here, so they have no catalogue entry."""

import pandas as pd

from synthbench.catalogue.models import model_id
from synthbench.fid.options import is_variant
from synthbench.names import REAL

RUN = ["dataset", "arm", "value", "source", "seed"]
COLUMNS = ["id", "family", "dataset", "arm", "value", "seed"]


def catalogue_table(summary: pd.DataFrame, uncatalogued: tuple[str, ...] = ()) -> pd.DataFrame:
    """id, family, dataset, arm, value, seed, then fid / kid per extractor and the test mean AUROC, of every
    generator source but the `uncatalogued` ones."""
    trained = ~summary["source"].isin([REAL, *uncatalogued])
    runs = summary[trained & summary["metric"].isin(["fid", "kid"])
                   & ~summary["extractor"].fillna("").map(is_variant)]
    if runs.empty:
        return pd.DataFrame(columns=COLUMNS)
    wide = runs.pivot_table(index=RUN, columns=["metric", "extractor"], values="result", aggfunc="first")
    wide.columns = [f"{metric} {extractor}" for metric, extractor in wide.columns]
    auroc = summary[(summary["metric"] == "mean_auroc") & trained].set_index(RUN)["result"]
    wide = wide.join(auroc.rename("test mean AUROC"), how="left").reset_index().rename(columns={"source": "family"})
    wide.insert(0, "id", [model_id(row) for row in wide[["dataset", "arm", "value", "family", "seed"]]
                          .to_dict("records")])
    return wide
