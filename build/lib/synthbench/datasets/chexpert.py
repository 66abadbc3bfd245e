"""Index of CheXpert-v1.0-small train.csv: frontal views, configured findings, U-Ones, patients from paths.

Uncertain (-1.0) findings become `uncertain_as` (1: the paper's U-Ones policy), blanks become 0, and rows
without any positive label are dropped (the benchmark's classes are label combinations; an all-zero row
has none). Each listed image is decoded once, straight into the image cache; an image that does not decode
goes to skipped.csv with the reason instead.
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
from synthbench.raw_formats import CHEXPERT_ROOT

PATIENT_IN_PATH = re.compile(r"/(patient\d+)/")
VALID_CELLS = {1.0, 0.0, -1.0}


def read_findings(csv_path: Path, labels: list[str], uncertain_as: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frontal rows of train.csv as (rows with Path and patient_id, 0/1 labels); rows without positives dropped."""
    try:
        table = pd.read_csv(csv_path, dtype={"Path": str, "Frontal/Lateral": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise LayoutError(f"{csv_path}: cannot be read as CSV ({error})") from None
    missing = [c for c in ("Path", "Frontal/Lateral", *labels) if c not in table.columns]
    if missing:
        raise LayoutError(f"{csv_path}: missing column(s) {missing}; found {list(table.columns)}")
    frontal = table[table["Frontal/Lateral"] == "Frontal"].reset_index(drop=True)
    cells = frontal[labels].apply(pd.to_numeric, errors="coerce")
    bad = frontal[labels].notna() & (cells.isna() | ~cells.isin(VALID_CELLS))
    if bad.any().any():
        row, column = np.argwhere(bad.to_numpy())[0]
        raise LayoutError(f"{csv_path}: {int(bad.sum().sum())} label cell(s) are not 1.0, 0.0, -1.0 or blank, "
                          f"first in column {labels[column]!r} of {frontal.loc[row, 'Path']}: "
                          f"{frontal[labels[column]].iloc[row]!r}")
    values = cells.fillna(0.0).replace(-1.0, float(uncertain_as)).astype(int)
    positive = values.to_numpy().any(axis=1)
    return frontal.loc[positive, ["Path"]].reset_index(drop=True), values[positive].reset_index(drop=True)


def index_chexpert(raw_dir: Path, labels: list[str], uncertain_as: int, resize: str, cache: CacheWriter,
                   processes: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(manifest, skipped) for the CheXpert-v1.0-small folder `raw_dir`; usable images go to `cache`."""
    raw_dir = Path(raw_dir)
    csv_path = raw_dir / "train.csv"
    if not csv_path.is_file():
        raise LayoutError(f"{csv_path}: not found; datasets.chest.raw_dir must be the {CHEXPERT_ROOT} folder")
    rows, values = read_findings(csv_path, labels, uncertain_as)
    # CSV paths start with the CheXpert-v1.0-small folder itself; the manifest keeps them relative to it.
    relative = [path.removeprefix(CHEXPERT_ROOT + "/") for path in rows["Path"]]
    skipped, candidates, patients = [], [], []
    for index, path in enumerate(relative):
        match = PATIENT_IN_PATH.search("/" + path)
        if match is None:
            skipped.append((path, "no patientNNNNN folder in the path"))
        else:
            candidates.append(index)
            patients.append(match.group(1))
    decode = partial(try_decode, partial(load_jpeg, side=cache.side, resize=resize))
    decoded = ordered_map(decode, [raw_dir / relative[i] for i in candidates], processes,
                          f"chest index: decoding JPEGs to {cache.side}px")
    keep, kept_patients = [], []
    for index, patient, (pixels, reason) in zip(candidates, patients, decoded, strict=True):
        if reason is None:
            cache.append(pixels)
            keep.append(index)
            kept_patients.append(patient)
        else:
            skipped.append((relative[index], reason))
    manifest = make_manifest([relative[i] for i in keep], kept_patients, values.iloc[keep])
    return manifest, skipped_table(skipped)
