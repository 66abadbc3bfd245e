"""Shared test helpers: the repository root and a runner for the real Snakemake workflow."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


def run_snakemake(workdir: Path, *args: str, check: bool = True,
                  env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs this repository's workflow with outputs under `workdir`, using the test interpreter's tools (and
    `env` added to the environment)."""
    command, env = _snakemake(workdir, args, env)
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def write_config(tmp_path):
    """Writes a config override to a file and returns its path."""
    def write(config: dict, name: str = "override.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config))
        return path
    return write


def load_config(name: str) -> dict:
    with open(REPO / "config" / name) as handle:
        return yaml.safe_load(handle)
