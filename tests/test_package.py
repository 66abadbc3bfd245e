"""`pip install <checkout>` into a fresh venv gives a synthbench that works outside the checkout: the console
script, the schema and family configs as package data, and a trained generator that loads from its run folder
(network_final.keras + card.json) after `import synthbench` alone and generates through the sampler contract and
through `synthbench models` (listed, exported, imported into a catalogue folder and generating from there).

The venv reuses this environment's installed dependencies through a .pth file, so nothing is downloaded;
synthbench itself is installed from the checkout (no editable link), and every command runs outside it.
"""

import json
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from conftest import REPO, write_tiny_arm

LABELS = ["left", "right"]
SETTINGS = {"total_kimg": 0.2, "fid_every_kimg": 0.1, "tick_kimg": 0.1, "minibatch": 8,
            "networks": {"latent_size": 8, "g_channels": 4, "d_channels": 4}}


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("fresh")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    python = root / "venv/bin/python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                              "--no-index", str(REPO)], capture_output=True, text=True, cwd=root)
    assert install.returncode == 0, install.stderr
    return root


def _run(venv: Path, *command: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=venv, timeout=timeout,
                            env={**env, "TF_CPP_MIN_LOG_LEVEL": "2", "PATH": f"{venv}/venv/bin:{env['PATH']}"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.e2e
def test_the_installed_package_has_its_console_script_data_and_dependencies(venv):
    from synthbench import __version__

    assert _run(venv, "synthbench", "--version").stdout.strip() == f"synthbench {__version__}"
    where = _run(venv, "python", "-c", "import synthbench; print(synthbench.__file__)").stdout.strip()
    assert where.startswith(str(venv / "venv")), f"imported from {where}, not the installed package"
    sections = _run(venv, "python", "-c", "from synthbench.config import load_schema; "
                    "print(*load_schema()['properties']['gans']['properties'])").stdout.split()
    assert sections == ["prog", "cpd", "dcgan", "sngan", "diffusion"]
    _run(venv, "python", "-m", "pip", "check")
    started = time.perf_counter()
    assert "--family" in _run(venv, "synthbench", "gan", "train", "--help").stdout
    print(f"synthbench gan train --help: {time.perf_counter() - started:.2f} s")  # speed is make bench's job
    assert "tensorflow" not in _run(venv, "python", "-c", "import sys, synthbench.cli; synthbench.cli.build_parser(); "
                                    "print(*sys.modules)").stdout.split(), "parsing starts no TensorFlow"


@pytest.mark.e2e
def test_a_trained_generator_loads_from_its_run_folder_and_samples_through_the_contract(venv):
    data = write_tiny_arm(venv / "arm/data", 32, LABELS)
    _run(venv, "synthbench", "fid", "stats", "--records", str(data / "train.tfrecord"), "--csv",
         str(data / "train.csv"), "--meta", str(data / "meta.json"), "--extractor", "random", "--num-images", "64",
         "--out", str(data / "stats.npz"))
    out = venv / "run"
    _run(venv, "synthbench", "gan", "train", "--family", "dcgan", "--data", str(data), "--real-stats",
         str(data / "stats.npz"), "--extractor", "random", "--settings-json", json.dumps(_settings()),
         "--seed", "0", "--out", str(out), "--synthetic-out", str(out / "synthetic"))
    assert all((out / f"synthetic/{split}.tfrecord").is_file() for split in ("train", "valid", "test"))
    card = json.loads((out / "card.json").read_text())
    assert card["family"] == "dcgan" and card["labels"] == LABELS and card["resolution"] == 32
    assert (card["dataset"], card["arm"], card["value"], card["seed"]) == ("chest", "samples", 48, 0)
    assert card["best"][0]["metric"] == "fid" and card["best"][0]["direction"] == "lower"
    assert len(card["training_data_sha256"]) == len(card["settings_sha256"]) == 64
    one_liner = ("import numpy as np, synthbench.gans.sampler as s; g = s.load_run('run'); "
                 "y = np.eye(2, dtype=np.float32)[[0, 1, 1]]; x = g(y, seed=5); "
                 "print(x.shape, x.dtype, g.label_names, int((x == g(y, 5)).all()))")
    printed = _run(venv, "python", "-c", one_liner).stdout.strip().splitlines()[-1]
    assert printed == "(3, 32, 32) uint8 ['left', 'right'] 1", "same labels and seed, same images"
    model = "chest-samples-48-dcgan-s0"
    assert model in _run(venv, "synthbench", "models", "list", "--root", "run").stdout
    _run(venv, "synthbench", "models", "export", model, "--root", "run", "--out", "model.zip")
    _run(venv, "synthbench", "models", "import", "model.zip", "--into", "catalogue")
    for label, row in (("left", "1,0"), ("right", "0,1")):  # 8 images per class, from the imported package
        _run(venv, "synthbench", "models", "generate", model, "--root", "catalogue", "--num-samples", "8",
             "--labels", label, "--out", f"fakes_{label}")
        fakes = (venv / f"fakes_{label}/labels.csv").read_text().splitlines()
        assert fakes[0] == "file,left,right" and fakes[1:] == [f"{i:06d}.png,{row}" for i in range(8)]
        assert len(list((venv / f"fakes_{label}").glob("*.png"))) == 8


def _settings() -> dict:
    from synthbench.config import gan_section

    return gan_section("dcgan", SETTINGS)


def test_licence_and_citation_files_agree_with_the_package_metadata():
    import tomllib

    import yaml

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"]["text"] == "MIT" and (REPO / "LICENSE").read_text().startswith("MIT License")
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["license"] == project["license"]["text"]
    assert citation["preferred-citation"]["doi"] == "10.1038/s41746-021-00507-3"
    assert citation["preferred-citation"]["doi"] in (REPO / "README.md").read_text()
