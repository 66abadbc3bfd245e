"""Ordered parallel map over processes, with a progress line: image decoding is CPU-bound."""

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from typing import TypeVar

from synthbench.progress import Progress

Item, Result = TypeVar("Item"), TypeVar("Result")


def ordered_map(function: Callable[[Item], Result], items: list[Item], processes: int, label: str,
                unit: str = "images", chunksize: int = 32) -> Iterator[Result]:
    """Yields `function(item)` in input order, computed by `processes` worker processes (inline for 1)."""
    progress = Progress(len(items), label, unit=unit)
    with ProcessPoolExecutor(max_workers=processes) if processes > 1 else nullcontext() as pool:
        results = pool.map(function, items, chunksize=chunksize) if pool else map(function, items)
        for result in results:
            progress.update()
            yield result
