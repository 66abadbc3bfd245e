"""The closest synthetic/real pairs side by side: the picture that shows whether a GAN copies its training set.

Each pair is a synthetic image (titled with its cosine distance, red when below the held-out flag threshold)
and its nearest real train image, each with its class underneath.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from synthbench.figures import class_name, save_png, show_image

PAIRS_PER_ROW = 4


def save_pair_grid(pairs: list[dict], images: dict[int, np.ndarray], label_names: list[str], threshold: float,
                   title: str, path: Path) -> None:
    """`pairs`: dicts with synthetic_id, train_id, distance, synthetic_labels, train_labels (closest first)."""
    rows = max(-(-len(pairs) // PAIRS_PER_ROW), 1)
    figure, axes = plt.subplots(rows, 2 * PAIRS_PER_ROW, figsize=(2 * PAIRS_PER_ROW * 1.25, rows * 1.6 + 0.5),
                                squeeze=False)
    for axis in axes.ravel():
        show_image(axis, None)
    for number, pair in enumerate(pairs):
        row, column = divmod(number, PAIRS_PER_ROW)
        synthetic, real = axes[row, 2 * column], axes[row, 2 * column + 1]
        show_image(synthetic, images[pair["synthetic_id"]], f"d = {pair['distance']:.4f}")
        show_image(real, images[pair["train_id"]], f"train #{pair['train_id']}")
        if pair["distance"] < threshold:
            synthetic.title.set_color("red")
        synthetic.set_xlabel(class_name(np.asarray(pair["synthetic_labels"]), label_names), fontsize=6)
        real.set_xlabel(class_name(np.asarray(pair["train_labels"]), label_names), fontsize=6)
    figure.suptitle(f"{title}\nclosest synthetic -> real train pairs (cosine distance; red: below held-out "
                    f"1st percentile {threshold:.4f})", fontsize=8)
    figure.tight_layout()
    save_png(figure, path)
