"""What the benchmark's figures share: one colour per source, arm axis names, a grid of panels."""

import matplotlib.pyplot as plt

from synthbench.gans import registry
from synthbench.names import CONTROLS, REAL, UNTRAINED

ARM_AXES = {"resolution": "image side (px)", "classes": "number of classes (label combinations)",
            "samples": "train images per class"}


CONTROL_COLOURS = {"copycat": "tab:brown", "noise": "tab:cyan", "overfit": "tab:pink"}  # none a family's


def colour(source: str) -> str:
    """Real data black, the untrained floor grey, each generator family its registered colour, each control its
    own, outside sources olive."""
    fixed = {REAL: "black", UNTRAINED: "tab:gray", **CONTROL_COLOURS}
    if source in fixed:
        return fixed[source]
    return registry.entry(source).colour if source in registry.names() else "tab:olive"


def source_label(source: str) -> str:
    """How legends name a source: a family's registered label with its short name, e.g. 'prog (progressive GAN)';
    a control as one, e.g. 'noise (control)'."""
    if source in CONTROLS:
        return f"{source} (control)"
    return f"{source} ({registry.entry(source).label})" if source in registry.names() else source


def panel_grid(rows: int, columns: int, width: float = 3.6, height: float = 2.8, **options):
    figure, axes = plt.subplots(rows, columns, figsize=(width * columns, height * rows + 0.6), squeeze=False,
                                **options)
    return figure, axes


def wrapped_panels(count: int, columns: int = 4, width: float = 3.2, height: float = 2.5):
    """(figure, the first `count` axes in reading order) of a grid at most `columns` wide; spare axes hidden."""
    columns = max(min(count, columns), 1)
    figure, axes = panel_grid(max(-(-count // columns), 1), columns, width=width, height=height)
    for axis in axes.ravel()[count:]:
        axis.set_visible(False)
    return figure, list(axes.ravel()[:count])


def arm_x_axis(axis, arm: str, values) -> None:
    """Resolution and samples grow by factors, so they get a log axis; every arm value is a tick."""
    if arm != "classes":
        axis.set_xscale("log", base=2)
    axis.set_xticks(sorted(values))
    axis.set_xticklabels([str(v) for v in sorted(values)])
    axis.minorticks_off()
    axis.set_xlabel(ARM_AXES[arm], fontsize=8)


def source_lines(axis, points, label=source_label, references=frozenset()) -> None:
    """One line per source of `points` (value, mean, low, high) with its interval band where known; `references`
    (such as a ceiling) are drawn dashed, without markers, under a fainter band; controls dotted, square markers
    (yardsticks, not generators)."""
    for source, line in points.groupby("source", sort=False):
        line = line.sort_values("value")
        reference = source in references
        style = ({"linestyle": "--"} if reference else {"linestyle": ":", "marker": "s"} if source in CONTROLS
                 else {"marker": "o"})
        axis.plot(line["value"], line["mean"], color=colour(source), label=label(source), **style)
        if line["low"].notna().any():
            axis.fill_between(line["value"], line["low"], line["high"], color=colour(source),
                              alpha=0.08 if reference else 0.15, linewidth=0)
