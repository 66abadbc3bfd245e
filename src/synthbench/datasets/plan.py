"""`synthbench dataset plan`: which of the chest arms' values will build, from the label table alone.

The index job decodes every image (26 minutes for CheXpert's 191,000 frontal images on 2 cores) before any split
can find that a class has too few images. The plan reads only train.csv, keeps the rows the index would keep
(frontal, a positive label, a path inside the folder, the first of repeated paths), takes patients from the paths,
and runs every enabled arm value's split on those rows with the config's seed: per value, the classes, the images
per split, and whether it builds, or every split's shortfall, in seconds. Its counts assume that every listed
image decodes (a broken JPEG the index skips can only lower them). RSNA's patients are read from the DICOM
headers, so the brain dataset has no plan.
"""

import argparse
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.atomic import replacing
from synthbench.config import checkout_config
from synthbench.datasets.chexpert import read_findings, usable_rows
from synthbench.datasets.errors import LayoutError, NotEnoughImages
from synthbench.datasets.manifest import make_manifest
from synthbench.datasets.splits import SPLITS, dataset_partition, split_arm
from synthbench.figures import class_name
from synthbench.raw_formats import CHEXPERT_LABELS_CSV, CHEXPERT_ROOT

CLASS_KEY = re.compile(r"\(([01]+)\)")


def _named(key: str, labels: list[str]) -> str:
    """A combination key ('0100001') by its positive labels ('Cardiomegaly + Support Devices')."""
    return class_name(np.array([int(bit) for bit in key]), labels)


def plan_rows(config: dict, raw_dir: Path) -> list[dict]:
    """One row per enabled chest arm value: arm, value, classes, images per split, builds, problem."""
    section = config["datasets"]["chest"]
    labels = section["labels"]
    csv_path = raw_dir / CHEXPERT_LABELS_CSV
    if not csv_path.is_file():
        raise LayoutError(f"{csv_path}: not found; give the {CHEXPERT_ROOT} folder (--raw or datasets.chest.raw_dir)")
    rows, values = read_findings(csv_path, labels, section["uncertain_as"])
    candidates, _ = usable_rows(raw_dir, csv_path, rows, values)
    manifest = make_manifest([path for _, path, _ in candidates], [patient for _, _, patient in candidates],
                             values.iloc[[index for index, _, _ in candidates]])
    planned = []
    enabled_arms = {arm: settings for arm, settings in section["arms"].items() if settings["enabled"]}
    partition = dataset_partition(manifest, labels, enabled_arms, section["split"], config["seed"])
    for arm, settings in enabled_arms.items():
        for value in settings["values"]:
            row = {"arm": arm, "value": value}
            try:
                split = split_arm(manifest, labels, arm, value, enabled_arms, section["split"], config["seed"],
                                  "chest", partition)
            except NotEnoughImages as error:
                problem = CLASS_KEY.sub(lambda match: f"({_named(match[1], labels)})", str(error))
                planned.append({**row, "classes": None, **dict.fromkeys(SPLITS), "builds": False, "problem": problem})
                continue
            planned.append({**row, "classes": len(split.classes), **{name: len(split.rows[name]) for name in SPLITS},
                            "builds": True, "problem": ""})
    return planned


def _shown(count) -> str:
    return "-" if count is None else f"{count:,}"


def _config(args: argparse.Namespace) -> dict:
    """The workflow's validated settings (--config-json, from rule plan_chest), or config/config.yaml with the
    --configfile overrides, validated here (a user at the checkout's root)."""
    if args.config_json:
        return json.loads(args.config_json)
    return checkout_config(args.configfile)


def plan(args: argparse.Namespace) -> None:
    config = _config(args)
    raw_dir = args.raw or Path(config["datasets"]["chest"]["raw_dir"])
    planned = plan_rows(config, raw_dir)
    print(f"chest, from {raw_dir / 'train.csv'} (every listed image assumed usable; seed {config['seed']}):")
    print(f"{'arm':<11}{'value':>6}{'classes':>9}{'train':>10}{'valid':>8}{'test':>8}  builds")
    for row in planned:
        verdict = "yes" if row["builds"] else f"no: {row['problem']}"
        print(f"{row['arm']:<11}{row['value']:>6}{_shown(row['classes']):>9}{_shown(row['train']):>10}"
              f"{_shown(row['valid']):>8}{_shown(row['test']):>8}  {verdict}")
    failing = sum(not row["builds"] for row in planned)
    if failing:
        raise NotEnoughImages(f"{failing} of {len(planned)} chest arm values will not build (listed above)")
    print(f"all {len(planned)} chest arm values will build")
    if args.out:
        with replacing(args.out) as partial:
            pd.DataFrame(planned).to_csv(partial, index=False)
