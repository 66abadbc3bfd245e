"""`synthbench workload`: the training a config asks for, counted from the config alone. The run and classifier
counts are checked against the jobs Snakemake plans for the demo config in test_config's dry run."""

import subprocess
import sys

import pytest

from conftest import REPO
from synthbench.config import merged_config_files, validate_config
from synthbench.workload import arm_workload, run_kimg, workload

LOOP = {"min_kimg": 10, "fid_every_kimg": 5, "patience": 3}


@pytest.fixture
def demo():
    return validate_config(merged_config_files([REPO / "config/config.yaml", REPO / "config/demo.yaml"]))


def test_a_run_stops_no_sooner_than_patience_evaluations_after_its_first_and_no_later_than_its_cap(demo):
    demo["gans"]["cpd"].update({**LOOP, "total_kimg": 100})
    demo["gans"]["prog"].update({**LOOP, "total_kimg": 100, "presets": {},
                                 "growth": {"initial_resolution": 8, "training_kimg": 10, "transition_kimg": 10}})
    assert run_kimg(demo, "cpd", 32) == (10 + 3 * 5, 100), "first evaluation at min_kimg"
    assert run_kimg(demo, "prog", 32) == (2 * (10 + 10) + 3 * 5, 100), "first once grown: two doublings from 8 px"
    assert run_kimg(demo, "prog", 8) == (10 + 3 * 5, 100), "nothing to grow at its initial side"
    demo["gans"]["cpd"]["total_kimg"] = 20
    assert run_kimg(demo, "cpd", 32) == (20, 20), "the cap ends it before patience can"
    assert run_kimg(demo, "overfit", 16) == (15, 15), "the overfit control runs its kimg, no early stop"


def test_an_arm_counts_each_trained_source_value_and_seed(demo):
    # chest samples: prog and diffusion (4 kimg each, first evaluation at kimg 2, so the cap ends them), the
    # overfit control (cpd, 15 kimg); copycat and noise train nothing; classifiers: real, prog and diffusion.
    samples = arm_workload(demo, "chest", "samples")
    assert samples == {"dataset": "chest", "arm": "samples", "values": 2, "seeds": 1, "generator_runs": 2 * 3,
                       "kimg_earliest": 2 * (4 + 4 + 15), "kimg_cap": 2 * (4 + 4 + 15), "classifiers": 2 * 3}
    resolution = arm_workload(demo, "chest", "resolution")
    assert (resolution["seeds"], resolution["generator_runs"], resolution["classifiers"]) == (2, 2 * 2, 2 * 2 * 2)
    tripled = arm_workload(demo, "chest", "resolution", seeds=3)
    assert (tripled["generator_runs"], tripled["kimg_cap"]) == (3 * 2, 3 * 2 * 4)
    demo["datasets"]["chest"]["arms"]["samples"]["sources"] = ["copycat"]
    assert arm_workload(demo, "chest", "samples")["generator_runs"] == 2, "copycat's base trains for it"


def test_only_enabled_datasets_and_arms_are_counted(demo):
    demo["datasets"]["brain"]["enabled"] = False
    demo["datasets"]["chest"]["arms"]["classes"]["enabled"] = False
    assert [(row["dataset"], row["arm"]) for row in workload(demo)] == [("chest", "resolution"), ("chest", "samples")]


def test_the_readme_command_prints_each_arm_and_the_totals():
    command = "python -m synthbench workload --configfile config/demo.yaml"
    assert f"PYTHONPATH=src {command}" in (REPO / "README.md").read_text()
    shown = subprocess.run([sys.executable, *command.split()[1:]], cwd=REPO, capture_output=True, text=True,
                           check=True, env={"PYTHONPATH": str(REPO / "src")}).stdout
    total = next(line.split() for line in shown.splitlines() if line.startswith("  total"))
    assert total == ["total", "12", "20", "124", "124", "34"], "the demo's 20 training jobs and 34 classifiers"
