"""The generator family registry: the one source of family names for the schema, the workflow, the command
line and the figures; a family from outside synthbench plugs in through the config's `plugins`."""

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO, load_config, run_snakemake
from synthbench.config import ConfigError, load_schema, validate_config
from synthbench.gans import registry
from synthbench.plots.style import colour, source_label

# A whole family package, as a user would write one outside synthbench: registration, config keys, networks.
TOY_PACKAGE = {
    "__init__.py": '''
        from synthbench.gans.registry import FamilyEntry, register

        register(FamilyEntry("toy", "toy GAN", "tab:pink", "toyfamily"))
    ''',
    "schema.yaml": '''
        description: A toy family for the registry's tests.
        properties:
          networks:
            type: object
            default: {}
            properties:
              latent_size: {type: integer, default: 4}
          noise_scale: {type: number, default: 0.5, description: A key only this family has.}
    ''',
    "family.py": '''
        import keras

        from synthbench.gans.family import Family
        from synthbench.gans.losses import NonSaturating


        def build(resolution, num_labels, networks):
            z = keras.Input((networks["latent_size"],))
            labels = keras.Input((num_labels,))
            x = keras.layers.Dense(resolution * resolution, activation="tanh")(keras.layers.Concatenate()([z, labels]))
            generator = keras.Model([z, labels], keras.layers.Reshape((resolution, resolution, 1))(x))
            images = keras.Input((resolution, resolution, 1))
            score = keras.layers.Dense(1)(keras.layers.Flatten()(images))
            return generator, keras.Model([images, labels], score)


        def critic(discriminator, images, labels):
            return discriminator([images, labels], training=True)[:, 0], None


        FAMILY = Family(build=build, critic=critic, grows=False, objective=NonSaturating.from_config)
    ''',
}


@pytest.fixture
def toy_plugin(tmp_path, monkeypatch):
    """The toy package on sys.path (and PYTHONPATH for subprocesses); unregistered again afterwards."""
    package = tmp_path / "plugins" / "toyfamily"
    package.mkdir(parents=True)
    for name, text in TOY_PACKAGE.items():
        (package / name).write_text(textwrap.dedent(text).lstrip())
    monkeypatch.syspath_prepend(str(package.parent))
    yield package.parent
    registry._FAMILIES.pop("toy", None)
    sys.modules.pop("toyfamily", None)


def test_builtin_families_are_registered_with_schema_sections():
    assert registry.names()[:2] == ("prog", "cpd")
    sections = load_schema()["properties"]["gans"]["properties"]
    assert set(sections) == set(registry.names())
    assert "growth" in sections["prog"]["properties"] and "growth" not in sections["cpd"]["properties"]
    assert "total_kimg" in sections["cpd"]["properties"], "the shared loop's keys are in every family's section"


def test_a_name_taken_by_another_family_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        registry.register(registry.FamilyEntry("prog", "impostor", "red", "somewhere.else"))
    with pytest.raises(ValueError, match="'real'"):
        registry.register(registry.FamilyEntry("real", "real?", "red", "somewhere.else"))


def test_a_plugin_family_gets_a_config_section_with_its_defaults_a_colour_and_a_label(toy_plugin):
    config = validate_config({"plugins": ["toyfamily"], "datasets": _tiny_datasets()})
    assert config["gans"]["toy"]["noise_scale"] == 0.5 and config["gans"]["toy"]["enabled"] is True
    assert config["gans"]["toy"]["adam"] == {"beta1": 0.0, "beta2": 0.99, "epsilon": 1e-8}
    assert colour("toy") == "tab:pink" and source_label("toy") == "toy (toy GAN)"
    with pytest.raises(ConfigError, match="gans.toy.noise_scale"):
        validate_config({"plugins": ["toyfamily"], "datasets": _tiny_datasets(),
                         "gans": {"toy": {"noise_scale": "loud"}}})


def test_an_unknown_family_or_plugin_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown key.*'nogan'"):
        validate_config({"datasets": _tiny_datasets(), "gans": {"nogan": {}}})
    with pytest.raises(ConfigError, match="key 'plugins'.*no_such_module"):
        validate_config({"datasets": _tiny_datasets(), "plugins": ["no_such_module"]})


def _tiny_datasets():
    """The paper config's datasets section: a config needs one to validate."""
    return load_config("config.yaml")["datasets"]


@pytest.mark.e2e
def test_the_dry_run_plans_a_plugin_familys_training_inference_and_classifier_jobs(toy_plugin, tmp_path,
                                                                                     write_config):
    override = write_config({"plugins": ["toyfamily"],
                             "gans": {**{name: {"enabled": False} for name in registry.names() if name != "toy"},
                                      "toy": {"total_kimg": 1, "noise_scale": 0.25}},
                             # Only toy: the demo's controls (on both samples arms) need families switched off here.
                             "datasets": {"chest": {"arms": {"samples": {"sources": ["toy"]}}},
                                          "brain": {"arms": {"samples": {"sources": []}}}}})
    result = run_snakemake(tmp_path, "-n", "-p", "chest_samples", "--cores", "1", "--configfile",
                           str(REPO / "config/demo.yaml"), str(override), env={"PYTHONPATH": str(toy_plugin)})
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.M))
    values = 2  # the demo's samples arm: 80 and 20 images per class
    assert jobs["train_gan"] == str(values) and "gan_inference" not in jobs
    assert jobs["train_classifier"] == jobs["evaluate_classifier"] == str(2 * values)  # real and toy
    for value in (80, 20):
        run = f"results/chest/samples/{value}/gan/toy/seed0"
        assert f"{run}/network_final.keras" in result.stdout and f"{run}/synthetic/train.tfrecord" in result.stdout
        assert f"results/chest/samples/{value}/classifier/toy/seed0/test_metrics.json" in result.stdout
    training = [line for line in result.stdout.splitlines() if "synthbench gan train --family toy" in line]
    assert len(training) == values
    settings = json.loads(re.search(r"--settings-json '([^']+)'", training[0])[1])
    assert settings["noise_scale"] == 0.25 and settings["networks"] == {"latent_size": 4}
    assert not any(f"/gan/{name}/" in result.stdout for name in ("prog", "cpd", "dcgan", "sngan"))


def test_jobs_know_plugin_families_through_the_environment_the_workflow_sets(toy_plugin):
    """Every job's shell exports SYNTHBENCH_PLUGINS (common.smk): with it the command line accepts the family."""
    base = {**os.environ, "PYTHONPATH": os.pathsep.join([str(toy_plugin), str(REPO / "src")])}
    command = [sys.executable, "-m", "synthbench", "gan", "train", "--family", "toy", "--help"]
    accepted = subprocess.run(command, env={**base, "SYNTHBENCH_PLUGINS": "toyfamily"}, capture_output=True, text=True)
    assert accepted.returncode == 0 and "--real-stats" in accepted.stdout
    refused = subprocess.run(command, env=base, capture_output=True, text=True)
    assert refused.returncode == 2 and "invalid choice: 'toy'" in refused.stderr
