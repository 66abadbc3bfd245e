"""KID and precision / recall / density / coverage at paper scale: 10,000 real x 10,000 synthetic features of
2,048-d (float64), KID with torch-fidelity's defaults (100 subsets of 1,000), PRDC with k = 5, against the
BLAS matrix products they need (PRDC: real x real, synthetic x synthetic, real x synthetic; KID: the three
1,000 x 1,000 kernel products of each subset), taken alone.

Each side runs in its own process, so the peak memory (VmHWM, inputs included) is that of the metrics alone.
"""

import sys
import time

import numpy as np

from bench.isolated import measure, print_measurement, speed_and_memory_rows

ROWS, DIM, SUBSETS, SUBSET_SIZE, K = 10_000, 2048, 100, 1000, 5

MODULE = "bench.feature_metrics_speed"


def _features(seed: int, shift: float) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((ROWS, DIM)) + shift


def _measure(kind: str) -> None:
    """Child process: prints 'seconds peak_mb' of the metrics or of their products."""
    real, fake = _features(0, 0.0), _features(1, 0.05)
    start = time.perf_counter()
    if kind == "metrics":
        from synthbench.metrics.kid import kid
        from synthbench.metrics.prdc import prdc
        kid(real, fake, SUBSETS, SUBSET_SIZE, seed=0)
        prdc(real, fake, K)
    else:
        for first, second in ((real, real), (fake, fake), (real, fake)):
            for row in range(0, ROWS, 2000):  # in row blocks, as an 800 MB product would not be kept anyway
                first[row:row + 2000] @ second.T
        for _ in range(SUBSETS):
            for first, second in ((fake, fake), (real, real), (fake, real)):
                first[:SUBSET_SIZE] @ second[:SUBSET_SIZE].T
    print_measurement(time.perf_counter() - start)


def run() -> list[dict]:
    products, _ = measure(MODULE, "products")
    metrics, peak_mb = measure(MODULE, "metrics")
    size = f"{ROWS:,} x {ROWS:,} x {DIM}-d"
    return speed_and_memory_rows(f"KID ({SUBSETS} x {SUBSET_SIZE}) + PRDC (k {K}), {size}", metrics, products,
                                 "the matrix products they need, alone", "<= 2x products",
                                 f"KID + PRDC peak memory, {size}", peak_mb, "<= 2048 MB (inputs: 328 MB)")

if __name__ == "__main__":
    _measure(sys.argv[1])
