"""An outside source's images: a folder of greyscale PNGs with a manifest, behind the sampler contract.

The intake contract (config `outside_sources.<name>: {kind: images, path: ...}`): the folder of one arm value
holds `manifest.csv` with the columns `file` (a PNG's path relative to the folder), `split` (train, valid or
test) and one column per label of the arm (0 or 1), and the PNGs it names, of the arm's side, one channel (or
RGB with equal channels). A family's generator gives every real row of a split one fake of exactly that row's
label vector; a pool does the same from the images it was given: for each label vector of a request it draws,
seeded and without replacement, that many of the split's images with that vector. So an outside source is
measured on the same label mix and the same number of images as the families, and its synthetic rows are
twins of the real rows the FID statistics came from.

Everything is checked before anything is written, and every problem is reported at once with the manifest or
file named: missing or extra label columns, unknown splits, labels other than 0 / 1, paths outside the folder,
repeated files, and, per split, each label vector with fewer images than the real split asks for (the
shortfall). Only the images a split uses are read; each must exist and be a greyscale PNG of the arm's side.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.datasets.raw_paths import RawFolder
from synthbench.figures import class_name
from synthbench.metrics.folders import read_grey_png
from synthbench.names import SPLITS

MANIFEST = "manifest.csv"
FIXED_COLUMNS = ("file", "split")
MAX_LISTED = 10  # problems of one kind listed in full before the rest are counted


class IntakeError(ValueError):
    """An outside source's folder breaks the intake contract; the message lists every problem found."""


def _listed(problems: list[str]) -> list[str]:
    extra = len(problems) - MAX_LISTED
    return problems[:MAX_LISTED] + ([f"... and {extra} more"] if extra > 0 else [])


def _raise_if(problems: list[str], where: Path) -> None:
    if problems:
        raise IntakeError(f"{where}:\n" + "\n".join(f"  - {problem}" for problem in problems))


