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

from conftest import wrapped_twin
from synthbench.datasets.cache import read_cache
from synthbench.datasets.errors import LayoutError
from synthbench.datasets.index import build_index
from synthbench.datasets.manifest import read_manifest, write_tables
from synthbench.datasets.raw_paths import RawFolder
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
    table.assign(**{"Frontal/Lateral": ""}).to_csv(root / "train.csv", index=False)
    with pytest.raises(LayoutError, match=r"1 row\(s\) have a Frontal/Lateral cell other than Frontal or Lateral, "
                                          r"first row 2 \(CheXpert-v1.0-small/train/patient00001.*\): nan"):
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


def test_rsna_labels_patients_and_normal_count(rsna, index, tmp_path):
    labels, _ = read_labels(rsna / "stage_2_train.csv")
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
    for name in ("manifest.csv", "skipped.csv", "images_16.h5"):
        assert (tmp_path / "index0" / name).read_bytes() == (tmp_path / "index1" / name).read_bytes(), name


def test_rsna_bad_files_are_skipped_and_normals_replaced(rsna, tmp_path, index):
    root = fresh_copy(rsna, tmp_path)
    labels, _ = read_labels(root / "stage_2_train.csv")
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


def test_empty_and_header_only_label_tables_stop_the_index_naming_the_file(tmp_path, index):
    root = chexpert_folder(tmp_path, [(view(1, 1), "Frontal", {"Edema": "1.0"})])
    (root / "train.csv").write_text("")
    with pytest.raises(LayoutError, match=r"train.csv: empty file"):
        index("chest", root, FINDINGS)
    (root / "train.csv").write_text(",".join(CHEXPERT_COLUMNS) + "\n")
    with pytest.raises(LayoutError, match=r"train.csv: no frontal image with a positive label among its 0 rows"):
        index("chest", root, FINDINGS)
    brain = tmp_path / "rsna"
    brain.mkdir()
    (brain / "stage_2_train.csv").write_text("")
    with pytest.raises(LayoutError, match=r"stage_2_train.csv: empty file"):
        index("brain", brain, BRAIN_LABELS)
    (brain / "stage_2_train.csv").write_text("ID,Label\n")
    with pytest.raises(LayoutError, match=r"stage_2_train.csv: no rows below the header"):
        index("brain", brain, BRAIN_LABELS)


def test_an_index_without_one_usable_image_stops_with_the_reasons(tmp_path, index):
    root = chexpert_folder(tmp_path, [(view(p, 1), "Frontal", {"Edema": "1.0"}) for p in (1, 2, 3)])
    for p in (1, 2):
        (tmp_path / view(p, 1)).unlink()
    (tmp_path / view(3, 1)).write_bytes(b"")
    with pytest.raises(LayoutError, match=r"no usable image; 3 listed were skipped, most often for missing file "
                                          r"\(2\); zero-byte file \(1\)"):
        index("chest", root, FINDINGS)


def write_jpeg(path, side=40):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((side, side), 100, np.uint8)).save(path)


