"""The figures draw exactly the numbers of the summary."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from synthbench.plots.auroc import arm_figure, auroc_points, gap_points, order_sources


def summary_rows():
    rows = []
    for seed, shift in ((0, 0.0), (1, 0.02)):
        for source, base in (("real", 0.9), ("prog", 0.7)):
            for value in (16, 32):
                mean = base + shift + value / 1000
                rows.append(("chest", "resolution", value, source, seed, "mean_auroc", "", "", mean, mean - 0.1,
                             mean + 0.1))
    rows.append(("chest", "classes", 2, "real", 0, "mean_auroc", "", "", 0.8, 0.7, 0.85))
    return pd.DataFrame(rows, columns=["dataset", "arm", "value", "source", "seed", "metric", "class", "extractor",
                                       "result", "ci_low", "ci_high"])


def test_points_are_seed_means_with_a_seed_band_or_the_bootstrap_band_for_one_seed():
    points = auroc_points(summary_rows()).set_index(["arm", "value", "source"])
    assert points.loc[("resolution", 16, "real"), "mean"] == pytest.approx(0.926)
    assert points.loc[("resolution", 16, "real"), "band"] == "95% CI over seeds"
    assert points.loc[("classes", 2, "real"), ["low", "high", "n"]].tolist() == [0.7, 0.85, 1]
    gaps = gap_points(summary_rows()).set_index(["arm", "value", "source"])
    assert gaps.loc[("resolution", 32, "prog"), "mean"] == pytest.approx(0.2)


def test_the_figure_draws_the_summary_values():
    summary = summary_rows()
    figure = arm_figure(order_sources(auroc_points(summary)), "AUROC", 0.5, "title")
    drawn = {}
    for axis in figure.axes:
        for line in axis.get_lines():
            source = {"real": "real", "prog (progressive GAN)": "prog"}.get(line.get_label())
            if source:
                for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
                    drawn[(axis.get_title(), source, int(x))] = y
    expected = summary[summary["metric"] == "mean_auroc"].groupby(["arm", "source", "value"])["result"].mean()
    assert len(drawn) == len(expected) == 5
    for (arm, source, value), mean in expected.items():
        assert drawn[(f"chest / {arm}", source, value)] == pytest.approx(mean)
    assert np.isfinite(list(drawn.values())).all()
    plt.close(figure)


def test_the_legend_names_every_source_even_one_drawn_in_a_later_panel_only():
    summary = summary_rows()
    only_on_classes = summary[(summary["arm"] == "classes")].assign(source="dcgan")
    figure = arm_figure(order_sources(auroc_points(pd.concat([summary, only_on_classes]))), "AUROC", 0.5, "title")
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == [
        "real", "dcgan (DCGAN)", "prog (progressive GAN)"]
    plt.close(figure)
