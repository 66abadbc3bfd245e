# Shared by all rule files (config validation, wildcard constraints, target functions).
# No other file reads raw config keys by string; rules use the helpers below.

import csv
import json
import math
import re
import shlex
import sys
from pathlib import Path

SRC = Path(workflow.basedir) / "src"
sys.path.insert(0, str(SRC))
from synthbench import paths  # noqa: E402
from synthbench.config import (  # noqa: E402
    ConfigError, arm_seeds, arm_sources, mix_sources, outside_path, reader_answers, reader_sources, trained_family,
    training_settings, validate_config)
from synthbench.config import compared_sources as arm_compared_sources, value_side as side_of_value  # noqa: E402
from synthbench.gans import registry  # noqa: E402
from synthbench.classifier.settings import job_settings  # noqa: E402
from synthbench.fid.options import EXTRACTORS  # noqa: E402
from synthbench.gans.inference import MORE  # noqa: E402
from synthbench.names import (  # noqa: E402
    ARMS, CLASSIFIER_FEATURES, DATASETS, INTAKE_CONTROLS, OVERFIT, REAL, SPLITS, mix_of)
from synthbench.raw_formats import DOWNLOADS, LABEL_TABLES  # noqa: E402

try:
    validate_config(config)
except ConfigError as error:
    raise WorkflowError(str(error)) from None

# Jobs run `python -m synthbench <stage> ...`: they find the package whether run locally, in conda envs or on a
# cluster, and import the config's plug-ins (their families) through SYNTHBENCH_PLUGINS.
# TensorFlow's C++ start-up chatter would bury the progress lines in every log.


def shell_literal(text):
    """`text` as one shell word inside the prefix, which Snakemake formats like a command (braces doubled)."""
    return shlex.quote(text).replace("{", "{{").replace("}", "}}")


shell.prefix(
    f"export PYTHONPATH={shell_literal(str(SRC))}" + '"${{PYTHONPATH:+:$PYTHONPATH}}"'
    f" {registry.PLUGINS_VARIABLE}={shell_literal(':'.join(config['plugins']))}"
    ' TF_CPP_MIN_LOG_LEVEL="${{TF_CPP_MIN_LOG_LEVEL:-2}}"; '
)
FAMILIES = registry.names()
OUTSIDE = config["outside_sources"]  # generators made elsewhere: their images or packages enter the arms that list them
INTAKE_SOURCES = [*OUTSIDE, *INTAKE_CONTROLS]  # the sources an intake job enters instead of a training job
TRAINED = [*FAMILIES, OVERFIT]  # the sources a training job makes: the families, and the overfit control
MIXES = mix_sources(config)  # real + synthetic mix sources (names.mix_source) of the enabled arms


def one_of(names):
    """A wildcard constraint matching exactly one of `names` (nothing at all when there are none)."""
    return "|".join(map(re.escape, names)) or "(?!)"


wildcard_constraints:
    dataset=one_of(DATASETS),
    arm=one_of(ARMS),
    value=r"\d+",
    gan=one_of([*TRAINED, *INTAKE_SOURCES]),
    source=one_of([REAL, *TRAINED, *INTAKE_SOURCES, *MIXES]),
    seed=r"\d+",
    extractor=one_of(EXTRACTORS),
    split=one_of(SPLITS),


# TensorFlow jobs ask a cluster for one GPU each (the SLURM plugin turns `gpu` into --gpus), the training rules
# of cluster.gpus as many as it says for their image side; a site without GPUs sets `gpu: 0` for them in its
# profile. Locally, `gpu` limits nothing unless `--resources gpu=N` is given.
GPUS_PER_JOB = 1
MAX_RUNTIME = config["cluster"]["max_runtime_minutes"]


def gpus_per_job(rule_name):
    """GPUs that a job of a data-parallel training step asks for, cluster.gpus.<rule_name> at its image side."""
    choice = config["cluster"]["gpus"][rule_name]
    return lambda wildcards: choice["per_resolution"].get(
        str(value_side(wildcards.dataset, wildcards.arm, wildcards.value)), choice["default"])


