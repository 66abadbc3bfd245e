"""Sample grids: for each of the most frequent classes, real training images next to fakes of that class.

A class is a label combination (a unique multi-hot vector). Looking at one grid tells whether the generator
learned each class's look, which FID alone does not show.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from synthbench import records, seeds
from synthbench.figures import class_name, save_png, show_image

MAX_CLASSES = 8


def frequent_classes(labels: np.ndarray, max_classes: int = MAX_CLASSES) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(label vector, indices of its rows)] of the most frequent classes among `labels` [N, L], most frequent
    first (ties in first-seen order of the sorted vectors)."""
    classes, inverse, counts = np.unique(labels, axis=0, return_inverse=True, return_counts=True)
    return [(classes[index], np.flatnonzero(inverse.ravel() == index))
            for index in np.argsort(-counts, kind="stable")[:max_classes]]


def real_examples(tfrecord: Path, csv: Path, label_names: list[str], side: int, per_class: int,
                  max_classes: int = MAX_CLASSES) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(label vector, up to `per_class` real images)] for the most frequent classes, most frequent first.

    Classes and rows are chosen from the CSV; the records are then streamed, so memory stays small at any size.
    """
    table = pd.read_csv(csv)
    ranked = frequent_classes(table[label_names].to_numpy(np.float32), max_classes)
    ids = table["image_id"].to_numpy()
    wanted = [ids[rows][:per_class] for _, rows in ranked]
    picked = records.images_by_id(tfrecord, len(label_names), side, np.concatenate(wanted))
    return [(vector, np.stack([picked[int(i)] for i in chosen]))
            for (vector, _), chosen in zip(ranked, wanted, strict=True)]


def save_sample_grid(sampler, images, label_names: list[str], seed: int, path: Path,
                     per_class: int = 6) -> None:
    """Writes a PNG: one row per class, `per_class` reals then `per_class` fakes."""
    examples = real_examples(images.tfrecord, images.csv, label_names, images.side, per_class)
    label_rows = np.repeat(np.stack([vector for vector, _ in examples]), per_class, axis=0)
    fakes = sampler(label_rows, seeds.sample_grid(seed)).reshape(
        len(examples), per_class, images.side, images.side)
    figure, axes = plt.subplots(len(examples), 2 * per_class,
                                figsize=(2 * per_class * 0.9, len(examples) * 0.9 + 0.6), squeeze=False)
    for row, ((vector, reals), fake_row) in enumerate(zip(examples, fakes, strict=True)):
        for column in range(2 * per_class):
            source = reals if column < per_class else fake_row
            index = column % per_class
            show_image(axes[row, column], source[index] if index < len(source) else None)
        axes[row, 0].set_ylabel(class_name(vector, label_names), rotation=0, ha="right", va="center", fontsize=7)
    axes[0, 0].set_title("real", fontsize=8, loc="left")
    axes[0, per_class].set_title("synthetic", fontsize=8, loc="left")
    figure.tight_layout()
    save_png(figure, path)
