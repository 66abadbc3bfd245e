"""Exact top-k cosine nearest neighbours, computed in blocks so memory stays bounded at any split size.

The work is one matrix product of unit vectors, taken block by block: a block of queries against a block of
reference rows gives a similarity tile. Keeping the k best per query is the only other cost, and it is made
small by a per-query floor (the current k-th best similarity): once the first tiles are seen, almost no
similarity in a later tile beats it, so only those few entries are merged. The result equals a brute-force
search (ties go to the lower reference index).
"""

from dataclasses import dataclass

import numpy as np

from synthbench.tiles import block_shape, default_memory_mb

BYTES_PER_TILE_ENTRY = 16  # float32 similarity, its partitioned copy and two bool masks, with slack


@dataclass(frozen=True)
class Neighbours:
    """Row indices into the reference set, [queries, k], nearest first, and their cosine distances."""

    indices: np.ndarray
    distances: np.ndarray


def unit_rows(features: np.ndarray) -> np.ndarray:
    """float32 rows scaled to length 1 (an all-zero row stays zero: it is at distance 1 from everything)."""
    features = np.asarray(features, dtype=np.float32)
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, np.finfo(np.float32).tiny)


def nearest(queries: np.ndarray, reference: np.ndarray, k: int, memory_mb: float | None = None) -> Neighbours:
    """The `k` reference rows nearest to each query row by cosine distance (1 - cosine similarity).

    `memory_mb` bounds the similarity tiles (default: `default_memory_mb()`); the inputs are not copied whole.
    """
    if queries.ndim != 2 or reference.ndim != 2 or queries.shape[1] != reference.shape[1]:
        raise ValueError(f"queries {queries.shape} and reference {reference.shape} must be [N, D] with the same D")
    if len(reference) == 0:
        raise ValueError("the reference set is empty")
    k = min(k, len(reference))
    query_rows, reference_rows = block_shape(len(queries), len(reference), memory_mb or default_memory_mb(),
                                             BYTES_PER_TILE_ENTRY)
    queries = unit_rows(queries)
    similarity = np.full((len(queries), k), -np.inf, np.float32)
    indices = np.full((len(queries), k), -1, np.int64)
    for start in range(0, len(reference), reference_rows):
        block = unit_rows(reference[start:start + reference_rows])
        for row in range(0, len(queries), query_rows):
            rows = slice(row, row + query_rows)
            _merge(queries[rows] @ block.T, start, similarity[rows], indices[rows])
    return Neighbours(indices, np.clip(1.0 - similarity, 0.0, 2.0))


def _merge(tile: np.ndarray, offset: int, similarity: np.ndarray, indices: np.ndarray) -> None:
    """Merges a similarity tile (reference rows from `offset`) into the sorted best-k arrays, in place."""
    beats = tile > similarity[:, -1:]
    hit = np.flatnonzero(beats.any(axis=1))  # far cheaper than np.nonzero over the whole tile
    if hit.size == 0:
        return
    beats, hit_tile = beats[hit], tile[hit]
    k = similarity.shape[1]
    if np.count_nonzero(beats) > 4 * k * len(hit):
        # Dense (the first tiles): only each row's k best of this tile (and any equal to its k-th) can stay.
        take = min(k, tile.shape[1])
        kth = np.partition(hit_tile, tile.shape[1] - take, axis=1)[:, tile.shape[1] - take]
        beats &= hit_tile >= kth[:, None]
    hit_rows, candidates = np.nonzero(beats)
    rows = hit[hit_rows]
    values = hit_tile[hit_rows, candidates]
    touched = np.unique(rows)
    # All candidates of the touched rows plus their current best, sorted per row: best similarity first,
    # lower reference index first among equals.
    all_rows = np.concatenate([rows, np.repeat(touched, k)])
    all_values = np.concatenate([values, similarity[touched].ravel()])
    all_indices = np.concatenate([candidates + offset, indices[touched].ravel()])
    order = np.lexsort((all_indices, -all_values, all_rows))
    all_rows, all_values, all_indices = all_rows[order], all_values[order], all_indices[order]
    first = np.searchsorted(all_rows, touched)
    keep = (first[:, None] + np.arange(k)).ravel()
    similarity[touched] = all_values[keep].reshape(-1, k)
    indices[touched] = all_indices[keep].reshape(-1, k)
