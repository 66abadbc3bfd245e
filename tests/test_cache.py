"""The image cache: row i is manifest row i, decoded at the requested side, tied to its manifest."""

import numpy as np
import pandas as pd
import pytest

from build_dataset.cache import build_cache, read_cache
from build_dataset.chexpert import index_chexpert
from build_dataset.decode import Window, load_dicom, load_jpeg
from build_dataset.manifest import write_tables
from build_dataset.rsna import index_rsna
from demo_data.brain import write_rsna
from demo_data.chest import write_chexpert
from synthbench.raw_formats import CHEXPERT_FINDINGS


def test_chest_cache_rows_follow_the_manifest(tmp_path):
    root = tmp_path / "CheXpert-v1.0-small"
    root.mkdir()
    write_chexpert(root, seed=0, train_patients=12, valid_patients=1, max_studies=2, lateral_fraction=0.3,
                   width=64, heights=(70, 80))
    manifest, skipped = index_chexpert(root, list(CHEXPERT_FINDINGS), 1)
    manifest = manifest.iloc[::-1].reset_index(drop=True)  # any order: the cache must follow it
    write_tables(manifest, skipped, tmp_path / "manifest.csv", tmp_path / "skipped.csv")
    build_cache("chest", tmp_path / "manifest.csv", root, 16, tmp_path / "images_16.h5", processes=2,
                resize="center_crop")
    images = read_cache(tmp_path / "images_16.h5", tmp_path / "manifest.csv")
    assert images.shape == (len(manifest), 16, 16) and images.dtype == np.uint8
    for row in (0, len(manifest) - 1):
        np.testing.assert_array_equal(images[row], load_jpeg(root / manifest["path"][row], 16, "center_crop"))
    assert not list(tmp_path.glob("*.partial"))


def test_brain_cache_uses_the_window_and_rejects_another_manifest(tmp_path):
    write_rsna(tmp_path / "rsna", seed=1, patients=4, slices=(3, 4), haemorrhage_fraction=0.5, size=48)
    manifest, skipped = index_rsna(tmp_path / "rsna", ["subdural", "no finding"], normal_images=2, seed=0)
    write_tables(manifest, skipped, tmp_path / "manifest.csv", tmp_path / "skipped.csv")
    wide = Window(40, 400)
    build_cache("brain", tmp_path / "manifest.csv", tmp_path / "rsna", 32, tmp_path / "images_32.h5", window=wide)
    images = read_cache(tmp_path / "images_32.h5")
    np.testing.assert_array_equal(images[1], load_dicom(tmp_path / "rsna" / manifest["path"][1], 32, wide))
    assert not np.array_equal(images[1], load_dicom(tmp_path / "rsna" / manifest["path"][1], 32, Window(40, 80)))
    pd.concat([manifest, manifest]).to_csv(tmp_path / "other.csv", index=False)
    with pytest.raises(ValueError, match="built from another manifest"):
        read_cache(tmp_path / "images_32.h5", tmp_path / "other.csv")
