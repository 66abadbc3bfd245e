"""Writes a small CheXpert-v1.0-small download: train.csv, valid.csv and greyscale JPEGs.

Layout and value conventions follow the real download: `Path` is relative to the folder that holds
CheXpert-v1.0-small/, label cells are 1.0 / 0.0 / -1.0 (uncertain) / blank in train.csv and 1.0 / 0.0 in
valid.csv, each study has a frontal view and sometimes a lateral one, and images are portrait, not square.
Every finding paints its own pattern in a fixed region, so overlapping findings overlap visibly. How visible
a finding is varies from image to image within the finding's own range (support devices are plain to see, an
early oedema is not), lung texture hides small changes, and labels disagree with the image now and then as
report-mined labels do (`synthbench.demo_data.difficulty`).
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from synthbench.atomic import replacing_folder
from synthbench.demo_data.canvas import Canvas
from synthbench.demo_data.combinations import draw_combination
from synthbench.demo_data.difficulty import Conspicuity, LabelNoise, clutter
from synthbench.progress import Progress
from synthbench.raw_formats import (
    CHEXPERT_COLUMNS,
    CHEXPERT_FINDINGS,
    CHEXPERT_ROOT,
    chexpert_image_path,
)

# Frequent label combinations of the demo and their probabilities; the remaining mass draws random
# combinations of the pathologies below (the long tail of real CheXpert).
COMMON_COMBINATIONS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("No Finding",), 0.20),
    (("Support Devices",), 0.13),
    (("Pleural Effusion",), 0.12),
    (("Lung Opacity",), 0.08),
    (("Cardiomegaly",), 0.06),
    (("Lung Opacity", "Pleural Effusion"), 0.06),
    (("Edema", "Pleural Effusion"), 0.05),
    (("Pleural Effusion", "Support Devices"), 0.04),
    (("Pneumothorax", "Support Devices"), 0.04),
    (("Atelectasis",), 0.03),
)
PATHOLOGIES = tuple(name for name in CHEXPERT_FINDINGS if name != "No Finding")
REPEAT_PREVIOUS_STUDY = 0.5  # follow-up studies often show the same findings
UNCERTAIN_FRACTION = 0.1  # a drawn finding written as -1.0 (the U-Ones policy maps it back to 1)
BLANK_NEGATIVE_FRACTION = 0.75  # a negative finding left blank ("not mentioned") instead of 0.0
LABEL_NOISE = LabelNoise(missed=0.08, incidental=0.06)
# Graded from plain to subtle: devices, effusions and fractures are usually clear; the parenchymal findings
# (opacity, oedema, consolidation, pneumonia, atelectasis) are often barely visible.
CONSPICUITY: dict[str, Conspicuity] = {
    "No Finding": Conspicuity(0.0, 0.0),
    "Support Devices": Conspicuity(0.3, 1.1),
    "Pleural Effusion": Conspicuity(0.25, 1.0),
    "Fracture": Conspicuity(0.3, 1.0),
    "Pneumothorax": Conspicuity(0.25, 1.0),
    "Cardiomegaly": Conspicuity(0.15, 0.8),
    "Enlarged Cardiomediastinum": Conspicuity(0.15, 0.8),
    "Lung Lesion": Conspicuity(0.2, 0.9),
    "Pleural Other": Conspicuity(0.2, 0.9),
    "Lung Opacity": Conspicuity(0.05, 0.5),
    "Edema": Conspicuity(0.05, 0.5),
    "Consolidation": Conspicuity(0.05, 0.5),
    "Pneumonia": Conspicuity(0.05, 0.5),
    "Atelectasis": Conspicuity(0.05, 0.5),
}


@dataclass(frozen=True)
class Anatomy:
    """One patient's build: every study of the patient shares it, so patient-level splits matter."""

    scale_y: float
    scale_x: float
    shift_y: float
    shift_x: float
    gain: float

    @classmethod
    def draw(cls, rng: np.random.Generator) -> "Anatomy":
        return cls(*rng.uniform(0.93, 1.07, 2), *rng.uniform(-0.02, 0.02, 2), rng.uniform(0.9, 1.1))

    def at(self, y: float, x: float) -> tuple[float, float]:
        """Moves a point of the template chest to this patient's chest."""
        return 0.5 + (y - 0.5) * self.scale_y + self.shift_y, 0.5 + (x - 0.5) * self.scale_x + self.shift_x