def read_manifest(folder: Path, label_names: list[str]) -> pd.DataFrame:
    """The manifest's rows (file normalised, labels as 0 / 1 integers), checked against the arm's labels."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise IntakeError(f"{path}: no manifest (an images source is a folder of PNGs with {MANIFEST}: columns "
                          f"{', '.join(FIXED_COLUMNS)} and one per label: {', '.join(label_names)})")
    table = pd.read_csv(path, dtype={"file": str, "split": str}, keep_default_na=False)
    problems = []
    missing = [name for name in (*FIXED_COLUMNS, *label_names) if name not in table.columns]
    extra = [name for name in table.columns if name not in (*FIXED_COLUMNS, *label_names)]
    if missing:
        problems.append(f"columns missing: {', '.join(missing)}")
    if extra:
        problems.append(f"columns that are not labels of this arm: {', '.join(extra)} (its labels: "
                        f"{', '.join(label_names)})")
    _raise_if(problems, path)
    if table.empty:
        raise IntakeError(f"{path}: no rows")
    rows = lambda mask: ", ".join(str(row + 2) for row in np.flatnonzero(mask)[:MAX_LISTED])  # noqa: E731
    unknown = ~table["split"].isin(SPLITS)
    if unknown.any():
        problems.append(f"split not one of {', '.join(SPLITS)} on line(s) {rows(unknown)}")
    labels = table[label_names].apply(pd.to_numeric, errors="coerce")
    bad = ~labels.isin([0, 1]).all(axis=1)
    if bad.any():
        problems.append(f"labels other than 0 or 1 on line(s) {rows(bad)}")
    folder_paths = RawFolder(folder)
    normal = table["file"].map(folder_paths.inside)
    outside = normal.isna()
    if outside.any():
        problems += _listed([f"line {row + 2}: {table['file'][row]!r} is not a path inside {folder}"
                             for row in np.flatnonzero(outside)])
    repeated = normal.duplicated(keep="first") & ~outside
    if repeated.any():
        problems += _listed([f"line {row + 2}: {normal[row]} is listed before" for row in np.flatnonzero(repeated)])
    _raise_if(problems, path)
    return pd.concat([pd.DataFrame({"file": normal, "split": table["split"]}), labels.astype(np.int64)], axis=1)


class PoolSampler:
    """The sampler contract over a pool of labelled images: `sampler(labels [N, L], seed) -> uint8 [N, side,
    side]`, each row an image of exactly its label vector, drawn without replacement within the call (ask for a
    whole split in one call, as `batch_size` says, so no image is used twice). With `repeat`, a label vector the
    pool holds too few images of is drawn with replacement instead of refused (for sample grids only)."""

    def __init__(self, labels: np.ndarray, images_of: Callable[[np.ndarray], np.ndarray], label_names: list[str],
                 side: int, name: str, where: Path, repeat: bool = False):
        self.labels, self.images_of, self.label_names = np.asarray(labels, np.float32), images_of, label_names
        self.side = side
        self.name, self.where, self.repeat = name, where, repeat
        self.batch_size = max(len(self.labels), 1)

    def shortfalls(self, wanted: np.ndarray) -> list[str]:
        """Each label vector of `wanted` that the pool holds too few images of, with the counts."""
        vectors, counts = np.unique(np.asarray(wanted, np.float32), axis=0, return_counts=True)
        problems = []
        for vector, count in zip(vectors, counts, strict=True):
            held = int((self.labels == vector).all(axis=1).sum())
            if held < count and not (self.repeat and held):
                problems.append(f"{self.name}: {count} images labelled {class_name(vector, self.label_names)} "
                                f"needed (one per real row), the manifest has {held} ({count - held} short)")
        return problems

    def __call__(self, labels: np.ndarray, seed: int) -> np.ndarray:
        labels = np.asarray(labels, np.float32)
        if labels.ndim != 2 or labels.shape[1] != len(self.label_names):
            raise ValueError(f"labels must be [N, {len(self.label_names)}] ({', '.join(self.label_names)}), "
                             f"got {labels.shape}")
        _raise_if(self.shortfalls(labels), self.where)
        rng = np.random.default_rng(seed)
        chosen = np.empty(len(labels), np.int64)
        for vector in np.unique(labels, axis=0):
            wanted = np.flatnonzero((labels == vector).all(axis=1))
            held = np.flatnonzero((self.labels == vector).all(axis=1))
            chosen[wanted] = rng.choice(held, size=len(wanted), replace=len(held) < len(wanted))
        return self.images_of(chosen) if len(chosen) else np.zeros((0, self.side, self.side), np.uint8)


class ImagePool:
    """An outside source's folder for one arm value: its manifest checked, and a sampler per split."""

    def __init__(self, folder: Path, label_names: list[str], side: int):
        self.folder, self.label_names, self.side = Path(folder), label_names, side
        self.rows = read_manifest(self.folder, label_names)

    def sampler(self, split: str, repeat: bool = False) -> PoolSampler:
        rows = self.rows[self.rows["split"] == split].reset_index(drop=True)
        files = rows["file"].to_numpy()
        return PoolSampler(rows[self.label_names].to_numpy(np.float32),
                           lambda chosen: np.stack([self._image(files[index]) for index in chosen]),
                           self.label_names, self.side, f"split {split}", self.folder / MANIFEST, repeat)

    def _image(self, file: str) -> np.ndarray:
        path = self.folder / file
        if not path.is_file():
            raise IntakeError(f"{path}: listed in {self.folder / MANIFEST} but missing")
        image = read_grey_png(path)
        if image.shape != (self.side, self.side):
            raise IntakeError(f"{path}: {image.shape[1]} x {image.shape[0]} px, this arm's images are "
                              f"{self.side} x {self.side} px")
        return image

    def check_covers(self, real_labels: dict[str, np.ndarray]) -> None:
        """Every split holds enough images of every label vector its real split has (all shortfalls at once)."""
        _raise_if([problem for split, labels in real_labels.items()
                   for problem in self.sampler(split).shortfalls(labels)], self.folder / MANIFEST)

    def offered(self) -> dict[str, int]:
        """Images the manifest lists per split."""
        return {split: int((self.rows["split"] == split).sum()) for split in SPLITS}
