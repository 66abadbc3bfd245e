"""Config validation: defaults filled in, every bad key reported with its name and what was expected."""

import copy
import json
import re
import shlex

import pytest
import yaml

from conftest import REPO, empty_downloads, load_config, run_snakemake
from synthbench.config import (
    ConfigError,
    arm_families,
    arm_mixes,
    arm_seeds,
    arm_sources,
    mix_sources,
    outside_path,
    overfit_settings,
    reader_answers,
    reader_sources,
    run_settings,
    section_hash,
    validate_config,
)


def deep_merge(base: dict, override: dict) -> dict:
    """What Snakemake does with `--configfile`: nested keys override key by key."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        merged[key] = deep_merge(merged[key], value) if isinstance(value, dict) and key in merged else value
    return merged


@pytest.fixture
def paper():
    return load_config("config.yaml")


def error_of(config: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        validate_config(config)
    return str(caught.value)


def test_both_shipped_configs_validate_and_get_defaults(paper):
    validate_config(paper)
    demo = validate_config(deep_merge(load_config("config.yaml"), load_config("demo.yaml")))
    assert demo["demo"]["enabled"] is True
    assert paper["demo"]["chest"]["train_patients"] == 1600  # default filled into an omitted section
    assert paper["datasets"]["chest"]["arms"]["resolution"]["enabled"] is True


def test_the_raw_normalisation_variant_needs_inception(paper):
    paper["fid"]["extractor"] = "classifier"
    assert "key 'fid.normalisation_variants': 'raw' needs extractor inception; the classifier extractor scales " \
           "its input inside the network (drop 'raw')" in error_of(paper)
    paper["fid"]["normalisation_variants"] = ["minmax"]
    validate_config(paper)


def test_defaults_fill_omitted_nested_sections(paper):
    del paper["datasets"]["brain"]["window"], paper["datasets"]["chest"]["split"]
    validate_config(paper)
    assert paper["datasets"]["brain"]["window"] == {"center": 40, "width": 80}
    assert paper["datasets"]["chest"]["split"] == {"train": 0.8, "valid": 0.1, "test": 0.1}


def test_paper_numbers_are_the_defaults(paper):
    chest, brain = paper["datasets"]["chest"]["arms"], paper["datasets"]["brain"]["arms"]
    assert chest["classes"]["values"] == [20, 15, 10, 6, 4, 2]
    assert chest["classes"]["train_per_class"] == [1450, 1600, 2000, 2300, 3900, 6300]
    assert chest["samples"]["values"] == [5950, 4500, 3000, 1500, 1000, 500, 400, 200]
    assert brain["classes"]["train_per_class"] == [2500, 3120, 4170, 6250, 12500]
    assert paper["datasets"]["brain"]["normal_images"] == 107365
    assert len(paper["datasets"]["chest"]["labels"]) == 14


# The study's settings that the default config takes over, each with where the original says so (PAPER.md, the
# original code read as facts). README "Deviations from the study" lists where we differ on purpose or have not
# ported the original yet.
STUDY_SETTINGS = [
    ("classifier.batch_size", 48, "§4 batch: 48 for train"),
    ("classifier.learning_rate", 1e-4, "§4 optimiser: Keras Adam(lr=1e-4)"),
    ("classifier.samples_per_epoch", 5000, "§4 epochs: samples_per_epoch=5000"),
    ("classifier.steps_per_epoch", None, "§4 train_steps = int(min(N_train, 5000) / 48) = 104: worked out per run"),
    ("classifier.max_epochs", 100, "§4 epochs: max 100"),
    ("classifier.patience", 3, "§4 early stopping: patience=3 epochs"),
    ("classifier.lr_patience", 2, "§4 early stopping: after patience_reduce_lr=2 epochs"),
    ("classifier.lr_factor", 0.1, "§4 early stopping: lr x 0.1"),
    ("classifier.synthetic_validation", "synthetic", "§4 use of the splits: fake arm selects on synthetic valid"),
    ("fid.extractor", "inception", "§3.5 network: TF Inception graph, pool_3 (2048-d)"),
    ("fid.num_images", 10000, "§3.5 real set: 10,000 images from the training split"),
    ("fid.resize", 299, "§3.5 the graph does its own resize to 299"),
    ("fid.resize_mode", "legacy_tf1", "§3.5 the TF1 graph's own (bilinear, legacy) resize"),
    ("gans.cpd.minibatch", 256, "§3.3 schedule: minibatch 256"),
    ("gans.cpd.lrate", 0.005, "§3.3 schedule: G and D lr 0.005"),
    ("gans.cpd.d_lrate", None, "§3.3 schedule: D's lr is G's"),
    ("gans.cpd.critic_labels", "sum", "§3.3 D output: dense(h -> label_size), reduce_sum(out * y), no unconditional"),
    ("gans.cpd.networks.fmap_base", 16384, "§3.3 G defaults: fmap_base=16<<10"),
    ("gans.cpd.networks.fmap_max", 512, "§3.3 G defaults: fmap_max=512"),
    ("gans.cpd.networks.mbstd_group", 4, "§3.3 mbstd_group_size=4"),
    ("gans.cpd.total_kimg", 12000, "§3.3 presets: 32 px total_kimg 12000"),
    ("gans.cpd.min_kimg", 7000, "§3.3 presets: 32 px minimum_fid_kimg 7000"),
    ("gans.cpd.patience", 2, "§3.3 schedule: fid_patience=2"),
    ("gans.cpd.fid_every_kimg", 400, "§3.1 ticks {32: 100 kimg} x §3.3 fid_snapshot_ticks=4"),
    ("gans.cpd.tick_kimg", 100, "§3.1 tick_kimg_dict {32: 100}"),
    ("gans.cpd.ema_beta", 0.999, "§3.1 optimiser: G_smoothing=0.999 (Gs is an EMA of G)"),
    ("gans.prog.ema_beta", 0.999, "§3.1 optimiser: G_smoothing=0.999 (Gs is an EMA of G)"),
    ("gans.cpd.gp_weight", 10, "§3.1 WGAN-GP: lambda = 10"),
    ("gans.cpd.drift", 0.001, "§3.1 WGAN-GP: drift 0.001 D(real)^2"),
    ("gans.cpd.adam", {"beta1": 0.0, "beta2": 0.99, "epsilon": 1e-8}, "§3.1 optimiser: Adam 0.0 / 0.99 / 1e-8"),
    ("gans.prog.total_kimg", 12000, "§3.2 presets: 32 px total_kimg 12000"),
    ("gans.prog.label_loss", "softmax", "§3.2 loss: softmax_cross_entropy(y/Σy, logits_real) + ... fake"),
    ("gans.prog.label_weight", 1.0, "§3.2 loss: cond_weight=1"),
    ("gans.prog.lrate", 0.001, "§3.2 schedule: default lr 0.001 for G and D"),
    ("gans.prog.growth.initial_resolution", 8, "§3.2 lod_initial_resolution=8"),
    ("gans.prog.networks.fmap_base", 8192, "§3.2 networks: fmap_base=8192"),
    ("gans.prog.networks.latent_size", 512, "§3.1 latent_size = nf(0) = 512"),
    ("gans.prog.adam", {"beta1": 0.0, "beta2": 0.99, "epsilon": 1e-8}, "§3.1 optimiser: Adam 0.0 / 0.99 / 1e-8"),
    ("datasets.chest.split", {"train": 0.8, "valid": 0.1, "test": 0.1}, "§2.2 patient split 80/10/10"),
    ("attribution.method", "cxpl", "§6 patches of the 224² normalised input set to 0, Δ = max(L_masked − base, 1e-7)"),
    ("attribution.patch", 4, "§6 downsample_factor=4: 4x4 patches"),
    ("classifier.input_size", 224, "§6 images must already be 224x224 (the classifier's input)"),
]


# The study's settings that change with the final resolution (its "Config presets" block, one preset per
# resolution): what a run of each GAN at each side is given (config.run_settings), each with where the original
# says so. Ticks and FID checks: §3.1 tick_kimg_dict {8: 140, 16: 120, 32: 100, 64: 80, 128: 60}, FID every
# fid_snapshot_ticks=4 ticks once fully grown, so every 4 ticks of the final resolution.
STUDY_PRESETS = [
    ("prog", 32, "growth.training_kimg", 1400, "§3.2 presets: 32 px lod train kimg 1400"),
    ("prog", 32, "growth.transition_kimg", 1400, "§3.2 presets: 32 px lod transition kimg 1400"),
    ("prog", 32, "min_kimg", 7000, "§3.2 presets: 32 px minimum_fid_kimg 7000"),
    ("prog", 32, "total_kimg", 12000, "§3.2 presets: 32 px total_kimg 12000"),
    ("prog", 32, "fid_every_kimg", 400, "§3.1 ticks {32: 100} x fid_snapshot_ticks=4"),
    ("prog", 64, "growth.training_kimg", 1000, "§3.2 presets: 64 px lod train kimg 1000"),
    ("prog", 64, "growth.transition_kimg", 1000, "§3.2 presets: 64 px lod transition kimg 1000"),
    ("prog", 64, "min_kimg", 7000, "§3.2 presets: 64 px minimum_fid_kimg 7000"),
    ("prog", 64, "total_kimg", 14000, "§3.2 presets: 64 px total_kimg 14000"),
    ("prog", 64, "fid_every_kimg", 320, "§3.1 ticks {64: 80} x fid_snapshot_ticks=4"),
    ("prog", 128, "growth.training_kimg", 1000, "§3.2 presets: 128 px lod train kimg 1000"),
    ("prog", 128, "growth.transition_kimg", 1000, "§3.2 presets: 128 px lod transition kimg 1000"),
    ("prog", 128, "min_kimg", 9000, "§3.2 presets: 128 px minimum_fid_kimg 9000"),
    ("prog", 128, "total_kimg", 16000, "§3.2 presets: 128 px total_kimg 16000"),
    ("prog", 128, "fid_every_kimg", 240, "§3.1 ticks {128: 60} x fid_snapshot_ticks=4"),
    ("prog", 128, "minibatch_per_resolution", {"8": 256, "16": 128, "32": 64, "64": 32, "128": 16, "256": 8},
     "§3.2 minibatch per res {8: 256, 16: 128, 32: 64} + {64: 32} + {128: 16} (256: ours)"),
    ("prog", 128, "tick_kimg_per_resolution", {"8": 140, "16": 120, "32": 100, "64": 80, "128": 60, "256": 40},
     "§3.1 tick_kimg_dict"),
    ("prog", 128, "lrate", 0.001, "§3.2 schedule: default lr 0.001 for G and D (no per-resolution rates)"),
    ("prog", 128, "lrate_per_resolution", {}, "§3.2 schedule: default lr 0.001 for G and D (no per-resolution rates)"),
    ("prog", 128, "patience", 2, "§3.2 every preset: fid_patience=2"),
    ("prog", 128, "growth.reset_optimizer", True, "§3.1 optimiser: reset_opt_for_new_lod=True"),
    ("cpd", 64, "total_kimg", 14000, "§3.3 presets: 64 px total_kimg 14000"),
    ("cpd", 64, "min_kimg", 7000, "§3.3 presets: 64 px minimum_fid_kimg 7000"),
    ("cpd", 64, "tick_kimg", 80, "§3.1 tick_kimg_dict {64: 80}"),
    ("cpd", 64, "fid_every_kimg", 320, "§3.1 ticks {64: 80} x §3.3 fid_snapshot_ticks=4"),
    ("cpd", 128, "total_kimg", 16000, "§3.3 presets: 128 px total_kimg 16000"),
    ("cpd", 128, "min_kimg", 9000, "§3.3 presets: 128 px minimum_fid_kimg 9000"),
    ("cpd", 128, "tick_kimg", 60, "§3.1 tick_kimg_dict {128: 60}"),
    ("cpd", 128, "fid_every_kimg", 240, "§3.1 ticks {128: 60} x §3.3 fid_snapshot_ticks=4"),
    ("cpd", 128, "lrate", 0.005, "§3.3 every preset: G and D lr 0.005"),
    ("cpd", 128, "minibatch", 256, "§3.3 every preset: minibatch_dict={res: 256}"),
    ("cpd", 128, "minibatch_per_resolution", {"256": 64}, "§3.3 minibatch 256 at every resolution (256 px: ours)"),
    ("cpd", 128, "patience", 2, "§3.3 every preset: fid_patience=2"),
]


def _at(section: dict, key: str):
    for part in key.split("."):
        section = section[part]
    return section


@pytest.mark.parametrize(("key", "study", "where"), STUDY_SETTINGS, ids=[row[0] for row in STUDY_SETTINGS])
def test_the_default_config_holds_the_studys_setting(paper, key, study, where):
    value = _at(validate_config(paper), key)
    assert value == study, f"{key} = {value!r}; the study has {study!r} ({where})"


@pytest.mark.parametrize(("family", "side", "key", "study", "where"), STUDY_PRESETS,
                         ids=[f"{row[0]}-{row[1]}px-{row[2]}" for row in STUDY_PRESETS])
def test_a_run_at_each_side_takes_the_studys_preset(paper, family, side, key, study, where):
    value = _at(run_settings(validate_config(paper), family, side), key)
    assert value == study, f"gans.{family}.{key} at {side} px = {value!r}; the study has {study!r} ({where})"


def test_a_preset_is_checked_as_the_section_it_makes(paper):
    assert run_settings(validate_config(copy.deepcopy(paper)), "prog", 64)["growth"]["initial_resolution"] == 8, \
        "a preset's nested section keeps the keys it does not name"
    presets = paper["gans"]["prog"]["presets"]
    presets["64"]["patience"] = 0
    presets["128"]["enabled"] = False
    presets["256"]["growth"]["warp"] = 1
    message = error_of(paper)
    assert "key 'gans.prog.presets.64.patience': 0 is less than the minimum of 1" in message
    assert "key 'gans.prog.presets.128.enabled': a preset cannot set 'enabled'" in message
    assert "key 'gans.prog.presets.256.growth': unknown key(s) 'warp'" in message
    paper["gans"]["prog"]["presets"] = {"sixty-four": {}}
    assert "key 'gans.prog.presets'" in error_of(paper)


def test_growth_must_end_within_total_kimg_at_every_side_as_its_preset_makes_it(paper):
    paper["gans"]["prog"]["presets"]["128"]["total_kimg"] = 7000
    assert ("key 'gans.prog.total_kimg': 7000 ends before growth to 128 px does (kimg 8000: 4 levels x "
            "(training_kimg + transition_kimg))") in error_of(paper)


def test_the_studys_classifier_epoch_is_104_steps_of_48_from_5000_rows():
    from synthbench.classifier.settings import steps_per_epoch

    settings = {"steps_per_epoch": None, "samples_per_epoch": 5000, "batch_size": 48}
    assert [steps_per_epoch(settings, rows) for rows in (223_414, 5_000, 600, 10)] == [104, 104, 12, 1]
    assert steps_per_epoch({**settings, "steps_per_epoch": 15}, 600) == 15


def test_wrong_type_names_key_and_purpose(paper):
    paper["datasets"]["brain"]["normal_images"] = "many"
    message = error_of(paper)
    assert "key 'datasets.brain.normal_images'" in message
    assert "'many' is not of type 'integer'" in message
    assert "Normal slices kept" in message


def test_unknown_key_lists_allowed_keys(paper):
    paper["datasets"]["chest"]["arms"]["classes"]["train_per_klass"] = [1]
    message = error_of(paper)
    assert "key 'datasets.chest.arms.classes': unknown key(s) 'train_per_klass'" in message
    assert ("allowed: enabled, mix_ratios, resolution, seeds, sources, test_per_class, train_per_class, "
            "valid_per_class, values") in message


def test_wrong_enum_value_lists_choices(paper):
    paper["datasets"]["chest"]["resize"] = "stretch"
    assert "'stretch' is not one of ['squash', 'center_crop']" in error_of(paper)


def test_every_problem_reported_at_once(paper):
    paper["seed"] = -1
    paper["datasets"]["chest"]["labels"] = ["No Finding", "Flu"]
    paper["datasets"]["brain"]["arms"]["resolution"]["values"] = [32, 4]
    message = error_of(paper)
    assert "key 'seed': -1 is less than the minimum of 0" in message
    assert "key 'datasets.chest.labels.1': 'Flu' is not one of" in message
    assert "key 'datasets.brain.arms.resolution.values.1': 4 is less than the minimum of 8" in message


def test_missing_required_key(paper):
    del paper["datasets"]["chest"]["arms"]["samples"]["valid_per_class"]
    assert "'valid_per_class' is a required property" in error_of(paper)


def test_split_must_sum_to_one(paper):
    paper["datasets"]["chest"]["split"]["train"] = 0.7
    assert "key 'datasets.chest.split': train + valid + test = 0.9, expected 1" in error_of(paper)


def test_classes_lists_must_pair_up(paper):
    paper["datasets"]["brain"]["arms"]["classes"]["train_per_class"] = [2500, 3120]
    message = error_of(paper)
    assert "key 'datasets.brain.arms.classes.train_per_class': 2 entries, expected 5" in message


def test_resolutions_must_be_powers_of_two(paper):
    paper["datasets"]["chest"]["arms"]["samples"]["resolution"] = 48
    assert "key 'datasets.chest.arms.samples.resolution': 48 is not a power of two" in error_of(paper)


def test_demo_ranges_must_be_ordered(paper):
    paper["demo"] = {"chest": {"heights": [120, 90]}}
    assert "key 'demo.chest.heights': [120, 90] must be [lowest, highest]" in error_of(paper)


def test_arm_sources_choose_the_families_of_each_arm(paper):
    chest = paper["datasets"]["chest"]["arms"]
    chest["classes"]["sources"] = ["cpd", "dcgan"]
    paper["gans"]["dcgan"] = {"enabled": False}
    validated = validate_config(paper)
    assert arm_sources(validated, "chest", "classes") == ["cpd"], "a family switched off is off everywhere"
    assert arm_sources(validated, "chest", "samples") == ["prog", "cpd", "sngan", "diffusion"], \
        "null: every enabled family"


def test_arm_sources_must_be_registered_and_fit_the_arms_images(paper):
    paper["datasets"]["brain"]["arms"]["samples"]["sources"] = ["prog", "vae"]
    assert ("key 'datasets.brain.arms.samples.sources': 'vae' is neither a registered family (known: prog, cpd, "
            "dcgan, sngan, diffusion), a control (copycat, noise, overfit) nor a name in outside_sources (none)"
            ) in error_of(paper)
    paper["datasets"]["brain"]["arms"]["samples"]["sources"] = ["dcgan"]
    paper["datasets"]["brain"]["arms"]["samples"]["resolution"] = 8
    assert ("key 'datasets.brain.arms.samples.sources': dcgan trains at 16 px or more, but this arm has 8 px "
            "images") in error_of(paper)


def test_outside_sources_join_the_arms_that_list_them(paper):
    paper["outside_sources"] = {"theirs": {"kind": "images", "path": "outside/{dataset}/{arm}/{value}"}}
    paper["datasets"]["chest"]["arms"]["classes"]["sources"] = ["cpd", "theirs"]
    validated = validate_config(paper)
    assert arm_sources(validated, "chest", "classes") == ["cpd", "theirs"]
    assert arm_sources(validated, "chest", "samples") == ["prog", "cpd", "dcgan", "sngan", "diffusion"], \
        "null: families only"
    assert outside_path(validated, "theirs", "chest", "classes", 4) == "outside/chest/classes/4"


@pytest.mark.parametrize(("name", "source", "problem"), [
    ("cpd", {"kind": "images", "path": "x/{value}"}, "key 'outside_sources.cpd': 'cpd' is the name of a registered "
     "family"),
    ("real", {"kind": "images", "path": "x/{value}"}, "'real' is the name of real data"),
    ("theirs", {"kind": "images", "path": "x/{seed}/{value}"}, "key 'outside_sources.theirs.path': 'x/{seed}/{value}' "
     "names seed; it may name only {dataset}, {arm} and {value}"),
    ("theirs", {"kind": "images", "path": "x/{arm}"}, "key 'outside_sources.theirs.path': 'x/classes' serves both "
     "chest classes 20 and chest classes 15; each arm value needs its own images"),
    ("Theirs", {"kind": "images", "path": "x"}, "'Theirs' does not match"),
    ("theirs", {"kind": "video", "path": "x"}, "'video' is not one of ['images', 'package']"),
])
def test_outside_sources_are_refused_with_the_reason(paper, name, source, problem):
    paper["outside_sources"] = {name: source}
    paper["datasets"]["chest"]["arms"]["classes"]["sources"] = ["prog", name]
    assert problem in error_of(paper)


def test_controls_join_the_arms_that_list_them_and_copycat_trains_its_base(paper):
    paper["datasets"]["chest"]["arms"]["classes"]["sources"] = ["copycat", "noise"]
    paper["controls"] = {"copycat": {"base": "dcgan", "copy_fraction": 0.2}}
    validated = validate_config(paper)
    assert arm_sources(validated, "chest", "classes") == ["copycat", "noise"]
    assert arm_families(validated, "chest", "classes") == ["dcgan"], "the base family's splits are copied into"
    assert validated["controls"]["copycat"]["jpeg_quality"] == 90, "defaults filled in"
    paper["gans"]["dcgan"] = {"enabled": False}
    assert "key 'controls.copycat.base': 'dcgan' is not an enabled registered family" in error_of(paper)
    paper["outside_sources"] = {"noise": {"kind": "images", "path": "x/{dataset}/{arm}/{value}"}}
    assert "key 'outside_sources.noise': 'noise' is the name of a control" in error_of(paper)



def test_the_overfit_control_trains_its_family_long_on_few_images_and_needs_it_enabled(paper):
    paper["datasets"]["chest"]["arms"]["classes"]["sources"] = ["overfit"]
    paper["controls"] = {"overfit": {"family": "cpd", "kimg": 50}}
    validated = validate_config(copy.deepcopy(paper))
    assert arm_families(validated, "chest", "classes") == ["cpd"], "the family it trains is trained on the arm"
    settings = overfit_settings(validated, 32)
    assert settings["total_kimg"] == settings["min_kimg"] == 50, "one FID evaluation, at the end: no early stop"
    assert settings["lrate"] == validated["gans"]["cpd"]["lrate"] and "enabled" not in settings
    assert "presets" not in settings and overfit_settings(validated, 128)["tick_kimg"] == 60, "its side's preset"
    assert validated["controls"]["overfit"]["train_images"] == 64
    paper["gans"]["cpd"] = {"enabled": False}
    assert "key 'controls.overfit.family': 'cpd' is not an enabled registered family (it trains that family)" in \
        error_of(paper)


def test_mixes_pair_every_family_of_the_arm_with_every_ratio_and_ratios_name_their_sources(paper):
    arms = paper["datasets"]["chest"]["arms"]
    arms["classes"].update(sources=["cpd", "dcgan", "copycat", "noise"], mix_ratios=[0.5, 2])
    arms["samples"]["mix_ratios"] = []
    validated = validate_config(copy.deepcopy(paper))
    assert arm_mixes(validated, "chest", "classes") == ["real+0.5cpd", "real+2cpd", "real+0.5dcgan", "real+2dcgan"], \
        "families only: controls and outside sources have no generator to sample more from"
    assert arm_mixes(validated, "chest", "samples") == []
    paper["datasets"]["brain"]["enabled"] = False
    assert set(mix_sources(validate_config(copy.deepcopy(paper)))) >= {"real+0.5cpd", "real+2dcgan"}
    arms["classes"]["mix_ratios"] = [0.00000125, 0]
    error = error_of(paper)
    assert "mix_ratios" in error and "0 is less than or equal to the minimum of 0" in error
    arms["classes"]["mix_ratios"] = [0.00000125]
    assert ("key 'datasets.chest.arms.classes.mix_ratios': 1.25e-06 does not name a source exactly (it would be "
            "real+1.25e-06<family>)") in error_of(paper)


def test_reader_studies_show_the_arms_generators_and_finished_ones_need_a_built_arm(paper):
    paper["datasets"]["chest"]["arms"]["classes"]["sources"] = ["cpd", "copycat", "noise"]
    validated = validate_config(copy.deepcopy(paper))
    assert reader_sources(validated, "chest", "classes") == ["cpd"], "the controls are not shown by default"
    assert reader_answers(validated) == []
    paper["reader_study"] = {"sources": ["prog", "gan9"],
                             "answers": {"chest": {"classes": "a.csv"}, "brain": {"samples": "b.csv"}}}
    paper["datasets"]["brain"]["enabled"] = False
    error = error_of(paper)
    assert "key 'reader_study.sources': 'gan9' is not a generator" in error
    assert "key 'reader_study.answers.chest.classes': the study shows prog, gan9, which the arm does not" in error
    assert "key 'reader_study.answers.brain.samples': the brain samples arm is not enabled" in error
    paper["reader_study"] = {"answers": {"chest": {"sizes": "a.csv"}}}
    assert "reader_study.answers.chest" in error_of(paper)


def test_the_readmes_outside_sources_example_is_a_valid_config(paper):
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("### Benchmarking a generator trained elsewhere"):]
    example = yaml.safe_load(section[section.index("```yaml") + 7:section.index("```", section.index("```yaml") + 7)])
    validated = validate_config(deep_merge(paper, example))
    assert arm_sources(validated, "chest", "samples") == ["cpd", "mygen"]
    assert validated["outside_sources"]["theirs"]["kind"] == "package"


def test_command_line_list_items_are_read_as_the_numbers_the_schema_asks_for(paper):
    # What Snakemake's --config makes of 'seeds=[0,1]' and 'fid={num_images: 10}': strings inside containers.
    config = validate_config({**paper, "seeds": ["0", "1"], "fid": {**paper["fid"], "num_images": "10"}})
    assert config["seeds"] == [0, 1] and config["fid"]["num_images"] == 10
    with pytest.raises(ConfigError, match="'seeds.0': 'zero' is not of type 'integer'"):
        validate_config({**paper, "seeds": ["zero"]})
    with pytest.raises(ConfigError, match="'seeds.0': '1.5' is not of type 'integer'"):
        validate_config({**paper, "seeds": ["1.5"]})


def test_an_arm_runs_its_own_seeds_or_the_top_level_ones(paper):
    config = validate_config(deep_merge(paper, {"seeds": [0, 2], "datasets": {"chest": {"arms": {
        "samples": {"seeds": [4, 5, 6]}}}}}))
    assert arm_seeds(config, "chest", "samples") == [4, 5, 6]
    assert arm_seeds(config, "chest", "classes") == arm_seeds(config, "brain", "samples") == [0, 2]
    for bad, problem in (([], "should be non-empty"), ([1, 1], "has non-unique elements"), ([-1], "less than")):
        with pytest.raises(ConfigError, match=rf"datasets\.chest\.arms\.samples\.seeds.*{problem}"):
            validate_config(deep_merge(paper, {"datasets": {"chest": {"arms": {"samples": {"seeds": bad}}}}}))


def test_section_hash_ignores_key_order_but_not_values():
    assert section_hash({"a": 1, "b": [1, 2]}) == section_hash({"b": [1, 2], "a": 1})
    assert section_hash({"a": 1}) != section_hash({"a": 2})


@pytest.mark.e2e
def test_snakemake_dry_run_plans_the_paper_dag(tmp_path):
    empty_downloads(tmp_path)  # where config/config.yaml expects the downloads
    result = run_snakemake(tmp_path, "-n", "--cores", "1")
    assert "This was a dry-run" in result.stdout
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.M))
    assert jobs["index_chest"] == jobs["index_brain"] == "1", "one index job (manifest + cache) per dataset"
    arm_values = 4 + 6 + 8 + 4 + 5 + 8
    assert jobs["arm_split"] == str(arm_values), "every value of every arm of both datasets"
    assert "images_256.h5" in result.stdout, "the cache holds the largest side of the resolution arm"
    extractors = 3  # inception (FID), and the generator metrics' classifier and random feature spaces
    assert jobs["fid_inception_weights"] == "1" and jobs["fid_real_stats"] == str(extractors * arm_values)
    families = 5  # prog, cpd, dcgan, sngan, diffusion: the paper config enables every registered family
    assert jobs["train_gan"] == str(families * arm_values), "every family, one seed (synthetic splits included)"
    assert jobs["generator_features"] == str((extractors - 1) * families * arm_values), \
        "each GAN run's synthetic features in the spaces its training job does not measure"
    ratios = 3  # every arm mixes each family's fakes into real data at 0.5, 1 and 2
    assert jobs["train_classifier"] == jobs["evaluate_classifier"] == str((1 + families + families * ratios)
                                                                         * arm_values), "real, each family, each mix"
    assert jobs["more_synthetic"] == str(families * arm_values), "extra fakes for the mixes above 1"
    assert jobs["plot_mixes"] == "1"
    assert jobs["nearest_neighbours"] == str(families * arm_values), "one memorisation check per GAN run"
    assert jobs["generator_metrics"] == str((families + 1) * arm_values), "each GAN run, and the real ceiling"
    assert jobs["attribution_panel"] == str(arm_values) == jobs["compare_classifiers"]


@pytest.mark.e2e
def test_snakemake_dry_run_of_the_demo_config(tmp_path):
    result = run_snakemake(tmp_path, "-n", "--cores", "1", "--configfile", str(REPO / "config/demo.yaml"))
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.M))
    assert jobs["demo_chest"] == jobs["demo_brain"] == "1" and jobs["arm_split"] == "12"
    # Generator runs: cpd on the resolution and classes arms (8 values, and the chest resolution arm's second seed: 2
    # more), prog and diffusion on the chest samples arm, diffusion on the brain samples arm (6): 16 runs, each with
    # a classifier, beside real's 14 (12 values, 2 second seeds), and the real + cpd mix at ratio 1 on both classes
    # arms (4 values): 34 classifiers. The three controls on both samples arms (4 values): 12 runs without
    # classifiers, of which overfit's 4 are training jobs.
    assert jobs["train_gan"] == str(16 + 4) and jobs["evaluate_classifier"] == str(14 + 16 + 4)
    assert jobs["source_intake"] == str(2 * 4) and jobs["overfit_subset"] == "4"
    assert "more_synthetic" not in jobs and jobs["plot_mixes"] == "1", "no ratio above 1: no extra fakes"
    assert jobs["plot_fid"] == jobs["plot_memorisation"] == jobs["plot_generator_metrics"] == "2"
    assert jobs["nearest_neighbours"] == str(16 + 12), "every run is searched for copies and attacked, controls too"
    assert jobs["summary"] == jobs["plot_auroc"] == "1" and jobs["generator_metrics"] == str(16 + 12 + 12)
    assert jobs["compare_classifiers"] == str(12 + 2), "every arm value's classifiers against real's, paired"
    from synthbench.config import merged_config_files
    from synthbench.workload import workload
    counted = workload(validate_config(merged_config_files([REPO / "config/config.yaml", REPO / "config/demo.yaml"])))
    assert sum(row["generator_runs"] for row in counted) == int(jobs["train_gan"]), "`synthbench workload` agrees"
    assert sum(row["classifiers"] for row in counted) == int(jobs["train_classifier"])


@pytest.mark.e2e
def test_an_arm_target_plans_exactly_the_jobs_of_that_arm(tmp_path):
    result = run_snakemake(tmp_path, "-n", "chest_samples", "--cores", "1", "--configfile",
                           str(REPO / "config/demo.yaml"))
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.M))
    values = 2  # the demo's samples arm: 80 and 20 images per class
    families = 2  # prog and diffusion (the demo's generators on the chest samples arm)
    controls = 3  # copycat and noise (intake jobs), overfit (a training job on a subset); no classifiers
    assert jobs == {"demo_chest": "1", "plan_chest": "1", "index_chest": "1",
                    "arm_split": str(values), "fid_real_stats": str(values),
                    "train_gan": str((families + 1) * values), "overfit_subset": str(values),
                    "source_intake": str(2 * values),
                    "train_classifier": str((1 + families) * values),
                    "evaluate_classifier": str((1 + families) * values),
                    "nearest_neighbours": str((families + controls) * values), "attribution_panel": str(values),
                    "generator_metrics": str((1 + families + controls) * values),
                    "compare_classifiers": str(values),
                    "chest_samples": "1", "total": str(4 + (7 + 5 * families + 3 * controls + 1) * values)}
    assert "brain" not in result.stdout and "results/chest/classes" not in result.stdout


@pytest.mark.e2e
def test_classifier_fid_measures_every_gan_seed_with_the_first_seeds_real_classifier(tmp_path, write_config):
    override = write_config({"seeds": [3, 5], "fid": {"extractor": "classifier"}})
    result = run_snakemake(tmp_path, "-n", "-p", "results/chest/samples/80/gan/cpd/seed5/training.json",
                           "--cores", "1", "--configfile", str(REPO / "config/demo.yaml"), str(override))
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.M))
    assert "fid_inception_weights" not in jobs and jobs["train_classifier"] == "1"
    assert "results/chest/samples/80/classifier/real/seed3/model.keras" in result.stdout
    ruler = "--extractor classifier --extractor-weights " \
            "results/chest/samples/80/classifier/real/seed3/model.keras"
    commands = [line for line in result.stdout.splitlines() if "python -m synthbench fid stats" in line
                or "python -m synthbench gan train --family cpd" in line]
    assert len(commands) == 2 and all(ruler in line for line in commands), commands
    assert "--out results/chest/samples/80/fid/classifier/train.npz" in commands[0] + commands[1]


def option_json(command: str, option: str) -> dict:
    words = shlex.split(command)
    return json.loads(words[words.index(option) + 1])


@pytest.mark.e2e
def test_jobs_get_only_the_settings_they_read(tmp_path):
    result = run_snakemake(tmp_path, "-n", "-p", "results/chest/samples/80/gan/dcgan/seed0/training.json",
                           "--cores", "1", "--configfile", str(REPO / "config/demo.yaml"))
    lines = result.stdout.splitlines()
    split = next(line for line in lines if "synthbench dataset split chest samples 80" in line)
    assert set(option_json(split, "--config-json")) == {"split", "arms"}
    arms = option_json(split, "--config-json")["arms"]
    assert sorted(arms) == ["classes", "resolution", "samples"], "every enabled arm: one split meets their quotas"
    assert not any("sources" in settings for settings in arms.values()), "the split does not read them"
    train = next(line for line in lines if "synthbench gan train --family dcgan" in line)
    settings = option_json(train, "--settings-json")
    assert "arms" not in settings and "enabled" not in settings and settings["networks"]["g_channels"] == 16


@pytest.mark.e2e
def test_missing_raw_data_is_named(tmp_path):
    result = run_snakemake(tmp_path, "-n", "--cores", "1", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "datasets.chest.raw_dir: data/raw/CheXpert-v1.0-small is not a folder" in output
    assert "CheXpert-v1.0-small (Stanford ML Group" in output and "Using the real datasets" in output
    assert "make demo" in output
    (tmp_path / "data/raw/CheXpert-v1.0-small").mkdir(parents=True)  # a folder, but not the download
    result = run_snakemake(tmp_path, "-n", "--cores", "1", check=False)
    assert "datasets.chest.raw_dir: data/raw/CheXpert-v1.0-small holds no train.csv" in result.stdout + result.stderr


@pytest.mark.e2e
def test_snakemake_stops_on_bad_config_naming_the_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"datasets": {"chest": {"uncertain_as": 0.5}}}))
    result = run_snakemake(tmp_path, "-n", "--cores", "1", "--configfile", str(bad), check=False)
    assert result.returncode != 0
    assert "key 'datasets.chest.uncertain_as': 0.5 is not one of [0, 1]" in result.stdout + result.stderr


@pytest.mark.e2e
def test_snakemake_lint_is_clean(tmp_path):
    for configs in ([], ["--configfile", str(REPO / "config/demo.yaml")]):
        result = run_snakemake(tmp_path, "--lint", *configs)
        assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def planned_jobs(stdout: str) -> list[dict]:
    """rule, threads and resources of every job a dry run lists."""
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", stdout):
        header = re.match(r"(?:local)?rule (\w+):", block)
        resources = re.search(r"^\s+resources: (.*)$", block, flags=re.M)
        if header and resources:
            threads = re.search(r"^\s+threads: (\d+)$", block, flags=re.M)
            pairs = dict(item.split("=", 1) for item in resources[1].split(", "))
            jobs.append({"rule": header[1], "threads": int(threads[1]) if threads else 1, **pairs})
    return jobs


@pytest.mark.e2e
def test_slurm_profile_dry_run_requests_gpus_memory_and_runtime(tmp_path, write_config):
    # The demo, with a mix above ratio 1 and a control entered by an intake job: every GPU rule is planned.
    extras = write_config({"datasets": {"chest": {"arms": {
        "classes": {"mix_ratios": [1, 2]}, "samples": {"sources": ["prog", "diffusion", "copycat"]}}}}}, "extras.yaml")
    result = run_snakemake(tmp_path, "-n", "--profile", str(REPO / "profiles/slurm"), "--configfile",
                           str(REPO / "config/demo.yaml"), str(extras))
    jobs = planned_jobs(result.stdout)
    by_rule = {}
    for job in jobs:
        by_rule.setdefault(job["rule"], []).append(job)
    # GAN runs: cpd on 8 resolution and classes values (10 with the chest resolution arm's second seed), prog and
    # diffusion on chest samples (4), diffusion and the overfit control on brain samples (4). Classifiers: real's 14
    # (12 values, 2 second seeds), each run's but the control's (16), the mixes (4 on chest, 2 on brain).
    assert len(by_rule["train_gan"]) == 10 + 4 + 4 and len(by_rule["train_classifier"]) == 14 + 16 + 4 + 2
    assert len(by_rule["more_synthetic"]) == 2, "chest classes: cpd's extra fakes for ratio 2"
    assert len(by_rule["source_intake"]) == 2 + 4, "copycat on chest samples; copycat and noise on brain samples"
    gpu_rules = {"fid_real_stats", "generator_features", "train_gan", "more_synthetic", "source_intake",
                 "train_classifier", "evaluate_classifier", "nearest_neighbours"}
    profile = yaml.safe_load((REPO / "profiles/slurm/config.yaml").read_text())
    rules = set(re.findall(r"^(?:local)?rule (\w+):", "\n".join(
        path.read_text() for path in (REPO / "workflow/rules").glob("*.smk")), flags=re.M))
    assert set(profile["set-resources"]) == gpu_rules and set(profile["set-threads"]) <= rules, \
        "the profile names the workflow's rules of today"
    for job in jobs:
        if job["rule"] in gpu_rules:
            assert job["gpu"] == "1" and job["slurm_partition"] == "REPLACE_WITH_YOUR_GPU_PARTITION", job
            assert int(job["mem_mb"]) <= 8000, "one GPU each: the demo config asks for no more"
        else:
            assert "gpu" not in job and job["slurm_partition"] == "REPLACE_WITH_YOUR_CPU_PARTITION", job
        assert job["slurm_account"] == "REPLACE_WITH_YOUR_ACCOUNT" and int(job["runtime"]) >= 60
    gan = by_rule["train_gan"][0]
    assert (gan["threads"], gan["mem_mb"], gan["runtime"]) == (8, "8000", "1440"), "first attempt's request"
    # The paper's preset: GAN jobs ask for 2 GPUs at 32 px (4 at 64, 8 at 128), and host memory per GPU.
    several = write_config({"cluster": {"gpus": {"train_gan": {"per_resolution": {"32": 2}},
                                                  "train_classifier": {"default": 3}}}}, "gpus.yaml")
    result = run_snakemake(tmp_path, "-n", "--profile", str(REPO / "profiles/slurm"), "--configfile",
                           str(REPO / "config/demo.yaml"), str(several))
    gpus = {(job["rule"], job["gpu"], job["mem_mb"]) for job in planned_jobs(result.stdout)
            if job["rule"] in ("train_gan", "train_classifier")}
    assert gpus == {("train_gan", "1", "8000"), ("train_gan", "2", "16000"), ("train_classifier", "3", "24000")}
    capped = write_config({"cluster": {"max_runtime_minutes": 600}})
    result = run_snakemake(tmp_path, "-n", "--profile", str(REPO / "profiles/slurm"), "--configfile",
                           str(REPO / "config/demo.yaml"), str(capped))
    runtimes = {job["rule"]: int(job["runtime"]) for job in planned_jobs(result.stdout)}
    assert runtimes["train_gan"] == runtimes["train_classifier"] == 600 and runtimes["evaluate_classifier"] == 120


def test_gpus_per_job_default_to_the_studys_and_the_readme_shows_them(paper):
    """The study trained its GANs on 2, 4 and 8 GPUs at 32, 64 and 128 px (PAPER.md section 3); the README's
    cluster section shows the defaults as they are."""
    gpus = validate_config(paper)["cluster"]["gpus"]
    assert gpus["train_gan"] == {"default": 1, "per_resolution": {"32": 2, "64": 4, "128": 8, "256": 8}}
    assert gpus["train_classifier"] == {"default": 1, "per_resolution": {}}
    readme = (REPO / "README.md").read_text()
    shown = re.search(r"```yaml\n(cluster:\n  gpus:\n.*?)```", readme, flags=re.S)
    assert shown and yaml.safe_load(shown[1]) == {"cluster": {"gpus": gpus}}
    paper["cluster"] = {"gpus": {"train_gan": {"per_resolution": {"32": 0}}}}
    assert "cluster.gpus.train_gan.per_resolution" in error_of(paper)
