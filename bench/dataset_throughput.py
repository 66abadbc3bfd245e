"""Index + cache throughput on CheXpert-small-sized JPEGs, against what the original code did per image, and the
arm split's throughput from that cache, against one sequential read of it.

The index baseline opens each JPEG with PIL and resizes it with scikit-image (anti-aliased), in one process.
Ours is the whole index job: every JPEG decoded once (libjpeg's DCT scaling, PIL's Lanczos filter) straight
into the h5 cache, with manifest and skipped list, over 1 and 2 processes. The split row is the resolution
arm's split job at 32 px (patient split, cached rows read, resized, written as TFRecords + CSVs); its baseline
reads every row of the cache once, in order, and does nothing else, which the split cannot beat. Figures are
images per second end to end.
"""

import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from PIL import Image
from skimage.transform import resize

from synthbench.config import validate_config
from synthbench.datasets.arm_data import build_arm
from synthbench.datasets.cache import read_cache
from synthbench.datasets.index import build_index
from synthbench.datasets.manifest import read_manifest
from synthbench.demo_data.chest import write_chexpert
from synthbench.raw_formats import CHEXPERT_FINDINGS

SIDE = 256  # the paper's largest resolution, so the cache side of a paper-scale run


def _ours(raw: Path, work: Path, processes: int) -> float:
    start = time.perf_counter()
    manifest, _ = build_index("chest", raw, list(CHEXPERT_FINDINGS), SIDE, work / "manifest.csv",
                              work / "skipped.csv", work / f"images_{processes}.h5", processes)
    return len(manifest) / (time.perf_counter() - start)


def _baseline(raw: Path, work: Path) -> float:
    paths = read_manifest(work / "manifest.csv")["path"]
    start = time.perf_counter()
    images = np.zeros((len(paths), SIDE, SIDE), np.uint8)
    for row, path in enumerate(paths):
        pixels = np.asarray(Image.open(raw / path).convert("L"))
        images[row] = (resize(pixels, (SIDE, SIDE), anti_aliasing=True) * 255).astype(np.uint8)
    return len(paths) / (time.perf_counter() - start)


def _split(work: Path) -> tuple[float, float]:
    """(split images/s, sequential cache read images/s) of the resolution arm at 32 px on the 1-process cache."""
    config = yaml.safe_load((Path(__file__).parents[1] / "config/config.yaml").read_text())
    config["datasets"]["chest"]["arms"]["resolution"].update(values=[32], min_class_images=1, valid_images=200,
                                                            test_images=200)
    config = validate_config(config)
    manifest, cache = work / "manifest.csv", work / "images_1.h5"
    start = time.perf_counter()
    meta = build_arm("chest", "resolution", 32, manifest, cache, config["datasets"]["chest"], 0, work / "arm")
    split = sum(part["images"] for part in meta["splits"].values()) / (time.perf_counter() - start)
    start = time.perf_counter()
    rows = len(read_cache(cache))
    return split, rows / (time.perf_counter() - start)


def run(patients: int = 2000) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "CheXpert-v1.0-small"
        raw.mkdir()
        write_chexpert(raw, seed=0, train_patients=patients, valid_patients=1, max_studies=3, lateral_fraction=0.0,
                       width=320, heights=(370, 400))  # the small set's typical 320 x ~390 frontal images
        one, two = _ours(raw, Path(folder), 1), _ours(raw, Path(folder), 2)
        baseline = _baseline(raw, Path(folder))
        split, sequential = _split(Path(folder))
        with Image.open(next(raw.glob("train/*/*/*.jpg"))) as sample:
            size = f"{sample.width}x{sample.height}"
    common = {"unit": "images/s", "baseline": round(baseline, 1),
              "baseline_name": "PIL open + skimage resize, 1 process"}
    return [
        {"name": f"chest index+cache to {SIDE}px ({size} JPEG), 1 process", "figure": round(one, 1),
         "ratio": round(one / baseline, 2), **common},
        {"name": f"chest index+cache to {SIDE}px ({size} JPEG), 2 processes", "figure": round(two, 1),
         "ratio": round(two / baseline, 2), "goal": ">= 3x baseline", **common},
        {"name": f"chest resolution arm split from the {SIDE}px cache to 32px, 1 process", "figure": round(split, 1),
         "unit": "images/s", "baseline": round(sequential, 1), "ratio": round(split / sequential, 3),
         "baseline_name": "one sequential read of the cache", "goal": "the read + resize + write, no per-row seek"},
    ]
