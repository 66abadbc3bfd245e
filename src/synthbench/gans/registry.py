"""The generator families of the benchmark: the one list every other part reads family names from.

A family is a package (networks, objective, optimizer settings, `schema.yaml` with its config keys and
defaults) plus one `register(...)` line. The registry holds only light facts (name, label, colour, where the
package is), so the schema, the workflow's wildcards and the command line know every family without starting
TensorFlow; `load(name)` imports the package's `family.FAMILY` (a `synthbench.gans.family.Family`) when a job
needs the networks.

Families from outside synthbench register themselves the same way in a module of their own, which is
imported when named in the config's `plugins` list, in the SYNTHBENCH_PLUGINS environment variable (colon-
separated: how jobs started by the workflow get them) or by a `synthbench.plugins` entry point of an installed
distribution.
"""

import importlib
import os
from dataclasses import dataclass
from importlib import metadata, resources

import yaml

PLUGINS_VARIABLE = "SYNTHBENCH_PLUGINS"


@dataclass(frozen=True)
class FamilyEntry:
    name: str  # the config key (gans.<name>), the {gan} wildcard and the source name of its classifiers
    label: str  # how figures and tables name it
    colour: str  # its colour in every figure (a matplotlib colour)
    package: str  # the importable package holding family.py (FAMILY) and schema.yaml
    min_resolution: int = 8  # the smallest image side its networks are built for

    def load(self):
        """The family's networks and objective (imports TensorFlow)."""
        return importlib.import_module(f"{self.package}.family").FAMILY

    def schema(self) -> dict:
        """The family's own config keys (JSON schema properties, with defaults); the shared loop's keys are
        added by `synthbench.config`. A schema.yaml with `extends: <package>` starts from that package's keys."""
        return _family_schema(self.package)


def _family_schema(package: str) -> dict:
    own = yaml.safe_load(resources.files(package).joinpath("schema.yaml").read_text())
    if "extends" in own:
        base = _family_schema(own.pop("extends"))
        own["properties"] = {**base.get("properties", {}), **own.get("properties", {})}
        own["required"] = [*base.get("required", []), *own.get("required", [])]
    return own


_FAMILIES: dict[str, FamilyEntry] = {}


def register(entry: FamilyEntry) -> FamilyEntry:
    """Adds a family; registering the same entry twice is harmless, another family under a taken name is not."""
    known = _FAMILIES.get(entry.name)
    if known is not None and known != entry:
        raise ValueError(f"generator family {entry.name!r} is already registered (by {known.package})")
    if not entry.name.isidentifier() or not entry.name.islower() or entry.name in ("real", "random"):
        raise ValueError(f"generator family name {entry.name!r}: use a lower-case identifier other than "
                         "'real' and 'random' (those name the real-data and untrained classifiers)")
    _FAMILIES[entry.name] = entry
    return entry


def load_plugins(modules: list[str] | tuple[str, ...] = ()) -> None:
    """Imports plug-in modules (each registers its families): those given, those in SYNTHBENCH_PLUGINS and the
    `synthbench.plugins` entry points."""
    named = [*modules, *filter(None, os.environ.get(PLUGINS_VARIABLE, "").split(":"))]
    for module in named:
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise ImportError(f"synthbench plug-in {module!r} cannot be imported: {error}") from error
    for entry_point in metadata.entry_points(group="synthbench.plugins"):
        entry_point.load()


def families() -> dict[str, FamilyEntry]:
    """Every registered family by name, built-in ones first, in registration order."""
    return dict(_FAMILIES)


def names() -> tuple[str, ...]:
    return tuple(_FAMILIES)


def entry(name: str) -> FamilyEntry:
    try:
        return _FAMILIES[name]
    except KeyError:
        raise KeyError(f"unknown generator family {name!r}; registered: {', '.join(_FAMILIES)}") from None


register(FamilyEntry("prog", "progressive GAN", "tab:blue", "synthbench.gans.prog"))
register(FamilyEntry("cpd", "no-growth GAN", "tab:orange", "synthbench.gans.cpd"))
register(FamilyEntry("dcgan", "DCGAN", "tab:green", "synthbench.gans.dcgan", min_resolution=16))
register(FamilyEntry("sngan", "SNGAN", "tab:red", "synthbench.gans.sngan", min_resolution=16))
register(FamilyEntry("diffusion", "EDM", "tab:purple", "synthbench.gans.diffusion"))
