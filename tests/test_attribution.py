"""Occlusion maps, their agreement measures, the image choice and the compare command."""

import json

import keras
import numpy as np
import pandas as pd
import pytest

from conftest import write_tiny_arm
from synthbench.attribution.agreement import agreement_report, rank_correlation, top_cells, top_iou
from synthbench.attribution.jobs import explain, save_maps, with_floor
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


def conv_classifier(side, labels):
    """A small randomly initialised classifier: its seeded untrained copy differs from it."""
    images = keras.Input((side, side, 1))
    features = keras.layers.Conv2D(4, 3, activation="relu")(keras.layers.Rescaling(1 / 255)(images))
    pooled = keras.layers.GlobalAveragePooling2D()(features)
    return keras.Model(images, keras.layers.Dense(labels, activation="sigmoid")(pooled))


def test_compare_adds_the_untrained_floor_writes_agreement_and_panel_and_refuses_other_images(tmp_path):
    side, labels = 16, ["left", "right"]
    data = write_tiny_arm(tmp_path / "data", side, labels)
    meta = json.loads((data / "meta.json").read_text())
    settings = {"images": 3, "patch": 4, "batch_size": 8, "top_fraction": 0.25}
    keras.utils.set_random_seed(5)
    real = conv_classifier(side, len(labels))
    test = data / "test.tfrecord"
    real_maps = explain(real, "real", test, meta, settings, seed=1)
    save_maps(real_maps, tmp_path / "real_without_floor.npz")
    save_maps(with_floor(real_maps, real, test, meta, settings, seed=1), tmp_path / "real.npz")
    save_maps(explain(real, "prog", test, meta, settings, seed=1), tmp_path / "prog.npz")
    common = ["--meta", str(data / "meta.json"), "--settings-json", json.dumps(settings)]
    synthbench_main(["attribution", "compare", "--maps", str(tmp_path / "real.npz"), str(tmp_path / "prog.npz"),
                     *common, "--out", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out/attribution.json").read_text())
    assert set(report["explainers"]) == {"prog", "random"}, "the untrained floor comes with the real maps"
    assert report["explainers"]["prog"]["top_iou"]["mean"] == 1.0
    assert report["explainers"]["random"]["spearman"]["mean"] < 0.99, "a re-initialised network explains otherwise"
    assert [row["image_id"] for row in report["explainers"]["random"]["per_image"]] == \
        [row["image_id"] for row in report["explainers"]["prog"]["per_image"]]
    assert (tmp_path / "out/panel.png").stat().st_size > 0
    save_maps(explain(real, "cpd", test, meta, settings, seed=2), tmp_path / "other.npz")
    with pytest.raises(SystemExit, match="other images"):
        synthbench_main(["attribution", "compare", "--maps", str(tmp_path / "real.npz"), str(tmp_path / "other.npz"),
                         *common, "--out", str(tmp_path / "out2")])
    with pytest.raises(SystemExit, match="hold no untrained floor"):
        synthbench_main(["attribution", "compare", "--maps", str(tmp_path / "real_without_floor.npz"),
                         str(tmp_path / "prog.npz"), *common, "--out", str(tmp_path / "out3")])


def test_the_floor_is_the_seeded_initialisation_of_the_real_network():
    from synthbench.classifier.model import untrained_copy

    keras.utils.set_random_seed(5)
    real = conv_classifier(16, 2)
    first, again = untrained_copy(real, 3), untrained_copy(real, 3)
    for a, b, trained in zip(first.get_weights(), again.get_weights(), real.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.shape == trained.shape
    assert any(not np.array_equal(a, b) for a, b in zip(first.get_weights(), real.get_weights(), strict=True))
