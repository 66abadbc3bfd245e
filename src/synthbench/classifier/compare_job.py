"""`synthbench classifier compare` (arguments in `cli`): comparison.json and metrics.csv of one arm value and seed,
every synthetic-trained classifier against the real-trained one on the same real test rows (`paired`). Reads only
the classifiers' predictions.csv: no TensorFlow."""

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.atomic import replacing
from synthbench.classifier.paired import delong, paired_mean_auroc_differences, tost_p
from synthbench.metrics import table as metrics_table
from synthbench.metrics.bootstrap import percentile_interval

LEVEL = metrics_table.CI_LEVEL


@dataclass(frozen=True)
class Predictions:
    """A classifier's predictions.csv: its test rows' image ids, label names, labels and scores."""

    path: Path
    ids: pd.Index
    names: list[str]
    labels: np.ndarray
    scores: np.ndarray


def read_predictions(path: Path) -> Predictions:
    table = pd.read_csv(path).set_index("image_id").sort_index()
    names = [column.removeprefix("score ") for column in table.columns if column.startswith("score ")]
    return Predictions(Path(path), table.index, names, table[names].to_numpy(float),
                       table[[f"score {n}" for n in names]].to_numpy(float))


def compare_one(real: Predictions, other: Predictions, settings: dict, seed: int) -> dict:
    if not real.ids.equals(other.ids) or real.names != other.names or not np.array_equal(real.labels, other.labels):
        raise ValueError(f"{other.path} and {real.path} are not predictions of the same test rows and labels")
    labels = real.labels
    differences = paired_mean_auroc_differences(labels, real.scores, other.scores, settings["bootstrap"], seed)
    usable = [c for c in range(len(real.names)) if labels[:, c].min() != labels[:, c].max()]
    per_class = {real.names[c]: delong(labels[:, c], real.scores[:, c], other.scores[:, c]) for c in usable}
    margin = settings["equivalence_margin"]
    return {"delta_mean_auroc": float(np.mean([per_class[real.names[c]]["difference"] for c in usable])),
            "ci": list(percentile_interval(differences, LEVEL)), "level": LEVEL,
            "resamples": settings["bootstrap"], "test_rows": len(real.ids),
            "equivalence_margin": margin, "tost_p": tost_p(differences, margin), "delong": per_class}


def compare(args: argparse.Namespace) -> None:
    settings = json.loads(args.settings_json)
    real = read_predictions(args.real)  # read once, compared with every source
    compared = {}
    for pair in args.compared:
        source, separator, path = pair.partition("=")
        if not separator:
            raise ValueError(f"--compared {pair!r}: expected SOURCE=PREDICTIONS")
        compared[source] = compare_one(real, read_predictions(Path(path)), settings, args.seed)
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
