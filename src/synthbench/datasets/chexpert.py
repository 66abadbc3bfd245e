"""Index of CheXpert-v1.0-small train.csv: frontal views, configured findings, U-Ones, patients from paths.

Uncertain (-1.0) findings become `uncertain_as` (1: the paper's U-Ones policy), blanks become 0, and rows
without any positive label are dropped (the benchmark's classes are label combinations; an all-zero row
has none). Each listed image is decoded once, straight into the image cache; an image that does not decode
goes to skipped.csv with the reason instead, as does a path outside the raw folder (`raw_paths`).

A path listed twice with the same labels (as after concatenating two tables) is kept once and its repeat
recorded in skipped.csv; listed twice with different labels, it stops the job, since neither row can be
known to be right.
"""

import re
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.datasets.cache import CacheWriter
from synthbench.datasets.decode import load_jpeg, try_decode
from synthbench.datasets.errors import LayoutError
from synthbench.datasets.manifest import make_manifest, skipped_table
from synthbench.datasets.parallel import ordered_map
from synthbench.datasets.raw_paths import OUTSIDE_RAW_DIR, RawFolder
from synthbench.raw_formats import CHEXPERT_LABELS_CSV, CHEXPERT_ROOT

PATIENT_IN_PATH = re.compile(r"/(patient\d+)/")
VALID_CELLS = {1.0, 0.0, -1.0}
VIEWS = ("Frontal", "Lateral")
FIRST_DATA_ROW = 2  # CSV rows are numbered as a spreadsheet shows them: the header is row 1


def read_findings(csv_path: Path, labels: list[str], uncertain_as: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frontal rows of train.csv as (Path and CSV row number, 0/1 labels); rows without positives dropped."""
    try:
        table = pd.read_csv(csv_path, dtype={"Path": str, "Frontal/Lateral": str})
    except pd.errors.EmptyDataError:
        raise LayoutError(f"{csv_path}: empty file, expected the CheXpert header and one row per image") from None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise LayoutError(f"{csv_path}: cannot be read as CSV ({error})") from None
    missing = [c for c in ("Path", "Frontal/Lateral", *labels) if c not in table.columns]
    if missing:
        raise LayoutError(f"{csv_path}: missing column(s) {missing}; found {list(table.columns)}")
    table["csv_row"] = np.arange(len(table)) + FIRST_DATA_ROW
    table["Path"] = table["Path"].fillna("")
    views = table["Frontal/Lateral"]
    odd = ~views.isin(VIEWS)
    if odd.any():
        first = int(np.flatnonzero(odd)[0])
        raise LayoutError(f"{csv_path}: {int(odd.sum())} row(s) have a Frontal/Lateral cell other than "
                          f"{' or '.join(VIEWS)}, first row {table['csv_row'][first]} ({table['Path'][first]}): "
                          f"{views[first]!r}")
    frontal = table[views == "Frontal"].reset_index(drop=True)
    cells = frontal[labels].apply(pd.to_numeric, errors="coerce")
    bad = frontal[labels].notna() & (cells.isna() | ~cells.isin(VALID_CELLS))
    if bad.any().any():
        row, column = np.argwhere(bad.to_numpy())[0]
        raise LayoutError(f"{csv_path}: {int(bad.sum().sum())} label cell(s) are not 1.0, 0.0, -1.0 or blank, "
                          f"first in column {labels[column]!r} of row {frontal.loc[row, 'csv_row']} "
                          f"({frontal.loc[row, 'Path']}): {frontal[labels[column]].iloc[row]!r}")
    values = cells.fillna(0.0).replace(-1.0, float(uncertain_as)).astype(int)
    positive = values.to_numpy().any(axis=1)
    if not positive.any():
        raise LayoutError(f"{csv_path}: no frontal image with a positive label among its {len(table)} rows")
    return (frontal.loc[positive, ["Path", "csv_row"]].reset_index(drop=True),
            values[positive].reset_index(drop=True))


def usable_rows(raw_dir: Path, csv_path: Path, rows: pd.DataFrame,
                values: pd.DataFrame) -> tuple[list[tuple[int, str, str]], list[tuple[str, str]]]:
    """([(row index, normalised path, patient id)] to decode, [(path, reason)] skipped) of the frontal rows:
    paths kept inside raw_dir, patients read from them, repeated paths kept once."""
    candidates, skipped, first_row = [], [], {}
    labels = values.to_numpy()
    folder = RawFolder(raw_dir)
    for index, (listed, csv_row) in enumerate(zip(rows["Path"], rows["csv_row"], strict=True)):
        # CSV paths start with the CheXpert-v1.0-small folder itself; the manifest keeps them relative to it.
        relative = listed.removeprefix(CHEXPERT_ROOT + "/")
        path = folder.inside(relative)
        match = PATIENT_IN_PATH.search("/" + path) if path is not None else None
        if not listed:
            skipped.append(("", f"CSV row {csv_row} has no Path"))
        elif path is None:
            skipped.append((relative, OUTSIDE_RAW_DIR))
        elif match is None:
            skipped.append((path, "no patientNNNNN folder in the path"))
        elif path in first_row:
            first = first_row[path]
            if (labels[first] != labels[index]).any():
                raise LayoutError(f"{csv_path}: rows {rows['csv_row'][first]} and {csv_row} list {path} with "
                                  "different labels; remove the wrong one")
            skipped.append((path, f"duplicate of CSV row {rows['csv_row'][first]}"))
        else:
            first_row[path] = index
            candidates.append((index, path, match.group(1)))
    return candidates, skipped


def index_chexpert(raw_dir: Path, labels: list[str], uncertain_as: int, resize: str, min_side: int,
                   cache: CacheWriter, processes: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, skipped) for the CheXpert-v1.0-small folder `raw_dir`; usable images go to `cache`."""
    raw_dir = Path(raw_dir)
    csv_path = raw_dir / CHEXPERT_LABELS_CSV
    if not csv_path.is_file():
        raise LayoutError(f"{csv_path}: not found; datasets.chest.raw_dir must be the {CHEXPERT_ROOT} folder")
    rows, values = read_findings(csv_path, labels, uncertain_as)
    candidates, skipped = usable_rows(raw_dir, csv_path, rows, values)
    decode = partial(try_decode, partial(load_jpeg, side=cache.side, resize=resize, min_side=min_side))
    decoded = ordered_map(decode, [raw_dir / path for _, path, _ in candidates], processes,
                          f"chest index: decoding JPEGs to {cache.side}px")
    keep, kept_paths, kept_patients = [], [], []
    for (index, path, patient), (pixels, reason) in zip(candidates, decoded, strict=True):
        if reason is None:
            cache.append(pixels)
            keep.append(index)
            kept_paths.append(path)
            kept_patients.append(patient)
        else:
            skipped.append((path, reason))
    return make_manifest(kept_paths, kept_patients, values.iloc[keep]), skipped_table(skipped)
