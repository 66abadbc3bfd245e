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
    cells = occlusion_map(model.predict_on_batch, image[..., None].astype(np.float32), np.array([1.0]), patch,
                          batch_size=5)
    assert cells.shape == (4, 4)
    assert np.unravel_index(np.argmax(cells), cells.shape) == (2, 1)
    assert cells[2, 1] > 0.1 and np.count_nonzero(np.abs(cells) > 1e-6) == 1
    assert to_pixels(cells, patch, side)[8:12, 4:8].min() == cells[2, 1]


def study_layout_model(side, rows, columns, weight=-1.5, bias=-3.0, labels=2):
    """A classifier laid out as ours (preprocessing up to the `imagenet` layer, a nested backbone, `features`,
    `labels`) whose every probability is sigmoid(weight * m + bias), m the mean of the normalised red channel over
    one region: the study's Δ-loss of any patch follows by hand."""
    from synthbench.classifier.model import IMAGENET_MEAN, IMAGENET_STD

    seen = keras.Input((side, side, 3))
    cropped = keras.layers.Cropping2D(((rows.start, side - rows.stop), (columns.start, side - columns.stop)))(seen)
    backbone = keras.Model(seen, keras.layers.GlobalAveragePooling2D()(cropped), name="backbone")
    images = keras.Input((side, side, 1))
    x = keras.layers.Rescaling(1 / 255.0)(keras.layers.Concatenate()([images, images, images]))
    x = keras.layers.Normalization(mean=IMAGENET_MEAN, variance=[s * s for s in IMAGENET_STD], name="imagenet")(x)
    features = keras.layers.Identity(name="features")(backbone(x))
    output = keras.layers.Dense(labels, activation="sigmoid", name="labels",
                                kernel_initializer=keras.initializers.Constant([[weight] * labels, [0.0] * labels,
                                                                                [0.0] * labels]),
                                bias_initializer=keras.initializers.Constant(bias))(features)
    return keras.Model(images, output)


def test_the_studys_maps_hide_patches_of_the_network_input_at_the_imagenet_mean_and_floor_the_delta(tmp_path):
    side, labels = 16, ["left", "right"]
    data = write_tiny_arm(tmp_path / "data", side, labels)
    meta = json.loads((data / "meta.json").read_text())
    model = study_layout_model(side, slice(8, 12), slice(4, 8))
    arrays = explain(model, "real", data / "test.tfrecord", meta,
                     {"method": "cxpl", "images": 3, "patch": 4, "batch_size": 7}, seed=0)
    assert arrays["method"] == "cxpl" and arrays["patched_side"] == side and arrays["maps"].shape == (3, 4, 4)
    assert arrays["maps"].max() > 1e-3, "hiding the region moves the loss of some image"
    def loss(mean, label):
        p = np.clip(1 / (1 + np.exp(-(-1.5 * mean - 3.0))), 1e-7, 1 - 1e-7)
        return -np.mean(label * np.log(p) + (1 - label) * np.log(1 - p))

    for image, label, cells in zip(arrays["images"], arrays["labels"], arrays["maps"], strict=True):
        # by hand: the red channel normalised, its region mean before and after the patch over the region is 0
        red = (image[8:12, 4:8].astype(np.float64) / 255 - 0.485) / 0.229
        expected = np.full((4, 4), 1e-7)
        expected[2, 1] = max(loss(0.0, label) - loss(red.mean(), label), 1e-7)
        np.testing.assert_allclose(cells, expected, rtol=1e-4, atol=1e-9)


def test_a_map_of_the_network_input_is_drawn_at_the_images_side():
    cells = np.arange(16, dtype=np.float32).reshape(4, 4)  # 8 px patches of a 32 px input, drawn at 16 px
    np.testing.assert_array_equal(to_pixels(cells, 8, 16, 32), np.kron(cells, np.ones((4, 4), np.float32)))
    np.testing.assert_array_equal(to_pixels(cells, 4, 14), np.kron(cells, np.ones((4, 4), np.float32))[:14, :14])


def test_occluded_copies_cover_every_pixel_once_even_at_a_ragged_border():
    image = np.full((10, 10), 7, np.uint8)
    copies = occluded_copies(image, 4)
    assert copies.shape == (9, 10, 10)
    assert ((copies == 0).sum(axis=0) == 1).all()
    assert (copies[8, 8:, 8:] == 0).all() and (copies[8, :8] == 7).all()
    np.testing.assert_array_equal(occluded_copies(image, 4, first=4, count=3), copies[4:7])
    np.testing.assert_array_equal(occluded_copies(image, 4, first=7, count=5), copies[7:]), "cut at the last patch"


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
    settings = {"method": "image", "images": 3, "patch": 4, "batch_size": 8, "top_fraction": 0.25}
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
    assert report["method"] == "image" and report["patched_side"] == side
    rows = pd.read_csv(tmp_path / "out/metrics.csv")
    assert set(rows["extractor"]) == {"image"}, "the agreement rows name the method"
    save_maps(explain(real, "cpd", test, meta, settings, seed=2), tmp_path / "other.npz")
    with pytest.raises(SystemExit, match="other images"):
        synthbench_main(["attribution", "compare", "--maps", str(tmp_path / "real.npz"), str(tmp_path / "other.npz"),
                         *common, "--out", str(tmp_path / "out2")])
    save_maps({**real_maps, "explainer": "prog", "method": "cxpl"}, tmp_path / "cxpl.npz")
    with pytest.raises(SystemExit, match="by other patches or method"):
        synthbench_main(["attribution", "compare", "--maps", str(tmp_path / "real.npz"), str(tmp_path / "cxpl.npz"),
                         *common, "--out", str(tmp_path / "out4")])
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
