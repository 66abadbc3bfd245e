"""`synthbench metrics ...` jobs (arguments in `cli`): each value written with its name, label, direction, range,
parameters and sample sizes, so a result file says how to read it without this package."""

import argparse
import json
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from synthbench.atomic import replacing
from synthbench.fid.frechet import Statistics
from synthbench.metrics import bootstrap, registry
from synthbench.metrics import table as metrics_table
from synthbench.metrics.cli import FEATURE_METRICS
from synthbench.metrics.feature_sets import checked_pair, load_features, saved_variants
from synthbench.metrics.fid_infinity import MIN_IMAGES, extrapolated
from synthbench.metrics.fid_jackknife import jackknife_interval
from synthbench.metrics.folders import read_folder
from synthbench.metrics.iqa import MIN_SIDES, PAIR_FUNCTIONS, as_unit_images, pair_distribution
from synthbench.metrics.kid import kid
from synthbench.metrics.prdc import bootstrap_intervals, sample_scores

FEATURES = "features"  # the extractor name statistics carry when the caller's extractor is unknown


def described(name: str, value: float, parameters: dict, n: dict) -> dict:
    """One value as the result file holds it; an undefined value (NaN) and infinite range bounds are written as
    null (JSON has no NaN)."""
    metric = registry.entry(name)
    return {"name": name, "label": metric.label, "value": None if math.isnan(value) else value,
            "direction": metric.direction,
            "range": [_finite_or_none(metric.low), _finite_or_none(metric.high)], "parameters": parameters, "n": n}


def _finite_or_none(bound: float) -> float | None:
    return None if math.isinf(bound) else bound


