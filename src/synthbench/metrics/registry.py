"""The benchmark's metrics: the one list every job, the summary and early stopping read metric names from.

A metric declares what it consumes, which way is better and its range, so that whoever ranks, plots or stops
on it needs no knowledge of its own: `best` picks the best of several values, a table row outside the range
is refused as a bug, and the summary carries each row's direction. A metric that can judge a generator while
it trains names its `evaluate` function (imported only when a training job monitors it, see
`synthbench.gans.stopping`); those are the choices of each family's `monitor` key.

Metrics from outside synthbench register the same way, in a plug-in module named in the config's `plugins`.
"""

import importlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from synthbench.metrics.diversity import METRICS as DIVERSITY_METRICS

# What a metric is computed from.
CONSUMES = {
    "features": "feature vectors of real and synthetic image sets, in one extractor's space",
    "images": "real and synthetic image sets, as pixels",
    "image_pairs": "pairs of images that show the same thing",
    "predictions": "a classifier's scores on labelled real test images",
    "maps": "attribution maps of several classifiers on the same images",
    "run": "a fact of a training run (its length, its time)",
}
DIRECTIONS = ("lower", "higher", "none")  # "none": a count or a setting, no side is better


@dataclass(frozen=True)
class Metric:
    name: str  # the `metric` column of every table
    label: str  # how figures and tables name it
    consumes: str  # a key of CONSUMES
    direction: str  # one of DIRECTIONS
    low: float = -math.inf  # the range every value lies in (inclusive)
    high: float = math.inf
    evaluate: str | None = None  # "module:function" judging a generator during training, if it can

    def __post_init__(self):
        if self.consumes not in CONSUMES:
            raise ValueError(f"metric {self.name!r}: consumes {self.consumes!r}, expected one of {', '.join(CONSUMES)}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"metric {self.name!r}: direction {self.direction!r}, expected one of "
                             f"{', '.join(DIRECTIONS)}")
        if not self.low <= self.high:
            raise ValueError(f"metric {self.name!r}: empty range [{self.low}, {self.high}]")

    def in_range(self, value: float) -> bool:
        """NaN (undefined, e.g. AUROC of a class with one label value) is allowed; anything else must lie in
        [low, high]."""
        return math.isnan(value) or self.low <= value <= self.high

    def best(self, values: Iterable[float]) -> float:
        """The best of `values` by the metric's direction (NaN left out); an error for direction 'none'."""
        if self.direction == "none":
            raise ValueError(f"metric {self.name!r} has no better direction")
        finite = [value for value in values if not math.isnan(value)]
        if not finite:
            raise ValueError(f"metric {self.name!r}: no defined value to choose from")
        return min(finite) if self.direction == "lower" else max(finite)

    def better(self, value: float, than: float) -> bool:
        """True when `value` is strictly better than `than`."""
        return value != than and self.best([value, than]) == value

    def evaluator(self) -> Callable:
        if self.evaluate is None:
            raise ValueError(f"metric {self.name!r} cannot judge a generator during training; "
                             f"these can: {', '.join(monitorable())}")
        module, function = self.evaluate.split(":")
        return getattr(importlib.import_module(module), function)


_METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    """Adds a metric; the same metric twice is harmless, another one under a taken name is not."""
    known = _METRICS.get(metric.name)
    if known is not None and known != metric:
        raise ValueError(f"metric {metric.name!r} is already registered as {known}")
    _METRICS[metric.name] = metric
    return metric


def entry(name: str) -> Metric:
    try:
        return _METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; registered: {', '.join(_METRICS)}") from None


def names() -> tuple[str, ...]:
    return tuple(_METRICS)


def monitorable() -> tuple[str, ...]:
    """The metrics early stopping can monitor (those with an `evaluate` function)."""
    return tuple(name for name, metric in _METRICS.items() if metric.evaluate is not None)


