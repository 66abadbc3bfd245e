"""`synthbench classifier compare` (arguments in `cli`): comparison.json and metrics.csv of one arm value and seed,
every synthetic-trained classifier against the real-trained one on the same real test rows (`paired`). Reads only
the classifiers' predictions.csv: no TensorFlow."""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.atomic import replacing
from synthbench.classifier.paired import delong, paired_mean_auroc_differences, tost_p
from synthbench.metrics import table as metrics_table

LEVEL = metrics_table.CI_LEVEL


def read_predictions(path: Path) -> tuple[pd.Index, list[str], np.ndarray, np.ndarray]:
    """(image ids, label names, labels, scores) of a predictions.csv."""
    table = pd.read_csv(path).set_index("image_id").sort_index()
    names = [column.removeprefix("score ") for column in table.columns if column.startswith("score ")]
    return table.index, names, table[names].to_numpy(float), table[[f"score {n}" for n in names]].to_numpy(float)


def compare_one(real_path: Path, other_path: Path, settings: dict, seed: int) -> dict:
    ids, names, labels, real = read_predictions(real_path)
    other_ids, other_names, other_labels, other = read_predictions(other_path)
    if not ids.equals(other_ids) or names != other_names or not np.array_equal(labels, other_labels):
        raise ValueError(f"{other_path} and {real_path} are not predictions of the same test rows and labels")
    differences = paired_mean_auroc_differences(labels, real, other, settings["bootstrap"], seed)
    usable = [c for c in range(len(names)) if labels[:, c].min() != labels[:, c].max()]
    per_class = {names[c]: delong(labels[:, c], real[:, c], other[:, c]) for c in usable}
    tail = (1 - LEVEL) / 2 * 100
    margin = settings["equivalence_margin"]
    return {"delta_mean_auroc": float(np.mean([per_class[names[c]]["difference"] for c in usable])),
            "ci": [float(np.percentile(differences, tail)), float(np.percentile(differences, 100 - tail))],
            "level": LEVEL, "resamples": settings["bootstrap"], "test_rows": len(ids),
            "equivalence_margin": margin, "tost_p": tost_p(differences, margin), "delong": per_class}


def compare(args: argparse.Namespace) -> None:
    settings = json.loads(args.settings_json)
    compared = {}
    for pair in args.compared:
        source, separator, path = pair.partition("=")
        if not separator:
            raise ValueError(f"--compared {pair!r}: expected SOURCE=PREDICTIONS")
        compared[source] = compare_one(args.real, Path(path), settings, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    with replacing(args.out / "comparison.json") as partial:
        partial.write_text(json.dumps({"real": str(args.real), "sources": compared}, indent=2) + "\n")
    metrics_table.write(args.out / metrics_table.FILE, [
        row for source, result in compared.items() for row in (
            metrics_table.row("delta_mean_auroc", result["delta_mean_auroc"], source=source,
                              n=result["test_rows"], ci=result["ci"]),
            metrics_table.row("tost_p", result["tost_p"], source=source, n=result["test_rows"]),
            *(metrics_table.row("delong_p", test["p"], source=source, class_name=name, n=result["test_rows"])
              for name, test in result["delong"].items()))])
    for source, result in compared.items():
        print(f"{source}: mean AUROC - real's {result['delta_mean_auroc']:+.4f} [{result['ci'][0]:+.4f}, "
              f"{result['ci'][1]:+.4f}], equivalence within ±{result['equivalence_margin']} p = "
              f"{result['tost_p']:.4f}", flush=True)
