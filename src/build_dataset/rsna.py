"""Index of the RSNA Intracranial Hemorrhage download: labels from stage_2_train.csv, patients from DICOM.

stage_2_train.csv has six rows per image (`ID_<sop>_<subtype>`, `Label`) in a fixed subtype order with `any`
last; the layout is checked, not assumed. `any` becomes `no finding` (= not any). Every haemorrhage image is
kept plus `normal_images` normal ones drawn with the seed; a normal image that cannot be used is replaced
by the next in the seeded order, so the count holds. Patient ids are read from each DICOM header.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from build_dataset.decode import UnusableImage, Window, ct_window, read_ct
from build_dataset.errors import LayoutError
from build_dataset.manifest import make_manifest, skipped_table
from build_dataset.parallel import ordered_map
from synthbench.raw_formats import RSNA_CSV_COLUMNS, RSNA_LABELS_CSV, RSNA_SUBTYPES, rsna_image_file

NO_FINDING = "no finding"


def read_labels(csv_path: Path) -> pd.DataFrame:
    """One row per image: sop id (index) and the six subtype columns, `any` replaced by `no finding`."""
    try:
        table = pd.read_csv(csv_path, dtype={"ID": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise LayoutError(f"{csv_path}: cannot be read as CSV ({error})") from None
    if tuple(table.columns) != RSNA_CSV_COLUMNS:
        raise LayoutError(f"{csv_path}: columns {list(table.columns)}, expected {list(RSNA_CSV_COLUMNS)}")
    if len(table) % len(RSNA_SUBTYPES):
        raise LayoutError(f"{csv_path}: {len(table)} rows, expected six per image (a multiple of 6)")
    parts = table["ID"].str.rsplit("_", n=1, expand=True)
    subtypes = parts[1].to_numpy().reshape(-1, len(RSNA_SUBTYPES))
    wrong = np.flatnonzero((subtypes != np.array(RSNA_SUBTYPES)).any(axis=1))
    if len(wrong):
        first = wrong[0] * len(RSNA_SUBTYPES)
        raise LayoutError(f"{csv_path}: rows {first + 2}-{first + 7} (counting the header as row 1) have "
                          f"subtypes {list(subtypes[wrong[0]])}, expected {list(RSNA_SUBTYPES)}; "
                          f"{len(wrong)} image(s) are out of order")
    sops = parts[0].to_numpy().reshape(-1, len(RSNA_SUBTYPES))
    if (sops != sops[:, :1]).any():
        raise LayoutError(f"{csv_path}: the six rows of an image must share one ID_<sop> prefix")
    values = pd.to_numeric(table["Label"], errors="coerce").to_numpy().reshape(-1, len(RSNA_SUBTYPES))
    if np.isnan(values).any() or not np.isin(values, (0, 1)).all():
        raise LayoutError(f"{csv_path}: Label values must be 0 or 1")
    labels = pd.DataFrame(values.astype(int), index=pd.Index(sops[:, 0], name="sop"), columns=list(RSNA_SUBTYPES))
    if labels.index.has_duplicates:
        raise LayoutError(f"{csv_path}: image {labels.index[labels.index.duplicated()][0]} is listed twice")
    labels[NO_FINDING] = 1 - labels.pop("any")
    return labels


def _patient_of(path: Path) -> tuple[str | None, str | None]:
    """(PatientID, None) for a usable CT slice, else (None, reason)."""
    try:
        if path.is_file() and path.stat().st_size == 0:
            return None, "zero-byte file"
        ds = read_ct(path)
        ct_window(ds, Window(40, 80))  # decodes the pixels: truncated or undecodable data is caught here
    except UnusableImage as error:
        return None, str(error)
    patient = str(ds.get("PatientID", "")).strip()
    return (patient, None) if patient else (None, "DICOM without PatientID")


def index_rsna(raw_dir: Path, labels: list[str], normal_images: int, seed: int,
               processes: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, skipped) for the RSNA download folder `raw_dir`."""
    raw_dir = Path(raw_dir)
    table = read_labels(raw_dir / RSNA_LABELS_CSV)
    bleeding = table.index[table[NO_FINDING] == 0]
    normal = table.index[table[NO_FINDING] == 1]
    if normal_images > len(normal):
        raise LayoutError(f"{raw_dir / RSNA_LABELS_CSV}: {len(normal)} normal images, "
                          f"datasets.brain.normal_images asks for {normal_images}")
    normal_order = normal[np.random.default_rng(seed).permutation(len(normal))]
    chosen, patients, skipped = [], [], []

    def take(sops, wanted: int | None) -> None:
        """Checks `sops` in batches until `wanted` usable ones are taken (all of them for None)."""
        taken, start = 0, 0
        batch = len(sops) if wanted is None else max(wanted, 1)
        while start < len(sops) and (wanted is None or taken < wanted):
            block = list(sops[start:start + batch])
            start += len(block)
            label = "brain index: reading DICOM" if wanted is None else "brain index: reading normal DICOM"
            results = ordered_map(_patient_of, [raw_dir / rsna_image_file(s) for s in block], processes, label)
            for sop, (patient, reason) in zip(block, results, strict=True):
                if reason is not None:
                    skipped.append((rsna_image_file(sop), reason))
                elif wanted is None or taken < wanted:
                    chosen.append(sop)
                    patients.append(patient)
                    taken += 1
            batch = max(2 * (wanted - taken), 16) if wanted is not None else batch
        if wanted is not None and taken < wanted:
            raise LayoutError(f"{raw_dir}: only {taken} usable normal images, "
                              f"datasets.brain.normal_images asks for {wanted}")

    take(bleeding, None)
    take(normal_order, normal_images)
    order = np.argsort(np.array([table.index.get_loc(s) for s in chosen]), kind="stable")  # CSV order
    paths = [rsna_image_file(chosen[i]) for i in order]
    values = table.loc[[chosen[i] for i in order], labels]
    return make_manifest(paths, [patients[i] for i in order], values), skipped_table(skipped)
