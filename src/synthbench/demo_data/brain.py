"""Writes a small RSNA Intracranial Hemorrhage download: stage_2_train.csv and CT slices as DICOM.

Slices are real CT DICOM files written with pydicom: patient, study and series identifiers in the header,
signed 16-bit stored values that become Hounsfield units through RescaleSlope / RescaleIntercept (two
conventions, as in the real data: intercept -1024 with -2000 padding outside the field of view, and
intercept 0), and WindowCenter / WindowWidth. Each haemorrhage subtype paints blood (~70 HU) in its own
place, so it shows in the brain window (centre 40, width 80). How clearly varies: each subtype has its own
range of blood density (a thin or subacute bleed is nearly as dense as brain), a bleed thins out towards
the ends of the slices it spans, scanner noise and beam-hardening shading hide small changes, and a few
slice labels disagree with the image (`synthbench.demo_data.difficulty`).
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from synthbench.atomic import replacing_folder
from synthbench.demo_data.canvas import Canvas
from synthbench.demo_data.combinations import draw_combination
from synthbench.demo_data.difficulty import Conspicuity, LabelNoise, clutter
from synthbench.progress import Progress
from synthbench.raw_formats import (
    RSNA_CSV_COLUMNS,
    RSNA_HAEMORRHAGES,
    RSNA_IMAGE_DIR,
    RSNA_LABELS_CSV,
    RSNA_SUBTYPES,
    rsna_image_file,
)

# Frequent haemorrhage combinations among bleeding patients (subdural is the most common in RSNA); the
# remaining mass draws random combinations of subtypes.
COMMON_COMBINATIONS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("subdural",), 0.24),
    (("subarachnoid",), 0.17),
    (("intraparenchymal",), 0.14),
    (("intraparenchymal", "intraventricular"), 0.10),
    (("subarachnoid", "subdural"), 0.10),
    (("epidural",), 0.05),
    (("intraventricular",), 0.05),
)
AIR_HU, BONE_HU, BLOOD_HU, CSF_HU = -1000.0, 1200.0, 72.0, 5.0
PADDING_STORED = -2000  # stored value outside the scanner's circular field of view (intercept -1024 files)
NOISE_HU = 8.0  # scanner noise, standard deviation inside the head
LABEL_NOISE = LabelNoise(missed=0.04, incidental=0.03)
# How far blood stands out from brain: 1 is fully dense blood, lower values are thinner or older bleeds.
CONSPICUITY: dict[str, Conspicuity] = {
    "epidural": Conspicuity(0.35, 1.0),
    "intraparenchymal": Conspicuity(0.3, 1.0),
    "intraventricular": Conspicuity(0.25, 1.0),
    "subarachnoid": Conspicuity(0.15, 0.9),
    "subdural": Conspicuity(0.15, 0.9),
}


@dataclass(frozen=True)
class Head:
    """One patient's head; slices through it differ only by height in the head."""

    radius_y: float
    radius_x: float
    shift_y: float
    shift_x: float

    @classmethod
    def draw(cls, rng: np.random.Generator) -> "Head":
        return cls(rng.uniform(0.40, 0.44), rng.uniform(0.33, 0.38), *rng.uniform(-0.02, 0.02, 2))


