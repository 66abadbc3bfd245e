"""The pixel-space view of memorisation: each synthetic image against the real train image the search found
nearest to it (in the classifier's feature space), by every full-reference image metric the side allows
(`synthbench.metrics.iqa.PAIR_FUNCTIONS`: PSNR, SSIM, MS-SSIM, MS-GMSD, HaarPSI, MDSI), next to each held-out real
image against its nearest train image.

A pair means something here: the two images are the search's match, not unrelated images (between those the
metrics measure nothing). As with the feature distances, the held-out pairs are the yardstick: a generator
whose images match their nearest train image much more closely than real unseen images match theirs is
reproducing training images. At most `pixel_pairs` queries of each side are compared (a seeded subset), so the
cost stays small at any split size.
"""

import numpy as np

from synthbench.metrics import table as metrics_table
from synthbench.metrics.iqa import MIN_SIDES, PAIR_FUNCTIONS, pair_distribution

SIDES = ("synthetic_to_train", "heldout_to_train")
SIDE_PREFIXES = {"synthetic_to_train": "nn_", "heldout_to_train": "nn_heldout_"}  # e.g. nn_heldout_ssim_median


def chosen_queries(count: int, most: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted query rows: all of them, or a seeded subset of `most`."""
    return np.arange(count) if count <= most else np.sort(rng.choice(count, most, replace=False))


def pixel_report(pairs: dict[str, tuple[np.ndarray, np.ndarray]], side: int, resamples: int, seed: int) -> dict:
    """Per metric defined at this image size and per side, the distribution of its per-pair values
    (`synthbench.metrics.iqa.pair_distribution`); `pairs` maps each of SIDES to (query images, their nearest
    train images)."""
    report = {"metrics": {}, "left_out": {}}
    for name, metric in PAIR_FUNCTIONS.items():
        if side < MIN_SIDES[name]:
            report["left_out"][name] = f"needs images of at least {MIN_SIDES[name]} px, these have {side}"
            continue
        report["metrics"][name] = {which: pair_distribution(metric(*pairs[which]), resamples, seed)
                                   for which in SIDES}
    return report


def pixel_rows(report: dict) -> list[dict]:
    """The report's medians as metrics table rows (each with its pairs and interval)."""
    return [metrics_table.row(f"{SIDE_PREFIXES[which]}{name}_median", distribution["median"],
                              n=distribution["pairs"], ci=distribution["ci"])
            for name, sides in report["metrics"].items() for which, distribution in sides.items()]
