"""Nearest-neighbour search, memorisation report and the neighbours command on small data."""

import json

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from synthbench import records
from synthbench.classifier.model import FEATURES_LAYER
from synthbench.cli import main as synthbench_main
from synthbench.metrics import table as metrics_table
from synthbench.metrics.iqa import psnr
from synthbench.neighbours.memorisation import memorisation_report
from synthbench.neighbours.search import BYTES_PER_TILE_ENTRY, nearest, unit_rows
from synthbench.records import RecordWriter
from synthbench.tiles import block_shape


def brute_force(queries, reference, k):
    similarity = unit_rows(queries).astype(np.float64) @ unit_rows(reference).astype(np.float64).T
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    return order, 1 - np.take_along_axis(similarity, order, axis=1)


@pytest.mark.parametrize("memory_mb", [0.002, 0.05, 100])
@pytest.mark.parametrize("k", [1, 5, 40])
def test_blocked_search_equals_brute_force(memory_mb, k):
    rng = np.random.default_rng(k)
    queries, reference = rng.standard_normal((130, 24)), rng.standard_normal((900, 24))
    found = nearest(queries, reference, k, memory_mb)
    indices, distances = brute_force(queries, reference, k)
    np.testing.assert_array_equal(found.indices, indices)
    np.testing.assert_allclose(found.distances, distances, atol=1e-5)
    assert (np.diff(found.distances, axis=1) >= 0).all(), "nearest first"


def test_tiny_memory_gives_tiles_smaller_than_the_data():
    assert block_shape(10_000, 200_000, memory_mb=1, bytes_per_entry=BYTES_PER_TILE_ENTRY) == (64, 1024)
    assert block_shape(10, 200, memory_mb=1000, bytes_per_entry=BYTES_PER_TILE_ENTRY) == (10, 200)


def test_ties_go_to_the_lower_reference_index_and_k_is_capped_by_the_reference():
    reference = np.array([[1.0, 0], [2.0, 0], [0, 1.0]])  # rows 0 and 1 have the same direction
    found = nearest(np.array([[3.0, 0]]), reference, k=10, memory_mb=1e-5)
    assert found.indices.tolist() == [[0, 1, 2]]
    np.testing.assert_allclose(found.distances, [[0, 0, 1]], atol=1e-6)


def test_mismatched_feature_sizes_are_an_error():
    with pytest.raises(ValueError, match="same D"):
        nearest(np.ones((2, 3)), np.ones((4, 5)), 1)


def planted(rng, train, count, noise):
    """Rows of `train` copied (noise 0) or lightly perturbed, and which train row each came from."""
    rows = rng.choice(len(train), count, replace=False)
    return train[rows] + noise * rng.standard_normal((count, train.shape[1])), rows


def test_planted_copies_are_their_own_nearest_neighbours_and_are_flagged():
    rng = np.random.default_rng(0)
    train, heldout = rng.standard_normal((2000, 64)), rng.standard_normal((300, 64))
    exact, exact_rows = planted(rng, train, 10, 0.0)
    noisy, noisy_rows = planted(rng, train, 10, 0.05)
    synthetic = np.concatenate([rng.standard_normal((480, 64)), exact, noisy])
    found = nearest(synthetic, train, k=5, memory_mb=0.1)
    planted_rows = np.concatenate([exact_rows, noisy_rows])
    assert (found.indices[480:, 0] == planted_rows).all(), "recall 1.0"
    report = memorisation_report(found.distances[:, 0], nearest(heldout, train, 1).distances[:, 0])
    flagged = found.distances[:, 0] < report["threshold"]
    assert flagged[480:].all() and report["flagged"] == flagged.sum() >= 20
    assert report["synthetic_to_train"]["q00"] < 1e-6 < report["heldout_to_train"]["q00"]
    assert report["fraction_below_threshold"] == pytest.approx(flagged.mean())


