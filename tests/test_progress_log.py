"""The GAN progress log: grids of fakes every `snapshot_ticks` ticks, once per training state, one row per
frequent class from the same noise every time, and mosaics laid out row by row."""

import numpy as np
import pandas as pd
from PIL import Image

from synthbench.gans.grids import frequent_classes
from synthbench.gans.progress_log import ProgressLog, mosaic


class CountingSampler:
    """Fakes whose pixels say their class row and the noise seed; counts its calls."""

    def __init__(self):
        self.calls, self.seeds = 0, set()

    def __call__(self, labels, seed):
        self.calls += 1
        self.seeds.add(seed)
        return np.repeat((labels[:, :1] * 200 + 20).astype(np.uint8)[:, :, None], 4, axis=2).repeat(4, axis=1)


def test_mosaic_lays_images_out_row_by_row_with_gaps():
    images = np.arange(1, 6, dtype=np.uint8)[:, None, None].repeat(2, 1).repeat(3, 2)  # five 2x3 tiles
    grid = mosaic(images, columns=2, gap=1)
    assert grid.shape == (3 * 3 - 1, 2 * 4 - 1)
    assert grid[0, 0] == 1 and grid[0, 4] == 2 and grid[3, 0] == 3 and grid[6, 0] == 5
    assert grid[2, 0] == 0 and grid[0, 3] == 0 and grid[6, 4] == 0, "gaps and the empty last tile stay black"


def test_frequent_classes_most_frequent_first():
    rows = np.array([[1, 0]] * 5 + [[0, 1]] * 2 + [[1, 1]] * 3, np.float32)
    ranked = frequent_classes(rows, 2)
    np.testing.assert_array_equal([vector for vector, _ in ranked], [[1, 0], [1, 1]])
    np.testing.assert_array_equal(ranked[1][1], [7, 8, 9])


def test_snapshots_every_few_ticks_once_per_state_from_fixed_noise(tmp_path):
    pd.DataFrame([[1, 0]] * 3 + [[0, 1]] * 2, columns=["a", "b"]).to_csv(tmp_path / "train.csv", index=False)
    log = ProgressLog(tmp_path / "run", tmp_path / "train.csv", ["a", "b"], seed=3, snapshot_ticks=2)
    sampler = CountingSampler()
    for tick in range(1, 5):
        log.tick(tick, tick * 100, {"D": 0.5, "G": -0.5}, 2.0, 0.0, 8, sampler)
    log.snapshot(400, sampler)  # the end falls on a snapshot tick: no second grid of the same state
    log.close()
    assert sorted(p.name for p in (tmp_path / "run/progress").iterdir()) == [
        "fakes_kimg00000.200.png", "fakes_kimg00000.400.png"]
    assert sampler.calls == 2 and len(sampler.seeds) == 1, "the same noise every time"
    grid = np.asarray(Image.open(tmp_path / "run/progress/fakes_kimg00000.400.png"))
    assert grid.shape == (2 * 5 - 1, 8 * 5 - 1), "one row of 8 per class, 4 px tiles"
    assert grid[0, 0] == 220 and grid[5, 0] == 20, "the frequent class (a) first"
    assert any((tmp_path / "run/tensorboard").iterdir())