def _frontal_anatomy(c: Canvas, a: Anatomy, rng: np.random.Generator) -> None:
    c.add(c.ellipse(*a.at(0.56, 0.5), 0.52 * a.scale_y, 0.45 * a.scale_x), 0.40)  # body
    lungs = np.maximum(*(c.ellipse(*a.at(0.45, x), 0.29 * a.scale_y, 0.15 * a.scale_x) for x in (0.30, 0.70)))
    c.add(lungs, -0.24)
    clutter(c, rng, lungs, blobs=10, amplitude=0.06, sigma=(0.03, 0.08))  # vessels and overlying soft tissue
    c.add(c.box(*a.at(0.42, 0.5), 0.32, 0.055), 0.14)  # mediastinum and spine
    c.add(c.ellipse(*a.at(0.63, 0.55), 0.11, 0.12), 0.12)  # heart
    ribs = (np.sin(2 * np.pi * (7.0 * c.yy + 1.5 * np.abs(c.xx - 0.5) + rng.uniform())) > 0.7)
    c.add(ribs * c.ellipse(*a.at(0.45, 0.5), 0.32, 0.36), 0.04)


def _lateral_anatomy(c: Canvas, a: Anatomy, rng: np.random.Generator) -> None:
    c.add(c.ellipse(*a.at(0.55, 0.5), 0.5 * a.scale_y, 0.40 * a.scale_x), 0.40)
    c.add(c.ellipse(*a.at(0.45, 0.47), 0.30, 0.25), -0.22)
    c.add(c.box(*a.at(0.5, 0.85), 0.35, 0.05), 0.2)  # spine seen from the side
    c.add(c.ellipse(*a.at(0.62, 0.35), 0.13, 0.12), 0.12)


def _findings(a: Anatomy) -> dict[str, Callable[[Canvas, float, float, float], None]]:
    """Painter per finding: `paint(canvas, dy, dx, strength)` with a small jitter; strength 1 is the fully
    developed pattern."""
    def at(y: float, x: float, dy: float, dx: float) -> tuple[float, float]:
        return a.at(y + dy, x + dx)

    return {
        "No Finding": lambda c, dy, dx, s: None,
        "Enlarged Cardiomediastinum": lambda c, dy, dx, s: c.add(c.box(*at(0.30, 0.5, dy, 0), 0.16, 0.12), 0.20 * s),
        "Cardiomegaly": lambda c, dy, dx, s: c.add(c.ellipse(*at(0.63, 0.55, dy, dx), 0.17, 0.22), 0.22 * s),
        "Lung Opacity": lambda c, dy, dx, s: c.add(c.gaussian(*at(0.42, 0.28, dy, dx), 0.08, 0.07), 0.28 * s),
        "Lung Lesion": lambda c, dy, dx, s: c.add(c.ellipse(*at(0.28, 0.72, dy, dx), 0.05, 0.05), 0.40 * s),
        "Edema": lambda c, dy, dx, s: [c.add(c.gaussian(*at(0.46, x, dy, dx), 0.12, 0.05), 0.20 * s)
                                       for x in (0.38, 0.62)],
        "Consolidation": lambda c, dy, dx, s: c.add(c.ellipse(*at(0.62, 0.73, dy, dx), 0.08, 0.09), 0.36 * s),
        "Pneumonia": lambda c, dy, dx, s: c.add(  # a patchy opacity: denser in a checkered pattern
            c.gaussian(*at(0.62, 0.27, dy, dx), 0.08, 0.07)
            * (0.5 + 0.5 * (np.sin(60 * c.yy) * np.sin(60 * c.xx) > 0)), 0.40 * s),
        "Atelectasis": lambda c, dy, dx, s: c.add(c.ellipse(*at(0.47, 0.70, dy, dx), 0.03, 0.13), 0.32 * s),
        "Pneumothorax": lambda c, dy, dx, s: c.paint(min(s, 1.0) * c.ellipse(*at(0.27, 0.21, dy, dx), 0.13, 0.07),
                                                     0.02),
        "Pleural Effusion": lambda c, dy, dx, s: [
            c.add(c.ellipse(*at(0.45, x, 0, 0), 0.29, 0.15) * (c.yy > 0.62 + dy + 0.05 * np.abs(c.xx - x) / 0.15),
                  0.30 * s) for x in (0.30, 0.70)],
        "Pleural Other": lambda c, dy, dx, s: c.add(c.segment(*at(0.22, 0.86, dy, dx), *at(0.60, 0.87, dy, dx),
                                                              0.06), 0.40 * s),
        "Fracture": lambda c, dy, dx, s: [c.add(c.segment(*at(y, 0.09, dy, dx), *at(y + 0.05, 0.23, dy, dx), 0.04),
                                                0.45 * s) for y in (0.15, 0.26, 0.37)],
        "Support Devices": lambda c, dy, dx, s: (
            c.add(c.segment(*at(0.0, 0.52, 0, dx), *at(0.55, 0.47, dy, dx), 0.022), 0.45 * s),
            c.add(c.box(*at(0.18, 0.80, dy, dx), 0.035, 0.05), 0.50 * s)),
    }


