"""Outside images sources: the manifest is checked against the arm with every problem listed at once, and the
pool gives each requested row an image of exactly its label vector, never one image twice, seeded; a split
without enough images of a label vector is refused with the shortfall."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from synthbench.outside.pool import ImagePool, IntakeError

LABELS = ["effusion", "no finding"]
SIDE = 8
EFFUSION, NORMAL = [1, 0], [0, 1]


def _source(folder, rows, side=SIDE):
    """A folder of PNGs whose every pixel is the image's row number (so a drawn image says which file it was)
    and its manifest; `rows` are (split, label vector)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, _ in enumerate(rows):
        Image.fromarray(np.full((side, side), number, np.uint8)).save(folder / f"{number}.png")
    pd.DataFrame([{"file": f"{number}.png", "split": split, **dict(zip(LABELS, vector, strict=True))}
                  for number, (split, vector) in enumerate(rows)]).to_csv(folder / "manifest.csv", index=False)
    return folder


def test_every_row_gets_an_image_of_its_labels_none_twice_and_seeded(tmp_path):
    rows = [("train", EFFUSION)] * 6 + [("train", NORMAL)] * 5 + [("test", NORMAL)] * 3
    pool = ImagePool(_source(tmp_path, rows), LABELS, SIDE)
    wanted = np.array([EFFUSION, NORMAL, EFFUSION, NORMAL, EFFUSION, EFFUSION], np.float32)
    sampler = pool.sampler("train")
    drawn = sampler(wanted, seed=3)
    assert drawn.shape == (6, SIDE, SIDE) and drawn.dtype == np.uint8
    files = drawn[:, 0, 0].astype(int)
    assert len(set(files)) == 6, "no image used twice"
    assert all(rows[file] == ("train", list(vector)) for file, vector in zip(files, wanted.astype(int).tolist(),
                                                                               strict=True))
    np.testing.assert_array_equal(sampler(wanted, seed=3), drawn)
    assert any((sampler(wanted, seed=seed)[:, 0, 0] != files).any() for seed in range(4, 10))
    assert set(pool.sampler("test")(np.array([NORMAL] * 3, np.float32), 0)[:, 0, 0]) == {11, 12, 13}
    assert pool.offered() == {"train": 11, "valid": 0, "test": 3}


def test_every_shortfall_of_every_split_is_named(tmp_path):
    pool = ImagePool(_source(tmp_path, [("train", EFFUSION)] * 2 + [("valid", NORMAL)]), LABELS, SIDE)
    with pytest.raises(IntakeError) as refused:
        pool.check_covers({"train": np.array([EFFUSION] * 3 + [NORMAL], np.float32),
                           "valid": np.array([NORMAL], np.float32), "test": np.array([EFFUSION], np.float32)})
    message = str(refused.value)
    assert "manifest.csv" in message
    assert "split train: 3 images labelled effusion needed (one per real row), the manifest has 2 (1 short)" in message
    assert ("split train: 1 images labelled no finding needed (one per real row), the manifest has 0 (1 short)"
            in message)
    assert "split test: 1 images labelled effusion needed" in message and "split valid" not in message


def test_a_manifest_that_breaks_the_contract_is_refused_with_every_problem(tmp_path):
    folder = _source(tmp_path / "source", [("train", EFFUSION), ("train", NORMAL), ("train", NORMAL)])
    table = pd.read_csv(folder / "manifest.csv")
    table.loc[0, "split"], table.loc[1, "effusion"], table.loc[2, "file"] = "training", 2, "../1.png"
    table = pd.concat([table, table.iloc[[1]].assign(effusion=0)])
    table.to_csv(folder / "manifest.csv", index=False)
    with pytest.raises(IntakeError) as refused:
        ImagePool(folder, LABELS, SIDE)
    message = str(refused.value)
    assert message.startswith(f"{folder / 'manifest.csv'}:")
    for problem in ("split not one of train, valid, test on line(s) 2", "labels other than 0 or 1 on line(s) 3",
                    "line 4: '../1.png' is not a path inside", "line 5: 1.png is listed before"):
        assert problem in message, message
    table.drop(columns="no finding").assign(pneumonia=0).to_csv(folder / "manifest.csv", index=False)
    with pytest.raises(IntakeError, match=r"columns missing: no finding\n.*columns that are not labels of this arm: "
                       r"pneumonia \(its labels: effusion, no finding\)"):
        ImagePool(folder, LABELS, SIDE)
    with pytest.raises(IntakeError, match="elsewhere/manifest.csv: no manifest"):
        ImagePool(tmp_path / "elsewhere", LABELS, SIDE)


