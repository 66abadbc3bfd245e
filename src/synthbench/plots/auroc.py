"""The paper's main figure and its companion, drawn from results/summary.csv alone.

Main figure: mean test AUROC against the arm's value (resolution, number of classes, images per class), one
line per source (real data, each generator), one row of panels per dataset. The band is the 95 % CI of the mean over
seeds when there are several seeds (t interval), otherwise the run's bootstrap CI over test images. A star marks
a synthetic source that is as good as real there: equivalent within the margin for every seed, by the paired
tests of `synthbench.summary.paired_tests` (TOST, Holm-adjusted across the arm's values).
Gap figure: real minus synthetic mean AUROC, paired by seed (above 0: synthetic data falls short).
"""

import pandas as pd

from synthbench.names import ARMS, REAL
from synthbench.plots.points import RUN, metric_points, seed_interval
from synthbench.plots.style import arm_x_axis, panel_grid, source_label, source_lines
from synthbench.summary.paired_tests import paired_tests

EQUIVALENT = "as good as real (TOST within the margin, Holm)"


def auroc_points(summary: pd.DataFrame) -> pd.DataFrame:
    """dataset, arm, value, source, mean, low, high, n, band: one point of the main figure per row."""
    return metric_points(summary, "mean_auroc")


def equivalent_points(summary: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """The points of `points` (dataset, arm, value, source) whose source is equivalent to real for every seed."""
    verdicts = paired_tests(summary)
    if verdicts.empty:
        return points.iloc[:0]
    every_seed = verdicts.groupby(["dataset", "arm", "value", "source"])["equivalent"].all()
    keys = every_seed[every_seed].index
    return points[pd.MultiIndex.from_frame(points[["dataset", "arm", "value", "source"]]).isin(keys)]


def gap_points(summary: pd.DataFrame) -> pd.DataFrame:
    """dataset, arm, value, source (a generator), mean, low, high, n: real minus synthetic mean AUROC, by seed."""
    means = summary[summary["metric"] == "mean_auroc"].pivot_table(index=["dataset", "arm", "value", "seed"],
                                                                  columns="source", values="result")
    points = []
    if "real" not in means:
        return pd.DataFrame(columns=[*RUN, "mean", "low", "high", "n"])
    for gan in [column for column in means.columns if column != "real"]:
        gaps = (means["real"] - means[gan]).dropna()
        for key, values in gaps.groupby(level=["dataset", "arm", "value"]):
            low, high = seed_interval(values)
            points.append(dict(zip(["dataset", "arm", "value"], key, strict=True), source=gan, mean=values.mean(),
                               low=low, high=high, n=len(values)))
    return pd.DataFrame(points)


def arm_figure(points: pd.DataFrame, ylabel: str, reference: float, title: str, marked: pd.DataFrame | None = None):
    """Rows of panels per dataset, one panel per arm; a line (and band where known) per source; a star on each
    point of `marked` (the equivalence verdicts)."""
    datasets = sorted(points["dataset"].unique())
    arms = [arm for arm in ARMS if arm in set(points["arm"])]
    figure, axes = panel_grid(max(len(datasets), 1), max(len(arms), 1), sharey=True)
    for row, dataset in enumerate(datasets):
        for column, arm in enumerate(arms):
            axis = axes[row, column]
            subset = points[(points["dataset"] == dataset) & (points["arm"] == arm)]
            source_lines(axis, subset)
            if marked is not None:
                stars = marked[(marked["dataset"] == dataset) & (marked["arm"] == arm)]
                if not stars.empty:
                    axis.scatter(stars["value"], stars["mean"], marker="*", s=110, facecolor="none",
                                 edgecolor="black", linewidths=0.9, zorder=5, label=EQUIVALENT)
            axis.axhline(reference, color="gray", linewidth=0.8, linestyle=":")
            arm_x_axis(axis, arm, subset["value"].unique())
            axis.set_title(f"{dataset} / {arm}", fontsize=9)
            if column == 0:
                axis.set_ylabel(ylabel, fontsize=8)
            axis.grid(alpha=0.3)
    if datasets:
        # Every source once, in the points' order, whichever panels it has lines in: a family that runs on
        # one arm only (the demo's DCGAN and SNGAN) is named too.
        lines = {label: handle for axis in axes.ravel()
                 for handle, label in zip(*axis.get_legend_handles_labels(), strict=True)}
        labels = [label for label in [*dict.fromkeys(map(source_label, points["source"])), EQUIVALENT]
                  if label in lines]
        figure.legend([lines[label] for label in labels], labels, loc="lower center", fontsize=8,
                      ncols=min(len(labels), 6), frameon=False)
    figure.suptitle(title, fontsize=10, x=0.02, ha="left")
    figure.tight_layout(rect=(0, 0.05, 1, 0.96))
    return figure


def order_sources(points: pd.DataFrame, then: tuple[str, ...] = ("dataset", "arm", "value")) -> pd.DataFrame:
    """Real first, then generators by name (the legend and the colours keep one order in every figure), then `then`."""
    rank = points["source"].map(lambda source: (source != REAL, source))
    return points.assign(_rank=rank).sort_values(["_rank", *then]).drop(columns="_rank")
