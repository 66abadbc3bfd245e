"""Validates a synthbench config against the package's schemas/config.schema.yaml and fills in its defaults.

The `gans` section is made from the family registry: each registered family gets the shared loop's keys
($defs/gan_loop) and its own (its package's schema.yaml), so a new family needs no edit here; the metrics
early stopping can monitor come from the metric registry.

Snakemake's own `validate` reports only the first problem, as a jsonschema dump. Users editing a
paper-scale config want every problem at once, each naming the key, what was found and what the key is
for; they also need checks a JSON schema cannot express (fractions that must sum to 1, lists that pair up).
"""

import hashlib
import json
import string
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from synthbench.attribution.occlusion import METHODS as ATTRIBUTION_METHODS
from synthbench.fid.options import RAW_CAPABLE
from synthbench.gans import registry
from synthbench.gans.schedule import Schedule
from synthbench.metrics import registry as metric_registry
from synthbench.names import ARMS, CONTROLS, DATASETS, OVERFIT, REAL, mix_of, mix_source

CHECKOUT_CONFIG = Path("config/config.yaml")  # the paper config, relative to the checkout's root


class ConfigError(ValueError):
    """The config does not match the schema; the message lists every problem, one per line."""


def _with_defaults(validator_class):
    """A validator that writes each property's `default` into the config before checking it."""
    check_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema:
                    instance.setdefault(name, json.loads(json.dumps(subschema["default"])))
        yield from check_properties(validator, properties, instance, schema)

    return validators.extend(validator_class, {"properties": set_defaults})


def load_schema() -> dict:
    """The config schema with one `gans.<name>` section per registered family."""
    schema = yaml.safe_load(resources.files("synthbench").joinpath("schemas/config.schema.yaml").read_text())
    loop = schema["$defs"]["gan_loop"]["properties"]
    loop["monitor"]["enum"] = list(metric_registry.monitorable())
    schema["properties"]["attribution"]["properties"]["method"]["enum"] = list(ATTRIBUTION_METHODS)
    sections = schema["properties"]["gans"].setdefault("properties", {})
    for name, family in registry.families().items():
        own = family.schema()
        sections[name] = {"type": "object", "additionalProperties": False, "default": {},
                          "description": " ".join(own["description"].split()),
                          "properties": {**loop, **own.get("properties", {})}, "required": own.get("required", [])}
    _inline_referenced_defaults(schema, schema)
    return schema


def _inline_referenced_defaults(node, schema: dict) -> None:
    """Copies the `default` of a `$ref`'s target onto each referring node that has none: the default-filling
    validator sees only the defaults written where a property is declared."""
    if isinstance(node, dict):
        if "$ref" in node and "default" not in node:
            target = _resolve(schema, {"$ref": node["$ref"]})
            if "default" in target:
                node["default"] = json.loads(json.dumps(target["default"]))
        for child in node.values():
            _inline_referenced_defaults(child, schema)
    elif isinstance(node, list):
        for child in node:
            _inline_referenced_defaults(child, schema)


def _family_schema(schema: dict, name: str) -> dict:
    """One family's `gans.<name>` section schema, standing alone (with the definitions it refers to)."""
    return {**schema["properties"]["gans"]["properties"][name], "$defs": schema["$defs"]}


def gan_section(name: str, section: dict) -> dict:
    """One family's `gans.<name>` section, checked and completed with its defaults (as the workflow hands it to
    training jobs): for tools and tests that train a family outside a whole config."""
    schema = load_schema()
    family = _family_schema(schema, name)
    section = json.loads(json.dumps(section))
    problems = [f"key 'gans.{name}.{_key(error.absolute_path)}': {error.message}"
                for error in _with_defaults(Draft202012Validator)(family).iter_errors(section)]
    if problems:
        raise ConfigError("invalid generator settings:\n" + "\n".join(f"  - {p}" for p in problems))
    return section


PRESET_EXCLUDED = ("enabled", "presets")


