"""Memorisation histograms: distance from each synthetic image to its nearest real train image, against the
same for real held-out images, one panel per generator run of a dataset.

Synthetic mass left of the held-out distribution (and of the dashed 1st-percentile threshold) means images
closer to the training set than new real images are: copies.
"""

from pathlib import Path

import numpy as np

from synthbench.names import ARMS
from synthbench.paths import run_of
from synthbench.plots.style import colour, wrapped_panels


def nearest_distances(path: Path) -> dict:
    with np.load(path) as data:
        return {**run_of(path), "synthetic": data["distance"][:, 0], "heldout": data["heldout_distance"][:, 0]}


def memorisation_figure(runs: list[dict], dataset: str):
    runs = sorted(runs, key=lambda r: (ARMS.index(r["arm"]), r["value"], r["source"], r["seed"]))
    figure, axes = wrapped_panels(len(runs), height=2.4)
    for axis, run in zip(axes, runs, strict=True):
        both = np.concatenate([run["synthetic"], run["heldout"]])
        bins = np.linspace(0, max(float(both.max()), 1e-6), 40)
        axis.hist(run["heldout"], bins=bins, density=True, color="gray", alpha=0.5, label="held-out real")
        axis.hist(run["synthetic"], bins=bins, density=True, histtype="step", linewidth=1.5,
                  color=colour(run["source"]), label=f"synthetic ({run['source']})")
        axis.axvline(np.percentile(run["heldout"], 1), color="black", linestyle="--", linewidth=0.8)
        axis.set_title(f"{run['arm']} {run['value']} / {run['source']} seed {run['seed']}", fontsize=8)
        axis.set_xlabel("cosine distance to nearest train image", fontsize=7)
        axis.legend(fontsize=6)
    figure.suptitle(f"{dataset}: nearest real-train distances (dashed: held-out 1st percentile)", fontsize=10,
                    x=0.02, ha="left")
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    return figure