def render(height: int, width: int, anatomy: Anatomy, findings: tuple[str, ...], frontal: bool,
           rng: np.random.Generator) -> np.ndarray:
    """A uint8 radiograph of the given size showing the anatomy and each finding's pattern, each at a strength
    drawn from its conspicuity range."""
    canvas = Canvas(height, width, fill=0.04)
    (_frontal_anatomy if frontal else _lateral_anatomy)(canvas, anatomy, rng)
    painters = _findings(anatomy)
    for name in findings:
        dy, dx = rng.uniform(-0.02, 0.02, 2)
        painters[name](canvas, dy, dx, CONSPICUITY[name].draw(rng))
    canvas.pixels = canvas.pixels * anatomy.gain + rng.normal(0.0, 0.03, canvas.pixels.shape)
    return np.clip(np.round(canvas.pixels * 255.0), 0, 255).astype(np.uint8)


def _label_cells(findings: tuple[str, ...], rng: np.random.Generator, allow_uncertain: bool) -> list[str]:
    """CSV cells for the 14 findings in train.csv (uncertain, blank) or valid.csv (only 1.0 / 0.0) style."""
    cells = []
    for name in CHEXPERT_FINDINGS:
        if name in findings:
            uncertain = allow_uncertain and name != "No Finding" and rng.random() < UNCERTAIN_FRACTION
            cells.append("-1.0" if uncertain else "1.0")
        elif allow_uncertain and (name == "No Finding" or rng.random() < BLANK_NEGATIVE_FRACTION):
            cells.append("")
        else:
            cells.append("0.0")
    return cells


def _patient_rows(folder: Path, split: str, patient: int, seed: int, max_studies: int,
                  lateral_fraction: float, width: int, heights: tuple[int, int]) -> list[list[str]]:
    """Writes one patient's JPEGs and returns their CSV rows; the patient's own RNG makes it order-free."""
    rng = np.random.default_rng([seed, patient])
    anatomy = Anatomy.draw(rng)
    sex = rng.choice(["Male", "Female", "Unknown"], p=[0.52, 0.47, 0.01])
    age = int(rng.integers(18, 86))
    rows, findings = [], None
    for study in range(1, int(rng.integers(1, max_studies + 1)) + 1):
        if findings is None or rng.random() >= REPEAT_PREVIOUS_STUDY:
            findings = draw_combination(rng, COMMON_COMBINATIONS, PATHOLOGIES)
        cells = _label_cells(findings, rng, allow_uncertain=split == "train")
        shown = LABEL_NOISE.shown(findings, PATHOLOGIES, rng)
        views = [True] + ([False] if rng.random() < lateral_fraction else [])
        for view, frontal in enumerate(views, start=1):
            relative = chexpert_image_path(split, patient, study, view, frontal)
            height = int(rng.integers(heights[0], heights[1] + 1))
            pixels = render(height, width if frontal else height, anatomy, shown, frontal, rng)
            image_path = folder / relative.removeprefix(CHEXPERT_ROOT + "/")
            image_path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(pixels, mode="L").save(image_path, quality=90)
            projection = rng.choice(["AP", "PA"], p=[0.75, 0.25]) if frontal else ""
            rows.append([relative, sex, str(age + study - 1), "Frontal" if frontal else "Lateral",
                         projection, *cells])
    return rows


def write_chexpert(out_dir: Path, seed: int, train_patients: int, valid_patients: int, max_studies: int,
                   lateral_fraction: float, width: int, heights: tuple[int, int]) -> dict[str, int]:
    """Writes `out_dir` (named CheXpert-v1.0-small) with train.csv, valid.csv, train/ and valid/.

    Valid patients are numbered after the train patients, as in the real download. Returns the number of
    CSV rows per split. The folder appears complete or not at all (`atomic.replacing_folder`).
    """
    out_dir = Path(out_dir)
    if out_dir.name != CHEXPERT_ROOT:
        raise ValueError(f"{out_dir}: the CheXpert folder must be named {CHEXPERT_ROOT}, because the CSV "
                         f"Path column starts with it")
    counts = {}
    patients = {"train": range(1, train_patients + 1),
                "valid": range(train_patients + 1, train_patients + valid_patients + 1)}
    with replacing_folder(out_dir) as folder:
        for split, numbers in patients.items():
            progress = Progress(len(numbers), f"CheXpert demo {split}", unit="patients")
            rows = []
            for patient in numbers:
                rows += _patient_rows(folder, split, patient, seed, max_studies, lateral_fraction, width, heights)
                progress.update()
            with open(folder / f"{split}.csv", "w", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(CHEXPERT_COLUMNS)
                writer.writerows(rows)
            counts[split] = len(rows)
    return counts
