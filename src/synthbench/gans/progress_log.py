"""What a person watches while a GAN trains: TensorBoard scalars every tick and grids of fixed-noise fakes.

Under the run folder, beside the undeclared checkpoints (neither is a declared output, so neither makes
Snakemake rerun anything):
- `tensorboard/`: event files with the objective's losses (`loss/D`, `loss/G` for a GAN, `loss/denoise` for
  diffusion), `progress/kimg_per_second`, `progress/lod`,
  `progress/minibatch` every tick and `<metric>/<extractor>` (e.g. `fid/inception`) at every evaluation;
  the step is the number of real images shown (kimg x 1000), so curves of runs with other minibatches align;
- `progress/fakes_kimg<kimg>.png`: every `snapshot_ticks` ticks and at the end, one row per frequent class
  of the training split, always from the same noise, so the rows show how the generator's look develops
  (also in TensorBoard's images tab as `fakes`).
A resumed run appends to the same folder; TensorBoard shows the steps after the resume point once.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf
from PIL import Image

from synthbench import seeds
from synthbench.atomic import replacing
from synthbench.gans.grids import frequent_classes

GRID_CLASSES = 8
GRID_COLUMNS = 8


def mosaic(images: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """uint8 [N, H, W] images tiled row by row into one uint8 image with `gap` black pixels between tiles."""
    count, height, width = images.shape
    rows = -(-count // columns)
    out = np.zeros((rows * (height + gap) - gap, columns * (width + gap) - gap), np.uint8)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        top, left = row * (height + gap), column * (width + gap)
        out[top:top + height, left:left + width] = image
    return out


class ProgressLog:
    def __init__(self, run: Path, train_csv: Path, label_names: list[str], seed: int, snapshot_ticks: int):
        self.folder = run / "progress"
        self.snapshot_ticks = snapshot_ticks
        self.last_snapshot: int | None = None  # nimg of the latest grid (the end may fall on a snapshot tick)
        labels = pd.read_csv(train_csv, usecols=label_names)[label_names].to_numpy(np.float32)
        classes = np.stack([vector for vector, _ in frequent_classes(labels, GRID_CLASSES)])
        self.grid_labels = np.repeat(classes, GRID_COLUMNS, axis=0)
        self.grid_seed = seeds.sample_grid(seed)  # samples.png's noise: the grids lead up to it
        self.writer = tf.summary.create_file_writer(str(run / "tensorboard"))

    def tick(self, tick: int, nimg: int, losses: dict[str, float], kimg_per_second: float, lod: float,
             minibatch: int, sampler) -> None:
        """Scalars of tick number `tick` (counted from the start of training, so a resumed run keeps the
        spacing), each of the objective's losses as `loss/<name>`; every `snapshot_ticks`-th tick also a grid of
        fakes."""
        with self.writer.as_default(step=nimg):
            for name, value in (*((f"loss/{name}", loss) for name, loss in losses.items()),
                                ("progress/kimg_per_second", kimg_per_second), ("progress/lod", lod),
                                ("progress/minibatch", minibatch)):
                tf.summary.scalar(name, float(value))
        if self.snapshot_ticks and tick % self.snapshot_ticks == 0:
            self.snapshot(nimg, sampler)
        self.writer.flush()

    def metric(self, nimg: int, name: str, extractor: str, value: float) -> None:
        with self.writer.as_default(step=nimg):
            tf.summary.scalar(f"{name}/{extractor}", float(value))
        self.writer.flush()

    def snapshot(self, nimg: int, sampler) -> Path:
        """Writes the fixed-noise grid of the generator as it is now (PNG and TensorBoard image), once per
        training state."""
        path = self.folder / f"fakes_kimg{nimg / 1000:09.3f}.png"
        if self.last_snapshot == nimg:
            return path
        self.last_snapshot = nimg
        grid = mosaic(sampler(self.grid_labels, self.grid_seed), GRID_COLUMNS)
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as partial:
            Image.fromarray(grid, mode="L").save(partial, format="png")
        with self.writer.as_default(step=nimg):
            tf.summary.image("fakes", grid[None, :, :, None])
        self.writer.flush()
        return path

    def close(self) -> None:
        self.writer.close()