def render_hu(size: int, head: Head, level: float, subtypes: tuple[str, ...],
              rng: np.random.Generator, extent: float = 1.0) -> np.ndarray:
    """Hounsfield units of one axial slice; `level` in [0, 1] runs from the skull base to the vertex.

    Each subtype's blood is blended into the tissue by a strength drawn from its conspicuity range times
    `extent` (how much of the bleed this slice cuts through, 1 in its middle)."""
    c = Canvas(size, size, fill=AIR_HU)
    cy, cx = 0.5 + head.shift_y, 0.5 + head.shift_x
    shrink = 1.0 - 0.35 * abs(level - 0.45)  # the head is widest a little below its middle
    ry, rx = head.radius_y * shrink, head.radius_x * shrink
    c.paint(c.ellipse(cy, cx, ry + 0.02, rx + 0.02), 30.0)  # scalp
    c.paint(c.ellipse(cy, cx, ry, rx), BONE_HU)  # skull
    brain_ry, brain_rx = ry - 0.035, rx - 0.035
    brain = c.ellipse(cy, cx, brain_ry, brain_rx)
    c.paint(brain, 38.0)  # grey matter
    c.paint(c.ellipse(cy, cx, 0.6 * brain_ry, 0.6 * brain_rx), 27.0)  # white matter
    c.paint(c.segment(cy - brain_ry, cx, cy - 0.25 * brain_ry, cx, 0.01), 45.0)  # falx
    clutter(c, rng, brain, blobs=6, amplitude=6.0, sigma=(0.06, 0.15))  # beam-hardening shading
    strength = {name: CONSPICUITY[name].draw(rng) * extent for name in subtypes}
    ventricles = np.maximum(c.ellipse(cy - 0.02, cx - 0.05, 0.09, 0.035), c.ellipse(cy - 0.02, cx + 0.05, 0.09, 0.035))
    c.paint(ventricles, CSF_HU)
    if "intraventricular" in subtypes:
        c.paint(ventricles * strength["intraventricular"], BLOOD_HU - 5)

    jitter = rng.uniform(-0.015, 0.015, 2)
    if "epidural" in subtypes:  # biconvex lens against the skull on the image's right
        lens = c.ellipse(cy - 0.05 + jitter[0], cx + brain_rx - 0.03, 0.14, 0.07)
        c.paint(lens * brain * strength["epidural"], BLOOD_HU + 5)
    if "subdural" in subtypes:  # thin crescent along the skull on the image's left
        crescent = brain * (1.0 - c.ellipse(cy, cx + 0.035, brain_ry - 0.01, brain_rx - 0.02))
        c.paint(crescent * (c.xx < cx - 0.05) * strength["subdural"], BLOOD_HU)
    if "subarachnoid" in subtypes:  # blood in the interhemispheric and sylvian fissures
        for y1, x1 in ((cy - brain_ry + 0.04, cx), (cy - 0.12, cx - 0.2), (cy - 0.12, cx + 0.2)):
            c.paint(c.segment(cy - 0.08 + jitter[0], cx, y1, x1, 0.028) * strength["subarachnoid"], BLOOD_HU)
    if "intraparenchymal" in subtypes:  # round clot with a dark rim of oedema
        y, x = cy + 0.14 + jitter[0], cx + 0.13 + jitter[1]
        c.paint(c.ellipse(y, x, 0.095, 0.095) * strength["intraparenchymal"], 18.0)
        c.paint(c.ellipse(y, x, 0.07, 0.07) * strength["intraparenchymal"], BLOOD_HU + 3)
    return c.pixels + rng.normal(0.0, NOISE_HU, c.pixels.shape) * (c.pixels > -500)


@dataclass(frozen=True)
class StorageConvention:
    """How stored pixel values map to HU in a file, and the window the scanner suggested."""

    intercept: float
    padding: int | None
    window_center: list[float] | float
    window_width: list[float] | float


CONVENTIONS = (
    StorageConvention(-1024.0, PADDING_STORED, 40.0, 80.0),
    StorageConvention(0.0, None, [40.0, 40.0], [80.0, 80.0]),
)


def to_stored(hu: np.ndarray, convention: StorageConvention) -> np.ndarray:
    """int16 stored values (slope 1) for these HU; outside the circular field of view gets the padding."""
    stored = np.round(hu - convention.intercept)
    if convention.padding is not None:
        size = hu.shape[0]
        yy, xx = np.mgrid[:size, :size]
        outside = (yy - size / 2 + 0.5) ** 2 + (xx - size / 2 + 0.5) ** 2 > (size / 2) ** 2
        stored[outside] = convention.padding
    return np.clip(stored, np.iinfo(np.int16).min, np.iinfo(np.int16).max).astype(np.int16)


