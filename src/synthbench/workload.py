"""`synthbench workload [--configfile FILE ...] [--seeds N]`: how much training a config asks for, read from the
config alone before anything runs, so that a cluster run can be planned (and a config trimmed) first.

Per enabled dataset and arm: the generator training runs (families, the copycat control's base, the overfit
control; outside sources and the other controls train nothing) and the thousands of images (kimg) they show, and
the classifiers trained. A run shows at most its `total_kimg`; FID early stopping can end it no sooner than
`patience` evaluations after its first, which comes once it is fully grown and past `min_kimg`, so its kimg lies
between those two. At paper scale the generator runs dominate (each may show 12,000-16,000 kimg; a classifier sees
at most about 500: 100 epochs of 104 steps of 48 images): a GPU's seconds per kimg (`make bench` measures images
per second on whatever device runs it) times these kimg gives GPU-hours.
`--seeds N` says what N seeds would cost (the arms' own seeds otherwise): every run is once per seed.
"""

import argparse
from pathlib import Path

from synthbench.config import (
    arm_seeds,
    checkout_config,
    compared_sources,
    trained_sources,
    training_settings,
    value_side,
)
from synthbench.gans.schedule import Schedule
from synthbench.names import ARMS, DATASETS

COLUMNS = ["dataset", "arm", "values", "seeds", "generator_runs", "kimg_earliest", "kimg_cap", "classifiers"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--configfile", type=Path, nargs="*", default=[],
                        help="config files laid over config/config.yaml, as Snakemake's --configfile")
    parser.add_argument("--seeds", type=int, help="count N seeds on every arm (default: each arm's own)")
    parser.set_defaults(job="synthbench.workload:show")


def run_kimg(config: dict, source: str, side: int) -> tuple[float, float]:
    """(earliest kimg FID early stopping can end the run at, its cap) of one training run at image side `side`."""
    settings = training_settings(config, source, side)
    grown = Schedule(resolution=side, grows=True, **settings["growth"]).grown_kimg if "growth" in settings else 0
    earliest = max(settings["min_kimg"], grown) + settings["patience"] * settings["fid_every_kimg"]
    return min(earliest, settings["total_kimg"]), settings["total_kimg"]


def arm_workload(config: dict, dataset: str, arm: str, seeds: int | None = None) -> dict:
    """One arm's row: its values and seeds, generator runs with their summed kimg range, and classifiers."""
    values = config["datasets"][dataset]["arms"][arm]["values"]
    count = seeds or len(arm_seeds(config, dataset, arm))
    kimg = [run_kimg(config, source, value_side(config, dataset, arm, value))
            for value in values for source in trained_sources(config, dataset, arm)]
    return {"dataset": dataset, "arm": arm, "values": len(values), "seeds": count, "generator_runs": count * len(kimg),
            "kimg_earliest": count * sum(low for low, _ in kimg), "kimg_cap": count * sum(high for _, high in kimg),
            "classifiers": count * len(values) * (1 + len(compared_sources(config, dataset, arm)))}


def workload(config: dict, seeds: int | None = None) -> list[dict]:
    """The rows of every enabled dataset's enabled arms (a validated config)."""
    return [arm_workload(config, dataset, arm, seeds) for dataset in DATASETS
            if config["datasets"][dataset]["enabled"] for arm in ARMS
            if config["datasets"][dataset]["arms"][arm]["enabled"]]


def show(args: argparse.Namespace) -> None:
    import pandas as pd

    table = pd.DataFrame(workload(checkout_config(args.configfile), args.seeds), columns=COLUMNS)
    total = {"dataset": "total", "arm": "", "values": table["values"].sum(), "seeds": "",
             **table[["generator_runs", "kimg_earliest", "kimg_cap", "classifiers"]].sum().to_dict()}
    print(pd.concat([table, pd.DataFrame([total])]).to_string(index=False, float_format="{:.1f}".format))
    print("kimg: thousands of images shown in all generator runs, from the earliest FID early stopping can end each "
          "to its cap; GPU-hours = kimg x 1000 / (images per second on your GPU, `make bench`) / 3600")
