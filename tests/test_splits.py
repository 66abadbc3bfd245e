"""Arm splits: patient-disjoint, exact class counts, nested samples, fixed valid/test, dropped columns,
TFRecord round trip, determinism, and errors that name arm, value and counts."""

import json
import re
import signal
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import job_environment
from synthbench.datasets.arm_data import build_arm, resize_all
from synthbench.datasets.cache import read_cache
from synthbench.datasets.errors import NotEnoughImages
from synthbench.datasets.index import build_index
from synthbench.datasets.splits import combination_keys, patient_partition, split_arm
from synthbench.demo_data.chest import write_chexpert
from synthbench.raw_formats import CHEXPERT_FINDINGS
from synthbench.records import read_records

FRACTIONS = {"train": 0.8, "valid": 0.1, "test": 0.1}
LABELS = ["a", "b", "c"]


def toy_manifest(seed=0, patients=300):
    """Patients with 1-4 images; four common combinations and a rare one; column c only in the rare one."""
    rng = np.random.default_rng(seed)
    combos = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0], [0, 1, 1]])
    rows = []
    for patient in range(patients):
        combo = combos[rng.choice(5, p=[0.4, 0.3, 0.2, 0.09, 0.01])]
        rows += [(f"p{patient:04d}", *combo)] * int(rng.integers(1, 5))
    table = pd.DataFrame(rows, columns=["patient_id", *LABELS])
    table.insert(0, "path", [f"img{i}.jpg" for i in range(len(table))])
    table.insert(0, "image_id", range(len(table)))
    return table


def arm(manifest, name, value, **settings):
    defaults = {"resolution": {"min_class_images": 20, "valid_images": 30, "test_images": 30},
                "classes": {"values": [3, 2], "train_per_class": [40, 60], "valid_per_class": 5,
                            "test_per_class": 5, "resolution": 32},
                "samples": {"classes": 2, "min_class_images": 1, "valid_per_class": 8, "test_per_class": 8,
                            "resolution": 32}}[name]
    settings = {**defaults, **settings}
    if name == "samples":
        settings.setdefault("values", [value])
    return split_arm(manifest, LABELS, name, value, {name: settings}, FRACTIONS, 0, "toy")


def test_patient_partition_is_disjoint_seeded_and_proportional():
    manifest = toy_manifest()
    partition = patient_partition(manifest["patient_id"], FRACTIONS, seed=0)
    per_patient = pd.DataFrame({"p": manifest["patient_id"], "s": partition}).groupby("p")["s"].nunique()
    assert (per_patient == 1).all()
    shares = pd.Series(partition).groupby(manifest["patient_id"]).first().value_counts(normalize=True)
    assert abs(shares["train"] - 0.8) < 0.01 and abs(shares["valid"] - 0.1) < 0.01
    assert (patient_partition(manifest["patient_id"], FRACTIONS, 0) == partition).all()
    assert not (patient_partition(manifest["patient_id"], FRACTIONS, 1) == partition).all()


@pytest.mark.parametrize("name,value", [("resolution", 32), ("classes", 3), ("classes", 2), ("samples", 20)])
def test_no_patient_in_two_splits(name, value):
    manifest = toy_manifest()
    split = arm(manifest, name, value)
    patients = {s: set(manifest["patient_id"].iloc[rows]) for s, rows in split.rows.items()}
    assert not (patients["train"] & patients["valid"] or patients["train"] & patients["test"]
                or patients["valid"] & patients["test"])


def test_classes_arm_takes_the_top_combinations_with_exact_counts():
    manifest = toy_manifest()
    keys = combination_keys(manifest[LABELS].to_numpy())
    split = arm(manifest, "classes", 3)
    assert split.classes == ["100", "010", "110"]
    for name, per_class in (("train", 40), ("valid", 5), ("test", 5)):
        counts = pd.Series(keys[split.rows[name]]).value_counts()
        assert dict(counts) == {"100": per_class, "010": per_class, "110": per_class}
    two = arm(manifest, "classes", 2)
    assert pd.Series(keys[two.rows["train"]]).value_counts().to_dict() == {"100": 60, "010": 60}


def test_samples_arm_is_nested_with_fixed_valid_and_test():
    manifest = toy_manifest()
    small, large = arm(manifest, "samples", 10), arm(manifest, "samples", 30)
    assert set(small.rows["train"]) < set(large.rows["train"])
    assert len(small.rows["train"]) == 20 and len(large.rows["train"]) == 60
    for name in ("valid", "test"):
        np.testing.assert_array_equal(small.rows[name], large.rows[name])
        assert len(small.rows[name]) == 16