def memory_per_gpu(rule_name, mb):
    """Host memory that grows with each attempt and with the job's GPUs (gpus_per_job): `mb` per GPU."""
    gpus = gpus_per_job(rule_name)
    return lambda wildcards, attempt: mb * attempt * gpus(wildcards)


def runtime_per_attempt(minutes):
    """A rule's runtime request in minutes: `minutes` more at each attempt (a job killed at its time limit
    resumes from its checkpoint when retried), never past cluster.max_runtime_minutes."""
    return lambda wildcards, attempt: min(minutes * attempt, MAX_RUNTIME)

DEMO = config["demo"]
DEMO_RAW = {
    "chest": "resources/demo/CheXpert-v1.0-small",
    "brain": "resources/demo/rsna-intracranial-hemorrhage-detection",
}


def dataset_config(dataset):
    return config["datasets"][dataset]


def enabled_datasets():
    return [name for name in DATASETS if dataset_config(name)["enabled"]]


def enabled_arms(dataset):
    arms = dataset_config(dataset)["arms"]
    return [arm for arm in ARMS if arms[arm]["enabled"]]


def value_side(dataset, arm, value):
    """The image side of an arm value's datasets (config.value_side)."""
    return side_of_value(config, dataset, arm, value)


def arm_sides(dataset, arm):
    """Image sides of an arm's datasets, one per value."""
    return [value_side(dataset, arm, value) for value in dataset_config(dataset)["arms"][arm]["values"]]


def cache_side(dataset):
    """The image cache holds the largest side any enabled arm needs; arms downsample from it."""
    return max(side for arm in enabled_arms(dataset) for side in arm_sides(dataset, arm))


def raw_dir(dataset):
    return dataset_config(dataset)["raw_dir"]


def raw_input(dataset):
    """Input function of a dataset's plan and index jobs (use with `unpack`): `raw`, its raw folder, and `table`, the
    label table the index reads. An edit of the table reruns the index; the folder's own time does not count
    (`ancient`), so a file added beside the download does not rerun the index and everything after it. The
    images the table lists are not inputs: a quarter of a million of them would add seconds to every DAG and
    megabytes of metadata (README "Using the real datasets": how to re-index after replacing images). The demo's
    folder is made by a rule and is the input as it is. Asked for only when the index has to run, so targets
    that need no raw data plan without it."""
    def inputs(wildcards):
        path = raw_dir(dataset)
        if path in demo_targets():
            return {"raw": path}
        table = Path(path) / LABEL_TABLES[dataset]
        if not table.is_file():
            missing = f"{path} is not a folder" if not Path(path).is_dir() else f"{path} holds no {table.name}"
            raise WorkflowError(
                f"datasets.{dataset}.raw_dir: {missing}. It must hold {DOWNLOADS[dataset]}; download "
                f"and unzip it there or set datasets.{dataset}.raw_dir (README.md, 'Using the real datasets'). To "
                "try synthbench without downloads: make demo.")
        return {"raw": ancient(path), "table": str(table)}
    return inputs


BENCHMARK_KEYS = ("sources", "mix_ratios", "seeds")  # what an arm benchmarks on its data, not how the data is built


def data_arms(dataset):
    """Every enabled arm's settings but what it benchmarks (`sources`, `mix_ratios`, `seeds`): what decides a
    dataset's patient split and arm data (changing which generators, mixes or seeds an arm benchmarks reruns no data
    job)."""
    return {name: {key: value for key, value in settings.items() if key not in BENCHMARK_KEYS}
            for name, settings in dataset_config(dataset)["arms"].items() if settings["enabled"]}


def plan_settings(dataset):
    """What the plan of a dataset reads of the config: the seed and the dataset's section with its data arms."""
    return {"seed": config["seed"], "datasets": {dataset: {**dataset_config(dataset), "arms": data_arms(dataset)}}}


def chest_plan_before_index():
    """The plan the chest index job waits for (unless datasets.chest.plan_before_index is off): a config whose
    arms the label table cannot fill stops in seconds, naming every shortfall, instead of after the decode. (The
    brain dataset has no plan: its patients are in the DICOM headers.)"""
    return [index_file("chest", "plan.csv")] if dataset_config("chest")["plan_before_index"] else []


