"""The demo raw data reads back like the real downloads and carries learnable, label-dependent structure."""

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
from PIL import Image
from pydicom.pixels import apply_modality_lut
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from synthbench.demo_data.brain import write_rsna
from synthbench.demo_data.chest import write_chexpert
from synthbench.demo_data.difficulty import Conspicuity, LabelNoise
from synthbench.raw_formats import (
    CHEXPERT_COLUMNS,
    CHEXPERT_FINDINGS,
    RSNA_HAEMORRHAGES,
    RSNA_SUBTYPES,
)

CHEST = dict(train_patients=500, valid_patients=12, max_studies=3, lateral_fraction=0.25, width=80,
             heights=(90, 104))
BRAIN = dict(patients=160, slices=(4, 9), haemorrhage_fraction=0.55, size=96)


def make_chest(root: Path, seed: int = 0, **overrides) -> Path:
    out = root / "CheXpert-v1.0-small"
    out.mkdir(parents=True)
    write_chexpert(out, seed=seed, **{**CHEST, **overrides})
    return out


def make_brain(root: Path, seed: int = 0, **overrides) -> Path:
    write_rsna(root, seed=seed, **{**BRAIN, **overrides})
    return root


@pytest.fixture(scope="module")
def chest(tmp_path_factory) -> Path:
    return make_chest(tmp_path_factory.mktemp("chest"))


@pytest.fixture(scope="module")
def brain(tmp_path_factory) -> Path:
    return make_brain(tmp_path_factory.mktemp("brain"))


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- CheXpert layout ---

def test_chexpert_csv_columns_and_value_conventions(chest):
    train = pd.read_csv(chest / "train.csv")
    valid = pd.read_csv(chest / "valid.csv")
    for table in (train, valid):
        assert tuple(table.columns) == CHEXPERT_COLUMNS
    findings = list(CHEXPERT_FINDINGS)
    train_values = set(np.unique(train[findings].to_numpy(dtype=float)[~train[findings].isna().to_numpy()]))
    assert train_values == {-1.0, 0.0, 1.0}
    assert train[findings].isna().any().any(), "train.csv leaves unmentioned findings blank"
    assert set(np.unique(valid[findings].to_numpy(dtype=float))) <= {0.0, 1.0}
    assert not valid[findings].isna().any().any()
    assert set(train["Sex"]) <= {"Male", "Female", "Unknown"}
    assert train["Age"].between(18, 100).all()


def test_chexpert_paths_views_and_patients(chest):
    train = pd.read_csv(chest / "train.csv", keep_default_na=False)
    pattern = re.compile(r"^CheXpert-v1\.0-small/train/patient(\d{5})/study(\d+)/view(\d)_(frontal|lateral)\.jpg$")
    matches = [pattern.match(path) for path in train["Path"]]
    assert all(matches)
    assert all((chest.parent / path).is_file() for path in train["Path"])
    kinds = [m.group(4) for m in matches]
    assert [k.capitalize() for k in kinds] == list(train["Frontal/Lateral"])
    assert set(train.loc[train["Frontal/Lateral"] == "Frontal", "AP/PA"]) == {"AP", "PA"}
    assert set(train.loc[train["Frontal/Lateral"] == "Lateral", "AP/PA"]) == {""}
    assert 0.1 < kinds.count("lateral") / len(kinds) < 0.3
    studies = {(m.group(1), m.group(2)) for m in matches}
    studies_per_patient = pd.Series([p for p, _ in studies]).value_counts()
    assert studies_per_patient.max() > 1, "several studies per patient"
    valid = pd.read_csv(chest / "valid.csv")
    valid_patients = set(valid["Path"].str.extract(r"patient(\d+)")[0])
    assert valid_patients.isdisjoint({m.group(1) for m in matches})


def test_chexpert_images_are_portrait_greyscale_jpegs(chest):
    train = pd.read_csv(chest / "train.csv")
    heights = set()
    for path in train.loc[train["Frontal/Lateral"] == "Frontal", "Path"][:50]:
        with Image.open(chest.parent / path) as image:
            assert image.format == "JPEG" and image.mode == "L"
            assert image.width == CHEST["width"] and image.height > image.width
            heights.add(image.height)
            pixels = np.asarray(image)
        assert pixels.min() < 30 and pixels.max() > 150, "dark background and bright structures"
    assert len(heights) > 1, "sizes vary like the real small set"


def test_chexpert_folder_must_carry_its_real_name(tmp_path):
    with pytest.raises(ValueError, match="must be named CheXpert-v1.0-small"):
        write_chexpert(tmp_path / "chexpert", seed=0, **CHEST)


