"""Statistics of a real split, computed once per (split, extractor) and cached by the workflow.

When the split has more rows than `num_images`, a seeded subset is used. The label vectors of the rows used
are stored with the statistics: GAN evaluation generates one fake per row with that row's labels, so real and
fake feature sets have the same class mix ("label-paired"). So are the row indices: the generator metrics
(`synthbench metrics generator`) compare those rows' synthetic twins with them, and the real held-out rows with
them as the real-vs-real ceiling, so the job can also keep the feature vectors themselves (`save_features`).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from synthbench import records, seeds
from synthbench.fid.extractors import Extractor
from synthbench.fid.frechet import Statistics
from synthbench.metrics.feature_sets import save_features, variant_key


def chosen_rows(num_rows: int, num_images: int, seed: int) -> np.ndarray:
    """Sorted row indices: all rows, or a seeded subset of `num_images` of them."""
    if num_rows <= num_images:
        return np.arange(num_rows)
    return np.sort(seeds.fid_subset(seed).choice(num_rows, size=num_images, replace=False))


def split_rows(csv: Path, num_images: int, seed: int) -> np.ndarray:
    """The rows of a split (its CSV) that its statistics or features are computed from."""
    return chosen_rows(len(pd.read_csv(csv, usecols=["image_id"])), num_images, seed)


def split_features(tfrecord: Path, csv: Path, labels: list[str], side: int, extractor: Extractor,
                   rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(features, label vectors) of the given sorted rows of one split, read in one pass."""
    num_rows = len(pd.read_csv(csv, usecols=["image_id"]))
    if len(rows) and rows[-1] >= num_rows:
        raise ValueError(f"{csv}: {num_rows} rows, but row {rows[-1]} was asked for")
    keep = np.zeros(num_rows, bool)
    keep[rows] = True
    features, used_labels, start = [], [], 0
    for batch in records.dataset(tfrecord, len(labels), side, extractor.batch_size).as_numpy_iterator():
        mask = keep[start:start + len(batch["image"])]
        start += len(mask)
        if mask.any():
            features.append(next(extractor.batches([batch["image"][mask]])))
            used_labels.append(batch["label"][mask])
    if start != num_rows:
        raise ValueError(f"{tfrecord}: {start} examples but {csv} lists {num_rows} rows")
    return np.concatenate(features), np.concatenate(used_labels)


def variant_sets(name: str, tfrecord: Path, csv: Path, labels: list[str], side: int,
                 variants: dict[str, Extractor], rows: np.ndarray) -> dict[str, np.ndarray]:
    """The features of the rows under every normalisation variant, keyed `<name>@<variant>` (`feature_sets`)."""
    return {variant_key(name, variant): split_features(tfrecord, csv, labels, side, extractor, rows)[0]
            for variant, extractor in variants.items()}


def save_split_features(out: Path, name: str, tfrecord: Path, csv: Path, labels: list[str], side: int,
                        extractor: Extractor, variants: dict[str, Extractor],
                        rows: np.ndarray) -> dict[str, np.ndarray]:
    """Writes the features of the rows of one split as set `name` (and `name@variant`) to `out`; returns them."""
    sets = {name: split_features(tfrecord, csv, labels, side, extractor, rows)[0],
            **variant_sets(name, tfrecord, csv, labels, side, variants, rows)}
    save_features(out, extractor.name, **sets)
    return sets


def split_statistics(tfrecord: Path, csv: Path, labels: list[str], side: int, extractor: Extractor,
                     num_images: int, seed: int) -> tuple[Statistics, np.ndarray]:
    """(statistics, label vectors of the rows used) for one real split."""
    features, used_labels = split_features(tfrecord, csv, labels, side, extractor, split_rows(csv, num_images, seed))
    return Statistics.from_features(features, extractor.name), used_labels


def load_real(path: Path) -> tuple[Statistics, np.ndarray]:
    with np.load(path) as data:
        labels = data["labels"]
    return Statistics.load(path), labels


def load_rows(path: Path) -> np.ndarray:
    """The real train rows behind saved statistics: those whose synthetic twins a generator is measured on."""
    with np.load(path) as data:
        if "rows" not in data:
            raise ValueError(f"{path}: statistics without their row indices (written by an older synthbench); "
                             "remake them with `synthbench fid stats`")
        return data["rows"]
