"""Indexing raw downloads: label conventions, frontal filter, patients, skipped inputs and layout errors."""

import csv
import itertools
import shutil

import numpy as np
import pandas as pd
import pydicom
import pytest
from PIL import Image
from pydicom.data import get_testdata_file

from synthbench.datasets.errors import LayoutError
from synthbench.datasets.index import build_index
from synthbench.datasets.manifest import read_manifest, write_tables
from synthbench.datasets.rsna import read_labels
from synthbench.demo_data.brain import write_rsna
from synthbench.raw_formats import CHEXPERT_COLUMNS, CHEXPERT_FINDINGS

FINDINGS = list(CHEXPERT_FINDINGS)
BRAIN_LABELS = ["epidural", "intraparenchymal", "intraventricular", "subarachnoid", "subdural", "no finding"]


@pytest.fixture
def index(tmp_path):
    """Runs a whole index job (manifest, skipped, 16 px cache) into a fresh folder per call."""
    calls = itertools.count()

    def run(dataset, raw_dir, labels, side=16, **options):
        out = tmp_path / f"index{next(calls)}"
        return build_index(dataset, raw_dir, labels, side, out / "manifest.csv", out / "skipped.csv",
                           out / f"images_{side}.h5", **options)
    return run


def chexpert_folder(tmp_path, rows):
    """A CheXpert-v1.0-small folder with one small JPEG per row; `rows` are (path, view, {finding: cell})."""
    root = tmp_path / "CheXpert-v1.0-small"
    root.mkdir()
    with open(root / "train.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CHEXPERT_COLUMNS)
        for path, view, cells in rows:
            writer.writerow([path, "Female", 50, view, "AP" if view == "Frontal" else "",
                             *[cells.get(name, "") for name in FINDINGS]])
            image = tmp_path / path
            image.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(np.full((40, 32), 100, np.uint8)).save(image)
    return root


def view(patient, study, frontal=True):
    kind = "frontal" if frontal else "lateral"
    return f"CheXpert-v1.0-small/train/patient{patient:05d}/study{study}/view{1 if frontal else 2}_{kind}.jpg"


def test_chexpert_label_conventions_frontal_filter_and_patients(tmp_path, index):
    root = chexpert_folder(tmp_path, [
        (view(1, 1), "Frontal", {"Edema": "1.0", "Cardiomegaly": "-1.0", "Fracture": "0.0"}),
        (view(1, 1, frontal=False), "Lateral", {"Edema": "1.0"}),
        (view(1, 2), "Frontal", {"Cardiomegaly": "0.0"}),  # no positive: dropped
        (view(2, 1), "Frontal", {"No Finding": "1.0"}),
        (view(3, 1), "Frontal", {"Pneumonia": "-1.0"}),  # positive only through U-Ones
    ])
    manifest, skipped = index("chest", root, FINDINGS, uncertain_as=1)
    assert list(manifest.columns) == ["image_id", "path", "patient_id", *FINDINGS]
    assert list(manifest["path"]) == ["train/patient00001/study1/view1_frontal.jpg",
                                      "train/patient00002/study1/view1_frontal.jpg",
                                      "train/patient00003/study1/view1_frontal.jpg"]
    assert list(manifest["patient_id"]) == ["patient00001", "patient00002", "patient00003"]
    assert list(manifest["image_id"]) == [0, 1, 2]
    first = manifest.iloc[0]
    assert (first["Edema"], first["Cardiomegaly"], first["Fracture"], first["Lung Lesion"]) == (1, 1, 0, 0)
    assert skipped.empty
    u_zeros, _ = index("chest", root, FINDINGS, uncertain_as=0)
    assert list(u_zeros["patient_id"]) == ["patient00001", "patient00002"], "U-Zeros leaves patient 3 empty"
    assert u_zeros.iloc[0]["Cardiomegaly"] == 0


def test_chexpert_bad_images_are_skipped_with_reasons(tmp_path, index):
    rows = [(view(p, 1), "Frontal", {"Edema": "1.0"}) for p in range(1, 6)]
    root = chexpert_folder(tmp_path, rows)
    (tmp_path / view(1, 1)).unlink()
    (tmp_path / view(2, 1)).write_bytes(b"")
    (tmp_path / view(3, 1)).write_bytes(b"\xff\xd8 garbage")
    good = (tmp_path / view(5, 1)).read_bytes()
    (tmp_path / view(4, 1)).write_bytes(good[: len(good) // 2])
    manifest, skipped = index("chest", root, FINDINGS, uncertain_as=1, processes=2)
    assert list(manifest["patient_id"]) == ["patient00005"]
    reasons = dict(zip(skipped["path"], skipped["reason"], strict=True))
    assert reasons["train/patient00001/study1/view1_frontal.jpg"] == "missing file"
    assert reasons["train/patient00002/study1/view1_frontal.jpg"] == "zero-byte file"
    assert reasons["train/patient00003/study1/view1_frontal.jpg"].startswith("unreadable image")
    assert reasons["train/patient00004/study1/view1_frontal.jpg"].startswith("unreadable image")


def test_chexpert_layout_errors_name_file_and_problem(tmp_path, index):
    root = chexpert_folder(tmp_path, [(view(1, 1), "Frontal", {"Edema": "1.0"})])
    table = pd.read_csv(root / "train.csv")
    table.drop(columns=["Edema"]).to_csv(root / "train.csv", index=False)
    with pytest.raises(LayoutError, match=r"train.csv: missing column\(s\) \['Edema'\]"):
        index("chest", root, FINDINGS)
    table.assign(Edema="yes").to_csv(root / "train.csv", index=False)
    with pytest.raises(LayoutError, match=r"not 1.0, 0.0, -1.0 or blank, first in column 'Edema'.*'yes'"):
        index("chest", root, FINDINGS)
    with pytest.raises(LayoutError, match="must be the CheXpert-v1.0-small folder"):
        index("chest", tmp_path, FINDINGS)
    assert not list(tmp_path.rglob("*.h5*")) and not list(tmp_path.rglob("*manifest.csv*")), \
        "a failed index leaves no cache or manifest, not even a partial one"


@pytest.fixture(scope="module")
def rsna(tmp_path_factory):
    root = tmp_path_factory.mktemp("rsna")
    write_rsna(root, seed=3, patients=30, slices=(4, 6), haemorrhage_fraction=0.5, size=48)
    return root


def fresh_copy(rsna, tmp_path):
    return shutil.copytree(rsna, tmp_path / "rsna")


def test_rsna_labels_patients_and_normal_count(rsna, index):
    labels = read_labels(rsna / "stage_2_train.csv")
    normal_total = int(labels["no finding"].sum())
    manifest, skipped = index("brain", rsna, BRAIN_LABELS, normal_images=normal_total // 2, seed=0)
    assert skipped.empty
    assert int(manifest["no finding"].sum()) == normal_total // 2
    assert int((manifest["no finding"] == 0).sum()) == int((labels["no finding"] == 0).sum()), "all bleeds kept"
    assert (manifest[BRAIN_LABELS[:5]].sum(axis=1).gt(0) == manifest["no finding"].eq(0)).all()
    first = manifest.iloc[0]
    ds = pydicom.dcmread(rsna / first["path"], stop_before_pixels=True)
    assert first["patient_id"] == ds.PatientID
    again, _ = index("brain", rsna, BRAIN_LABELS, normal_images=normal_total // 2, seed=0)
    other, _ = index("brain", rsna, BRAIN_LABELS, normal_images=normal_total // 2, seed=1)
    assert again.equals(manifest) and not other.equals(manifest)


def test_rsna_bad_files_are_skipped_and_normals_replaced(rsna, tmp_path, index):
    root = fresh_copy(rsna, tmp_path)
    labels = read_labels(root / "stage_2_train.csv")
    bleeds = list(labels.index[labels["no finding"] == 0])
    normals = list(labels.index[labels["no finding"] == 1])
    (root / f"stage_2_train/{bleeds[0]}.dcm").unlink()
    (root / f"stage_2_train/{bleeds[1]}.dcm").write_bytes(b"")
    shutil.copy(get_testdata_file("MR_small.dcm"), root / f"stage_2_train/{bleeds[2]}.dcm")
    ds = pydicom.dcmread(root / f"stage_2_train/{bleeds[3]}.dcm")
    del ds.PixelData
    ds.save_as(root / f"stage_2_train/{bleeds[3]}.dcm")
    for sop in normals:  # every normal file broken but the ones needed
        if sop not in normals[-5:]:
            (root / f"stage_2_train/{sop}.dcm").write_bytes(b"junk")
    manifest, skipped = index("brain", root, BRAIN_LABELS, normal_images=5, seed=0, processes=2)
    assert int(manifest["no finding"].sum()) == 5, "broken normals replaced from the seeded order"
    reasons = dict(zip(skipped["path"], skipped["reason"], strict=True))
    assert reasons[f"stage_2_train/{bleeds[0]}.dcm"] == "missing file"
    assert reasons[f"stage_2_train/{bleeds[1]}.dcm"] == "zero-byte file"
    assert reasons[f"stage_2_train/{bleeds[2]}.dcm"].startswith("not a CT image")
    assert reasons[f"stage_2_train/{bleeds[3]}.dcm"] == "DICOM without pixel data"
    bad_bleeds = [reasons[f"stage_2_train/{sop}.dcm"] for sop in bleeds[:4]]
    assert len(manifest) + len(bad_bleeds) == len(bleeds) + 5, "every bleed is either kept or skipped"
    with pytest.raises(LayoutError, match=r"only 5 usable normal images, datasets.brain.normal_images asks for 6"):
        index("brain", root, BRAIN_LABELS, normal_images=6, seed=0)


def test_rsna_layout_errors(rsna, tmp_path, index):
    root = fresh_copy(rsna, tmp_path)
    rows = (root / "stage_2_train.csv").read_text().splitlines()
    (root / "stage_2_train.csv").write_text("\n".join(rows[:-1]) + "\n")
    with pytest.raises(LayoutError, match="expected six per image"):
        read_labels(root / "stage_2_train.csv")
    swapped = rows[:1] + [rows[2], rows[1]] + rows[3:]
    (root / "stage_2_train.csv").write_text("\n".join(swapped) + "\n")
    with pytest.raises(LayoutError, match=r"rows 2-7 .* expected \['epidural'"):
        read_labels(root / "stage_2_train.csv")
    (root / "stage_2_train.csv").write_text("Image,Label\n")
    with pytest.raises(LayoutError, match=r"columns \['Image', 'Label'\], expected \['ID', 'Label'\]"):
        read_labels(root / "stage_2_train.csv")
    with pytest.raises(LayoutError, match="normal images, datasets.brain.normal_images asks for 100000"):
        index("brain", rsna, BRAIN_LABELS, normal_images=100000, seed=0)


def test_tables_are_written_completely_or_not_at_all(tmp_path):
    manifest = pd.DataFrame({"image_id": [0], "path": ["a.jpg"], "patient_id": ["p1"], "Edema": [1]})
    write_tables(manifest, pd.DataFrame(columns=["path", "reason"]), tmp_path / "m.csv", tmp_path / "s.csv")
    assert read_manifest(tmp_path / "m.csv").equals(manifest)
    assert not list(tmp_path.glob("partial-*"))
