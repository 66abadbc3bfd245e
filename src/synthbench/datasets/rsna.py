"""Index of the RSNA Intracranial Hemorrhage download: labels from stage_2_train.csv, patients from DICOM.

stage_2_train.csv has six rows per image (`ID_<sop>_<subtype>`, `Label`) in a fixed subtype order with `any`
last; the layout is checked, not assumed. `any` becomes `no finding` (= not any). Every haemorrhage image is
kept plus `normal_images` normal ones drawn with the seed; a normal image that cannot be used is replaced
by the next in the seeded order, so the count holds. Patient ids are read from each DICOM header, and each
slice is decoded once, straight into the image cache. Slices in the wrapped 12-bit encoding are corrected
(`decode.wrapped_12bit`) and counted in the index log.

An image listed twice with the same labels (as in concatenated tables) is kept once, the repeat recorded
in skipped.csv; listed twice with different labels, it stops the job. A file name that leads outside the raw
folder is skipped (`raw_paths`).
"""

import sys
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench import seeds
from synthbench.datasets.cache import CacheWriter
from synthbench.datasets.decode import (
    WRAPPED_HEADER_MAX_INTERCEPT,
    UnusableImage,
    Window,
    read_ct,
    square_ct,
    try_decode,
)
from synthbench.datasets.errors import LayoutError
from synthbench.datasets.manifest import make_manifest, skipped_table
from synthbench.datasets.parallel import ordered_map
from synthbench.datasets.raw_paths import OUTSIDE_RAW_DIR, RawFolder
from synthbench.raw_formats import RSNA_CSV_COLUMNS, RSNA_LABELS_CSV, RSNA_SUBTYPES, rsna_image_file

NO_FINDING = "no finding"


def _rows(block: int) -> str:
    """The CSV rows of one image's block of six, counting the header as row 1."""
    first = block * len(RSNA_SUBTYPES) + 2
    return f"rows {first}-{first + len(RSNA_SUBTYPES) - 1}"


