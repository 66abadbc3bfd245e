"""The image cache, images_{side}.h5: row i is manifest row i, uint8 [N, side, side].

The index job fills it while it checks each image, so every image is decoded once. `CacheWriter` streams
rows into `partial-<name>` (`synthbench.atomic`) in ~1 MB blocks (memory stays bounded at paper scale), then
`finish` records the manifest's SHA-256 (a cache can never be paired with another manifest) and renames the
file; on an error the partial file is removed. Readers take rows in blocks for the same reason.
"""

from collections.abc import Iterator
from pathlib import Path

import h5py
import numpy as np

from synthbench.atomic import PartialFile
from synthbench.digest import file_sha256

BLOCK_BYTES = 1 << 20


def rows_per_block(side: int) -> int:
    return max(1, BLOCK_BYTES // (side * side))


class CacheWriter:
    """Appends square uint8 images to a new cache file; use as a context manager, then call `finish`."""

    def __init__(self, path: Path, dataset: str, side: int, **attrs):
        self.path, self.side = Path(path), side
        self._output = PartialFile(self.path)
        self._h5 = h5py.File(self._output.partial, "w")
        self._images = self._h5.create_dataset("images", shape=(0, side, side), maxshape=(None, side, side),
                                               dtype="uint8", chunks=(rows_per_block(side), side, side))
        self._h5.attrs.update(dataset=dataset, side=side, **attrs)
        self._block: list[np.ndarray] = []

    def append(self, pixels: np.ndarray) -> None:
        if pixels.shape != (self.side, self.side) or pixels.dtype != np.uint8:
            raise ValueError(f"{self.path}: expected uint8 [{self.side}, {self.side}], "
                             f"got {pixels.dtype}{pixels.shape}")
        self._block.append(pixels)
        if len(self._block) == rows_per_block(self.side):
            self._flush()

    def _flush(self) -> None:
        if self._block:
            start = self._images.shape[0]
            self._images.resize(start + len(self._block), axis=0)
            self._images[start:] = np.stack(self._block)
            self._block = []

    def finish(self, manifest_path: Path) -> None:
        """Ties the cache to its manifest (whose rows it must match) and gives it its final name."""
        self._flush()
        rows = sum(1 for _ in open(manifest_path)) - 1
        if rows != self._images.shape[0]:
            raise RuntimeError(f"{self.path}: {self._images.shape[0]} images for {rows} manifest rows")
        self._h5.attrs["manifest_sha256"] = file_sha256(manifest_path)
        self._h5.close()
        self._output.commit()

    def __enter__(self) -> "CacheWriter":
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        if self._h5.id.valid:  # not finished: an error, or finish was never called
            self._h5.close()
            self._output.discard()


def _open_checked(path: Path, manifest_path: Path | None) -> h5py.File:
    h5 = h5py.File(path, "r")
    if manifest_path is not None and h5.attrs["manifest_sha256"] != file_sha256(manifest_path):
        h5.close()
        raise ValueError(f"{path} was built from another manifest than {manifest_path}; rebuild the index")
    return h5


def read_cache(path: Path, manifest_path: Path | None = None) -> np.ndarray:
    """All cached images (small caches and tests); with `manifest_path`, checks they belong together."""
    with _open_checked(path, manifest_path) as h5:
        return h5["images"][:]


SPAN_FACTOR = 8  # a block's rows are read as one span when it is at most this many times as long as they are


def _read_rows(images: h5py.Dataset, rows: np.ndarray) -> np.ndarray:
    """Cache rows (sorted, unique) as one array. h5py's list indexing costs milliseconds per row (190,000 rows of a
    paper-scale split took minutes), so rows close together are read as one contiguous span and picked from it,
    and rows far apart one at a time."""
    span = rows[-1] - rows[0] + 1
    if span <= SPAN_FACTOR * len(rows):
        return images[rows[0]:rows[-1] + 1][rows - rows[0]]
    return np.stack([images[row] for row in rows])


def iter_rows(path: Path, rows: np.ndarray, manifest_path: Path | None = None) -> Iterator[np.ndarray]:
    """The images of `rows` (sorted, unique), in blocks of about 1 MB each, so memory stays bounded."""
    rows = np.asarray(rows, dtype=np.int64)
    if (np.diff(rows) <= 0).any():
        raise ValueError(f"{path}: rows must be read in increasing order, each once")
    with _open_checked(path, manifest_path) as h5:
        images = h5["images"]
        step = rows_per_block(images.shape[1])
        for start in range(0, len(rows), step):
            yield _read_rows(images, rows[start:start + step])