@pytest.mark.parametrize(("pixels", "problem"), [
    (np.zeros((16, 16), np.uint8), "16 x 16 px, this arm's images are 8 x 8 px"),
    (np.stack([np.full((SIDE, SIDE), 200, np.uint8), *[np.zeros((SIDE, SIDE), np.uint8)] * 2], axis=-1),
     "a RGB image; expected a greyscale PNG"),
    (None, "listed in .*manifest.csv but missing"),
])
def test_an_image_of_another_size_in_colour_or_missing_is_refused_by_name(tmp_path, pixels, problem):
    folder = _source(tmp_path, [("train", EFFUSION)])
    if pixels is None:
        (folder / "0.png").unlink()
    else:
        Image.fromarray(pixels).save(folder / "0.png")
    with pytest.raises(ValueError, match=f"0.png: {problem}"):
        ImagePool(folder, LABELS, SIDE).sampler("train")(np.array([EFFUSION], np.float32), 0)


def test_a_perturbed_copy_stays_near_its_original_and_is_seeded():
    from synthbench.outside.controls import Perturbation

    rng = np.random.default_rng(0)
    image = (np.add.outer(np.arange(16), np.arange(16)) * 7 % 256).astype(np.uint8)
    perturb = Perturbation(shift=1, noise_sd=2.0, jpeg_quality=90, flip=0.0)
    copy = perturb(image, np.random.default_rng(1))
    assert copy.shape == image.shape and copy.dtype == np.uint8
    np.testing.assert_array_equal(copy, perturb(image, np.random.default_rng(1)))
    other = rng.integers(0, 256, image.shape)
    correlation = lambda a, b: np.corrcoef(a.ravel(), b.ravel())[0, 1]  # noqa: E731
    assert correlation(copy, image) > 0.8 > correlation(other, image), "a disguised copy, still a copy"
    assert not np.array_equal(copy, image)
    mirrored = Perturbation(shift=0, noise_sd=0.0, jpeg_quality=95, flip=1.0)(image, rng).astype(int)
    assert np.abs(mirrored - image[:, ::-1]).mean() < np.abs(mirrored - image).mean() / 4, "flip 1: always mirrored"


