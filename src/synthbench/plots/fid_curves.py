"""FID over training for every generator run of a dataset: one panel per arm value, one line per generator, the selected
network (best FID, what inference used) marked with a star and the stop with a cross.

A curve that is still falling at the cross was stopped by the kimg cap, not by convergence.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.names import ARMS
from synthbench.paths import run_of
from synthbench.plots.style import colour, wrapped_panels


def fid_runs(fid_csvs: list[Path]) -> list[dict]:
    """Per generator run: its wildcards, FID curve and training record (training.json beside fid.csv)."""
    runs = []
    for path in fid_csvs:
        record = json.loads(Path(path).with_name("training.json").read_text())
        runs.append({**run_of(path), "curve": pd.read_csv(path), "record": record})
    return runs


def fid_figure(runs: list[dict], dataset: str):
    panels = sorted({(ARMS.index(run["arm"]), run["arm"], run["value"]) for run in runs})
    figure, axes = wrapped_panels(len(panels))
    for axis, (_, arm, value) in zip(axes, panels, strict=True):
        for run in (r for r in runs if (r["arm"], r["value"]) == (arm, value)):
            curve, record = run["curve"], run["record"]
            label = f"{run['source']} seed {run['seed']}"
            axis.plot(curve["kimg"], curve["fid"], color=colour(run["source"]), marker=".", label=label)
            axis.plot(record["best_kimg"], record["best_fid"], marker="*", markersize=11, color=colour(run["source"]),
                      markeredgecolor="black", linestyle="none")
            if len(curve):
                axis.plot(curve["kimg"].iloc[-1], curve["fid"].iloc[-1], marker="x", markersize=8, color="black")
        axis.set_yscale("log")
        axis.set_title(f"{arm} {value}", fontsize=9)
        axis.set_xlabel("kimg", fontsize=8)
        axis.grid(alpha=0.3, which="both")
        axis.legend(fontsize=6)
    extractors = sorted({run["record"]["extractor"] for run in runs}) or ["-"]
    axes[0].set_ylabel(f"FID ({', '.join(extractors)})", fontsize=8)
    figure.suptitle(f"{dataset}: FID during generator training (star: selected network, x: stop)", fontsize=10,
                    x=0.02, ha="left")
    figure.tight_layout(rect=(0, 0, 1, 0.95))
    return figure


def stop_points(runs: list[dict]) -> pd.DataFrame:
    """Where each run stopped and what it kept: the numbers next to the curves, for the report's table."""
    return pd.DataFrame([{key: run[key] for key in ("dataset", "arm", "value", "source", "seed")}
                         | {key: run["record"][key] for key in ("best_kimg", "best_fid", "kimg", "stop_reason")}
                         | {"evaluations": len(run["curve"]), "last_fid": float(np.asarray(run["curve"]["fid"])[-1])
                            if len(run["curve"]) else np.nan}
                         for run in runs])