# Generators, in an extractor's feature space.
register(Metric("fid", "FID", "features", "lower", 0.0, evaluate="synthbench.gans.evaluation:generator_fid"))
# An extrapolation: it can fall below 0.
register(Metric("fid_infinity", "FID∞ (extrapolated to infinitely many images)", "features", "lower"))
# KID's unbiased estimate can fall below 0 when the sets are alike.
register(Metric("kid", "KID", "features", "lower"))
register(Metric("kid_std", "KID, sd over subsets", "features", "none", 0.0))
register(Metric("precision", "precision (Naeem et al.)", "features", "higher", 0.0, 1.0))
register(Metric("recall", "recall (Naeem et al.)", "features", "higher", 0.0, 1.0))
register(Metric("density", "density (Naeem et al.)", "features", "higher", 0.0))
register(Metric("coverage", "coverage (Naeem et al.)", "features", "higher", 0.0, 1.0))
# One image against the image it should match (a synthetic image and its nearest real training image).
register(Metric("psnr", "PSNR (dB)", "image_pairs", "higher", 0.0))
register(Metric("ssim", "SSIM", "image_pairs", "higher", -1.0, 1.0))
register(Metric("ms_ssim", "MS-SSIM", "image_pairs", "higher", 0.0, 1.0))
register(Metric("ms_gmsd", "MS-GMSD", "image_pairs", "lower", 0.0))
register(Metric("haarpsi", "HaarPSI", "image_pairs", "higher", 0.0, 1.0))
register(Metric("mdsi", "MDSI", "image_pairs", "lower", 0.0))
# Generator runs.
register(Metric("best_kimg", "kimg of the selected generator", "run", "none", 0.0))
register(Metric("kimg", "kimg trained", "run", "none", 0.0))
register(Metric("wall_seconds", "training wall time (s)", "run", "none", 0.0))
# Classifiers on the real test split.
register(Metric("auroc", "AUROC", "predictions", "higher", 0.0, 1.0))
register(Metric("mean_auroc", "mean AUROC", "predictions", "higher", 0.0, 1.0))
register(Metric("auprc", "AUPRC (average precision)", "predictions", "higher", 0.0, 1.0))
register(Metric("mean_auprc", "mean AUPRC", "predictions", "higher", 0.0, 1.0))
register(Metric("brier", "Brier score", "predictions", "lower", 0.0, 1.0))
register(Metric("ece", "expected calibration error (10 bins)", "predictions", "lower", 0.0, 1.0))
# A synthetic-trained classifier against the real-trained one on the same test rows (synthbench.classifier.paired).
register(Metric("delta_mean_auroc", "mean AUROC - the real-trained classifier's", "predictions", "higher", -1.0,
                1.0))
register(Metric("tost_p", "equivalence with real (TOST p, unadjusted)", "predictions", "lower", 0.0, 1.0))
register(Metric("delong_p", "DeLong p, AUROC unlike real's", "predictions", "none", 0.0, 1.0))
# Memorisation: synthetic images against real train images, in the real classifier's feature space.
register(Metric("nn_fraction_below_threshold", "share of fakes nearer than held-out images", "features", "lower",
                0.0, 1.0))
register(Metric("nn_distance_median", "median distance of a fake to its nearest real image", "features", "none",
                0.0, 2.0))
register(Metric("nn_heldout_distance_median", "median distance of a held-out image to its nearest train image",
                "features", "none", 0.0, 2.0))
register(Metric("nn_threshold", "memorisation threshold (held-out 1st percentile)", "features", "none", 0.0, 2.0))
# Patient-level membership inference (synthbench.neighbours.membership): 0.5 and 0.01 are chance.
register(Metric("mia_auc", "membership inference AUC (patients)", "features", "lower", 0.0,
                1.0))
register(Metric("mia_tpr_at_1pct_fpr", "membership inference TPR at 1 % FPR", "features", "lower", 0.0, 1.0))
# Train on real, test on synthetic (synthbench.neighbours.jobs): the real-trained classifier's AUROC on a generator's
# fakes against the labels they were made for (label fidelity), per class and averaged.
register(Metric("trts_auroc", "real classifier's AUROC on the fakes (label fidelity)", "predictions", "higher", 0.0,
                1.0))
register(Metric("trts_mean_auroc", "real classifier's mean AUROC on the fakes (label fidelity)", "predictions",
                "higher", 0.0, 1.0))
# The memorisation check scored against the copies the copycat control planted (synthbench.neighbours.planted),
# per space searched (the extractor column: classifier features, pixels, each generator-metrics extractor's).
register(Metric("copy_recall", "planted copies flagged (recall)", "features", "higher", 0.0, 1.0))
register(Metric("copy_precision", "flags that are planted copies (precision)", "features", "higher", 0.0, 1.0))
# The same search's matches compared pixel by pixel (synthbench.neighbours.pixels), by every image-pair metric:
# the median over synthetic queries, read against the one over held-out queries.
for pair_metric in [metric for metric in list(_METRICS.values()) if metric.consumes == "image_pairs"]:
    register(Metric(f"nn_{pair_metric.name}_median", f"median {pair_metric.label} of a fake and its nearest real "
                    "image", "image_pairs", "none", pair_metric.low, pair_metric.high))
    register(Metric(f"nn_heldout_{pair_metric.name}_median", f"median {pair_metric.label} of a held-out image and "
                    "its nearest train image", "image_pairs", "none", pair_metric.low, pair_metric.high))
# Diversity (synthbench.metrics.diversity): same-class pairs of a generator's images, read against the same for
# real train images (a collapsed generator scores near 1).
for pair_metric in DIVERSITY_METRICS:
    label = _METRICS[pair_metric].label
    register(Metric(f"diversity_{pair_metric}", f"mean {label} of same-class synthetic pairs (1: collapsed)",
                    "images", "none", _METRICS[pair_metric].low, _METRICS[pair_metric].high))
    register(Metric(f"diversity_{pair_metric}_real", f"mean {label} of same-class real train pairs", "images",
                    "none", _METRICS[pair_metric].low, _METRICS[pair_metric].high))
# Attribution: agreement of a classifier's maps with the real-trained classifier's.
register(Metric("attribution_spearman_mean", "mean Spearman ρ with the real classifier's maps", "maps", "higher",
                -1.0, 1.0))
register(Metric("attribution_top_iou_mean", "mean IoU of the top cells with the real classifier's maps", "maps",
                "higher", 0.0, 1.0))
