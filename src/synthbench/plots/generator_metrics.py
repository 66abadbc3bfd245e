"""Every generator run's feature metrics against the arm's value, one figure per dataset: a row of panels per arm,
a column per metric and extractor (FID again under each input normalisation variant, e.g. classifier[minmax],
beside the standard one). A line per generator family (mean over seeds) with its interval band, and the
real-vs-real ceiling dashed: real held-out images measured against the same real train images, the value a
perfect generator would score at these sample sizes (FID and KID are not 0 there, precision and recall not 1).
Then the patient-level membership inference attack's AUC (0.5: the synthetic images do not tell training
patients from others), where the arm's small values are where leakage should grow, and the label fidelity: the
real-trained classifier's mean AUROC on the fakes against the labels they were made for (train on real, test on
synthetic).
"""

import textwrap

import pandas as pd

from synthbench.fid.options import standard_first
from synthbench.metrics import registry
from synthbench.metrics.prdc import NAMES as PRDC_NAMES
from synthbench.names import ARMS, REAL
from synthbench.plots.auroc import order_sources
from synthbench.plots.points import metric_points
from synthbench.plots.style import arm_x_axis, panel_grid, source_label, source_lines

TITLE_CHARACTERS = 44  # at 7 pt, what a panel's width holds
PANELS = ("fid", "fid_infinity", "kid", *PRDC_NAMES, "mia_auc", "trts_mean_auroc")


def generator_points(summary: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """metric, extractor, dataset, arm, value, source, mean, low, high, n, band: the figure's points."""
    rows = summary[(summary["dataset"] == dataset) & summary["metric"].isin(PANELS)]
    rows = rows.assign(extractor=rows["extractor"].fillna(""))  # the attack's and TRTS rows have no feature space
    frames = [metric_points(group, metric).assign(metric=metric, extractor=extractor)
              for (metric, extractor), group in rows.groupby(["metric", "extractor"])]
    if not frames:
        raise ValueError(f"summary has no generator metrics ({', '.join(PANELS)}) for dataset {dataset!r}")
    return order_sources(pd.concat(frames, ignore_index=True), then=("arm", "metric", "value"))


def _label(source: str) -> str:
    return f"{REAL} held-out vs real train (ceiling)" if source == REAL else source_label(source)


def panel_label(metric: str, extractor: str) -> str:
    entry = registry.entry(metric)
    return f"{entry.label}{', ' + extractor if extractor else ''}\n({entry.direction} is better)"


def wrapped(title: str) -> str:
    """A panel title in lines that fit the panel's width (neighbouring titles would run into each other)."""
    return "\n".join(textwrap.fill(line, TITLE_CHARACTERS) for line in title.split("\n"))


def panel_columns(points: pd.DataFrame) -> list[tuple[str, str]]:
    """(metric, extractor) per column: metrics in PANELS order, each extractor's standard scaling before its
    normalisation variants."""
    pairs = set(zip(points["metric"], points["extractor"], strict=True))
    return sorted(pairs, key=lambda pair: (PANELS.index(pair[0]), *standard_first(pair[1])))


def generator_figure(points: pd.DataFrame, dataset: str):
    arms = [arm for arm in ARMS if arm in set(points["arm"])]
    columns = panel_columns(points)
    figure, axes = panel_grid(len(arms), len(columns), width=2.9, height=2.4)
    for row, arm in enumerate(arms):
        for column, (metric, extractor) in enumerate(columns):
            axis = axes[row, column]
            panel = points[(points["arm"] == arm) & (points["metric"] == metric) & (points["extractor"] == extractor)]
            source_lines(axis, panel, _label, references={REAL})
            arm_x_axis(axis, arm, points.loc[points["arm"] == arm, "value"].unique())
            axis.set_title(wrapped(f"{arm}: {panel_label(metric, extractor)}"), fontsize=7)
            axis.grid(alpha=0.3)
    lines = {label: handle for axis in axes.ravel()
             for handle, label in zip(*axis.get_legend_handles_labels(), strict=True)}
    figure.legend(list(lines.values()), list(lines), loc="lower center", fontsize=8, ncols=min(len(lines), 5),
                  frameon=False)
    figure.suptitle(f"{dataset}: generator metrics against the arm's value (band: 95 % interval)", fontsize=10,
                    x=0.02, ha="left")
    figure.tight_layout(rect=(0, 0.05, 1, 0.96))
    return figure