def index_folder(dataset):
    return paths.INDEX.format(dataset=dataset)


def index_file(dataset, name):
    """A file of a dataset's index job (manifest.csv, skipped.csv, the image cache)."""
    return paths.result(index_folder(dataset), name)


def cache_path(dataset):
    return index_file(dataset, f"images_{cache_side(dataset)}.h5")


def settings_json(section):
    """A validated config section as JSON: how jobs receive their settings (quoted by the shell commands'
    `:q`, like every other value they pass)."""
    return json.dumps(section, sort_keys=True)


def arm_settings_json(wildcards):
    """What the split job of one arm reads of its dataset's section: the split fractions and its data arms (the one
    patient split meets the quotas of all of them), so the data, and everything trained on it, stays when only an
    arm's `sources` change."""
    return settings_json({"split": dataset_config(wildcards.dataset)["split"], "arms": data_arms(wildcards.dataset)})


def arm_values(dataset, arm):
    return dataset_config(dataset)["arms"][arm]["values"]


def seeds_of(dataset, arm):
    """The training seeds of an arm's GANs and classifiers (its `seeds`, or the top-level ones)."""
    return arm_seeds(config, dataset, arm)


def arm_runs(only_dataset=None, only_arm=None):
    """(dataset, arm, value) of every enabled arm dataset, or of one dataset / one arm."""
    return [(dataset, arm, value) for dataset in enabled_datasets() for arm in enabled_arms(dataset)
            for value in arm_values(dataset, arm)
            if only_dataset in (None, dataset) and only_arm in (None, arm)]


FID = config["fid"]


def run_file(folder, name, wildcards=None, **values):
    """A result file in one of the layout's folders (synthbench.paths), for a job's wildcards and/or values."""
    known = dict(wildcards.items()) if wildcards is not None else {}
    return paths.result(folder, name).format(**{**known, **values})


def arm_gans(dataset, arm):
    """The generators an arm of a dataset benchmarks (datasets.<dataset>.arms.<arm>.sources): families and
    outside sources."""
    return arm_sources(config, dataset, arm)


def intake_inputs(wildcards):
    """Input function (unpacked): what an intake job reads besides the arm's data. An outside images source: its
    manifest and the images it lists (a missing manifest is reported by Snakemake as a missing input); a package:
    the .zip; copycat: its base family's synthetic splits of the same seed; noise: nothing."""
    if wildcards.gan == "copycat":
        base = config["controls"]["copycat"]["base"]
        return {"base": [run_file(paths.SYNTHETIC, f"{split}.{ext}", wildcards, gan=base)
                         for split in SPLITS for ext in ("tfrecord", "csv")]}
    if wildcards.gan == "noise":
        return {}
    path = Path(outside_path(config, wildcards.gan, wildcards.dataset, wildcards.arm, wildcards.value))
    if OUTSIDE[wildcards.gan]["kind"] == "package":
        return {"source": [str(path)]}
    manifest = path / "manifest.csv"
    if not manifest.is_file():
        return {"source": [str(manifest)]}
    with open(manifest, newline="") as handle:
        files = [row.get("file") or "" for row in csv.DictReader(handle)]
    return {"source": [str(manifest), *(str(path / file) for file in files if file)]}


def intake_arguments(wildcards, input):
    """The intake job's options that say what it enters (synthbench.outside.cli)."""
    if wildcards.gan in INTAKE_CONTROLS:
        arguments = ["--kind", wildcards.gan]
        if wildcards.gan == "copycat":
            arguments += ["--base-synthetic", str(Path(input.base[0]).parent),
                          "--settings-json", settings_json(config["controls"]["copycat"])]
        return arguments
    kind = OUTSIDE[wildcards.gan]["kind"]
    return ["--kind", kind, "--path", str(Path(input.source[0]).parent) if kind == "images" else input.source[0]]