def ct_dataset(stored: np.ndarray, convention: StorageConvention, patient_id: str, study_uid: str,
               series_uid: str, sop_uid: str, instance: int, z: float) -> Dataset:
    """A CT Image Storage dataset with file meta, ready for `save_as(..., enforce_file_format=True)`."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, sop_uid
    ds.Modality, ds.PatientID = "CT", patient_id
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
    ds.SeriesNumber, ds.InstanceNumber = 1, instance
    ds.ImagePositionPatient = [-125.0, -125.0, z]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    ds.PixelSpacing = [250.0 / stored.shape[0]] * 2
    ds.SliceThickness = 5.0
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = stored.shape
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = convention.intercept, 1.0, "HU"
    ds.WindowCenter, ds.WindowWidth = convention.window_center, convention.window_width
    ds.PixelData = stored.tobytes()
    return ds


def _hex_id(rng: np.random.Generator, digits: int) -> str:
    return "ID_" + "".join(rng.choice(list("0123456789abcdef"), size=digits))


def _patient_slices(out_dir: Path, patient: int, seed: int, slices: tuple[int, int],
                    haemorrhage_fraction: float, size: int) -> list[tuple[str, tuple[str, ...]]]:
    """Writes one patient's series and returns (sop id, subtypes) per slice."""
    rng = np.random.default_rng([seed, patient])
    head = Head.draw(rng)
    convention = CONVENTIONS[int(rng.random() < 0.3)]
    patient_id = _hex_id(rng, 9)
    study_uid, series_uid = (generate_uid(entropy_srcs=[f"synthbench-demo-{seed}-{patient}-{kind}"])
                             for kind in ("study", "series"))
    count = int(rng.integers(slices[0], slices[1] + 1))
    # How much of the bleed each slice cuts through: thickest in the middle of its run of slices, thinning
    # out towards the run's ends; 0 outside it.
    extent = np.zeros(count)
    subtypes: tuple[str, ...] = ()
    if rng.random() < haemorrhage_fraction:  # blood on a contiguous run of slices
        subtypes = draw_combination(rng, COMMON_COMBINATIONS, RSNA_HAEMORRHAGES)
        run = max(1, int(round(count * rng.uniform(0.5, 0.8))))
        start = int(rng.integers(0, count - run + 1))
        extent[start:start + run] = np.sin(np.pi * (np.arange(run) + 0.5) / run) ** 0.5
    written = []
    for index in range(count):
        sop_id = f"{_hex_id(rng, 9)}"
        labelled = subtypes if extent[index] > 0 else ()
        shown = LABEL_NOISE.shown(labelled, RSNA_HAEMORRHAGES, rng)
        hu = render_hu(size, head, (index + 0.5) / count, shown, rng, extent=extent[index] if labelled else 1.0)
        sop_uid = generate_uid(entropy_srcs=[f"synthbench-demo-{seed}-{patient}-{index}"])
        ds = ct_dataset(to_stored(hu, convention), convention, patient_id, study_uid, series_uid, sop_uid,
                        instance=index + 1, z=5.0 * index)
        ds.save_as(out_dir / rsna_image_file(sop_id), enforce_file_format=True)
        written.append((sop_id, labelled))
    return written


def write_rsna(out_dir: Path, seed: int, patients: int, slices: tuple[int, int], haemorrhage_fraction: float,
               size: int) -> int:
    """Writes `out_dir`/stage_2_train.csv and `out_dir`/stage_2_train/ID_<sop>.dcm; returns the slice count.

    The CSV has six rows per slice, `ID_<sop>_<subtype>,<0|1>`, subtypes in the official order with `any`
    last; slices appear in a seeded shuffled order, as the real file is not grouped by patient. The folder
    appears complete or not at all (`atomic.replacing_folder`).
    """
    with replacing_folder(Path(out_dir)) as folder:
        (folder / RSNA_IMAGE_DIR).mkdir()
        progress = Progress(patients, "RSNA demo", unit="patients")
        slices_written = []
        for patient in range(patients):
            slices_written += _patient_slices(folder, patient, seed, slices, haemorrhage_fraction, size)
            progress.update()
        sop_ids = [sop for sop, _ in slices_written]
        if len(set(sop_ids)) != len(sop_ids):
            raise RuntimeError("demo SOP identifiers collided; choose another seed")
        order = np.random.default_rng([seed, patients, 1]).permutation(len(slices_written))
        with open(folder / RSNA_LABELS_CSV, "w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(RSNA_CSV_COLUMNS)
            for i in order:
                sop_id, shown = slices_written[i]
                for subtype in RSNA_SUBTYPES:
                    present = bool(shown) if subtype == "any" else subtype in shown
                    writer.writerow([f"{sop_id}_{subtype}", int(present)])
    return len(slices_written)