def test_chexpert_paths_must_stay_inside_raw_dir(tmp_path, index):
    elsewhere = tmp_path / "elsewhere"
    for patient in (7, 8, 99999):
        write_jpeg(elsewhere / f"patient{patient:05d}/study1/view1_frontal.jpg")
    absolute = str(elsewhere / "patient99999/study1/view1_frontal.jpg")
    climbing = "CheXpert-v1.0-small/train/patient00001/../../../elsewhere/patient00007/study1/view1_frontal.jpg"
    staying = "CheXpert-v1.0-small/train/patient00009/../patient00002/study2/view1_frontal.jpg"
    root = chexpert_folder(tmp_path, [(view(1, 1), "Frontal", {"Edema": "1.0"}),
                                      (view(2, 1), "Frontal", {"Edema": "1.0"})])
    (root / "train/patient00008").symlink_to(elsewhere / "patient00008")
    write_jpeg(root / "train/patient00002/study2/view1_frontal.jpg")
    rows = pd.read_csv(root / "train.csv")
    extra = rows.iloc[[0] * 4].assign(Path=[absolute, climbing, view(8, 1), staying])
    pd.concat([rows, extra]).to_csv(root / "train.csv", index=False)
    manifest, skipped = index("chest", root, FINDINGS)
    assert list(manifest["path"]) == ["train/patient00001/study1/view1_frontal.jpg",
                                      "train/patient00002/study1/view1_frontal.jpg",
                                      "train/patient00002/study2/view1_frontal.jpg"]
    assert list(manifest["patient_id"]) == ["patient00001", "patient00002", "patient00002"], \
        "the patient of a path with `..` is read from the path it leads to"
    assert list(skipped["reason"]) == ["path outside raw_dir"] * 3
    assert list(skipped["path"]) == [absolute, climbing.removeprefix("CheXpert-v1.0-small/"),
                                     view(8, 1).removeprefix("CheXpert-v1.0-small/")]


def test_chexpert_repeated_rows_are_kept_once_and_conflicting_ones_stop(tmp_path, index):
    root = chexpert_folder(tmp_path, [(view(1, 1), "Frontal", {"Edema": "1.0"}),
                                      (view(2, 1), "Frontal", {"Edema": "1.0"})])
    rows = pd.read_csv(root / "train.csv")
    pd.concat([rows, rows.iloc[[0]]]).to_csv(root / "train.csv", index=False)
    manifest, skipped = index("chest", root, FINDINGS)
    assert list(manifest["path"]) == [view(p, 1).removeprefix("CheXpert-v1.0-small/") for p in (1, 2)]
    assert skipped.to_dict("records") == [{"path": "train/patient00001/study1/view1_frontal.jpg",
                                           "reason": "duplicate of CSV row 2"}]
    pd.concat([rows, rows.iloc[[0]].assign(Edema=0.0, Fracture=1.0)]).to_csv(root / "train.csv", index=False)
    with pytest.raises(LayoutError, match=r"train.csv: rows 2 and 4 list train/patient00001/study1/view1_frontal.jpg "
                                          r"with different labels"):
        index("chest", root, FINDINGS)


def test_images_below_the_minimum_side_are_skipped_with_their_size(tmp_path, index):
    root = chexpert_folder(tmp_path, [(view(p, 1), "Frontal", {"Edema": "1.0"}) for p in (1, 2)])
    write_jpeg(tmp_path / view(1, 1), side=1)
    manifest, skipped = index("chest", root, FINDINGS, min_side=32)
    assert list(manifest["patient_id"]) == ["patient00002"]
    assert list(skipped["reason"]) == ["image 1x1 px, its short side is below min_side 32 px"]