def planted_copies(wildcards):
    """Input function: the copies the copycat control planted, for the memorisation check to be scored on."""
    return [run_file(paths.GAN, "planted.csv", wildcards)] if wildcards.gan == "copycat" else []


def detection_extractors(wildcards):
    """The feature spaces besides the check's own (the real classifier's) and pixels in which the copycat control's
    planted copies are sought: every other space the generator metrics measure in (Inception at paper scale)."""
    return [extractor for extractor in metric_extractors() if extractor != CLASSIFIER_FEATURES] if planted_copies(
        wildcards) else []


def detection_weights(wildcards):
    """Input function: the weights file of each detection_extractor that has one, by extractor."""
    return {extractor: path for extractor in detection_extractors(wildcards)
            for path in fid_weights({**dict(wildcards.items()), "extractor": extractor})}


def detection_extractors_json(wildcards):
    """The detection_extractors as the neighbours job builds them (synthbench.fid.extractors.make_extractor)."""
    weights = detection_weights(wildcards)
    return settings_json([{"name": extractor, "resize": FID["resize"], "resize_mode": FID["resize_mode"],
                           "weights": weights.get(extractor)} for extractor in detection_extractors(wildcards)])


def gan_settings_json(wildcards):
    """The settings of one generator run, for the training job (config.training_settings): its family's section
    with the preset of the run's image side; the overfit control's, its family's run long.
    Where a family runs is chosen by the arms' `sources`, so adding it to an arm does not retrain it on the arms
    it already had."""
    side = value_side(wildcards.dataset, wildcards.arm, wildcards.value)
    return settings_json(training_settings(config, wildcards.gan, side))


def gan_family(wildcards):
    """The registered family a training job trains (config.trained_family)."""
    return trained_family(config, wildcards.gan)


def generator_train_records(wildcards):
    """The real images a trained generator learned from: the arm's train split, or the overfit control's few
    patients. Its memorisation search and membership attack take them as its training set."""
    if wildcards.gan == OVERFIT:
        return run_file(paths.TRAINING_SUBSET, "train.tfrecord", wildcards)
    return run_file(paths.DATA, "train.tfrecord", wildcards)


def fid_extractor(wildcards):
    """The extractor of a FID statistics job (its wildcard) or of a GAN run (the config's)."""
    return wildcards.get("extractor", FID["extractor"])


def fid_weights(wildcards):
    """The extractor's weights as an input: the Inception file, or the arm's real-data classifier of the first
    seed (one ruler for every GAN seed, so their FIDs compare); none for the test-only random network."""
    extractor = fid_extractor(wildcards)
    if extractor == "inception":
        return [FID["inception_weights"]]
    if extractor == CLASSIFIER_FEATURES:
        return [run_file(paths.CLASSIFIER, "model.keras", wildcards, source=REAL,
                         seed=seeds_of(wildcards.dataset, wildcards.arm)[0])]
    return []


def fid_extractor_arguments(wildcards, input):
    """The command-line options that choose and build the extractor (fid.extractors.add_arguments); the resize
    side and mode only for Inception, the one extractor that reads them; the configured extractor's normalisation variants,
    whose features the generator metrics measure FID on too."""
    extractor = fid_extractor(wildcards)
    arguments = ["--extractor", extractor]
    if extractor == "inception":
        arguments += ["--fid-resize", str(FID["resize"]), "--fid-resize-mode", FID["resize_mode"]]
    if input.weights:
        arguments += ["--extractor-weights", *input.weights]
    if extractor == FID["extractor"] and FID["normalisation_variants"]:
        arguments += ["--normalisation-variants", *FID["normalisation_variants"]]
    return arguments


def fid_real_stats(wildcards):
    return run_file(paths.FID_STATS, "train.npz", wildcards, extractor=FID["extractor"])


def fid_real_features(wildcards):
    """Input function: the real train and held-out features in each space the generator metrics measure in."""
    return [run_file(paths.FID_STATS, "features.npz", wildcards, extractor=extractor)
            for extractor in metric_extractors()]


