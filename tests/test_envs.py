"""Conda environments: every env file parses, pins the same versions as requirements.txt, and every rule
names one that exists (the `--use-conda` path cannot be run here: conda is not installable on CI)."""

import re

import pytest
import yaml

from conftest import REPO

PIN = re.compile(r"^\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s#;]+)")
# The GPU-capable TensorFlow in the conda env is the same release as the CPU wheel in requirements.txt.
SAME_RELEASE = {"tensorflow": "tensorflow-cpu"}


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        match = PIN.match(line)
        if match:
            found[match[1].lower().replace("_", "-")] = match[3]
    return found


REQUIREMENTS = pins((REPO / "requirements.txt").read_text().splitlines())
ENV_FILES = sorted((REPO / "envs").glob("*.yaml"))


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda path: path.name)
def test_env_pins_agree_with_requirements(env_file):
    env = yaml.safe_load(env_file.read_text())
    assert "python=3.11" in env["dependencies"]
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict) and "pip" in item)
    env_pins = pins(pip_section)
    assert env_pins, f"{env_file.name} pins nothing"
    for name, version in env_pins.items():
        required = SAME_RELEASE.get(name, name)
        assert required in REQUIREMENTS, f"{env_file.name}: {name} is not in requirements.txt"
        assert version == REQUIREMENTS[required], f"{env_file.name}: {name}=={version}, requirements.txt has " \
                                                  f"{REQUIREMENTS[required]}"


def test_every_rule_names_an_existing_env():
    named = 0
    for rule_file in (REPO / "workflow/rules").glob("*.smk"):
        for match in re.finditer(r"conda:\s*\n\s*\"([^\"]+)\"", rule_file.read_text()):
            assert (rule_file.parent / match[1]).resolve().is_file(), f"{rule_file.name}: {match[1]} missing"
            named += 1
        rules = len(re.findall(r"^rule \w+:\n(?:(?!^rule ).)*?shell:", rule_file.read_text(), flags=re.M | re.S))
        assert rule_file.read_text().count("conda:") >= rules, f"{rule_file.name}: a rule with a shell lacks conda"
    assert named >= 15
