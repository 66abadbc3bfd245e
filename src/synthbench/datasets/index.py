"""One index job: manifest.csv, skipped.csv and the image cache, written together from one decode pass.

The manifest and the cache are made in the same loop (a usable image gets a manifest row and a cache row
at once), so the cache is tied to the manifest by construction and no image is decoded twice. An index with
no usable image stops the job, with the most common reasons, rather than leave the splits to find out.
"""

from pathlib import Path

import pandas as pd

from synthbench.datasets.cache import CacheWriter
from synthbench.datasets.chexpert import index_chexpert
from synthbench.datasets.decode import Window
from synthbench.datasets.errors import LayoutError
from synthbench.datasets.manifest import write_tables
from synthbench.datasets.rsna import index_rsna

BRAIN_WINDOW = Window(40.0, 80.0)


def build_index(dataset: str, raw_dir: Path, labels: list[str], side: int, manifest_path: Path,
                skipped_path: Path, cache_path: Path, processes: int = 1, *, min_side: int = 1,
                uncertain_as: int = 1, resize: str = "squash", normal_images: int = 0, seed: int = 0,
                window: Window = BRAIN_WINDOW) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Indexes `raw_dir` and writes the three files; returns (manifest, skipped)."""
    how = {"resize": resize} if dataset == "chest" else {"window": [window.center, window.width]}
    with CacheWriter(cache_path, dataset, side, **how) as cache:
        if dataset == "chest":
            manifest, skipped = index_chexpert(raw_dir, labels, uncertain_as, resize, min_side, cache, processes)
        else:
            manifest, skipped = index_rsna(raw_dir, labels, normal_images, seed, window, min_side, cache, processes)
        if manifest.empty:
            reasons = skipped["reason"].value_counts().head(3)
            raise LayoutError(f"{raw_dir}: no usable image; {len(skipped)} listed were skipped, most often for "
                              + "; ".join(f"{reason} ({count})" for reason, count in reasons.items()))
        write_tables(manifest, skipped, manifest_path, skipped_path)
        cache.finish(manifest_path)
    return manifest, skipped
