"""Synthetic splits: one fake per real row, with that row's label vector, in the real splits' schema.

Synthetic rows get negative image ids (-1, -2, ... in row order) so that no later stage can mistake a fake for
the real image whose labels it borrowed; the CSV's patient_id column says `synthetic`.
"""

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench import records, seeds
from synthbench.atomic import replacing
from synthbench.names import SPLITS
from synthbench.progress import Progress

SYNTHETIC_PATIENT = "synthetic"


def synthetic_ids(count: int, after: int = 0) -> np.ndarray:
    """Ids of `count` synthetic rows after the first `after` ones: -(after + 1), -(after + 2), ..."""
    return -np.arange(after + 1, after + count + 1, dtype=np.int64)


def write_synthetic_split(sampler, real_csv: Path, label_names: list[str], seed: int,
                          out_tfrecord: Path, out_csv: Path, batch_size: int = 512, copies: int = 1,
                          ids_after: int = 0) -> int:
    """Writes the synthetic twin of one real split from `sampler` (synthbench.gans.sampler), or `copies` twins in
    a row (their ids after the first `ids_after`); returns the rows."""
    table = pd.read_csv(real_csv)
    missing = [name for name in label_names if name not in table.columns]
    if missing:
        raise ValueError(f"{real_csv}: label columns {missing} missing (expected {label_names})")
    table = pd.concat([table] * copies, ignore_index=True)
    labels = table[label_names].to_numpy(np.float32)
    ids = synthetic_ids(len(table), ids_after)
    progress = Progress(len(table), f"synthetic {Path(out_tfrecord).stem}")
    with records.RecordWriter(out_tfrecord) as writer:
        for start in range(0, len(table), batch_size):
            rows = slice(start, start + batch_size)
            writer.write(sampler(labels[rows], seeds.synthetic_rows(seed, start)),
                         labels[rows], ids[rows])
            progress.update(len(labels[rows]))
    synthetic = table[label_names].copy()
    synthetic.insert(0, "patient_id", SYNTHETIC_PATIENT)
    synthetic.insert(0, "image_id", ids)
    with replacing(out_csv) as partial:
        synthetic.to_csv(partial, index=False)
    return len(table)


def write_synthetic_splits(sampler_of: Callable[[str], Callable], data: Path, seed: int, out: Path,
                           batch_size: int = 512) -> None:
    """One synthetic image per row of each real split of `data` (its meta.json and {split}.csv), with that row's
    labels, from the sampler `sampler_of(split)` (a family's network: the same for every split; an outside image
    pool: that split's images), each split from its own seed."""
    labels = json.loads((data / "meta.json").read_text())["labels"]
    for index, split in enumerate(SPLITS):
        rows = write_synthetic_split(sampler_of(split), data / f"{split}.csv", labels, seed * len(SPLITS) + index,
                                     out / f"{split}.tfrecord", out / f"{split}.csv", batch_size)
        print(f"wrote {rows} synthetic {split} rows to {out / f'{split}.tfrecord'}", flush=True)


MORE = "more"  # the extra synthetic train images of a run, for real + synthetic mixes above ratio 1


def write_more_synthetic(sampler, data: Path, copies: int, seed: int, out: Path, batch_size: int = 512) -> int:
    """`copies` more synthetic twins of the real train split (labels in the same order, fresh noise), numbered on
    from the twin split's ids, as {MORE}.tfrecord + .csv in the run's synthetic folder: the images a mix takes
    beyond ratio 1. Returns the rows."""
    labels = json.loads((data / "meta.json").read_text())["labels"]
    twins = len(pd.read_csv(data / "train.csv", usecols=["image_id"]))
    return write_synthetic_split(sampler, data / "train.csv", labels, seeds.more_synthetic(seed),
                                 out / f"{MORE}.tfrecord", out / f"{MORE}.csv", batch_size, copies, twins)