def gan_targets(runs):
    """Per GAN run: its record (training.json, or intake.json of an outside source), sample grid and synthetic
    train split (which implies valid and test)."""
    return [run_file(paths.GAN, name, dataset=dataset, arm=arm, value=value, gan=gan, seed=seed)
            for dataset, arm, value in runs for gan in arm_gans(dataset, arm) for seed in seeds_of(dataset, arm)
            for name in ("intake.json" if gan in INTAKE_SOURCES else "training.json", "samples.png",
                         "synthetic/train.tfrecord")]


CLASSIFIER = config["classifier"]


def classifier_settings_json(job):
    """The keys of the classifier section that one classifier job (train or evaluate) reads."""
    return settings_json(job_settings(CLASSIFIER, job))


def sidecar(records):
    """The CSV that mirrors a TFRecord file row by row (ids and labels), which jobs read beside it: for a path, or
    for an input function giving one."""
    if callable(records):
        return lambda wildcards: sidecar(records(wildcards))
    return str(Path(records).with_suffix(".csv"))


def source_records(wildcards, source, split):
    """The records of one split of a source: the arm's real data, or that GAN's synthetic data of the seed."""
    if source == REAL:
        return run_file(paths.DATA, f"{split}.tfrecord", wildcards)
    return run_file(paths.SYNTHETIC, f"{split}.tfrecord", wildcards, gan=source)


def classifier_split(split):
    """Input function: the records a classifier of `{source}` reads for `split` (train or valid).

    Source `real` reads the arm's real data; a GAN source reads that GAN's synthetic data of the same seed,
    except valid when classifier.synthetic_validation is `real`; a real + synthetic mix reads the real splits
    (its synthetic part is `mix_records`).
    """
    def records(wildcards):
        real_valid = split == "valid" and CLASSIFIER["synthetic_validation"] == REAL
        real = real_valid or mix_of(wildcards.source) is not None
        return source_records(wildcards, REAL if real else wildcards.source, split)

    return records


def mix_records(wildcards):
    """Input function: the synthetic records a real + synthetic mix source adds to the real train split: its
    family's synthetic train split and, above ratio 1, the extra images the generator sampled; none for other
    sources."""
    mix = mix_of(wildcards.source)
    if mix is None:
        return []
    gan, ratio = mix
    return [run_file(paths.SYNTHETIC, f"{name}.tfrecord", wildcards, gan=gan)
            for name in ("train", *([MORE] if ratio > 1 else []))]


def mix_arguments(wildcards, input):
    """The train job's options that make it a mix (synthbench.classifier.cli): none for other sources."""
    mix = mix_of(wildcards.source)
    return [] if mix is None else ["--mix", *input.mix, "--mix-ratio", str(mix[1])]


def more_copies(wildcards):
    """How many extra synthetic images per real train row a run samples: enough for its arm's largest mix."""
    ratios = dataset_config(wildcards.dataset)["arms"][wildcards.arm]["mix_ratios"]
    return math.ceil(max(ratios, default=1)) - 1


def sources(dataset, arm):
    """Whose classifiers an arm trains: real data's, each of its generators' and each real + synthetic mix's."""
    return [REAL, *compared_sources(dataset, arm)]


def compared_sources(dataset, arm):
    """The sources whose classifiers are compared with real's (config.compared_sources)."""
    return arm_compared_sources(config, dataset, arm)


def classifier_targets(runs):
    """test_metrics.json of every source (real and each enabled GAN) and seed of every arm dataset."""
    return [run_file(paths.CLASSIFIER, "test_metrics.json", dataset=dataset, arm=arm, value=value, source=source,
                     seed=seed)
            for dataset, arm, value in runs for source in sources(dataset, arm) for seed in seeds_of(dataset, arm)]


def compared_predictions(wildcards):
    """Input function: predictions.csv of each synthetic-trained and mix classifier of the arm value and seed, in
    compared_sources order."""
    return [run_file(paths.CLASSIFIER, "predictions.csv", wildcards, source=source)
            for source in compared_sources(wildcards.dataset, wildcards.arm)]


