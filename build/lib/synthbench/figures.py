"""What every figure of the benchmark shares: class names for labels, grey image tiles, atomic PNG writing."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from synthbench.atomic import replacing  # noqa: E402


def class_name(vector: np.ndarray, label_names: list[str]) -> str:
    """A label combination as text: the names of its positive labels joined by '+', or '(no label)'."""
    names = [name for name, on in zip(label_names, vector, strict=True) if on > 0.5]
    return " + ".join(names) if names else "(no label)"


def show_image(axis, image: np.ndarray | None, title: str = "", fontsize: float = 7) -> None:
    """A uint8 grey image on its full 0-255 scale, without ticks; `None` leaves the tile blank."""
    axis.set_xticks([])
    axis.set_yticks([])
    if image is None:
        axis.set_frame_on(False)
        return
    axis.imshow(image, cmap="gray", vmin=0, vmax=255)
    if title:
        axis.set_title(title, fontsize=fontsize)


def save_png(figure, path: Path, dpi: int = 100) -> None:
    """Writes the figure as PNG under its final name only once complete, then frees it."""
    with replacing(path) as partial:
        figure.savefig(partial, format="png", dpi=dpi)
    plt.close(figure)
