"""The image cache: written in the index's single decode pass, row i is manifest row i, tied to its manifest."""

import numpy as np
import pandas as pd
import pytest

from synthbench.datasets.cache import CacheWriter, iter_rows, read_cache
from synthbench.datasets.decode import Window, load_dicom, load_jpeg
from synthbench.datasets.index import build_index
from synthbench.demo_data.brain import write_rsna
from synthbench.demo_data.chest import write_chexpert
from synthbench.raw_formats import CHEXPERT_FINDINGS


def test_chest_cache_rows_are_the_manifest_images(tmp_path):
    root = tmp_path / "CheXpert-v1.0-small"
    root.mkdir()
    write_chexpert(root, seed=0, train_patients=12, valid_patients=1, max_studies=2, lateral_fraction=0.3,
                   width=64, heights=(70, 80))
    manifest, _ = build_index("chest", root, list(CHEXPERT_FINDINGS), 16, tmp_path / "manifest.csv",
                              tmp_path / "skipped.csv", tmp_path / "images_16.h5", processes=2, resize="center_crop")
    images = read_cache(tmp_path / "images_16.h5", tmp_path / "manifest.csv")
    assert images.shape == (len(manifest), 16, 16) and images.dtype == np.uint8
    for row, path in enumerate(manifest["path"]):
        np.testing.assert_array_equal(images[row], load_jpeg(root / path, 16, "center_crop"))
    assert not list(tmp_path.glob("partial-*"))


def test_brain_cache_uses_the_window_and_rejects_another_manifest(tmp_path):
    write_rsna(tmp_path / "rsna", seed=1, patients=4, slices=(3, 4), haemorrhage_fraction=0.5, size=48)
    wide = Window(40, 400)
    manifest, _ = build_index("brain", tmp_path / "rsna", ["subdural", "no finding"], 32, tmp_path / "manifest.csv",
                              tmp_path / "skipped.csv", tmp_path / "images_32.h5", normal_images=2, window=wide)
    images = read_cache(tmp_path / "images_32.h5")
    np.testing.assert_array_equal(images[1], load_dicom(tmp_path / "rsna" / manifest["path"][1], 32, wide))
    assert not np.array_equal(images[1], load_dicom(tmp_path / "rsna" / manifest["path"][1], 32, Window(40, 80)))
    pd.concat([manifest, manifest]).to_csv(tmp_path / "other.csv", index=False)
    with pytest.raises(ValueError, match="built from another manifest"):
        read_cache(tmp_path / "images_32.h5", tmp_path / "other.csv")


def written_cache(folder, count: int, side: int, seed: int) -> np.ndarray:
    """Writes `count` random images (and a manifest of as many rows) as images.h5 in `folder`; returns them."""
    images = np.random.default_rng(seed).integers(0, 256, (count, side, side), dtype=np.uint8)
    pd.DataFrame({"image_id": range(count)}).to_csv(folder / "manifest.csv", index=False)
    with CacheWriter(folder / "images.h5", "chest", side) as writer:
        for image in images:
            writer.append(image)
        writer.finish(folder / "manifest.csv")
    return images


def test_writer_streams_blocks_and_reads_back_rows(tmp_path):
    images = written_cache(tmp_path, 40, 256, 0)  # 16 rows per 1 MB block: several blocks and a partial last one
    np.testing.assert_array_equal(read_cache(tmp_path / "images.h5", tmp_path / "manifest.csv"), images)
    rows = np.array([0, 3, 17, 18, 39])
    np.testing.assert_array_equal(np.concatenate(list(iter_rows(tmp_path / "images.h5", rows))), images[rows])


def test_writer_leaves_nothing_after_an_error_or_a_row_mismatch(tmp_path):
    pd.DataFrame({"image_id": range(3)}).to_csv(tmp_path / "manifest.csv", index=False)
    with pytest.raises(RuntimeError, match="2 images for 3 manifest rows"):
        with CacheWriter(tmp_path / "images.h5", "chest", 8) as writer:
            writer.append(np.zeros((8, 8), np.uint8))
            writer.append(np.zeros((8, 8), np.uint8))
            writer.finish(tmp_path / "manifest.csv")
    with pytest.raises(ValueError, match=r"expected uint8 \[8, 8\]"):
        with CacheWriter(tmp_path / "images.h5", "chest", 8) as writer:
            writer.append(np.zeros((9, 8), np.uint8))
    assert not list(tmp_path.glob("images.h5*"))


def test_rows_are_read_as_spans_or_one_by_one_and_equal_the_cache_rows(tmp_path):
    """Dense selections are read as contiguous spans, sparse ones row by row (h5py's list indexing took
    milliseconds a row); either way the blocks hold exactly the asked rows, in order."""
    count = 3000
    images = written_cache(tmp_path, count, 32, 1)  # 1024 rows per block
    rng = np.random.default_rng(2)
    for share in (1.0, 0.9, 0.05, 0.001):
        rows = np.sort(rng.choice(count, max(1, int(count * share)), replace=False))
        blocks = list(iter_rows(tmp_path / "images.h5", rows))
        assert max(len(block) for block in blocks) <= 1024
        np.testing.assert_array_equal(np.concatenate(blocks), images[rows])
    assert list(iter_rows(tmp_path / "images.h5", np.array([], dtype=int))) == []
    with pytest.raises(ValueError, match="increasing order"):
        list(iter_rows(tmp_path / "images.h5", np.array([5, 3])))
