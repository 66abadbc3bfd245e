"""Tile sizes for computations over all pairs of two sets (nearest neighbours, PRDC), so memory stays bounded.

A pairwise quantity of N x M rows never exists whole: it is computed tile by tile, each tile a block of rows
of the first set against a block of the second that fits a memory budget. Tall tiles (many first-set rows)
keep the matrix products efficient.
"""

import os


def block_shape(rows: int, columns: int, memory_mb: float, bytes_per_entry: int) -> tuple[int, int]:
    """(rows, columns) of a tile of at most `memory_mb`, each entry costing `bytes_per_entry` with its
    temporaries."""
    entries = max(int(memory_mb * 2 ** 20 // bytes_per_entry), 1)
    tile_rows = max(min(rows, entries // 1024), 1)
    tile_columns = max(min(columns, entries // tile_rows), 1)
    return tile_rows, tile_columns


def default_memory_mb() -> float:
    """A quarter of the memory available now, at most 512 MiB: tiles of that size already keep the product
    efficient, and more would only crowd other jobs."""
    available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    return min(available / 4, 512.0)