# --- RSNA layout ---

def test_rsna_csv_has_six_rows_per_image_in_official_order(brain):
    table = pd.read_csv(brain / "stage_2_train.csv")
    assert tuple(table.columns) == ("ID", "Label")
    assert len(table) % 6 == 0
    parts = table["ID"].str.extract(r"^(ID_[0-9a-f]{9})_(\w+)$")
    assert not parts.isna().any().any()
    subtypes = parts[1].to_numpy().reshape(-1, 6)
    assert (subtypes == np.array(RSNA_SUBTYPES)).all()
    sops = parts[0].to_numpy().reshape(-1, 6)
    assert (sops == sops[:, :1]).all() and len(set(sops[:, 0])) == len(sops)
    labels = table["Label"].to_numpy().reshape(-1, 6)
    assert set(np.unique(labels)) == {0, 1}
    assert (labels[:, 5] == labels[:, :5].max(axis=1)).all(), "'any' is set exactly when a subtype is"
    assert all((brain / "stage_2_train" / f"{sop}.dcm").is_file() for sop in sops[:, 0])


def test_rsna_dicoms_are_ct_with_hounsfield_rescale(brain):
    files = sorted((brain / "stage_2_train").glob("*.dcm"))
    intercepts, patients = set(), {}
    for path in files[:80]:
        ds = pydicom.dcmread(path)
        assert ds.Modality == "CT" and ds.PhotometricInterpretation == "MONOCHROME2"
        assert ds.file_meta.TransferSyntaxUID == pydicom.uid.ExplicitVRLittleEndian
        assert ds.PixelRepresentation == 1 and ds.pixel_array.dtype == np.int16
        assert ds.RescaleSlope == 1 and "WindowCenter" in ds and "WindowWidth" in ds
        intercepts.add(float(ds.RescaleIntercept))
        patients.setdefault(ds.PatientID, set()).add((ds.StudyInstanceUID, ds.SeriesInstanceUID))
        hu = apply_modality_lut(ds.pixel_array, ds)
        centre = hu[hu.shape[0] // 2 - 4:hu.shape[0] // 2 + 4, hu.shape[1] // 2 - 20:hu.shape[1] // 2 - 10]
        assert -20 < np.median(centre) < 60, f"{path.name}: brain tissue should read as soft-tissue HU"
        assert hu.max() > 700, "the skull is bone"
        assert np.median(hu[:3, :3]) < -900, "air (or padding) outside the head"
    assert intercepts == {-1024.0, 0.0}, "both storage conventions of the real data"
    assert all(len(uids) == 1 for uids in patients.values()), "one study and series per patient"
    slices_per_patient = pd.Series([pydicom.dcmread(p, stop_before_pixels=True).PatientID for p in files])
    assert slices_per_patient.value_counts().min() >= BRAIN["slices"][0]


# --- Determinism ---

def test_same_seed_gives_byte_identical_files(tmp_path):
    small_chest = dict(train_patients=20, valid_patients=2)
    first, second = make_chest(tmp_path / "a", **small_chest), make_chest(tmp_path / "b", **small_chest)
    assert tree_digest(first) == tree_digest(second)
    b1, b2 = make_brain(tmp_path / "c", patients=6), make_brain(tmp_path / "d", patients=6)
    assert tree_digest(b1) == tree_digest(b2)
    other_chest = make_chest(tmp_path / "e", seed=1, **small_chest)
    other_brain = make_brain(tmp_path / "f", seed=1, patients=6)
    assert (other_chest / "train.csv").read_bytes() != (first / "train.csv").read_bytes()
    assert (other_brain / "stage_2_train.csv").read_bytes() != (b1 / "stage_2_train.csv").read_bytes()


# --- Learnable structure of graded difficulty ---
# The demo must show the benchmark's point: real-data classifiers well below a perfect score, plain findings
# easier than subtle ones. Checked with a linear probe on 32 px pixels, trained and tested on different patients.
MEAN_AUROC_BAND = (0.75, 0.95)


def held_out_auroc(features: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> float:
    """AUROC of a linear model on 32 px pixels, trained and tested on different patients."""
    test = np.isin(groups, np.unique(groups)[::4])
    model = LogisticRegression(C=0.05, max_iter=2000).fit(features[~test], labels[~test])
    return roc_auc_score(labels[test], model.decision_function(features[test]))


def test_chest_findings_are_learnable_but_not_trivially_and_plain_ones_more_easily(chest):
    train = pd.read_csv(chest / "train.csv")
    frontal = train[train["Frontal/Lateral"] == "Frontal"]
    pixels = np.stack([np.asarray(Image.open(chest.parent / p).resize((32, 32), Image.LANCZOS), dtype=float)
                       for p in frontal["Path"]]) / 255.0
    labels = frontal[list(CHEXPERT_FINDINGS)].fillna(0).replace(-1.0, 1.0).to_numpy() > 0
    patients = frontal["Path"].str.extract(r"patient(\d+)")[0].to_numpy()
    scores = {}
    for column, name in enumerate(CHEXPERT_FINDINGS):
        if labels[:, column].sum() >= 15:
            scores[name] = held_out_auroc(pixels.reshape(len(pixels), -1), labels[:, column], patients)
    assert set(scores) == set(CHEXPERT_FINDINGS), "every finding has enough positives to be checked"
    assert MEAN_AUROC_BAND[0] < np.mean(list(scores.values())) < MEAN_AUROC_BAND[1], scores
    plain = [scores[name] for name in ("Support Devices", "Pleural Effusion", "Cardiomegaly")]
    subtle = [scores[name] for name in ("Lung Opacity", "Edema", "Consolidation", "Atelectasis")]
    assert min(plain) > 0.88 > max(subtle) and min(subtle) > 0.65, scores


def test_haemorrhage_subtypes_are_learnable_but_not_trivially_and_dense_ones_more_easily(brain):
    table = pd.read_csv(brain / "stage_2_train.csv")
    sops = table["ID"].str[:12].to_numpy()[::6]
    labels = table["Label"].to_numpy().reshape(-1, 6)[:, :5].astype(bool)
    images, patients = [], []
    for sop in sops:
        ds = pydicom.dcmread(brain / "stage_2_train" / f"{sop}.dcm")
        window = np.clip(apply_modality_lut(ds.pixel_array, ds) / 80.0, 0, 1)  # centre 40, width 80
        images.append(np.asarray(Image.fromarray((window * 255).astype(np.uint8)).resize((32, 32), Image.LANCZOS)))
        patients.append(ds.PatientID)
    features = np.stack(images).reshape(len(images), -1) / 255.0
    scores = {name: held_out_auroc(features, labels[:, i], np.array(patients))
              for i, name in enumerate(RSNA_HAEMORRHAGES) if labels[:, i].sum() >= 15}
    assert set(scores) == set(RSNA_HAEMORRHAGES)
    assert MEAN_AUROC_BAND[0] < np.mean(list(scores.values())) < MEAN_AUROC_BAND[1], scores
    dense = [scores[name] for name in ("intraparenchymal", "intraventricular")]
    thin = [scores[name] for name in ("subarachnoid", "subdural")]
    assert min(dense) > 0.89 > max(thin) and min(thin) > 0.75, scores


def test_label_noise_and_conspicuity_draws():
    """Labelled findings go missing and unlabelled ones appear at their configured rates; strengths stay in
    their ranges."""
    rng = np.random.default_rng(0)
    noise = LabelNoise(missed=0.1, incidental=0.2)
    shown = [noise.shown(("a", "b"), ("a", "b", "c", "d"), rng) for _ in range(20_000)]
    kept_a = np.mean(["a" in s for s in shown])
    assert kept_a == pytest.approx(0.9, abs=0.01)
    assert np.mean(["c" in s for s in shown]) == pytest.approx(0.2 / 4, abs=0.006), "c or d, one in four each"
    assert all(s.count("a") <= 1 for s in shown), "an incidental finding is never one already labelled"
    strengths = [Conspicuity(0.2, 0.5).draw(rng) for _ in range(1000)]
    assert 0.2 <= min(strengths) < 0.22 and 0.48 < max(strengths) <= 0.5


def test_a_demo_folder_appears_complete_or_not_at_all(tmp_path, monkeypatch):
    from synthbench.demo_data import brain as brain_module

    write = brain_module._patient_slices

    def fail_at_patient_two(out_dir, patient, *args):
        if patient == 2:
            raise RuntimeError("disk full")
        return write(out_dir, patient, *args)

    monkeypatch.setattr(brain_module, "_patient_slices", fail_at_patient_two)
    with pytest.raises(RuntimeError, match="disk full"):
        write_rsna(tmp_path / "rsna", seed=0, **{**BRAIN, "patients": 4})
    assert not list(tmp_path.iterdir()), "neither the folder nor its partial twin is left"
    monkeypatch.undo()
    write_rsna(tmp_path / "rsna", seed=0, **{**BRAIN, "patients": 4})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["rsna"]
    assert (tmp_path / "rsna/stage_2_train.csv").is_file()
