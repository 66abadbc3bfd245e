"""Control sources: generators whose privacy is known, so the memorisation check and the membership attack can be
shown to work (config `controls`, listed in an arm's `sources` like a family).

- `copycat` leaks by construction: it takes a family's synthetic splits (`base`) and replaces a share
  (`copy_fraction`) of their rows, chosen at random, by real *training* images of the same label vector, each
  lightly perturbed (a shift of up to `shift` pixels, Gaussian noise of `noise_sd` grey levels, a JPEG round trip
  at `jpeg_quality`, a horizontal flip with probability `flip`). Which rows are copies, and of which real image,
  is written to planted.csv, so the memorisation report can say how many of them it flags (recall) and how many
  of its flags are planted (precision).
- `noise` leaks nothing and shows nothing: uniform noise images, whatever the labels (the floor of every
  metric, and of the membership attack: chance).
"""

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from synthbench import records, seeds
from synthbench.atomic import replacing
from synthbench.names import SPLITS

PLANTED = "planted.csv"  # split, image_id (the synthetic row), real_image_id (the training image it copies)


@dataclass(frozen=True)
class Perturbation:
    """How a copied training image is disguised."""

    shift: int = 0
    noise_sd: float = 2.0
    jpeg_quality: int = 90
    flip: float = 0.0

    @classmethod
    def from_settings(cls, settings: dict) -> "Perturbation":
        return cls(settings["shift"], settings["noise_sd"], settings["jpeg_quality"], settings["flip"])

    def __call__(self, image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A perturbed copy of a uint8 [H, W] image (edges repeated where the shift uncovers them)."""
        moved = image
        if self.shift:
            down, right = rng.integers(-self.shift, self.shift + 1, size=2)
            padded = np.pad(image, self.shift, mode="edge")
            top, left = self.shift - down, self.shift - right
            moved = padded[top:top + image.shape[0], left:left + image.shape[1]]
        if rng.random() < self.flip:
            moved = moved[:, ::-1]
        noisy = np.clip(moved + rng.normal(0.0, self.noise_sd, moved.shape), 0, 255).round().astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(noisy).save(buffer, format="JPEG", quality=self.jpeg_quality)
        return np.asarray(Image.open(buffer).convert("L"))


def choose_copies(labels: np.ndarray, real_labels: np.ndarray, real_ids: np.ndarray, fraction: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(the rows to replace, the real ids they copy): round(fraction x rows) rows, drawn at random among those
    whose label vector the real training images have, each given a random training image of that vector."""
    has_twin = np.array([(real_labels == vector).all(axis=1).any() for vector in labels], bool)
    candidates = np.flatnonzero(has_twin)
    rows = np.sort(rng.choice(candidates, size=min(int(round(fraction * len(labels))), len(candidates)),
                              replace=False))
    copied = np.array([real_ids[rng.choice(np.flatnonzero((real_labels == labels[row]).all(axis=1)))]
                       for row in rows], np.int64)
    return rows, copied


def write_copycat_splits(base: Path, data: Path, settings: dict, seed: int, out: Path) -> pd.DataFrame:
    """The copycat's synthetic splits: the base family's, streamed a batch at a time, with perturbed copies in
    the chosen rows; returns planted.csv's rows (every split's copies: the synthetic image id and the real
    training image id it copies). Only the copied training images are held in memory."""
    meta = json.loads((data / "meta.json").read_text())
    names, side = meta["labels"], meta["resolution"]
    real = pd.read_csv(data / "train.csv")
    perturb = Perturbation.from_settings(settings)
    tables = []
    for index, split in enumerate(SPLITS):
        table = pd.read_csv(base / f"{split}.csv")
        rng = seeds.planted_copies(seed, index)
        rows, copied = choose_copies(table[names].to_numpy(np.float32), real[names].to_numpy(np.float32),
                                     real["image_id"].to_numpy(), settings["copy_fraction"], rng)
        originals = records.images_by_id(data / "train.tfrecord", len(names), side, copied) if len(rows) else {}
        copies = {int(table["image_id"][row]): perturb(originals[int(real_id)], rng)
                  for row, real_id in zip(rows, copied, strict=True)}
        with records.RecordWriter(out / f"{split}.tfrecord") as writer:
            for batch in records.dataset(base / f"{split}.tfrecord", len(names), side, 1024).as_numpy_iterator():
                images = np.stack([copies.get(int(image_id), image)
                                   for image, image_id in zip(batch["image"], batch["image_id"], strict=True)])
                writer.write(images, batch["label"], batch["image_id"])
        with replacing(out / f"{split}.csv") as partial:
            partial.write_bytes((base / f"{split}.csv").read_bytes())
        tables.append(pd.DataFrame({"split": split, "image_id": table["image_id"].to_numpy()[rows],
                                    "real_image_id": copied}))
        print(f"copycat {split}: {len(rows)} of {len(table)} rows are copies of training images", flush=True)
    return pd.concat(tables, ignore_index=True)


class NoiseSampler:
    """The sampler contract for the `noise` control: uniform noise of the arm's side, whatever the labels."""

    def __init__(self, side: int):
        self.side = side
        self.batch_size = 512

    def __call__(self, labels: np.ndarray, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).integers(0, 256, size=(len(labels), self.side, self.side),
                                                    dtype=np.uint8)


def write_training_subset(data: Path, images: int, seed: int, out: Path) -> pd.DataFrame:
    """The overfit control's training data: whole patients of the arm's real train split, in a seeded order, until
    at least `images` images (every image of each patient taken), as train.tfrecord + train.csv in `out` (the
    rows and columns of data/train.csv, image ids kept); returns the CSV's table."""
    meta = json.loads((data / "meta.json").read_text())
    table = pd.read_csv(data / "train.csv", dtype={"patient_id": str})
    patients = table["patient_id"].unique()
    order = patients[seeds.overfit_subset(seed).permutation(len(patients))]
    sizes = table["patient_id"].value_counts().reindex(order).to_numpy()
    taken = order[:int(np.searchsorted(np.cumsum(sizes), min(images, len(table)))) + 1]
    subset = table[table["patient_id"].isin(taken)]
    found = records.images_by_id(data / "train.tfrecord", len(meta["labels"]), meta["resolution"], subset["image_id"])
    out.mkdir(parents=True, exist_ok=True)
    with records.RecordWriter(out / "train.tfrecord") as writer:
        writer.write(np.stack([found[int(i)] for i in subset["image_id"]]),
                     subset[meta["labels"]].to_numpy(np.float32), subset["image_id"].to_numpy())
    with replacing(out / "train.csv") as partial:
        subset.to_csv(partial, index=False)
    print(f"overfit control: {len(subset)} train images of {len(taken)} of {len(patients)} patients", flush=True)
    return subset
