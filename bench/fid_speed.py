"""FID speed: the Fréchet step at 2048-d against the textbook scipy.linalg.sqrtm formula, and Inception
feature extraction against Keras's own InceptionV3 graph (random weights, same input size).

The Fréchet figures are seconds per distance (lower is better; ratio = ours / sqrtm, goal <= 0.25). "cold"
computes both square roots from scratch; "cached" is what each evaluation during training costs, since the
real statistics keep their square root.
"""

import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import scipy.linalg

from synthbench.fid.extractors import make_extractor
from synthbench.fid.fetch import WHEEL_NAME, convert_wheel
from synthbench.fid.frechet import Statistics, frechet_distance

DIM = 2048
REPO = Path(__file__).resolve().parents[1]


def _best_of(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def _sqrtm_fid(first: Statistics, second: Statistics) -> float:
    root = scipy.linalg.sqrtm(first.cov @ second.cov).real
    difference = first.mean - second.mean
    return float(difference @ difference + np.trace(first.cov) + np.trace(second.cov) - 2 * np.trace(root))


def frechet_entries() -> list[dict]:
    rng = np.random.default_rng(0)
    first, second = (Statistics.from_features(rng.standard_normal((4096, DIM)) @ rng.standard_normal((DIM, DIM)) * 0.05,
                                              "bench") for _ in range(2))
    baseline = _best_of(lambda: _sqrtm_fid(first, second), 2)

    def cold():
        first.root = None
        frechet_distance(first, second)

    cold_seconds = _best_of(cold, 3)
    first.sqrt_cov()
    cached_seconds = _best_of(lambda: frechet_distance(first, second), 3)
    common = {"unit": "s", "baseline": round(baseline, 3), "baseline_name": "scipy.linalg.sqrtm(S1 S2) formula"}
    return [
        {"name": f"Fréchet distance {DIM}-d, cold (two eigh)", "figure": round(cold_seconds, 3),
         "ratio": round(cold_seconds / baseline, 3), "goal": "<= 0.25x sqrtm", **common},
        {"name": f"Fréchet distance {DIM}-d, real sqrt cached", "figure": round(cached_seconds, 3),
         "ratio": round(cached_seconds / baseline, 3), "goal": "<= 0.25x sqrtm", **common},
    ]


def _images_per_second(extract, images: np.ndarray) -> float:
    extract(images[:32])  # trace / warm up
    return len(images) / _best_of(lambda: extract(images), 2)


def inception_entries() -> list[dict]:
    images = np.random.default_rng(1).integers(0, 256, (256, 32, 32), dtype=np.uint8)
    with tempfile.TemporaryDirectory() as folder:
        weights = Path(folder) / "inception_fid.weights.h5"
        convert_wheel(REPO / "resources/downloads" / WHEEL_NAME, weights)
        entries = []
        for side in (299, 75):
            ours = _images_per_second(make_extractor("inception", weights=weights, resize=side, batch_size=64), images)
            reference = keras.applications.InceptionV3(weights=None, include_top=False, pooling="avg",
                                                       input_shape=(side, side, 3))
            rgb = np.repeat(np.asarray(keras.ops.image.resize(images[..., None].astype("float32"), (side, side))),
                            3, axis=-1) / 128.0 - 1.0
            baseline = _images_per_second(lambda x, net=reference: net.predict(x, batch_size=64, verbose=0), rgb)
            entries.append({"name": f"FID Inception features, 32 px images resized to {side}", "unit": "images/s",
                            "figure": round(ours, 1), "baseline": round(baseline, 1),
                            "baseline_name": "keras.applications.InceptionV3.predict on resized input",
                            "ratio": round(ours / baseline, 2)})
    return entries


def run() -> list[dict]:
    return frechet_entries() + inception_entries()
