"""The image cache: every manifest image decoded once, in parallel, into an h5 file of uint8 squares.

`images` is [N, side, side] with row i = manifest row i; attributes record the dataset, side and the
manifest's SHA-256 so a cache can never be paired with another manifest. The file is written under a
temporary name and renamed when complete.
"""

import hashlib
from functools import partial
from pathlib import Path

import h5py
import numpy as np

from build_dataset.decode import UnusableImage, Window, load_dicom, load_jpeg
from build_dataset.manifest import read_manifest
from build_dataset.parallel import ordered_map

BRAIN_WINDOW = Window(40, 80)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _decode(path: Path, loader) -> np.ndarray:
    try:
        return loader(path)
    except UnusableImage as error:
        raise RuntimeError(f"{path}: {error}; it passed indexing, so the raw file changed since: "
                           f"rebuild the index") from None


def build_cache(dataset: str, manifest_path: Path, raw_dir: Path, side: int, out_path: Path, processes: int = 1,
                resize: str = "squash", window: Window = BRAIN_WINDOW) -> None:
    manifest = read_manifest(manifest_path)
    loader = (partial(load_jpeg, side=side, resize=resize) if dataset == "chest"
              else partial(load_dicom, side=side, window=window))
    out_path = Path(out_path)
    partial_path = out_path.with_name(out_path.name + ".partial")
    with h5py.File(partial_path, "w") as h5:
        images = h5.create_dataset("images", shape=(len(manifest), side, side), dtype="uint8",
                                   chunks=(min(max(len(manifest), 1), 256), side, side))
        h5.attrs.update(dataset=dataset, side=side, manifest_sha256=file_sha256(manifest_path),
                        resize=resize if dataset == "chest" else "squash",
                        window=[window.center, window.width] if dataset == "brain" else [])
        block = []
        paths = [Path(raw_dir) / p for p in manifest["path"]]
        for row, pixels in enumerate(ordered_map(partial(_decode, loader=loader), paths, processes,
                                                 f"{dataset} cache {side}px")):
            block.append(pixels)
            if len(block) == 256 or row == len(paths) - 1:
                images[row + 1 - len(block):row + 1] = np.stack(block)
                block = []
    partial_path.replace(out_path)


def read_cache(path: Path, manifest_path: Path | None = None) -> np.ndarray:
    """All cached images; with `manifest_path`, checks the cache was built from that manifest."""
    with h5py.File(path, "r") as h5:
        if manifest_path is not None and h5.attrs["manifest_sha256"] != file_sha256(manifest_path):
            raise ValueError(f"{path} was built from another manifest than {manifest_path}; rebuild the cache")
        return h5["images"][:]
