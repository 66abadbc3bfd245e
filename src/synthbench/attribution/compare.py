"""`synthbench attribution compare`: the agreement of every classifier's occlusion maps with the real-trained
classifier's, and of its untrained floor (stored with the real-trained maps, see `synthbench.attribution.jobs`),
written as attribution.json, metrics rows and panel.png. Maps files only: no network is loaded here.
"""

import argparse
import json

import numpy as np

from synthbench.atomic import replacing
from synthbench.attribution.agreement import agreement_report
from synthbench.attribution.panel import save_panel
from synthbench.metrics import table as metrics_table
from synthbench.names import REAL as REFERENCE
from synthbench.names import UNTRAINED

FLOOR = "floor_maps"  # the key of the untrained floor's maps in the real-trained classifier's maps file


def compare(args: argparse.Namespace) -> None:
    meta = json.loads(args.meta.read_text())
    settings = json.loads(args.settings_json)
    loaded = {}
    for path in args.maps:
        with np.load(path) as data:
            loaded[str(data["explainer"])] = {key: data[key] for key in data.files}
    if REFERENCE not in loaded:
        raise ValueError(f"{', '.join(map(str, args.maps))}: no maps of the real-trained classifier")
    reference = loaded[REFERENCE]
    if FLOOR not in reference:
        raise ValueError(f"the real-trained classifier's maps hold no untrained floor ({FLOOR}); remake them with "
                         "`synthbench classifier evaluate --source real`")
    floor = reference.pop(FLOOR)
    loaded[UNTRAINED] = {**reference, "explainer": UNTRAINED, "maps": floor}
    for name, data in loaded.items():
        if not np.array_equal(data["image_id"], reference["image_id"]) or any(
                str(data[key]) != str(reference[key]) for key in ("patch", "patched_side", "method")):
            raise ValueError(f"maps of '{name}' explain other images, or by other patches or method, than those of "
                             f"'{REFERENCE}'")
    others = {name: data["maps"] for name, data in loaded.items() if name != REFERENCE}
    report = agreement_report(reference["maps"], others, reference["image_id"], settings["top_fraction"])
    report |= {"method": str(reference["method"]), "patch": int(reference["patch"]),
               "patched_side": int(reference["patched_side"])}
    args.out.mkdir(parents=True, exist_ok=True)
    with replacing(args.out / "attribution.json") as partial:
        partial.write_text(json.dumps(report, indent=2) + "\n")
    # One job compares every explainer with the real-trained classifier: its rows belong to the explainer, and
    # name the method in the column that names how a number was measured.
    metrics_table.write(args.out / metrics_table.FILE, [
        metrics_table.row(f"attribution_{measure}_mean", result[measure].get("mean", np.nan), source=name,
                          n=result[measure]["n"], extractor=report["method"])
        for name, result in report["explainers"].items() for measure in ("spearman", "top_iou")])
    save_panel(reference["images"], reference["labels"], {name: data["maps"] for name, data in loaded.items()},
               report, meta["labels"], args.title, args.out / "panel.png")
    for name, result in report["explainers"].items():
        rho, iou = result["spearman"], result["top_iou"]
        print(f"{name} vs {REFERENCE}: Spearman median {rho.get('median', float('nan')):.3f}, top-"
              f"{100 * report['top_fraction']:g}% IoU median {iou.get('median', float('nan')):.3f}", flush=True)
