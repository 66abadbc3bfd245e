"""The attribution panel: one row per explained image; the image, then each classifier's Δ-loss map over it
(a `cxpl` map, made on the network's input, drawn at the image's side).

Each map is drawn on its own symmetric colour scale (red: hiding the patch raises the loss, blue: lowers it; a
`cxpl` map is never below its floor), since maps of different classifiers differ in magnitude; under each
overlay, its Spearman rho with the real-trained classifier's map.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from synthbench.attribution.occlusion import CXPL, to_pixels
from synthbench.figures import class_name, save_png, show_image


def save_panel(images: np.ndarray, labels: np.ndarray, maps: dict[str, np.ndarray], agreement: dict,
               label_names: list[str], title: str, path: Path) -> None:
    """`agreement`: the comparison's report (per-image rho, and the maps' method, patch and patched side)."""
    patch, patched_side = agreement["patch"], agreement["patched_side"]
    names = list(maps)
    figure, axes = plt.subplots(len(images), 1 + len(names), figsize=(1.5 * (1 + len(names)), 1.5 * len(images) + 0.6),
                                squeeze=False)
    side = images.shape[1]
    for row, image in enumerate(images):
        show_image(axes[row, 0], image)
        axes[row, 0].set_ylabel(class_name(labels[row], label_names), fontsize=6, rotation=0, ha="right",
                                va="center")
        for column, name in enumerate(names, start=1):
            axis = axes[row, column]
            show_image(axis, image)
            cells = maps[name][row]
            scale = float(np.max(np.abs(cells))) or 1.0
            axis.imshow(to_pixels(cells, patch, side, patched_side), cmap="RdBu_r", vmin=-scale, vmax=scale,
                        alpha=0.55)
            per_image = agreement["explainers"].get(name, {}).get("per_image")
            if per_image:
                rho = per_image[row]["spearman"]
                axis.set_xlabel("rho n/a" if rho is None else f"rho {rho:+.2f}", fontsize=6)
    for column, name in enumerate(["image", *names]):
        axes[0, column].set_title(name, fontsize=8)
    figure.suptitle(f"{title}\n{agreement['method']} occlusion Δ-loss ({patch} px patches of the {patched_side} px "
                    f"{'network input' if agreement['method'] == CXPL else 'image'}); rho: Spearman vs the "
                    "real-trained map", fontsize=8)
    figure.tight_layout()
    save_png(figure, path)