def resolved_section(section: dict, side: int) -> dict:
    """A family's section as a run at final image side `side` takes it: the section without its `presets`, with
    the preset for `side` (if any) laid over it key by key (nested sections too: a preset's
    `growth: {training_kimg: 1000}` keeps the section's other growth keys)."""
    base = {key: value for key, value in section.items() if key != "presets"}
    return _overridden(base, section.get("presets", {}).get(str(side), {}))


def merged_config_files(files: list[Path]) -> dict:
    """The config Snakemake makes of several files: each later file overrides the earlier ones key by key."""
    config: dict = {}
    for path in files:
        try:
            layer = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ConfigError(f"{path}: not a readable YAML config ({error})") from None
        if not isinstance(layer, dict):
            raise ConfigError(f"{path}: a config file must hold keys at its top level")
        config = _overridden(config, layer)
    return config


def checkout_config(overrides: list[Path]) -> dict:
    """The validated config of the checkout a user runs a command in: its config/config.yaml with `overrides` laid
    over it, as Snakemake's --configfile does."""
    if not CHECKOUT_CONFIG.is_file():
        raise FileNotFoundError(f"{CHECKOUT_CONFIG}: not found; run the command from the checkout's root")
    return validate_config(merged_config_files([CHECKOUT_CONFIG, *overrides]))


