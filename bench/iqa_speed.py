"""Full-reference metrics at the benchmark's scale: every image-pair metric defined at 32 px (PSNR, SSIM, MS-GMSD,
HaarPSI, MDSI; MS-SSIM needs 161 px) of 5,000 image pairs of 32 x 32 px on one core (BLAS limited to one thread),
as pairs per second; the goal is 500."""

import time

import numpy as np
from threadpoolctl import threadpool_limits

from synthbench.metrics.iqa import MIN_SIDES, PAIR_FUNCTIONS

PAIRS, SIDE, GOAL = 5000, 32, 500


def run() -> list[dict]:
    rng = np.random.default_rng(0)
    reference = rng.integers(0, 256, (PAIRS, SIDE, SIDE), dtype=np.uint8)
    distorted = rng.integers(0, 256, (PAIRS, SIDE, SIDE), dtype=np.uint8)
    measured = [name for name in PAIR_FUNCTIONS if MIN_SIDES[name] <= SIDE]
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        for name in measured:
            PAIR_FUNCTIONS[name](reference, distorted)
        seconds = time.perf_counter() - start
    rate = PAIRS / seconds
    return [{"name": f"{' + '.join(measured)}, {PAIRS:,} pairs of {SIDE} px, one core", "figure": round(rate),
             "unit": "pairs/s", "baseline": GOAL, "baseline_name": "the goal", "ratio": round(rate / GOAL, 2),
             "goal": f">= {GOAL} pairs/s"}]