def test_rsna_names_leading_outside_and_repeated_blocks(rsna, tmp_path, index):
    root = fresh_copy(rsna, tmp_path)
    rows = (root / "stage_2_train.csv").read_text().splitlines()
    first_block = rows[1:7]
    escaping = [row.replace(row.split(",")[0].rsplit("_", 1)[0], "ID_../../../../x") for row in rows[7:13]]
    shutil.copy(root / f"stage_2_train/{rows[7].split(',')[0].rsplit('_', 1)[0]}.dcm", tmp_path / "x.dcm")
    (root / "stage_2_train.csv").write_text("\n".join([*rows[:7], *escaping, *rows[13:], *first_block]) + "\n")
    labels, repeats = read_labels(root / "stage_2_train.csv")
    sop = first_block[0].split(",")[0].rsplit("_", 1)[0]
    assert repeats == [(f"stage_2_train/{sop}.dcm", "duplicate of CSV rows 2-7")]
    manifest, skipped = index("brain", root, BRAIN_LABELS, normal_images=0)
    reasons = dict(zip(skipped["path"], skipped["reason"], strict=True))
    assert reasons[f"stage_2_train/{sop}.dcm"] == "duplicate of CSV rows 2-7"
    assert reasons["stage_2_train/ID_../../../../x.dcm"] == "path outside raw_dir"
    assert manifest["path"].str.startswith("stage_2_train/ID_").all() and manifest["path"].is_unique
    changed = [first_block[0].replace(",0", ",1")] + first_block[1:] if first_block[0].endswith(",0") else \
        [first_block[0].replace(",1", ",0")] + first_block[1:]
    (root / "stage_2_train.csv").write_text("\n".join([rows[0], "../../x_epidural,0", *rows[2:]]) + "\n")
    with pytest.raises(LayoutError, match=r"row 2 has ID '../../x_epidural', expected ID_<sop>_<subtype>"):
        read_labels(root / "stage_2_train.csv")
    (root / "stage_2_train.csv").write_text("\n".join([*rows, *changed]) + "\n")
    with pytest.raises(LayoutError, match=rf"image {sop} is listed in rows 2-7 and rows {len(rows) + 1}-"
                                          rf"{len(rows) + 6} with different labels"):
        read_labels(root / "stage_2_train.csv")


def test_rsna_wrapped_twelve_bit_slices_are_corrected_and_counted(rsna, tmp_path, index, capsys):
    before, _ = index("brain", rsna, BRAIN_LABELS, normal_images=4, seed=0)
    assert "brain index: 0 slice(s) corrected" in capsys.readouterr().err
    root = fresh_copy(rsna, tmp_path)
    for path in before["path"][:3]:
        ds = pydicom.dcmread(root / path)
        air = int(-1000 - float(ds.RescaleIntercept))  # the quirk's slices have no values below -1000 HU
        ds.PixelData = np.maximum(ds.pixel_array, air).astype(np.int16).tobytes()
        wrapped_twin(ds).save_as(root / path)
    after, _ = index("brain", root, BRAIN_LABELS, normal_images=4, seed=0)
    assert "brain index: 3 slice(s) corrected for the wrapped 12-bit encoding" in capsys.readouterr().err
    assert after.equals(before)
    caches = sorted(tmp_path.glob("index*/images_16.h5"))
    np.testing.assert_array_equal(read_cache(caches[0]), read_cache(caches[1]))


def test_raw_folder_follows_links_of_folders_and_files_as_resolve_does(tmp_path):
    """The remembered folder-by-folder walk gives what Path.resolve gives: links inside the folder are kept,
    links (of files or folders, through links) leading out are refused."""
    root, outside = tmp_path / "raw", tmp_path / "outside"
    for folder in (root / "train/p1/s1", root / "train/p2/s1", outside / "p9/s1"):
        folder.mkdir(parents=True)
    for file in (root / "train/p1/s1/a.jpg", root / "train/p2/s1/b.jpg", outside / "p9/s1/c.jpg"):
        file.write_bytes(b"x")
    (root / "train/p1/s1/in.jpg").symlink_to(root / "train/p2/s1/b.jpg")
    (root / "train/p1/s1/out.jpg").symlink_to(outside / "p9/s1/c.jpg")
    (root / "train/p3").symlink_to(root / "train/p2")
    (root / "train/p4").symlink_to(outside / "p9")
    (root / "train/p5").symlink_to(root / "train/p4")  # a link to a link leading out
    raw = RawFolder(root)
    listed = ["train/p1/s1/a.jpg", "train/p1/s1/in.jpg", "train/p1/s1/out.jpg", "train/p3/s1/b.jpg",
              "train/p4/s1/c.jpg", "train/p5/s1/c.jpg", "train/p3/s1/missing.jpg", "train/p4/s1/missing.jpg"]
    expected = [path if (root / path).resolve().is_relative_to(root.resolve()) else None for path in listed]
    assert [raw.inside(path) for path in listed] == expected
    assert expected == [*listed[:2], None, listed[3], None, None, listed[6], None]