def read_labels(csv_path: Path) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """(one row per image: sop id (index) and the six subtype columns, `any` replaced by `no finding`;
    skipped repeats as (file, reason))."""
    try:
        table = pd.read_csv(csv_path, dtype={"ID": str, "Label": str}, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise LayoutError(f"{csv_path}: empty file, expected the header ID,Label and six rows per image") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise LayoutError(f"{csv_path}: cannot be read as CSV ({error})") from None
    if tuple(table.columns) != RSNA_CSV_COLUMNS:
        raise LayoutError(f"{csv_path}: columns {list(table.columns)}, expected {list(RSNA_CSV_COLUMNS)}")
    if table.empty:
        raise LayoutError(f"{csv_path}: no rows below the header, expected six per image")
    if len(table) % len(RSNA_SUBTYPES):
        raise LayoutError(f"{csv_path}: {len(table)} rows, expected six per image (a multiple of 6)")
    malformed = ~table["ID"].str.fullmatch(r"ID_.+_[a-z]+")
    if malformed.any():
        row = int(np.flatnonzero(malformed)[0])
        raise LayoutError(f"{csv_path}: row {row + 2} has ID {table['ID'][row]!r}, expected ID_<sop>_<subtype>")
    parts = table["ID"].str.rsplit("_", n=1, expand=True)
    subtypes = parts[1].to_numpy().reshape(-1, len(RSNA_SUBTYPES))
    wrong = np.flatnonzero((subtypes != np.array(RSNA_SUBTYPES)).any(axis=1))
    if len(wrong):
        raise LayoutError(f"{csv_path}: {_rows(wrong[0])} (counting the header as row 1) have "
                          f"subtypes {list(subtypes[wrong[0]])}, expected {list(RSNA_SUBTYPES)}; "
                          f"{len(wrong)} image(s) are out of order")
    sops = parts[0].to_numpy().reshape(-1, len(RSNA_SUBTYPES))
    split_image = np.flatnonzero((sops != sops[:, :1]).any(axis=1))
    if len(split_image):
        raise LayoutError(f"{csv_path}: {_rows(split_image[0])} must share one ID_<sop> prefix, "
                          f"found {sorted(set(sops[split_image[0]]))}")
    values = pd.to_numeric(table["Label"], errors="coerce").to_numpy().reshape(-1, len(RSNA_SUBTYPES))
    invalid = ~np.isin(values, (0, 1))
    if invalid.any():
        row = int(np.flatnonzero(invalid.ravel())[0])
        raise LayoutError(f"{csv_path}: row {row + 2} has Label {table['Label'][row]!r}, expected 0 or 1")
    labels = pd.DataFrame(values.astype(int), index=pd.Index(sops[:, 0], name="sop"), columns=list(RSNA_SUBTYPES))
    return _without_repeats(labels, csv_path)


def _without_repeats(labels: pd.DataFrame, csv_path: Path) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The first listing of every image, its repeats as skipped entries; a repeat with other labels stops."""
    repeats = []
    first_block = {}
    for block in np.flatnonzero(labels.index.duplicated()):
        sop = labels.index[block]
        first = first_block.setdefault(sop, int(np.flatnonzero(labels.index == sop)[0]))
        if (labels.iloc[first] != labels.iloc[block]).any():
            raise LayoutError(f"{csv_path}: image {sop} is listed in {_rows(first)} and {_rows(block)} with "
                              "different labels; remove the wrong block")
        repeats.append((rsna_image_file(sop), f"duplicate of CSV {_rows(first)}"))
    labels = labels[~labels.index.duplicated()].copy()
    labels[NO_FINDING] = 1 - labels.pop("any")
    return labels, repeats


def _slice_and_patient(path: Path, side: int, window: Window, min_side: int) -> tuple[np.ndarray, str, bool]:
    """The windowed square image of a usable CT slice, its PatientID, whether its encoding was corrected."""
    ds = read_ct(path, min_side)
    patient = str(ds.get("PatientID", "")).strip()
    if not patient:
        raise UnusableImage("DICOM without PatientID")
    pixels, corrected = square_ct(ds, side, window)
    return pixels, patient, corrected


def index_rsna(raw_dir: Path, labels: list[str], normal_images: int, seed: int, window: Window, min_side: int,
               cache: CacheWriter, processes: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, skipped) for the RSNA download folder `raw_dir`; usable slices go to `cache`.

    Manifest order: haemorrhage slices in CSV order, then normal slices in the seeded draw order.
    """
    raw_dir = Path(raw_dir)
    table, skipped = read_labels(raw_dir / RSNA_LABELS_CSV)
    bleeding = table.index[table[NO_FINDING] == 0]
    normal = table.index[table[NO_FINDING] == 1]
    if normal_images > len(normal):
        raise LayoutError(f"{raw_dir / RSNA_LABELS_CSV}: {len(normal)} normal images, "
                          f"datasets.brain.normal_images asks for {normal_images}")
    normal_order = normal[seeds.normal_slices(seed).permutation(len(normal))]
    decode = partial(try_decode, partial(_slice_and_patient, side=cache.side, window=window, min_side=min_side))
    kept_paths, kept_sops, patients = [], [], []
    corrected = 0
    folder = RawFolder(raw_dir)

    def check(sops, label: str) -> int:
        """Decodes `sops`, caching usable slices and recording the others; returns how many were usable."""
        nonlocal corrected
        paths = {sop: folder.inside(rsna_image_file(sop)) for sop in sops}
        skipped.extend((rsna_image_file(sop), OUTSIDE_RAW_DIR) for sop in sops if paths[sop] is None)
        inside = [sop for sop in sops if paths[sop] is not None]
        results = ordered_map(decode, [raw_dir / paths[sop] for sop in inside], processes, label)
        usable = 0
        for sop, (decoded, reason) in zip(inside, results, strict=True):
            if reason is not None:
                skipped.append((paths[sop], reason))
                continue
            pixels, patient, was_corrected = decoded
            cache.append(pixels)
            kept_paths.append(paths[sop])
            kept_sops.append(sop)
            patients.append(patient)
            corrected += was_corrected
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
    print(f"brain index: {corrected} slice(s) corrected for the wrapped 12-bit encoding (BitsStored 12, "
          f"PixelRepresentation 0, intercept above {WRAPPED_HEADER_MAX_INTERCEPT:g})", file=sys.stderr)
    return make_manifest(kept_paths, patients, table.loc[kept_sops, labels]), skipped_table(skipped)
