"""Agreement between two attribution maps of the same image: do two classifiers look at the same places?

Spearman's rank correlation over all cells compares the whole ordering; the IoU of the top cells (by default
the 10 % with the largest Δ-loss, ties at the cut included) compares only where each looks hardest. Maps are
compared cell by cell, the resolution occlusion actually has.
"""

import numpy as np
from scipy.stats import spearmanr

TOP_FRACTION = 0.1


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho of two maps; NaN when either is constant (no ordering to compare)."""
    a, b = np.ravel(a), np.ravel(b)
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def top_cells(cell_map: np.ndarray, fraction: float = TOP_FRACTION) -> np.ndarray:
    """Boolean mask of the ceil(fraction x cells) largest cells, and any cell tied with the smallest of them."""
    values = np.ravel(cell_map)
    count = max(int(np.ceil(fraction * values.size)), 1)
    cut = np.sort(values)[-count]
    return (values >= cut).reshape(np.shape(cell_map))


def top_iou(a: np.ndarray, b: np.ndarray, fraction: float = TOP_FRACTION) -> float:
    top_a, top_b = top_cells(a, fraction), top_cells(b, fraction)
    return float(np.sum(top_a & top_b) / np.sum(top_a | top_b))


def summary(values: list[float]) -> dict[str, float]:
    """Mean, sd, median, min, max over images (NaN entries left out and counted)."""
    finite = np.asarray([v for v in values if np.isfinite(v)], np.float64)
    if finite.size == 0:
        return {"n": 0, "undefined": len(values)}
    return {"n": int(finite.size), "undefined": len(values) - int(finite.size), "mean": float(finite.mean()),
            "sd": float(finite.std(ddof=1)) if finite.size > 1 else 0.0, "median": float(np.median(finite)),
            "min": float(finite.min()), "max": float(finite.max())}


def _number(value: float) -> float | None:
    """JSON has no NaN: an undefined agreement is written as null."""
    return value if np.isfinite(value) else None


def agreement_report(reference: np.ndarray, others: dict[str, np.ndarray], image_ids: np.ndarray,
                     fraction: float = TOP_FRACTION) -> dict:
    """Per image and summarised: each explainer's maps [N, cells, cells] against the reference maps."""
    report = {"reference": "real", "top_fraction": fraction, "explainers": {}}
    for name, maps in others.items():
        rhos = [rank_correlation(r, m) for r, m in zip(reference, maps, strict=True)]
        ious = [top_iou(r, m, fraction) for r, m in zip(reference, maps, strict=True)]
        report["explainers"][name] = {
            "spearman": summary(rhos), "top_iou": summary(ious),
            "per_image": [{"image_id": int(i), "spearman": _number(rho), "top_iou": _number(iou)}
                          for i, rho, iou in zip(image_ids, rhos, ious, strict=True)],
        }
    return report
