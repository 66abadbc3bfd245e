"""Occlusion maps, their agreement measures, the image choice and the compare command."""

import json

import keras
import numpy as np
import pandas as pd
import pytest

from synthbench.attribution.agreement import agreement_report, rank_correlation, top_cells, top_iou
from synthbench.attribution.occlusion import occluded_copies, occlusion_map, to_pixels
from synthbench.attribution.selection import chosen_images
from synthbench.cli import main as synthbench_main


def region_model(side, rows, columns):
    """A 'classifier' whose output depends only on the mean brightness of one region of the image."""
    images = keras.Input((side, side, 1))
    region = keras.layers.Cropping2D(((rows.start, side - rows.stop), (columns.start, side - columns.stop)))(images)
    mean = keras.layers.GlobalAveragePooling2D()(region)
    output = keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.Constant(0.02),
                                bias_initializer=keras.initializers.Constant(-2.0))(mean)
    return keras.Model(images, output)


def test_occlusion_map_is_highest_exactly_over_the_region_the_loss_depends_on():
    side, patch = 16, 4
    model = region_model(side, slice(8, 12), slice(4, 8))
    image = np.full((side, side), 200, np.uint8)
    cells = occlusion_map(model.predict_on_batch, image, np.array([1.0]), patch, batch_size=5)
    assert cells.shape == (4, 4)
    assert np.unravel_index(np.argmax(cells), cells.shape) == (2, 1)
    assert cells[2, 1] > 0.1 and np.count_nonzero(np.abs(cells) > 1e-6) == 1
    assert to_pixels(cells, patch, side)[8:12, 4:8].min() == cells[2, 1]


def test_occluded_copies_cover_every_pixel_once_even_at_a_ragged_border():
    image = np.full((10, 10), 7, np.uint8)
    copies = occluded_copies(image, 4)
    assert copies.shape == (9, 10, 10)
    assert ((copies == 0).sum(axis=0) == 1).all()
    assert (copies[8, 8:, 8:] == 0).all() and (copies[8, :8] == 7).all()


def test_agreement_measures():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((8, 8))
    assert rank_correlation(a, 3 * a + 1) == pytest.approx(1.0)
    assert rank_correlation(a, -a) == pytest.approx(-1.0)
    assert np.isnan(rank_correlation(a, np.zeros((8, 8))))
    assert top_cells(a).sum() == 7 and top_iou(a, a) == 1.0
    assert top_iou(a, -a) == 0.0
    assert top_cells(np.zeros((4, 4))).all(), "ties at the cut are all included"
    report = agreement_report(np.stack([a, a]), {"same": np.stack([a, a]), "flat": np.zeros((2, 8, 8))},
                              np.array([5, 6]))
    assert report["explainers"]["same"]["spearman"]["mean"] == pytest.approx(1.0)
    assert report["explainers"]["flat"]["spearman"] == {"n": 0, "undefined": 2}
    assert report["explainers"]["flat"]["per_image"][0] == {"image_id": 5, "spearman": None, "top_iou": 7 / 64}


def test_chosen_images_let_classes_take_turns_and_repeat_with_the_seed(tmp_path):
    table = pd.DataFrame({"image_id": range(30), "patient_id": 0, "a": [1] * 20 + [0] * 10, "b": [0] * 27 + [1] * 3})
    table.to_csv(tmp_path / "test.csv", index=False)
    def chosen_ids(seed):
        return chosen_images(tmp_path / "test.csv", ["a", "b"], 5, seed)["image_id"].tolist()

    chosen = chosen_images(tmp_path / "test.csv", ["a", "b"], 5, seed=3)
    classes = list(zip(chosen["a"], chosen["b"], strict=True))
    assert len(set(classes[:3])) == 3, "each of the three classes before any repeats"
    assert chosen["image_id"].tolist() == chosen_ids(3) != chosen_ids(4)


def maps_file(path, explainer, ids, maps):
    np.savez(path, explainer=explainer, image_id=np.asarray(ids), labels=np.ones((len(ids), 1), np.float32),
             images=np.zeros((len(ids), 8, 8), np.uint8), maps=np.asarray(maps, np.float32), patch=4)


def test_compare_writes_agreement_and_panel_and_refuses_other_images(tmp_path):
    rng = np.random.default_rng(2)
    real = rng.standard_normal((3, 2, 2))
    maps_file(tmp_path / "real.npz", "real", [1, 2, 3], real)
    maps_file(tmp_path / "prog.npz", "prog", [1, 2, 3], real * 2)
    maps_file(tmp_path / "random.npz", "random", [1, 2, 3], rng.standard_normal((3, 2, 2)))
    (tmp_path / "meta.json").write_text(json.dumps({"labels": ["x"], "resolution": 8}))
    common = ["--meta", str(tmp_path / "meta.json"), "--settings-json", json.dumps({"top_fraction": 0.25})]
    maps = [str(tmp_path / f"{n}.npz") for n in ("real", "prog", "random")]
    synthbench_main(["attribution", "compare", "--maps", *maps, *common, "--out", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out/attribution.json").read_text())
    assert set(report["explainers"]) == {"prog", "random"}
    assert report["explainers"]["prog"]["top_iou"]["mean"] == 1.0
    assert (tmp_path / "out/panel.png").stat().st_size > 0
    maps_file(tmp_path / "other.npz", "cpd", [1, 2, 4], real)
    with pytest.raises(SystemExit, match="other images"):
        synthbench_main(["attribution", "compare", "--maps", str(tmp_path / "real.npz"), str(tmp_path / "other.npz"),
                         *common, "--out", str(tmp_path / "out2")])