def test_resolution_arm_is_stratified_and_keeps_every_other_train_image():
    manifest = toy_manifest()
    keys = combination_keys(manifest[LABELS].to_numpy())
    partition = patient_partition(manifest["patient_id"], FRACTIONS, 0)
    split = arm(manifest, "resolution", 32)
    assert len(split.rows["valid"]) == 30 and len(split.rows["test"]) == 30
    assert "011" not in split.classes, "the rare combination is below min_class_images"
    expected_train = np.flatnonzero((partition == "train") & np.isin(keys, split.classes))
    np.testing.assert_array_equal(split.rows["train"], expected_train)
    pool = keys[(partition == "valid") & np.isin(keys, split.classes)]
    drawn = pd.Series(keys[split.rows["valid"]]).value_counts()
    for key, share in pd.Series(pool).value_counts(normalize=True).items():
        assert abs(drawn.get(key, 0) - share * 30) <= 1, "class shares of the pool, rounded"


def test_too_few_images_names_arm_value_class_and_counts():
    manifest = toy_manifest()
    with pytest.raises(NotEnoughImages, match=r"dataset toy, arm classes, value 3: class 1 \(100\) in train has "
                                              r"\d+ images, needs 5000"):
        arm(manifest, "classes", 3, train_per_class=[5000, 60])
    with pytest.raises(NotEnoughImages) as every:  # every class and split short, in one message
        arm(manifest, "classes", 3, train_per_class=[5000, 60], test_per_class=4000)
    assert len(re.findall(r"class \d \(\d+\) in (train|test) has \d+ images, needs (5000|4000)", str(every.value))) == 6
    with pytest.raises(NotEnoughImages, match=r"arm resolution, value 32: the valid patients' pool has \d+ images, "
                                              r"needs 100000"):
        arm(manifest, "resolution", 32, valid_images=100000)
    with pytest.raises(NotEnoughImages, match="number of label combinations has 5 images, needs 9"):
        arm(manifest, "samples", 10, classes=9)
    with pytest.raises(NotEnoughImages, match="arm resolution, value 32: the index has no images"):
        arm(manifest.iloc[:0], "resolution", 32)


SPLIT_CONFIG = {"split": FRACTIONS, "arms": {
    "resolution": {"values": [16, 32], "min_class_images": 40, "valid_images": 40, "test_images": 40},
    "samples": {"values": [20, 10], "classes": 3, "min_class_images": 1, "valid_per_class": 6,
                "test_per_class": 6, "resolution": 16}}}


@pytest.fixture(scope="module")
def chest_arm(tmp_path_factory):
    """A real chest index + cache from demo data, and a function building one arm value into a folder."""
    root_dir = tmp_path_factory.mktemp("chest")
    raw = root_dir / "CheXpert-v1.0-small"
    raw.mkdir()
    write_chexpert(raw, seed=0, train_patients=400, valid_patients=1, max_studies=3, lateral_fraction=0.2,
                   width=64, heights=(72, 80))
    manifest, _ = build_index("chest", raw, list(CHEXPERT_FINDINGS), 32, root_dir / "manifest.csv",
                              root_dir / "skipped.csv", root_dir / "images_32.h5")

    def build(arm_name, value, out):
        return build_arm("chest", arm_name, value, root_dir / "manifest.csv", root_dir / "images_32.h5",
                         SPLIT_CONFIG, 0, out)
    return build, manifest, root_dir


def test_tfrecords_round_trip_and_mirror_the_csv(chest_arm, tmp_path):
    build, manifest, _ = chest_arm
    meta = build("samples", 20, tmp_path / "samples20")
    assert meta["resolution"] == 16 and len(meta["classes"]) == 3
    assert meta["dropped_labels"] and not set(meta["dropped_labels"]) & set(meta["labels"])
    for split in ("train", "valid", "test"):
        table = pd.read_csv(tmp_path / "samples20" / f"{split}.csv", dtype={"patient_id": str})
        images, labels, ids = read_records(tmp_path / "samples20" / f"{split}.tfrecord", len(meta["labels"]), 16)
        assert list(table.columns) == ["image_id", "patient_id", *meta["labels"]]
        np.testing.assert_array_equal(ids, table["image_id"])
        np.testing.assert_array_equal(labels, table[meta["labels"]].to_numpy(dtype=np.float32))
        assert images.shape == (len(table), 16, 16) and images.dtype == np.uint8
        truth = manifest.set_index("image_id").loc[table["image_id"], meta["labels"]].to_numpy()
        np.testing.assert_array_equal(labels, truth)
        assert meta["splits"][split]["images"] == len(table)
        assert sum(meta["splits"][split]["images_per_class"].values()) == len(table)
    assert set(meta["splits"]["train"]["images_per_class"].values()) == {20}
    assert labels.any(axis=0).all(), "kept label columns have positives"


def split_command(root_dir, out, arm_name="resolution", value=32) -> list[str]:
    """The split job's command line for the `chest_arm` index, as the workflow runs it."""
    return [sys.executable, "-m", "synthbench", "dataset", "split", "chest", arm_name, str(value),
            "--manifest", str(root_dir / "manifest.csv"), "--cache", str(root_dir / "images_32.h5"),
            "--config-json", json.dumps(SPLIT_CONFIG), "--seed", "0", "--out", str(out)]


