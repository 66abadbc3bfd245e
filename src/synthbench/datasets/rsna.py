"""Index of the RSNA Intracranial Hemorrhage download: labels from stage_2_train.csv, patients from DICOM.

stage_2_train.csv has six rows per image (`ID_<sop>_<subtype>`, `Label`) in a fixed subtype order with `any`
last; the layout is checked, not assumed. `any` becomes `no finding` (= not any). Every haemorrhage image is
kept plus `normal_images` normal ones drawn with the seed; a normal image that cannot be used is replaced
by the next in the seeded order, so the count holds. Patient ids are read from each DICOM header, and each
slice is decoded once, straight into the image cache.
"""

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench import seeds
from synthbench.datasets.cache import CacheWriter
from synthbench.datasets.decode import UnusableImage, Window, read_ct, square_ct, try_decode
from synthbench.datasets.errors import LayoutError
from synthbench.datasets.manifest import make_manifest, skipped_table
from synthbench.datasets.parallel import ordered_map
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


def _slice_and_patient(path: Path, side: int, window: Window) -> tuple[np.ndarray, str]:
    """The windowed square image of a usable CT slice and its PatientID."""
    ds = read_ct(path)
    patient = str(ds.get("PatientID", "")).strip()
    if not patient:
        raise UnusableImage("DICOM without PatientID")
    return square_ct(ds, side, window), patient


def index_rsna(raw_dir: Path, labels: list[str], normal_images: int, seed: int, window: Window, cache: CacheWriter,
               processes: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, skipped) for the RSNA download folder `raw_dir`; usable slices go to `cache`.

    Manifest order: haemorrhage slices in CSV order, then normal slices in the seeded draw order.
    """
    raw_dir = Path(raw_dir)
    table = read_labels(raw_dir / RSNA_LABELS_CSV)
    bleeding = table.index[table[NO_FINDING] == 0]
    normal = table.index[table[NO_FINDING] == 1]
    if normal_images > len(normal):
        raise LayoutError(f"{raw_dir / RSNA_LABELS_CSV}: {len(normal)} normal images, "
                          f"datasets.brain.normal_images asks for {normal_images}")
    normal_order = normal[seeds.normal_slices(seed).permutation(len(normal))]
    decode = partial(try_decode, partial(_slice_and_patient, side=cache.side, window=window))
    kept, patients, skipped = [], [], []

    def check(sops, label: str) -> int:
        """Decodes `sops`, caching usable slices and recording the others; returns how many were usable."""
        results = ordered_map(decode, [raw_dir / rsna_image_file(sop) for sop in sops], processes, label)
        usable = 0
        for sop, (decoded, reason) in zip(sops, results, strict=True):
            if reason is not None:
                skipped.append((rsna_image_file(sop), reason))
                continue
            cache.append(decoded[0])
            kept.append(sop)
            patients.append(decoded[1])
            usable += 1
        return usable

    check(list(bleeding), f"brain index: haemorrhage slices to {cache.side}px")
    missing, start = normal_images, 0
    while missing:  # an unusable normal slice is replaced by the next one in the seeded order
        if start >= len(normal_order):
            raise LayoutError(f"{raw_dir}: only {normal_images - missing} usable normal images, "
                              f"datasets.brain.normal_images asks for {normal_images}")
        block = list(normal_order[start:start + missing])
        start += len(block)
        missing -= check(block, f"brain index: normal slices to {cache.side}px")
    return make_manifest([rsna_image_file(sop) for sop in kept], patients, table.loc[kept, labels]), \
        skipped_table(skipped)