def write_split(records_path, images, labels, ids):
    """One split in the workflow's layout: TFRecords and the CSV that mirrors them."""
    with RecordWriter(records_path) as writer:
        writer.write(images, labels, ids)
    table = pd.DataFrame(labels, columns=["a", "b"])
    table.insert(0, "patient_id", [f"p{image_id // 2}" for image_id in ids])  # two images per patient
    table.insert(0, "image_id", ids)
    table.to_csv(records_path.with_suffix(".csv"), index=False)
    return str(records_path)


def pixel_classifier(side):
    """A classifier whose features are its input pixels: an exact copy of a train image is at distance 0."""
    images = keras.Input((side, side, 1))
    pixels = keras.layers.Flatten()(keras.layers.Rescaling(1 / 255)(images))
    features = keras.layers.Identity(name=FEATURES_LAYER)(pixels)
    return keras.Model(images, keras.layers.Dense(2, activation="sigmoid")(features))


def test_neighbours_command_embeds_searches_and_writes_ids_report_and_grid(tmp_path):
    rng = np.random.default_rng(1)
    side, train_n = 16, 60  # 16 px: the smallest the random extractor takes
    train_images = rng.integers(0, 256, (train_n, side, side), dtype=np.uint8)
    labels = rng.integers(0, 2, (train_n, 2)).astype(np.float32)
    synthetic_ids = -np.arange(1, 21)
    synthetic_images = np.concatenate([rng.integers(0, 256, (17, side, side), dtype=np.uint8),
                                       train_images[[4, 9, 30]]])
    files = {"train": write_split(tmp_path / "train.tfrecord", train_images, labels, np.arange(100, 100 + train_n)),
             "synthetic": write_split(tmp_path / "synthetic.tfrecord", synthetic_images, labels[:20], synthetic_ids),
             "heldout": write_split(tmp_path / "test.tfrecord", rng.integers(0, 256, (15, side, side), dtype=np.uint8),
                                    labels[:15], np.arange(15))}
    (tmp_path / "meta.json").write_text(json.dumps({"labels": ["a", "b"], "resolution": side}))
    pixel_classifier(side).save(tmp_path / "model.keras")
    planted = tmp_path / "planted.csv"  # the three exact copies
    pd.DataFrame({"split": "train", "image_id": [-18, -19, -20], "real_image_id": [104, 109, 130]}).to_csv(
        planted, index=False)
    out = tmp_path / "nn"
    synthbench_main(["neighbours", "--model", str(tmp_path / "model.keras"), "--synthetic-records",
                     files["synthetic"], "--train-records", files["train"], "--heldout-records", files["heldout"],
                     "--batch-size", "16", "--meta", str(tmp_path / "meta.json"),
                     "--settings-json", json.dumps({"k": 3, "memory_mb": None, "closest_pairs": 5,
                                                    "pixel_pairs": 50, "pixel_bootstrap": 100,
                                                    "diversity_pairs": 40}),
                     "--planted", str(planted), "--detection-extractors-json", json.dumps(
                         [{"name": "random", "weights": None, "resize": 299, "resize_mode": "legacy_tf1"}]),
                     "--out", str(out)])  # no --threads: this process's TensorFlow already started (the model)
    with np.load(out / "neighbours.npz") as result:
        assert result["query_id"].tolist() == synthetic_ids.tolist(), "every synthetic train image is a query"
        assert result["neighbour_id"].shape == (20, 3) and result["neighbour_id"].min() >= 100
        assert result["neighbour_id"][-3:, 0].tolist() == [104, 109, 130]
        assert result["flagged"][-3:].all() and result["heldout_distance"].shape == (15, 3)
    report = json.loads((out / "memorisation.json").read_text())
    assert {pair["train_id"] for pair in report["closest_pairs"][:3]} == {104, 109, 130}
    assert len(report["closest_pairs"]) == 5 and report["k"] == 3
    assert (out / "grid.png").stat().st_size > 0 and not list(out.glob("partial-*"))
    with np.load(out / "neighbours.npz") as result:
        nearest_train = train_images[result["neighbour_id"][:, 0] - 100]
    expected = psnr(synthetic_images, nearest_train)
    pixels = report["pixels"]["metrics"]
    assert pixels["psnr"]["synthetic_to_train"]["median"] == pytest.approx(np.median(expected), rel=1e-12)
    assert pixels["psnr"]["synthetic_to_train"]["quantiles"]["0.95"] == pytest.approx(80.0), "the planted copies"
    assert pixels["ssim"]["heldout_to_train"]["pairs"] == 15
    assert report["pixels"]["left_out"] == {"ms_ssim": "needs images of at least 161 px, these have 16"}
    spaces = report["planted_copies"]["spaces"]
    assert set(spaces) == {"classifier", "pixels", "random"}, "the check's space, pixels, each extractor asked for"
    for space in spaces.values():
        assert (space["planted"], space["detected"], space["recall"]) == (3, 3, 1.0), "exact copies, in any space"
    table = metrics_table.read(out / metrics_table.FILE).set_index("metric")
    assert table.loc["nn_psnr_median", "result"] == pytest.approx(np.median(expected), rel=1e-12)
    assert table.loc["nn_heldout_ssim_median", "n"] == 15
    low, high = table.loc["nn_ssim_median", ["ci_low", "ci_high"]]
    assert low <= table.loc["nn_ssim_median", "result"] <= high
    assert table.loc[["diversity_ssim", "diversity_ssim_real"], "n"].tolist() == [40, 40]
    assert set(report["membership"]) == {"classifier", "pixels"}, "the attack in the check's space and in pixels"
    attacks = metrics_table.read(out / metrics_table.FILE).set_index(["metric", "extractor"])
    for space, attack in report["membership"].items():
        assert (attack["member_patients"], attack["non_member_patients"]) == (30, 8)
        assert attack["tpr_at_fpr"] >= 3 / 30, "the three patients whose images were copied are exposed"
        row = attacks.loc[("mia_auc", space)]
        assert row["n"] == 38 and row["ci_low"] <= row["result"] == attack["auc"] <= row["ci_high"]
        assert attacks.loc[("mia_tpr_at_1pct_fpr", space), "result"] == attack["tpr_at_fpr"]
    # The pixel attack by hand: centred pixel vectors, cosine distance to the nearest fake, a patient's mean.
    def centred(images):
        rows = images.reshape(len(images), -1).astype(np.float64)
        rows -= rows.mean(axis=1, keepdims=True)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def patient_scores(images, ids):
        distance = (1 - centred(images) @ centred(synthetic_images).T).min(axis=1)
        return -pd.Series(distance).groupby([f"p{i // 2}" for i in ids]).mean()

    members = patient_scores(train_images, np.arange(100, 100 + train_n))
    heldout_images = records.read_records(files["heldout"], 2, side)[0]
    non_members = patient_scores(heldout_images, np.arange(15))
    expected_auc = roc_auc_score(np.r_[np.ones(len(members)), np.zeros(len(non_members))], np.r_[members, non_members])
    assert report["membership"]["pixels"]["auc"] == pytest.approx(expected_auc, abs=1e-6)
    assert abs(table.loc["diversity_ssim_real", "result"]) < 0.2, "unrelated noise images are not alike"
    assert report["diversity"]["synthetic"]["left_out"] == {"ms_ssim": "needs images of at least 161 px, these have 16"}