def comparison_targets(runs):
    """Per arm value with generators and per seed: the paired comparison of its classifiers with real's."""
    return [run_file(paths.COMPARISON, "comparison.json", dataset=dataset, arm=arm, value=value, seed=seed)
            for dataset, arm, value in runs if arm_gans(dataset, arm) for seed in seeds_of(dataset, arm)]


GENERATOR_METRICS = config["generator_metrics"]


def metric_extractors():
    """The feature spaces every generator is measured in: the FID extractor's (whose features the GAN job keeps),
    then generator_metrics.extractors (rule generator_features embeds the synthetic images in those)."""
    return list(dict.fromkeys([FID["extractor"], *GENERATOR_METRICS["extractors"]]))


def generator_features(wildcards):
    """Input function: the GAN run's synthetic train features in each measured space (in metric_extractors()
    order); none for the real-vs-real ceiling."""
    if wildcards.source == REAL:
        return []
    return [run_file(paths.GAN, "features.npz", wildcards, gan=wildcards.source) if extractor == FID["extractor"]
            else run_file(paths.GAN_FEATURES, f"{extractor}.npz", wildcards, gan=wildcards.source)
            for extractor in metric_extractors()]


def generator_metrics_targets(runs):
    """Per arm dataset: every GAN run's feature metrics, and the real-vs-real ceiling once (first seed)."""
    return [run_file(paths.GENERATOR_METRICS, "metrics.json", dataset=dataset, arm=arm, value=value, source=source,
                     seed=seed)
            for dataset, arm, value in runs if arm_gans(dataset, arm)
            for source, seeds in [(REAL, seeds_of(dataset, arm)[:1]),
                                  *((gan, seeds_of(dataset, arm)) for gan in arm_gans(dataset, arm))]
            for seed in seeds]


NEIGHBOURS = config["neighbours"]
ATTRIBUTION = config["attribution"]


def run_title(wildcards, *parts):
    """How figures name the run they show, e.g. 'chest / classes 4 / prog / seed 0'."""
    return " / ".join([wildcards.dataset, f"{wildcards.arm} {wildcards.value}", *parts, f"seed {wildcards.seed}"])


def attribution_maps(wildcards):
    """Input function: the maps of every trained classifier of an arm dataset and seed."""
    return [run_file(paths.CLASSIFIER, "maps.npz", wildcards, source=source) for source in sources(wildcards.dataset, wildcards.arm)]


def analysis_targets(runs):
    """Per arm dataset and seed: each GAN's memorisation check, and the attribution comparison."""
    return [path for dataset, arm, value in runs for seed in seeds_of(dataset, arm)
            for path in [*(run_file(paths.NEIGHBOURS, "memorisation.json", dataset=dataset, arm=arm, value=value,
                                    gan=gan, seed=seed) for gan in arm_gans(dataset, arm)),
                         run_file(paths.ATTRIBUTION, "attribution.json", dataset=dataset, arm=arm, value=value,
                                  seed=seed)]]


def dataset_targets(runs):
    """meta.json of every (dataset, arm, value): written last, so it marks a complete dataset."""
    return [run_file(paths.DATA, "meta.json", dataset=dataset, arm=arm, value=value) for dataset, arm, value in runs]


def demo_targets():
    """The demo raw datasets, when the demo is switched on."""
    return list(DEMO_RAW.values()) if DEMO["enabled"] else []


def arm_targets(dataset=None, arm=None):
    """Everything the DAG makes for the enabled arm datasets (or one dataset's arm): data, GANs, classifiers,
    analyses."""
    runs = arm_runs(dataset, arm)
    return (dataset_targets(runs) + gan_targets(runs) + generator_metrics_targets(runs) + classifier_targets(runs)
            + comparison_targets(runs) + analysis_targets(runs))


def summary_inputs():
    """The per-run metrics tables (metrics.csv beside each job's report) results/summary.csv is built from."""
    reports = ("training.json", "metrics.json", "test_metrics.json", "comparison.json", "memorisation.json",
               "attribution.json")
    return [str(Path(path).with_name("metrics.csv")) for path in arm_targets() if Path(path).name in reports]


