"""Shared test helpers: the repository root, a runner for the real Snakemake workflow, a tiny arm dataset."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
import yaml
from pydicom.pixels import apply_modality_lut

REPO = Path(__file__).resolve().parents[1]


def _snakemake(workdir: Path, args, extra_env: dict | None = None) -> tuple[list[str], dict]:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               TF_CPP_MIN_LOG_LEVEL="2", **(extra_env or {}))
    return [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir),
            *args], env


def start_snakemake(workdir: Path, *args: str) -> subprocess.Popen:
    """Starts the workflow like `run_snakemake`, without waiting (for tests that interrupt jobs)."""
    command, env = _snakemake(workdir, args)
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run_snakemake(workdir: Path, *args: str, check: bool = True, env: dict | None = None,
                  cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs this repository's workflow with outputs under `workdir`, using the test interpreter's tools (and
    `env` added to the environment), from `cwd` (relative paths in `args` are read from there)."""
    command, env = _snakemake(workdir, args, env)
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def job_environment() -> dict:
    """The environment of a synthbench job run as a subprocess: this test run's import path (the package
    from src/), without TensorFlow's start-up chatter."""
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=os.pathsep.join(sys.path))


@pytest.fixture
def write_config(tmp_path):
    """Writes a config override to a file and returns its path."""
    def write(config: dict, name: str = "override.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config))
        return path
    return write


def empty_downloads(root: Path) -> None:
    """The paper config's download folders under `root`, each with an empty label table: what a dry run of the
    paper DAG needs to find (the index's inputs) and never reads."""
    from synthbench.raw_formats import LABEL_TABLES

    config = load_config("config.yaml")
    for dataset, table in LABEL_TABLES.items():
        folder = root / config["datasets"][dataset]["raw_dir"]
        folder.mkdir(parents=True)
        (folder / table).touch()


def load_config(name: str) -> dict:
    with open(REPO / "config" / name) as handle:
        return yaml.safe_load(handle)


def write_tiny_arm(data: Path, side: int, labels: list[str]) -> Path:
    """A tiny real arm dataset in `data` (train 96 / valid 10 / test 12 images of two classes, a bright square
    left or right, in the workflow's TFRecord + CSV + meta.json layout)."""
    from synthbench import records

    data.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for split, rows in (("train", 96), ("valid", 10), ("test", 12)):
        vectors = np.eye(2, dtype=np.float32)[rng.integers(0, 2, rows)]
        images = np.full((rows, side, side), 40, np.uint8)
        images[vectors[:, 0] == 1, 4:10, 1:7] = 220
        images[vectors[:, 1] == 1, 4:10, 9:15] = 220
        ids = np.arange(rows) + {"train": 0, "valid": 1000, "test": 2000}[split]
        with records.RecordWriter(data / f"{split}.tfrecord") as writer:
            writer.write(images, vectors, ids)
        table = pd.DataFrame(vectors, columns=labels)
        table.insert(0, "patient_id", [f"p{i}" for i in ids])
        table.insert(0, "image_id", ids)
        table.to_csv(data / f"{split}.csv", index=False)
    (data / "meta.json").write_text(json.dumps({"dataset": "chest", "arm": "samples", "value": 48, "labels": labels,
                                                "resolution": side, "config_sha256": "c", "manifest_sha256": "m"}))
    return data


def wrapped_twin(ds: pydicom.Dataset) -> pydicom.Dataset:
    """The slice in RSNA's wrapped encoding: HU stored modulo 4096 as unsigned 12-bit, intercept 0."""
    hu = np.clip(apply_modality_lut(ds.pixel_array, ds), -1000, 3095).astype(np.int32)
    twin = ds.copy()
    twin.BitsStored, twin.HighBit, twin.PixelRepresentation = 12, 11, 0
    twin.RescaleIntercept, twin.RescaleSlope = 0, 1
    twin.PixelData = (hu % 4096).astype(np.uint16).tobytes()
    return twin