def test_pixels_are_the_cache_resized_and_builds_are_byte_identical_across_processes(chest_arm, tmp_path):
    build, manifest, root_dir = chest_arm
    meta = build("resolution", 32, tmp_path / "a")
    subprocess.run(split_command(root_dir, tmp_path / "b"), check=True, capture_output=True, env=job_environment())
    names = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "b").iterdir()) and len(names) == 7
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    cache = read_cache(root_dir / "images_32.h5")
    images, _, ids = read_records(tmp_path / "a" / "test.tfrecord", len(meta["labels"]), 32)
    rows = manifest.index[manifest["image_id"].isin(ids)]
    np.testing.assert_array_equal(images, cache[manifest.set_index("image_id").index.get_indexer(ids)])
    assert len(rows) == 40 == json.loads((tmp_path / "a" / "meta.json").read_text())["splits"]["test"]["images"]
    small = build("resolution", 16, tmp_path / "c")
    images16, _, ids16 = read_records(tmp_path / "c" / "test.tfrecord", len(small["labels"]), 16)
    np.testing.assert_array_equal(ids16, ids)
    np.testing.assert_array_equal(images16, resize_all(images, 16))


KILLED_WHILE_WRITING_VALID = """
import os, signal, sys
from synthbench import records
from synthbench.cli import main

write = records.RecordWriter.write

def write_then_die(self, *args):
    if self.path.name.endswith("valid.tfrecord"):  # train.tfrecord and train.csv are finished by now
        os.kill(os.getpid(), signal.SIGKILL)
    write(self, *args)

records.RecordWriter.write = write_then_die
main(sys.argv[1:])
"""


def test_a_split_job_killed_midway_leaves_no_output_that_looks_complete(chest_arm, tmp_path):
    _, _, root_dir = chest_arm
    command = [sys.executable, "-c", KILLED_WHILE_WRITING_VALID, *split_command(root_dir, tmp_path / "out")[3:]]
    killed = subprocess.run(command, capture_output=True, text=True, env=job_environment())
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert "partial-train.tfrecord" in left and "partial-train.csv" in left, "the finished split was written"
    assert all(name.startswith("partial-") for name in left), f"declared outputs under their final names: {left}"


def test_the_patient_split_is_kept_where_it_meets_the_quotas_and_repaired_where_it_does_not():
    from synthbench.datasets.splits import arm_quotas, quota_partition

    manifest = toy_manifest()
    keys = combination_keys(manifest[LABELS].to_numpy())
    plain = patient_partition(manifest["patient_id"], FRACTIONS, 0)
    np.testing.assert_array_equal(quota_partition(manifest["patient_id"], keys, FRACTIONS, 0, {}), plain)
    in_valid = int(((keys == "110") & (plain == "valid")).sum())
    quotas = {"train": {"110": 60}, "valid": {"110": in_valid + 12}, "test": {"110": 5}}
    repaired = quota_partition(manifest["patient_id"], keys, FRACTIONS, 0, quotas)
    for split, needs in quotas.items():
        assert ((keys == "110") & (repaired == split)).sum() >= needs["110"], split
    assert manifest.assign(split=repaired).groupby("patient_id")["split"].nunique().max() == 1, "whole patients"
    moved = manifest["patient_id"][repaired != plain].unique()
    assert set(keys[manifest["patient_id"].isin(moved)]) >= {"110"} and len(moved) <= 12, "a few patients moved"
    total = int((keys == "110").sum())
    impossible = {"train": {}, "valid": {"110": total + 1}, "test": {}}
    assert ((keys == "110") & (quota_partition(manifest["patient_id"], keys, FRACTIONS, 0, impossible)
                               == "valid")).sum() <= total, "what cannot be met stays short"
    quotas = arm_quotas(keys, {"classes": {"enabled": True, "values": [3, 2], "train_per_class": [40, 60],
                                           "valid_per_class": 5, "test_per_class": 4}})
    ranked = list(pd.Series(keys).value_counts().index[:3])
    assert quotas["train"] == {ranked[0]: 60, ranked[1]: 60, ranked[2]: 40} and set(quotas["test"].values()) == {4}


def test_a_classes_value_the_plain_split_leaves_short_builds_from_the_repaired_split():
    manifest = toy_manifest()
    keys = combination_keys(manifest[LABELS].to_numpy())
    plain = patient_partition(manifest["patient_id"], FRACTIONS, 0)
    third = pd.Series(keys).value_counts().index[2]
    short = int(((keys == third) & (plain == "valid")).sum()) + 5
    split = arm(manifest, "classes", 3, valid_per_class=short)
    assert (keys[split.rows["valid"]] == third).sum() == short
    assert not set(manifest["patient_id"][split.rows["valid"]]) & set(manifest["patient_id"][split.rows["train"]])


def test_combination_keys_spell_each_rows_labels_and_refuse_other_values():
    labels = np.random.default_rng(3).integers(0, 2, (500, 14))
    keys = combination_keys(labels.astype(np.float32))
    assert keys.tolist() == ["".join(str(bit) for bit in row) for row in labels]
    assert combination_keys(np.zeros((2, 0))).tolist() == ["", ""]
    with pytest.raises(ValueError, match="0/1 labels"):
        combination_keys(np.array([[0, -1]]))
