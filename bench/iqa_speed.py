"""Full-reference metrics at the benchmark's scale: every image-pair metric (PSNR, SSIM, MS-GMSD, HaarPSI, MDSI) of
5,000 image pairs of 32 x 32 px on one core (BLAS limited to one thread), as pairs per second; the goal is 500."""

import time

import numpy as np
from threadpoolctl import threadpool_limits

from synthbench.metrics.iqa import PAIR_FUNCTIONS

PAIRS, SIDE, GOAL = 5000, 32, 500


def run() -> list[dict]:
    rng = np.random.default_rng(0)
    reference = rng.integers(0, 256, (PAIRS, SIDE, SIDE), dtype=np.uint8)
    distorted = rng.integers(0, 256, (PAIRS, SIDE, SIDE), dtype=np.uint8)
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        for metric in PAIR_FUNCTIONS.values():
            metric(reference, distorted)
        seconds = time.perf_counter() - start
    rate = PAIRS / seconds
    return [{"name": f"{' + '.join(PAIR_FUNCTIONS)}, {PAIRS:,} pairs of {SIDE} px, one core", "figure": round(rate),
             "unit": "pairs/s", "baseline": GOAL, "baseline_name": "the goal", "ratio": round(rate / GOAL, 2),
             "goal": f">= {GOAL} pairs/s"}]
