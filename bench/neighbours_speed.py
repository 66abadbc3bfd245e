"""Exact nearest-neighbour search at paper scale: 10,000 synthetic x 200,000 real train images, 1024-d
features, top 5, against one BLAS matrix product of the same size (the least any exact search must do).

Each side runs in its own process, so the peak memory (VmHWM, the process's resident high-water mark, inputs
included; unlike ru_maxrss it is not inherited from the forking parent) is that of the search alone; the
product's 8 GB output is why the search works in tiles.
"""

import sys
import time

import numpy as np

from bench.isolated import measure, print_measurement, speed_and_memory_rows

QUERIES, REFERENCE, DIM, K = 10_000, 200_000, 1024, 5

MODULE = "bench.neighbours_speed"


def _features(rows: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, DIM), dtype=np.float32)


def _measure(kind: str) -> None:
    """Child process: prints 'seconds peak_mb' of one search or one product."""
    queries, reference = _features(QUERIES, 0), _features(REFERENCE, 1)
    start = time.perf_counter()
    if kind == "search":
        from synthbench.neighbours.search import nearest
        nearest(queries, reference, K)
    else:
        np.matmul(queries, reference.T)
    print_measurement(time.perf_counter() - start)


def run() -> list[dict]:
    product, _ = measure(MODULE, "product")
    search, peak_mb = measure(MODULE, "search")
    size = f"{QUERIES:,} x {REFERENCE:,} x {DIM}-d"
    return speed_and_memory_rows(f"exact top-{K} cosine NN, {size}", search, product,
                                 "one numpy matrix product of the same size", "<= 1.3x product",
                                 f"exact NN peak memory, {size}", peak_mb, "<= 2048 MB (inputs: 840 MB)")

if __name__ == "__main__":
    _measure(sys.argv[1])
