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


def plant_copies(images: np.ndarray, labels: np.ndarray, real_images: np.ndarray, real_labels: np.ndarray,
                 real_ids: np.ndarray, fraction: float, perturb: Perturbation,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(images with copies planted, the rows replaced, the real ids they copy): round(fraction x rows) rows,
    drawn at random among those whose label vector the real training images have, each replaced by a perturbed
    copy of a random training image of that vector."""
    has_twin = np.array([(real_labels == vector).all(axis=1).any() for vector in labels], bool)
    candidates = np.flatnonzero(has_twin)
    count = min(int(round(fraction * len(images))), len(candidates))
    rows = np.sort(rng.choice(candidates, size=count, replace=False))
    copied = np.empty(count, np.int64)
    planted = images.copy()
    for position, row in enumerate(rows):
        source = rng.choice(np.flatnonzero((real_labels == labels[row]).all(axis=1)))
        planted[row] = perturb(real_images[source], rng)
        copied[position] = real_ids[source]
    return planted, rows, copied


def write_copycat_splits(base: Path, data: Path, settings: dict, seed: int, out: Path) -> pd.DataFrame:
    """The copycat's synthetic splits: the base family's, with copies planted in each; returns planted.csv's
    rows (every split's copies: the synthetic image id and the real training image id it copies)."""
    meta = json.loads((data / "meta.json").read_text())
    count, side = len(meta["labels"]), meta["resolution"]
    real_images, real_labels, real_ids = records.read_records(data / "train.tfrecord", count, side)
    perturb = Perturbation.from_settings(settings)
    tables = []
    for index, split in enumerate(SPLITS):
        images, labels, ids = records.read_records(base / f"{split}.tfrecord", count, side)
        planted, rows, copied = plant_copies(images, labels, real_images, real_labels, real_ids,
                                             settings["copy_fraction"], perturb, seeds.planted_copies(seed, index))
        with records.RecordWriter(out / f"{split}.tfrecord") as writer:
            writer.write(planted, labels, ids)
        with replacing(out / f"{split}.csv") as partial:
            partial.write_bytes((base / f"{split}.csv").read_bytes())
        tables.append(pd.DataFrame({"split": split, "image_id": ids[rows], "real_image_id": copied}))
        print(f"copycat {split}: {len(rows)} of {len(images)} rows are copies of training images", flush=True)
    return pd.concat(tables, ignore_index=True)


class NoiseSampler:
    """The sampler contract for the `noise` control: uniform noise of the arm's side, whatever the labels."""

    def __init__(self, side: int):
        self.side = side
        self.batch_size = 512

    def __call__(self, labels: np.ndarray, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).integers(0, 256, size=(len(labels), self.side, self.side),
                                                    dtype=np.uint8)