def _overridden(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _overridden(merged[key], value) if isinstance(value, dict) and isinstance(
            merged.get(key), dict) else value
    return merged


def validate_config(config: dict) -> dict:
    """Checks `config` in place (adding defaults) and returns it; raises ConfigError listing every problem.

    The config's `plugins` are imported first: the families they register get their config sections."""
    try:
        registry.load_plugins(config.get("plugins", []))
    except ImportError as error:
        raise ConfigError(f"invalid synthbench config:\n  - key 'plugins': {error}") from None
    schema = load_schema()
    _read_command_line_scalars(config, schema)
    validator = _with_defaults(Draft202012Validator)(schema)
    problems = [_describe(error, schema) for error in sorted(
        validator.iter_errors(config), key=lambda error: [str(part) for part in error.absolute_path])]
    if not problems:
        problems = list(_preset_problems(config, schema))
    if not problems:
        problems = list(_cross_field_problems(config))
    if problems:
        raise ConfigError("invalid synthbench config:\n" + "\n".join(f"  - {p}" for p in problems))
    return config


_JSON_TYPES = {"integer": int, "number": (int, float), "boolean": bool}


def _read_command_line_scalars(config: dict, schema: dict) -> None:
    """Snakemake's `--config` reads a top-level value as YAML but leaves the items of a list or mapping as
    strings (`--config 'seeds=[0,1]'` gives ['0', '1']). Such a string becomes the number or boolean the schema
    asks for there, when it reads as one; anything else is left for validation to report."""
    for error in list(Draft202012Validator(schema).iter_errors(config)):
        if error.validator != "type" or not isinstance(error.instance, str) or not error.absolute_path:
            continue
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        try:
            value = yaml.safe_load(error.instance)
        except yaml.YAMLError:
            continue
        wanted = tuple(_JSON_TYPES[name] for name in expected if name in _JSON_TYPES)
        if wanted and isinstance(value, wanted) and not (isinstance(value, bool) and bool not in wanted):
            *parents, last = error.absolute_path
            container = config
            for part in parents:
                container = container[part]
            container[last] = value


def _key(path) -> str:
    return ".".join(str(part) for part in path)


def _describe(error: ValidationError, schema: dict, within: tuple = (), shown: tuple | None = None) -> str:
    """`key 'a.b': what is wrong (what the key is for)`, from one jsonschema error; `within` is where in the
    config the validated part sits, `shown` how to name that place in the message (a preset names its side)."""
    path = [*within, *error.absolute_path]
    named = _key([*(within if shown is None else shown), *error.absolute_path])
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        where = f"key '{named}'" if path else "top level"
        return f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: {allowed}"
    description = _description_at(schema, path)
    return f"key '{named}': {error.message}" + (f" (expected: {description})" if description else "")


def _resolve(schema: dict, node: dict) -> dict:
    """Follows local `$ref`s and folds `allOf` members so a node's properties and description are visible."""
    merged = dict(node)
    while "$ref" in merged:
        target = schema
        for part in merged.pop("$ref").removeprefix("#/").split("/"):
            target = target[part]
        merged = {**target, **merged}
    for member in merged.pop("allOf", []):
        merged = {**_resolve(schema, member), **merged}
    return merged


def _description_at(schema: dict, path: list) -> str | None:
    node = _resolve(schema, schema)
    for part in path:
        child = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
        if child is None:
            return None
        node = _resolve(schema, child)
    return " ".join(node["description"].split()) if "description" in node else None


def _is_power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def _cross_field_problems(config: dict) -> Iterator[str]:
    for name in DATASETS:
        dataset = config["datasets"][name]
        split = dataset["split"]
        total = split["train"] + split["valid"] + split["test"]
        if abs(total - 1.0) > 1e-6:
            yield (f"key 'datasets.{name}.split': train + valid + test = {total:g}, expected 1 "
                   f"(got {split['train']:g} + {split['valid']:g} + {split['test']:g})")
        arms = dataset["arms"]
        for arm in ARMS:
            sizes = arms[arm]["values"] if arm == "resolution" else [arms[arm]["resolution"]]
            for size in sizes:
                if not _is_power_of_two(size):
                    key = f"datasets.{name}.arms.{arm}." + ("values" if arm == "resolution" else "resolution")
                    yield f"key '{key}': {size} is not a power of two (the progressive GAN grows 8, 16, 32, ...)"
        classes = arms["classes"]
        if len(classes["train_per_class"]) != len(classes["values"]):
            yield (f"key 'datasets.{name}.arms.classes.train_per_class': {len(classes['train_per_class'])} "
                   f"entries, expected {len(classes['values'])} (one per entry of 'values')")
    yield from _gan_problems(config)
    fid = config["fid"]
    if "raw" in fid["normalisation_variants"] and fid["extractor"] not in RAW_CAPABLE:
        yield (f"key 'fid.normalisation_variants': 'raw' needs extractor {' or '.join(RAW_CAPABLE)}; the "
               f"{fid['extractor']} extractor scales its input inside the network (drop 'raw')")
    for name, key in (("chest", "heights"), ("brain", "slices")):
        low, high = config["demo"][name][key]
        if low > high:
            yield f"key 'demo.{name}.{key}': [{low}, {high}] must be [lowest, highest]"


def arm_sources(config: dict, dataset: str, arm: str) -> list[str]:
    """The generators an arm of a dataset benchmarks: its `sources` (every family when null), less the families
    switched off (`gans.<name>.enabled: false` switches a family off everywhere); outside sources where listed."""
    chosen = config["datasets"][dataset]["arms"][arm]["sources"]
    return [name for name in (config["gans"] if chosen is None else chosen)
            if name in config["outside_sources"] or name in CONTROLS
            or (name in config["gans"] and config["gans"][name]["enabled"])]


def arm_seeds(config: dict, dataset: str, arm: str) -> list[int]:
    """The training seeds of an arm's GANs and classifiers: its own `seeds`, or the top-level ones."""
    chosen = config["datasets"][dataset]["arms"][arm]["seeds"]
    return config["seeds"] if chosen is None else chosen


def arm_families(config: dict, dataset: str, arm: str) -> list[str]:
    """The registered families the workflow trains on an arm: those of its trained sources (its families, the
    copycat control's base and the overfit control's family)."""
    return list(dict.fromkeys(trained_family(config, source) for source in trained_sources(config, dataset, arm)))


def value_side(config: dict, dataset: str, arm: str, value: int | str) -> int:
    """The image side of an arm value's datasets: the value itself on the resolution arm, the arm's fixed side
    otherwise."""
    return int(value) if arm == "resolution" else config["datasets"][dataset]["arms"][arm]["resolution"]


def trained_sources(config: dict, dataset: str, arm: str) -> list[str]:
    """The sources a training job makes on an arm: its families, the copycat control's base (trained for it where
    the arm does not list it) and the overfit control."""
    sources = arm_sources(config, dataset, arm)
    base = [config["controls"]["copycat"]["base"]] if "copycat" in sources else []
    return list(dict.fromkeys(name for name in [*sources, *base] if name in config["gans"] or name == OVERFIT))


def trained_family(config: dict, source: str) -> str:
    """The registered family a training job of `source` trains: its own, or the one the overfit control trains."""
    return config["controls"][OVERFIT]["family"] if source == OVERFIT else source


def compared_sources(config: dict, dataset: str, arm: str) -> list[str]:
    """The sources whose classifiers an arm compares with real data's: its generators (its controls only with
    controls.train_classifiers), then its mixes."""
    generators = [name for name in arm_sources(config, dataset, arm)
                  if name not in CONTROLS or config["controls"]["train_classifiers"]]
    return [*generators, *arm_mixes(config, dataset, arm)]


def run_settings(config: dict, family: str, side: int) -> dict:
    """What a training job of `family` at final image side `side` is given: the family's section as resolved for
    that side (less `enabled`, which chooses whether it runs, not how it trains). Only its own side's preset is
    in it, so editing another side's preset does not retrain it."""
    section = {key: value for key, value in config["gans"][family].items() if key != "enabled"}
    return resolved_section(section, side)


def overfit_settings(config: dict, side: int) -> dict:
    """The overfit control's training settings: its family's (run_settings), run for the control's `kimg` with
    its only FID evaluation at the end, so the last network is the one kept."""
    control = config["controls"][OVERFIT]
    return {**run_settings(config, control["family"], side), "total_kimg": control["kimg"],
            "min_kimg": control["kimg"]}


def training_settings(config: dict, source: str, side: int) -> dict:
    """What the training job of a trained source at image side `side` is given: a family's run_settings, or the
    overfit control's overfit_settings."""
    return overfit_settings(config, side) if source == OVERFIT else run_settings(config, source, side)


def arm_mixes(config: dict, dataset: str, arm: str) -> list[str]:
    """The real + synthetic mix sources of an arm: each of its `mix_ratios` for each family among its sources
    (outside sources and controls have no generator to sample more images from, and a control is a yardstick,
    not training data)."""
    families = [name for name in arm_sources(config, dataset, arm) if name in config["gans"]]
    return [mix_source(family, ratio) for family in families
            for ratio in config["datasets"][dataset]["arms"][arm]["mix_ratios"]]


def mix_sources(config: dict) -> list[str]:
    """Every mix source of the enabled arms."""
    return list(dict.fromkeys(
        mix for dataset in DATASETS if config["datasets"][dataset]["enabled"]
        for arm, settings in config["datasets"][dataset]["arms"].items() if settings["enabled"]
        for mix in arm_mixes(config, dataset, arm)))


OUTSIDE_PATH_FIELDS = ("dataset", "arm", "value")


def outside_path(config: dict, source: str, dataset: str, arm: str, value: int) -> str:
    """Where an outside source's images folder or package of one arm value lies (its `path`, filled in)."""
    return config["outside_sources"][source]["path"].format(dataset=dataset, arm=arm, value=value)


def reader_sources(config: dict, dataset: str, arm: str) -> list[str]:
    """The sources a reader study of an arm shows: reader_study.sources, or the arm's sources but the controls."""
    chosen = config["reader_study"]["sources"]
    return list(chosen) if chosen is not None else [name for name in arm_sources(config, dataset, arm)
                                                    if name not in CONTROLS]


def reader_answers(config: dict) -> list[tuple[str, str, str]]:
    """(dataset, arm, path) of every finished reader study the config lists under reader_study.answers."""
    return [(dataset, arm, path) for dataset, arms in config["reader_study"]["answers"].items()
            for arm, path in arms.items()]


def _reader_problems(config: dict) -> Iterator[str]:
    """A finished study's arm is benchmarked and shows sources it has; chosen sources are generators."""
    chosen = config["reader_study"]["sources"] or []
    known = [*config["gans"], *config["outside_sources"], *CONTROLS]
    for name in chosen:
        if name not in known:
            yield f"key 'reader_study.sources': {name!r} is not a generator (known: {', '.join(known)})"
    for dataset, arm, _ in reader_answers(config):
        key = f"reader_study.answers.{dataset}.{arm}"
        section = config["datasets"][dataset]
        if not (section["enabled"] and section["arms"][arm]["enabled"]):
            yield f"key '{key}': the {dataset} {arm} arm is not enabled, so its study set is not built"
            continue
        shown, benchmarked = reader_sources(config, dataset, arm), arm_sources(config, dataset, arm)
        missing = [name for name in shown if name not in benchmarked]
        if missing or not shown:
            yield (f"key '{key}': the study shows {', '.join(missing) or 'no source'}, which the arm does not "
                   f"benchmark (datasets.{dataset}.arms.{arm}.sources, reader_study.sources)")


def trained_resolutions(config: dict, family: str | None = None) -> list[int]:
    """Every image side a generator (of `family`, or of any family) is trained at, over the enabled datasets and
    arms."""
    sides = set()
    for dataset, section in config["datasets"].items():
        if section["enabled"]:
            for arm, settings in section["arms"].items():
                if settings["enabled"] and (family is None or family in arm_families(config, dataset, arm)):
                    sides.update(value_side(config, dataset, arm, value) for value in settings["values"])
    return sorted(sides)


def _source_problems(config: dict) -> Iterator[str]:
    """Every arm's sources name enabled families whose networks are built for the arm's image sides."""
    for dataset in DATASETS:
        for arm in ARMS:
            settings = config["datasets"][dataset]["arms"][arm]
            key = f"datasets.{dataset}.arms.{arm}.sources"
            for name in settings["sources"] or []:
                if name not in config["gans"] and name not in config["outside_sources"] and name not in CONTROLS:
                    families = ", ".join(config["gans"])
                    yield (f"key '{key}': {name!r} is neither a registered family (known: {families}), "
                           f"a control ({', '.join(CONTROLS)}) nor a name in outside_sources "
                           f"({', '.join(config['outside_sources']) or 'none'})")
            benchmarked = settings["enabled"] and config["datasets"][dataset]["enabled"]
            for name in arm_families(config, dataset, arm) if benchmarked else []:
                smallest = registry.entry(name).min_resolution
                sides = [value_side(config, dataset, arm, value) for value in settings["values"]]
                if min(sides) < smallest:
                    yield (f"key '{key}': {name} trains at {smallest} px or more, but this arm has {min(sides)} px "
                           f"images; list the arm's other families in {key}")


def _mix_problems(config: dict) -> Iterator[str]:
    """Mix ratios that their source names spell exactly (decimals of six significant digits at most)."""
    for dataset in DATASETS:
        for arm, settings in config["datasets"][dataset]["arms"].items():
            for ratio in settings["mix_ratios"]:
                if mix_of(mix_source("gan", ratio)) != ("gan", ratio):
                    yield (f"key 'datasets.{dataset}.arms.{arm}.mix_ratios': {ratio!r} does not name a source exactly "
                           f"(it would be {mix_source('<family>', ratio)}); write it as a decimal of at most six "
                           "significant digits")


def _outside_problems(config: dict) -> Iterator[str]:
    """Outside source names that are not taken, paths that name only known fields, and one path per arm value."""
    served = {}
    for dataset in DATASETS:
        for arm, settings in config["datasets"][dataset]["arms"].items():
            for name in settings["sources"] or []:
                if name in config["outside_sources"]:
                    served.setdefault(name, []).extend((dataset, arm, value) for value in settings["values"])
    for name, source in config["outside_sources"].items():
        key = f"outside_sources.{name}"
        if name in config["gans"] or name == REAL or name in CONTROLS:
            taken = "real data" if name == REAL else "a control" if name in CONTROLS else "a registered family"
            yield f"key '{key}': {name!r} is the name of {taken}"
            continue
        fields = {field for _, field, _, _ in string.Formatter().parse(source["path"]) if field is not None}
        unknown = sorted(fields - set(OUTSIDE_PATH_FIELDS))
        if unknown:
            yield (f"key '{key}.path': {source['path']!r} names {', '.join(unknown)}; it may name only {{dataset}}, "
                   f"{{arm}} and {{value}}")
            continue
        where = {}
        for dataset, arm, value in served.get(name, []):
            path = outside_path(config, name, dataset, arm, value)
            if path in where:
                yield (f"key '{key}.path': {path!r} serves both {' '.join(map(str, where[path]))} and {dataset} {arm} "
                       f"{value}; each arm value needs its own images (put {{dataset}}, {{arm}} and {{value}} in it)")
                break
            where[path] = (dataset, arm, value)


def _control_problems(config: dict) -> Iterator[str]:
    """The copycat control's base and the overfit control's family are families that can run, where an arm lists
    the control."""
    for control, key, why in (("copycat", "base", "its synthetic splits hold the rows that are not copies"),
                              (OVERFIT, "family", "it trains that family")):
        family = config["controls"][control][key]
        listed = any(control in (settings["sources"] or []) for dataset in DATASETS
                     for settings in config["datasets"][dataset]["arms"].values())
        if listed and (family not in config["gans"] or not config["gans"][family]["enabled"]):
            yield f"key 'controls.{control}.{key}': {family!r} is not an enabled registered family ({why})"


def _preset_problems(config: dict, schema: dict) -> Iterator[str]:
    """Each family's presets, checked as the sections the runs at their sides take (a preset holds only the keys
    it changes, so it is checked laid over the section, against the family's schema)."""
    for name, gan in config["gans"].items():
        family = Draft202012Validator(_family_schema(schema, name))
        for side, preset in gan["presets"].items():
            shown = ("gans", name, "presets", side)
            for key in PRESET_EXCLUDED:
                if key in preset:
                    yield f"key '{_key([*shown, key])}': a preset cannot set {key!r}"
            for error in family.iter_errors(resolved_section(gan, int(side))):
                yield _describe(error, schema, within=("gans", name), shown=shown)


def _gan_problems(config: dict) -> Iterator[str]:
    yield from _source_problems(config)
    yield from _outside_problems(config)
    yield from _control_problems(config)
    yield from _mix_problems(config)
    yield from _reader_problems(config)
    for name, gan in config["gans"].items():
        for side in trained_resolutions(config, name) if gan["enabled"] else []:
            yield from _run_problems(f"gans.{name}", resolved_section(gan, side), side)


def _run_problems(key: str, gan: dict, side: int) -> Iterator[str]:
    """What a family's section, as resolved for a run at `side`, must meet beyond its schema."""
    at = f" (at {side} px)"
    group = gan.get("networks", {}).get("mbstd_group")
    batches = [gan["minibatch"], *gan["minibatch_per_resolution"].values()]
    if group and any(batch % group for batch in batches):
        yield f"key '{key}.minibatch': every minibatch ({batches}) must be a multiple of mbstd_group {group}{at}"
    if "growth" not in gan:
        return
    start = gan["growth"]["initial_resolution"]
    if not _is_power_of_two(start) or start > side:
        yield (f"key '{key}.growth.initial_resolution': {start} must be a power of two no larger than the "
               f"trained resolution{at}")
        return
    schedule = Schedule(resolution=side, grows=True, **gan["growth"])
    if gan["total_kimg"] < schedule.grown_kimg:
        yield (f"key '{key}.total_kimg': {gan['total_kimg']:g} ends before growth to {side} px does "
               f"(kimg {schedule.grown_kimg:g}: {schedule.levels} levels x (training_kimg + transition_kimg))")


def section_hash(section: Any) -> str:
    """SHA-256 of a config section in canonical JSON: recorded in outputs to show what made them."""
    return hashlib.sha256(json.dumps(section, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