def fid_curves(wildcards):
    """Input function: fid.csv of every GAN run of a dataset (training.json comes with it)."""
    return [path.replace("training.json", "fid.csv") for path in gan_targets(arm_runs(wildcards.dataset))
            if path.endswith("training.json")]


def neighbour_files(wildcards):
    """Input function: neighbours.npz of every GAN run of a dataset."""
    return [path.replace("memorisation.json", "neighbours.npz") for path in analysis_targets(arm_runs(wildcards.dataset))
            if path.endswith("memorisation.json")]


def gan_datasets():
    """The enabled datasets with at least one GAN run: only they have FID curves and memorisation histograms (a
    dataset whose arms all train real-data classifiers only leaves those figures out instead of failing)."""
    return [dataset for dataset in enabled_datasets() if any(path.endswith("training.json")
                                                             for path in gan_targets(arm_runs(dataset)))]


def generator_figures(dataset):
    """The figures of results/plots/ that one dataset's generator runs make, with their table pages."""
    return [paths.result(paths.PLOTS, name)
            for name in (f"fid_{dataset}.png", f"fid_{dataset}.html", f"metrics_{dataset}.png", f"metrics_{dataset}.html",
                         f"memorisation_{dataset}.png")]


def plot_targets():
    """The figures of results/plots/ for the enabled datasets, and the report's table pages beside them."""
    per_dataset = [path for dataset in gan_datasets() for path in generator_figures(dataset)]
    mixes = [paths.result(paths.PLOTS, name) for name in ("mixes.png", "mixes.html")] if MIXES else []
    return [paths.result(paths.PLOTS, name) for name in ("auroc.png", "auroc_gap.png", "auroc.html")] + mixes + per_dataset


def left_out_figures():
    """The figures this configuration cannot make, each with the reason: the report lists them on its
    configuration page, so a reader knows they are missing by design and not by failure."""
    left_out = {path: f"no generator runs on {dataset}: none of its enabled arms lists a generator in `sources`"
                for dataset in enabled_datasets() if dataset not in gan_datasets()
                for path in generator_figures(dataset)}
    if not MIXES:
        left_out[paths.result(paths.PLOTS, "mixes.png")] = (
            "no real + synthetic mixes: no enabled arm lists `mix_ratios` beside a family in `sources`")
    return left_out


READER = config["reader_study"]


def reader_study_inputs(wildcards):
    """Input function (unpacked): per arm value, the real test split and meta.json, and each shown source's
    synthetic test split of the first seed."""
    values = arm_values(wildcards.dataset, wildcards.arm)
    real = [run_file(paths.DATA, name, wildcards, value=value) for value in values
            for name in ("test.tfrecord", "test.csv", "meta.json")]
    synthetic = [run_file(paths.SYNTHETIC, name, wildcards, value=value, gan=source,
                          seed=seeds_of(wildcards.dataset, wildcards.arm)[0])
                 for value in values for source in reader_sources(config, wildcards.dataset, wildcards.arm)
                 for name in ("test.tfrecord", "test.csv")]
    return {"real": real, "synthetic": synthetic}


def reader_study_targets(dataset, arm):
    """The study set of one dataset arm: its served folder and its key."""
    folder = paths.READER_STUDY.format(dataset=dataset, arm=arm)
    return [paths.result(folder, "study"), paths.result(folder, "key.csv")]


def reader_answers_file(wildcards):
    """Input function: the exported answers of the arm's finished study (reader_study.answers)."""
    return READER["answers"][wildcards.dataset][wildcards.arm]


def reader_analysis_targets():
    """Table, page and figure of every finished reader study the config lists."""
    return [paths.result(paths.READER_STUDY.format(dataset=dataset, arm=arm), name)
            for dataset, arm, _ in reader_answers(config) for name in ("analysis.csv", "analysis.html", "accuracy.png")]


def report_pages():
    """The report's pages that are not figures: the resolved configuration and the summary tables."""
    return [paths.result(paths.TOP, name) for name in ("config.html", "summary.html", "summary_mean.html")]


def all_targets():
    """The final targets of the workflow, chosen by the config switches."""
    return demo_targets() + arm_targets() + report_pages() + plot_targets() + reader_analysis_targets()
