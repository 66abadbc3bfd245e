"""Conda environments: every env file parses, pins the same versions as requirements.txt, every rule names one
that exists, and every rule's job imports with only its env's packages (the `--use-conda` path cannot be run
here: conda is not installable on CI, and building a venv per env would need the network; instead the job
modules are imported in an interpreter that can see only the standard library, synthbench and the
distributions the env pins, with what they require)."""

import json
import os
import re
import subprocess
import sys

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


# The check run in a fresh interpreter per env: only the standard library, synthbench and the env's
# distributions (with what they require) can be imported; the parser is built as `python -m synthbench` builds
# it and every named job module is imported, as the rule's job would import it.
ONLY_ENV_IMPORTS = """
import importlib, importlib.abc, importlib.machinery, json, site, sys
allowed = set(json.loads(sys.argv[1])) | {"synthbench"}
installed = tuple(site.getsitepackages() + [site.getusersitepackages()])

class OutsideTheEnv(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if "." in name or name in allowed:
            return None  # submodules come with their top-level package
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and (spec.origin or "").startswith(installed):
            raise ModuleNotFoundError(f"No module named {name!r} in this env", name=name)
        return None

sys.meta_path.insert(0, OutsideTheEnv())
from synthbench.cli import build_parser
build_parser()
for module in json.loads(sys.argv[2]):
    importlib.import_module(module)
"""
RULE = re.compile(r"^(?:local)?rule (\w+):\n(.*?)(?=^(?:local)?rule |\Z)", flags=re.M | re.S)


def rule_jobs() -> dict[str, dict[str, list[str]]]:
    """env file name -> rule -> the words after `python -m synthbench` in its shell command."""
    jobs: dict[str, dict[str, list[str]]] = {}
    for rule_file in (REPO / "workflow/rules").glob("*.smk"):
        for name, body in RULE.findall(rule_file.read_text()):
            env = re.search(r"conda:\s*\n\s*\"[./]*envs/([\w.]+)\"", body)
            command = re.search(r"python -m synthbench ([\w-]+)(?: ([a-z][\w-]*))?", body)
            if env and command:
                jobs.setdefault(env[1], {})[name] = [word for word in command.groups() if word]
    return jobs


def job_module(words: list[str]) -> str:
    """The module a command's job lives in, read from the parser as `synthbench.cli.run_job` reads it."""
    from synthbench.cli import build_parser

    parser = build_parser()
    for word in words:
        choices = next((action.choices for action in parser._actions if action.choices and word in action.choices),
                       None)
        if choices is None:
            break
        parser = choices[word]
    target = parser.get_default("job")
    assert target, f"`synthbench {' '.join(words)}` names no job"
    return target.split(":")[0]


def importable_names(requirements: list[str]) -> set[str]:
    """Top-level module names of the distributions pinned in an env and of everything they require (extras
    left out unless pinned), as installed here: what a venv built from exactly that list could import."""
    from importlib import machinery, metadata

    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    modules_of: dict[str, set[str]] = {}
    for module, distributions in metadata.packages_distributions().items():
        for distribution in distributions:
            modules_of.setdefault(distribution.lower().replace("_", "-"), set()).add(module)
    for distribution in metadata.distributions():  # top-level extension modules, which the map above misses
        top_level = {path.name.split(".")[0] for path in distribution.files or [] if len(path.parts) == 1
                     and path.name.endswith(tuple(machinery.EXTENSION_SUFFIXES))}
        modules_of.setdefault(distribution.metadata["Name"].lower().replace("_", "-"), set()).update(top_level)
    pending = [Requirement(line) for line in requirements]
    seen: set[str] = set()
    while pending:
        requirement = pending.pop()
        name = SAME_RELEASE.get(requirement.name.lower(), requirement.name.lower()).replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            required = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # e.g. CUDA wheels of tensorflow[and-cuda]: not importable here either
            continue
        for extra in requirement.extras or {""}:
            for line in required:
                needed = Requirement(line)
                if needed.marker is None or needed.marker.evaluate({**default_environment(), "extra": extra}):
                    pending.append(needed)
    return set().union(*(modules_of.get(name, set()) for name in seen))


def import_check(allowed: list[str], modules: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", ONLY_ENV_IMPORTS, json.dumps(allowed), json.dumps(modules)],
                          capture_output=True, text=True, cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO / "src")))


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda path: path.name)
def test_every_rules_job_imports_with_only_its_envs_packages(env_file):
    jobs = rule_jobs().get(env_file.name, {})
    assert jobs, f"no rule runs in {env_file.name}"
    env = yaml.safe_load(env_file.read_text())
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict) and "pip" in item)
    allowed = sorted(importable_names(pip_section))
    modules = sorted({job_module(words) for words in jobs.values()})
    result = import_check(allowed, modules)
    assert result.returncode == 0, f"{env_file.name} ({', '.join(sorted(jobs))}):\n{result.stderr[-3000:]}"


def test_the_import_check_refuses_a_package_outside_the_env():
    """The check would fail a rule whose job needs what its env lacks: TensorFlow is outside envs/data.yaml."""
    data = yaml.safe_load((REPO / "envs/data.yaml").read_text())
    allowed = importable_names(next(item["pip"] for item in data["dependencies"] if isinstance(item, dict)))
    assert "pydicom" in allowed and "tensorflow" not in allowed and "keras" not in allowed
    result = import_check(sorted(allowed), ["synthbench.records"])
    assert result.returncode != 0 and "No module named 'tensorflow' in this env" in result.stderr
