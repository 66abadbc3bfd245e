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


def test_a_star_marks_a_source_equivalent_to_real_for_every_seed():
    from synthbench.plots.auroc import EQUIVALENT, equivalent_points

    summary = summary_rows()
    verdicts = []
    for seed in (0, 1):  # prog: equivalent at 16 px for both seeds; at 32 px for seed 0 only
        for value, p in ((16, 0.001), (32, 0.001 if seed == 0 else 0.3)):
            verdicts += [("chest", "resolution", value, "prog", seed, "delta_mean_auroc", "", "", -0.01, -0.02, 0.0),
                         ("chest", "resolution", value, "prog", seed, "tost_p", "", "", p, np.nan, np.nan)]
    summary = pd.concat([summary, pd.DataFrame(verdicts, columns=summary.columns)], ignore_index=True)
    points = order_sources(auroc_points(summary))
    marked = equivalent_points(summary, points)
    assert marked[["arm", "value", "source"]].values.tolist() == [["resolution", 16, "prog"]]
    figure = arm_figure(points, "AUROC", 0.5, "title", marked=marked)
    stars = [collection for axis in figure.axes for collection in axis.collections
             if collection.get_label() == EQUIVALENT]
    assert len(stars) == 1 and stars[0].get_offsets().tolist() == [[16, marked["mean"].item()]]
    assert EQUIVALENT in [text.get_text() for text in figure.legends[0].get_texts()]
    assert equivalent_points(summary_rows(), points).empty, "no paired tests: nothing marked"
    plt.close(figure)


def test_the_legend_names_every_source_even_one_drawn_in_a_later_panel_only():
    summary = summary_rows()
    only_on_classes = summary[(summary["arm"] == "classes")].assign(source="dcgan")
    figure = arm_figure(order_sources(auroc_points(pd.concat([summary, only_on_classes]))), "AUROC", 0.5, "title")
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == [
        "real", "dcgan (DCGAN)", "prog (progressive GAN)"]
    plt.close(figure)


def generator_summary():
    rows = []
    for value, fid in ((16, 40.0), (32, 30.0)):
        rows.append(("chest", "resolution", value, "real", 0, "fid", "", "classifier", fid / 10, None, None))
        for seed, shift in ((0, 0.0), (1, 2.0)):
            rows.append(("chest", "resolution", value, "cpd", seed, "fid", "", "classifier", fid + shift, None, None))
            rows.append(("chest", "resolution", value, "cpd", seed, "precision", "", "classifier", 0.5, 0.4, 0.6))
    rows.append(("chest", "resolution", 16, "prog", 0, "precision", "", "classifier", 0.3, 0.2, 0.45))
    rows.append(("chest", "resolution", 16, "cpd", 0, "fid", "", "classifier[minmax]", 55.0, None, None))
    rows.append(("chest", "resolution", 16, "cpd", 0, "mia_auc", "", np.nan, 0.55, 0.5, 0.6))  # as read from a CSV
    rows.append(("brain", "resolution", 16, "prog", 0, "precision", "", "classifier", 0.9, 0.8, 0.95))
    rows.append(("chest", "resolution", 16, "real", 0, "mean_auroc", "", "", 0.9, 0.8, 0.95))
    return pd.DataFrame(rows, columns=["dataset", "arm", "value", "source", "seed", "metric", "class", "extractor",
                                       "result", "ci_low", "ci_high"])


def test_generator_metric_points_average_seeds_keep_a_single_runs_interval_and_the_ceiling():
    from synthbench.plots.generator_metrics import generator_points

    points = generator_points(generator_summary(), "chest").set_index(["metric", "extractor", "source", "value"])
    assert len(points) == 2 + 2 + 2 + 1 + 1 + 1, \
        "fid: real and cpd at 2 values, cpd min-max stretched at 1; precision: cpd at 2, prog at 1; the attack at 1"
    assert points.loc[("mia_auc", "", "cpd", 16), ["mean", "low", "high"]].tolist() == [0.55, 0.5, 0.6]
    assert points.loc[("fid", "classifier", "cpd", 16), ["mean", "n", "band"]].tolist() == [41.0, 2,
                                                                                             "95% CI over seeds"]
    assert points.loc[("fid", "classifier[minmax]", "cpd", 16), "mean"] == 55.0
    assert points.loc[("precision", "classifier", "prog", 16), ["low", "high", "band"]].tolist() == [
        0.2, 0.45, "the run's 95% CI"]
    real = points.loc[("fid", "classifier", "real", 32)]
    assert real["band"] == "none" and real["mean"] == 3.0
    assert points.reset_index()["source"].iloc[0] == "real"
    with pytest.raises(ValueError, match="no generator metrics .* for dataset 'other'"):
        generator_points(generator_summary(), "other")


def test_the_generator_metrics_figure_draws_each_metric_and_extractor_and_the_dashed_ceiling():
    from synthbench.plots.generator_metrics import generator_figure, generator_points

    figure = generator_figure(generator_points(generator_summary(), "chest"), "chest")
    titles = [axis.get_title() for axis in figure.axes]
    assert titles == ["resolution: FID, classifier\n(lower is better)",
                      "resolution: FID, classifier[minmax]\n(lower is better)",
                      "resolution: precision (Naeem et al.),\nclassifier\n(higher is better)",
                      "resolution: membership inference AUC\n(patients)\n(lower is better)"]
    stretched = {line.get_label(): list(line.get_ydata()) for line in figure.axes[1].get_lines()}
    assert stretched == {"cpd (no-growth GAN)": [55.0]}, "variants are drawn in their own panel, not mixed in"
    fid_axis = figure.axes[0]
    lines = {line.get_label(): line for line in fid_axis.get_lines()}
    ceiling = lines["real held-out vs real train (ceiling)"]
    assert ceiling.get_linestyle() == "--" and list(ceiling.get_ydata()) == [4.0, 3.0]
    assert list(lines["cpd (no-growth GAN)"].get_ydata()) == [41.0, 31.0]
    plt.close(figure)


def test_controls_are_drawn_dotted_in_colours_no_family_has():
    from matplotlib.colors import to_hex

    from synthbench.gans import registry
    from synthbench.names import CONTROLS
    from synthbench.plots.style import colour, source_label, source_lines

    colours = [to_hex(colour(source)) for source in [*registry.names(), *CONTROLS, "real"]]
    assert len(set(colours)) == len(colours), "every family, control and real data tells apart"
    figure, axis = plt.subplots()
    points = pd.DataFrame({"source": ["cpd", "cpd", "noise", "noise"], "value": [20, 80, 20, 80],
                           "mean": [0.5, 0.6, 0.5, 0.5], "low": np.nan, "high": np.nan})
    source_lines(axis, points)
    lines = {line.get_label(): line for line in axis.get_lines()}
    assert set(lines) == {"cpd (no-growth GAN)", "noise (control)"} and source_label("copycat") == "copycat (control)"
    assert lines["noise (control)"].get_linestyle() == ":" and lines["cpd (no-growth GAN)"].get_linestyle() == "-"
    plt.close(figure)
