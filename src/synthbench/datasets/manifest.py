"""The index's two tables: manifest.csv (one row per usable image) and skipped.csv (path, reason).

manifest columns: image_id (row number, also the h5 cache row), path (relative to the raw folder),
patient_id, then one 0/1 column per label.
"""

from pathlib import Path

import pandas as pd

from synthbench.atomic import replacing

MANIFEST_COLUMNS = ("image_id", "path", "patient_id")


def make_manifest(paths: list[str], patients: list[str], labels: pd.DataFrame) -> pd.DataFrame:
    manifest = pd.DataFrame({"image_id": range(len(paths)), "path": paths, "patient_id": patients})
    return pd.concat([manifest, labels.reset_index(drop=True).astype("int8")], axis=1)


def label_columns(manifest: pd.DataFrame) -> list[str]:
    return [c for c in manifest.columns if c not in MANIFEST_COLUMNS]


def write_tables(manifest: pd.DataFrame, skipped: pd.DataFrame, manifest_path: Path, skipped_path: Path) -> None:
    """Writes skipped first and the manifest last, each through a temporary name, so a manifest never
    exists half-written."""
    for table, path in ((skipped, skipped_path), (manifest, manifest_path)):
        with replacing(path) as partial:
            table.to_csv(partial, index=False)


def read_manifest(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"path": str, "patient_id": str}, keep_default_na=False)


def skipped_table(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["path", "reason"])