def _load(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: not a readable .npy array ({error})") from None


@dataclass(frozen=True)
class FeatureOptions:
    """How the feature metrics are computed (the command line's options)."""

    names: list[str]
    kid_subsets: int = 100
    kid_subset_size: int = 1000
    seed: int = 0
    k: int = 5
    memory_mb: float | None = None
    bootstrap: int = 1000  # PRDC resamples (0: no CI)
    level: float = 0.95
    fid_points: int = 15  # FID∞'s subset sizes
    fid_groups: int = 10  # groups of FID's jackknife interval
    undefined_as_nan: bool = False  # FID∞ of too few images: NaN with the reason (True) or an error

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> "FeatureOptions":
        return cls(args.metrics, args.kid_subsets, args.kid_subset_size, args.seed, args.k, args.memory_mb,
                   args.bootstrap, args.ci_level, args.fid_infinity_points, args.fid_groups)


def feature_metrics(real: np.ndarray, fake: np.ndarray, options: FeatureOptions,
                    names: tuple[str, str] = ("real", "fake"), log=None) -> list[dict]:
    """Every value `options` asks for; `names` are what an error about the inputs calls them; notes go to `log`
    (default: the standard error stream at the time of the call)."""
    log = log or sys.stderr
    real, fake = checked_pair(real, fake, *names)
    n = {"real": len(real), "fake": len(fake)}
    values = []
    if "fid" in options.names:
        values.append(_fid(real, fake, options, n, log))
    if "fid_infinity" in options.names:
        values.append(_fid_infinity(Statistics.from_features(real, FEATURES), fake, options, n, log))
    if "kid" in options.names:
        result = kid(real, fake, options.kid_subsets, options.kid_subset_size, options.seed)
        if result.capped:
            print(result.note(), file=log)
        parameters = {"kernel": "(x.y / d + 1)^3", "subsets": result.subsets, "subset_size": result.subset_size,
                      "requested_subset_size": result.requested_subset_size, "seed": options.seed, "std_ddof": 0}
        entry = described("kid", result.mean, parameters, n)
        if result.subset_size < max(len(real), len(fake)):
            low, high = bootstrap.percentile_interval(result.values, options.level)
            entry["ci"] = {"low": low, "high": high, "level": options.level, "subsets": result.subsets,
                           "method": "percentiles of the subset estimates: the spread of a KID measured on "
                           f"{result.subset_size} images per set"}
        else:
            entry["no_ci"] = "every subset is both whole sets, so the subsets have no spread to measure"
        values += [entry, described("kid_std", result.std, parameters, n)]
    if "prdc" in options.names:
        scores = sample_scores(real, fake, options.k, options.memory_mb)
        intervals = bootstrap_intervals(scores, options.bootstrap, options.seed, options.level) \
            if options.bootstrap else {}
        for name, per_sample in scores.per_metric().items():
            entry = described(name, float(np.mean(per_sample)), {"k": options.k, "distance": "euclidean"}, n)
            if intervals:
                entry["ci"] = {"low": intervals[name][0], "high": intervals[name][1], "level": options.level,
                               "method": "percentile bootstrap of the per-sample scores",
                               "resamples": options.bootstrap,
                               "over": "fake" if name in ("precision", "density") else "real"}
            values.append(entry)
    return values


def _fid(real: np.ndarray, fake: np.ndarray, options: FeatureOptions, n: dict, log) -> dict:
    """FID with its jackknife interval (`fid_jackknife`: not a bootstrap, whose duplicated rows bias FID)."""
    result = jackknife_interval(real, fake, options.fid_groups, options.seed, options.level)
    if result.capped:
        print(result.note(), file=log)
    parameters = {"interval_groups": result.groups, "requested_interval_groups": result.requested_groups,
                  "jackknife_bias": result.bias, "seed": options.seed}
    return {**described("fid", result.value, parameters, n),
            "ci": {"low": result.low, "high": result.high, "level": options.level, "groups": result.groups,
                   "standard_error": result.standard_error,
                   "method": "delete-a-group jackknife over both sets, t interval: the spread of a FID measured on "
                   "sets of these sizes"}}


def _fid_infinity(statistics: Statistics, fake: np.ndarray, options: FeatureOptions, n: dict, log) -> dict:
    """FID∞ with its interval; where the synthetic set is too small and `options.undefined_as_nan`, NaN with the
    reason (the workflow's smallest held-out sets), instead of an error."""
    if len(fake) < MIN_IMAGES and options.undefined_as_nan:
        reason = f"undefined: {len(fake)} images, FID∞ needs at least {MIN_IMAGES}"
        print(f"fid_infinity {reason}", file=log)
        return {**described("fid_infinity", math.nan, {}, n), "undefined": reason}
    result = extrapolated(statistics, fake, options.fid_points, options.seed, options.level)
    parameters = {"subset_sizes": result.sizes.tolist(), "subset_fids": result.fids.tolist(),
                  "slope": result.slope, "seed": options.seed,
                  "fit": "least squares of FID against 1 / subset size (Chong & Forsyth 2020)"}
    return {**described("fid_infinity", result.value, parameters, n),
            "ci": {"low": result.low, "high": result.high, "level": options.level,
                   "method": "t interval of the fitted intercept"}}


def _write(args: argparse.Namespace, real: np.ndarray, fake: np.ndarray, inputs: dict,
           names: tuple[str, str] = ("real", "fake")) -> None:
    """Measures the two feature sets as the arguments ask and writes the result file (and prints the values)."""
    values = feature_metrics(real, fake, FeatureOptions.from_arguments(args), names)
    with replacing(args.out) as partial:
        partial.write_text(json.dumps({**inputs, "metrics": values}, indent=2) + "\n")
    _print(values)


def _print(values: list[dict]) -> None:
    for value in values:
        better = f"  ({value['direction']} is better)" if value["direction"] != "none" else ""
        ci = f"  [{value['ci']['low']:.4g}, {value['ci']['high']:.4g}]" if "ci" in value else ""
        shown = "undefined" if value["value"] is None else f"{value['value']:.6g}"
        where = f" ({value['extractor']})" if "extractor" in value else ""
        print(f"{value['name']:>10}{where} {shown}{ci}{better}")


def features(args: argparse.Namespace) -> None:
    real, fake = _load(args.real), _load(args.fake)
    _write(args, real, fake, {"real": {"path": str(args.real), "shape": list(real.shape)},
                              "fake": {"path": str(args.fake), "shape": list(fake.shape)}},
           names=(str(args.real), str(args.fake)))


def generator(args: argparse.Namespace) -> None:
    """metrics.json and metrics.csv of one generator run: its synthetic train rows against the real train rows
    they are twins of; without --synthetic-features, the real held-out rows against them instead (the
    real-vs-real ceiling each generator's values are read against). Every metric in each extractor's space (one
    pair of feature files each) with its standard input scaling, and FID again under each normalisation variant
    both files of a pair hold, each in its own rows."""
    compared = args.synthetic_features or args.real_features
    if len(compared) != len(args.real_features):
        raise ValueError(f"{len(args.real_features)} --real-features files but {len(compared)} "
                         "--synthetic-features: one per extractor, in the same order")
    compared_set = "synthetic" if args.synthetic_features else "heldout"
    settings = json.loads(args.settings_json)
    options = FeatureOptions(list(FEATURE_METRICS), settings["kid_subsets"], settings["kid_subset_size"], args.seed,
                             settings["k"], settings["memory_mb"], settings["bootstrap"], metrics_table.CI_LEVEL,
                             settings["fid_infinity_points"], settings["fid_groups"], undefined_as_nan=True)
    inputs, values = [], []
    with threadpool_limits(args.threads):
        for real_path, compared_path in zip(args.real_features, compared, strict=True):
            variants = [variant for variant in saved_variants(real_path, "train")
                        if variant in saved_variants(compared_path, compared_set)]
            for variant in (None, *variants):
                real, extractor = load_features(real_path, "train", variant)
                fake, fake_extractor = load_features(compared_path, compared_set, variant)
                if fake_extractor != extractor:
                    raise ValueError(f"{compared_path}: features of extractor {fake_extractor!r}, {real_path} "
                                     f"holds {extractor!r}")
                names = (f"{real_path} (train)", f"{compared_path} ({compared_set})")
                values += [{**value, "extractor": extractor} for value in feature_metrics(
                    real, fake, options if variant is None else replace(options, names=["fid"]), names)]
                inputs.append({"extractor": extractor, "real": {"path": str(real_path), "set": "train",
                                                                "rows": len(real)},
                               "compared": {"path": str(compared_path), "set": compared_set, "rows": len(fake)}})
    args.out.mkdir(parents=True, exist_ok=True)
    with replacing(args.out / "metrics.json") as partial:
        partial.write_text(json.dumps({"inputs": inputs, "metrics": values}, indent=2) + "\n")
    metrics_table.write(args.out / metrics_table.FILE, [
        metrics_table.row(value["name"], math.nan if value["value"] is None else value["value"],
                          extractor=value["extractor"], n=value["n"]["fake"],
                          ci=(value["ci"]["low"], value["ci"]["high"]) if "ci" in value else None)
        for value in values])
    _print(values)


def folders(args: argparse.Namespace) -> None:
    from synthbench.fid import extractors  # TensorFlow: imported only by the command that embeds images

    real_images, fake_images = read_folder(args.real), read_folder(args.fake)
    if real_images.shape[1:] != fake_images.shape[1:]:
        raise ValueError(f"{args.real} holds {real_images.shape[2]} x {real_images.shape[1]} px images, {args.fake} "
                         f"{fake_images.shape[2]} x {fake_images.shape[1]} px: compare images of one size")
    extractor = extractors.from_arguments(args)
    real, fake = extractor(real_images), extractor(fake_images)
    _write(args, real, fake, {"extractor": extractor.name,
                              "real": {"path": str(args.real), "images": len(real_images), "shape": list(real.shape)},
                              "fake": {"path": str(args.fake), "images": len(fake_images), "shape": list(fake.shape)}})


def pairs(args: argparse.Namespace) -> None:
    reference = as_unit_images(_load(args.reference), str(args.reference))
    distorted = as_unit_images(_load(args.distorted), str(args.distorted))
    n = {"pairs": len(reference)}
    values = []
    names, left_out = args.metrics, {}
    if names is None:  # every metric the images are large enough for; the others listed, not silently dropped
        side = min(reference.shape[1:])
        names = [name for name in PAIR_FUNCTIONS if MIN_SIDES[name] <= side]
        left_out = {name: f"needs images of at least {MIN_SIDES[name]} px, these have {side}"
                    for name in PAIR_FUNCTIONS if name not in names}
    for name in names:
        per_pair = PAIR_FUNCTIONS[name](reference, distorted)
        distribution = pair_distribution(per_pair, args.bootstrap, args.seed, args.ci_level)
        entry = described(name, distribution["median"], {"statistic": "median over pairs"}, n)
        entry["ci"] = {"low": distribution["ci"][0], "high": distribution["ci"][1], "level": args.ci_level,
                       "resamples": args.bootstrap, "method": "percentile bootstrap of the median over pairs"}
        entry["quantiles"] = distribution["quantiles"]
        entry["per_pair"] = [float(v) for v in per_pair]
        values.append(entry)
    inputs = {"reference": {"path": str(args.reference), "shape": list(np.shape(reference))},
              "distorted": {"path": str(args.distorted), "shape": list(np.shape(distorted))}}
    with replacing(args.out) as partial:
        partial.write_text(json.dumps({**inputs, "metrics": values, "left_out": left_out}, indent=2) + "\n")
    for name, reason in left_out.items():
        print(f"{name:>10} left out: {reason}")
    for value in values:
        print(f"{value['name']:>10} median {value['value']:.6g}  [{value['ci']['low']:.4g}, {value['ci']['high']:.4g}]"
              f"  ({value['direction']} is better)")
