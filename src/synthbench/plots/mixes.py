"""The real + synthetic mixes figure: does synthetic data help on top of real data?

One panel per dataset, arm and value; in each, one line per family: the mean test AUROC of the classifier trained
on the real train split plus r x as many of the family's synthetic images, minus the real-trained classifier's
(paired on the same test rows and seed, `synthbench.classifier.compare_job`), against r. Every line starts at
(0, 0): the real classifier itself. Above zero the fakes help; the error bars are the 95 % CI over seeds, or with
one seed the paired bootstrap's.
"""

import pandas as pd

from synthbench.names import mix_of
from synthbench.plots.points import RUN, metric_points
from synthbench.plots.style import colour, source_label, wrapped_panels

DELTA = "delta_mean_auroc"
COLUMNS = [*RUN, "family", "ratio", "mean", "low", "high", "n", "band"]


def is_mix(sources: pd.Series) -> pd.Series:
    return sources.map(lambda source: mix_of(source) is not None)


def mix_points(summary: pd.DataFrame) -> pd.DataFrame:
    """dataset, arm, value, source, family, ratio, mean, low, high, n, band: each mix's paired difference from
    real, and a ratio-0 point (0, the real classifier) per dataset, arm, value and family."""
    points = metric_points(summary, DELTA)
    points = points[is_mix(points["source"])]
    if points.empty:
        return pd.DataFrame(columns=COLUMNS)
    family, ratio = zip(*points["source"].map(mix_of), strict=True)
    points = points.assign(family=family, ratio=ratio)
    origins = (points[["dataset", "arm", "value", "family"]].drop_duplicates()
               .assign(source="real", ratio=0.0, mean=0.0, low=float("nan"), high=float("nan"), n=points["n"].max(),
                       band="the real classifier itself"))
    return (pd.concat([origins, points], ignore_index=True)[COLUMNS]
            .sort_values(["dataset", "arm", "value", "family", "ratio"], kind="stable").reset_index(drop=True))


def mixes_figure(points: pd.DataFrame):
    panels = list(points.groupby(["dataset", "arm", "value"], sort=True))
    figure, axes = wrapped_panels(len(panels))
    for axis, ((dataset, arm, value), panel) in zip(axes, panels, strict=True):
        for family, line in panel.groupby("family", sort=True):
            axis.plot(line["ratio"], line["mean"], marker="o", color=colour(family), label=source_label(family))
            known = line[line["low"].notna()]  # the ratio-0 point is the reference itself: no interval
            axis.errorbar(known["ratio"], known["mean"], fmt="none", ecolor=colour(family), elinewidth=1, capsize=3,
                          yerr=[known["mean"] - known["low"], known["high"] - known["mean"]])
        axis.axhline(0.0, color="gray", linewidth=0.8, linestyle=":")
        axis.set_xticks(sorted(panel["ratio"].unique()))
        axis.set_xlabel("synthetic images per real train image", fontsize=8)
        axis.set_ylabel("mean AUROC - real's", fontsize=8)
        axis.set_title(f"{dataset} / {arm} {value}", fontsize=9)
        axis.grid(alpha=0.3)
    lines = {label: handle for axis in axes for handle, label in zip(*axis.get_legend_handles_labels(), strict=True)}
    figure.legend(list(lines.values()), list(lines), loc="lower center", fontsize=8, ncols=max(len(lines), 1),
                  frameon=False)
    figure.suptitle("Real + synthetic mixes: does synthetic data help on top of real data?", fontsize=10, x=0.02,
                    ha="left")
    figure.tight_layout(rect=(0, 0.06, 1, 0.95))
    return figure