def test_copycat_splits_are_the_bases_with_the_planted_share_of_rows_copied_from_training_images(tmp_path):
    import json

    from synthbench import records
    from synthbench.names import SPLITS
    from synthbench.outside.controls import write_copycat_splits

    data, base, out = (tmp_path / name for name in ("data", "base", "out"))
    for folder in (data, base, out):
        folder.mkdir()
    real_labels = np.array([EFFUSION] * 3 + [NORMAL] * 3, np.float32)
    real_images = np.stack([np.full((SIDE, SIDE), 100 + 20 * index, np.uint8) for index in range(6)])
    with records.RecordWriter(data / "train.tfrecord") as writer:
        writer.write(real_images, real_labels, np.arange(50, 56))
    pd.DataFrame({"image_id": np.arange(50, 56), "patient_id": "p", **dict(zip(LABELS, real_labels.T.astype(int),
                                                                                strict=True))}).to_csv(
        data / "train.csv", index=False)
    (data / "meta.json").write_text(json.dumps({"labels": LABELS, "resolution": SIDE}))
    labels = np.array([EFFUSION, NORMAL] * 10, np.float32)
    for split in SPLITS:
        with records.RecordWriter(base / f"{split}.tfrecord") as writer:
            writer.write(np.zeros((20, SIDE, SIDE), np.uint8), labels, -np.arange(1, 21))
        columns = dict(zip(LABELS, labels.T.astype(int), strict=True))
        pd.DataFrame({"image_id": -np.arange(1, 21), "patient_id": "synthetic", **columns}).to_csv(
            base / f"{split}.csv", index=False)
    untouched = {"copy_fraction": 0.25, "shift": 0, "noise_sd": 0.0, "jpeg_quality": 95, "flip": 0.0}
    planted = write_copycat_splits(base, data, untouched, 3, out)
    assert planted.groupby("split").size().to_dict() == {"train": 5, "valid": 5, "test": 5}
    for split in SPLITS:
        assert (out / f"{split}.csv").read_bytes() == (base / f"{split}.csv").read_bytes()
        images, written_labels, ids = records.read_records(out / f"{split}.tfrecord", len(LABELS), SIDE)
        np.testing.assert_array_equal(written_labels, labels)
        copies = planted[planted["split"] == split].set_index("image_id")["real_image_id"]
        for image, label, image_id in zip(images, written_labels, ids, strict=True):
            if image_id not in copies.index:
                assert (image == 0).all(), "the other rows are the base's"
                continue
            source = copies[image_id] - 50
            assert (real_labels[source] == label).all(), "a copy of a training image of the row's labels"
            assert abs(int(image.mean()) - int(real_images[source].mean())) <= 2, "JPEG at 95 barely changes it"
    again = write_copycat_splits(base, data, untouched, 3, tmp_path)
    assert again.equals(planted), "seeded"


def test_the_overfit_subset_is_whole_patients_until_enough_images_seeded_with_their_images(tmp_path):
    import json

    from synthbench import records
    from synthbench.outside.controls import write_training_subset

    data = tmp_path / "data"
    data.mkdir()
    patients = np.repeat(["a", "b", "c", "d", "e"], [1, 2, 3, 4, 5])  # 15 images
    labels = np.array([EFFUSION, NORMAL] * 7 + [EFFUSION], np.float32)
    images = np.stack([np.full((SIDE, SIDE), row, np.uint8) for row in range(15)])
    with records.RecordWriter(data / "train.tfrecord") as writer:
        writer.write(images, labels, np.arange(100, 115))
    pd.DataFrame({"image_id": np.arange(100, 115), "patient_id": patients,
                  **dict(zip(LABELS, labels.T.astype(int), strict=True))}).to_csv(data / "train.csv", index=False)
    (data / "meta.json").write_text(json.dumps({"labels": LABELS, "resolution": SIDE}))
    chosen = write_training_subset(data, 6, seed=2, out=tmp_path / "out")
    kept = chosen["patient_id"].unique()
    assert len(chosen) >= 6 and len(chosen) == (patients[np.isin(patients, kept)]).size, "whole patients"
    sizes = pd.Series(patients).value_counts()
    assert len(chosen) - sizes[kept].max() < 6, "no patient more than needed: without the last one, too few"
    written, written_labels, ids = records.read_records(tmp_path / "out/train.tfrecord", len(LABELS), SIDE)
    assert ids.tolist() == chosen["image_id"].tolist() == pd.read_csv(tmp_path / "out/train.csv")["image_id"].tolist()
    np.testing.assert_array_equal(written[:, 0, 0], ids - 100)  # each image is its own
    np.testing.assert_array_equal(written_labels, labels[ids - 100])
    again = write_training_subset(data, 6, seed=2, out=tmp_path / "again")
    assert again.equals(chosen), "seeded"
    others = {tuple(sorted(write_training_subset(data, 6, seed, tmp_path / f"s{seed}")["patient_id"].unique()))
              for seed in range(3, 9)}
    assert len(others) > 1, "another seed, other patients"
    assert len(write_training_subset(data, 99, seed=2, out=tmp_path / "all")) == 15, "at most every image"