def test_pixel_report_leaves_out_what_the_image_size_cannot_measure_and_subsets_queries():
    from synthbench.neighbours.pixels import chosen_queries, pixel_report

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 8, 8), dtype=np.uint8)
    report = pixel_report({"synthetic_to_train": (images, images), "heldout_to_train": (images, images[::-1])}, 8,
                          10, 0)
    assert list(report["metrics"]) == ["psnr", "haarpsi", "mdsi"]
    assert list(report["left_out"]) == ["ssim", "ms_ssim", "ms_gmsd"]
    assert "at least 11 px, these have 8" in report["left_out"]["ssim"]
    assert report["metrics"]["psnr"]["synthetic_to_train"]["median"] == pytest.approx(80.0), "identical pairs"
    rows = chosen_queries(100, 7, np.random.default_rng(1))
    assert len(rows) == 7 and (np.diff(rows) > 0).all() and chosen_queries(5, 7, rng).tolist() == [0, 1, 2, 3, 4]


def test_membership_inference_separates_leaked_training_patients_and_not_others():
    from sklearn.metrics import roc_auc_score

    from synthbench.neighbours.membership import membership_report, patient_scores, tpr_at_fpr

    assert patient_scores(np.array([0.5, 0.2, 0.9]), np.array(["a", "a", "b"])).tolist() == [-0.35, -0.9], \
        "a patient is as exposed as their images are on average"
    rng = np.random.default_rng(0)
    # No leak, one image per member and four per non-member: by the closest image the non-members would win
    # (AUC about 0.2); by the mean the attack is at chance whatever the images per patient.
    draw = np.random.default_rng(1).uniform  # over 300 seeds this AUC averages 0.4996 (sd 0.016); the max 0.198
    uneven = membership_report(draw(0.2, 0.6, 1000), np.arange(1000), draw(0.2, 0.6, 1600),
                               np.repeat(np.arange(1000, 1400), 4), 200, 0)
    assert abs(uneven["auc"] - 0.5) < 0.05 and uneven["ci"][0] < 0.5 < uneven["ci"][1]
    members, non_members = np.repeat(np.arange(200), 2).astype(str), np.repeat(np.arange(200, 300), 2).astype(str)
    inside, out_distances = rng.uniform(0.2, 0.6, 400), rng.uniform(0.2, 0.6, 200)
    same = membership_report(inside, members, out_distances, non_members, 200, 0)
    assert abs(same["auc"] - 0.5) < 0.1 and same["ci"][0] < 0.5 < same["ci"][1], "no leak: chance"
    leaked = inside.copy()
    leaked[:40] = 0.01  # 20 training patients copied
    report = membership_report(leaked, members, out_distances, non_members, 200, 0)
    assert report["tpr_at_fpr"] >= 0.1 > same["tpr_at_fpr"], "the copied patients are exposed"
    assert report["auc"] > same["auc"]
    assert (report["member_patients"], report["non_member_patients"]) == (200, 100)
    scores_in, scores_out = np.array([3.0, 2.0, 0.5]), np.array([1.0, 0.0])
    assert tpr_at_fpr(scores_in, scores_out, 0.0) == pytest.approx(2 / 3), "above every non-member: 2 of 3"
    report = membership_report(leaked, members, out_distances, non_members, 50, 0)
    mean_in, mean_out = leaked.reshape(200, 2).mean(axis=1), out_distances.reshape(100, 2).mean(axis=1)
    assert report["auc"] == pytest.approx(roc_auc_score(np.r_[np.ones(200), np.zeros(100)],
                                                        -np.r_[mean_in, mean_out]), rel=1e-12)
    tied_in, tied_out = rng.integers(0, 4, 60).astype(float), rng.integers(0, 4, 31).astype(float)
    assert membership_report(-tied_in, np.arange(60), -tied_out, np.arange(60, 91), 10, 0)["auc"] == pytest.approx(
        roc_auc_score(np.r_[np.ones(60), np.zeros(31)], np.r_[tied_in, tied_out]), rel=1e-12), "ties count half"
    with pytest.raises(ValueError, match="needs members and non-members: 200 training and 0 held-out"):
        membership_report(leaked, members, np.zeros(0), np.array([], str), 10, 0)
