"""Shareable generator packages: `export` writes one .zip a colleague can `import` into a catalogue folder.

A package holds exactly three members: card.json (the run's card with its measured metrics added),
network_final.keras, and checksums.json (SHA-256 of the other two). Import trusts nothing in it: the member
names must be exactly those (no folders, so nothing can be written outside the catalogue), each checksum must
match, the card must meet the schema and name a registered family, and the network must load in Keras' safe
mode (no code or pickles run) and map [z, labels] to images of the card's side. Only then is the generator
installed, as one folder appearing complete or not at all (`atomic.replacing_folder`).
"""

import hashlib
import json
import zipfile
from pathlib import Path

from synthbench.atomic import replacing, replacing_folder
from synthbench.catalogue.cards import CardError, checked
from synthbench.catalogue.models import Generators, model_id
from synthbench.gans import registry
from synthbench.gans.sampler import CARD, NETWORK, load_run

CHECKSUMS = "checksums.json"
MEMBERS = (CARD, NETWORK, CHECKSUMS)


class PackageError(ValueError):
    """A package that cannot be imported; the message names the package and the problem."""


def export_package(generators: Generators, model: str, out: Path) -> Path:
    """Writes the package of `model` to `out` (.zip) and returns it."""
    found = generators.model(model)
    card = checked({**found.card, "metrics": found.metrics}, f"{found.folder / CARD} with its metrics")
    members = {CARD: (json.dumps(card, indent=2) + "\n").encode(), NETWORK: (found.folder / NETWORK).read_bytes()}
    members[CHECKSUMS] = json.dumps({name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
                                    indent=2).encode()
    with replacing(Path(out)) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in MEMBERS:
            archive.writestr(name, members[name])
    return Path(out)


def _members(package: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(package) as archive:
            names = archive.namelist()
            if sorted(names) != sorted(MEMBERS):
                raise PackageError(f"{package}: holds {names}, a generator package holds exactly {list(MEMBERS)} "
                                   "(nothing else, no folders)")
            return {name: archive.read(name) for name in MEMBERS}
    except (OSError, zipfile.BadZipFile) as error:
        raise PackageError(f"{package}: not a readable .zip ({error})") from None


def _checked_network(folder: Path, card: dict, package: Path) -> None:
    """The network loads in safe mode and maps [z, labels] to images of the card's side."""
    try:
        sampler = load_run(folder)
    except Exception as error:  # Keras raises many types for a file it refuses
        raise PackageError(f"{package}: the network does not load in Keras' safe mode ({error})") from None
    if sampler.side != card["resolution"] or sampler.num_labels != len(card["labels"]):
        raise PackageError(f"{package}: the network makes {sampler.side} px images of {sampler.num_labels} labels, "
                           f"the card says {card['resolution']} px and {len(card['labels'])} labels")


def import_package(package: Path, catalogue: Path) -> Path:
    """Checks `package` and installs it as `catalogue`/<id>/; returns that folder."""
    package = Path(package)
    members = _members(package)
    try:
        checksums = json.loads(members[CHECKSUMS])
    except json.JSONDecodeError as error:
        raise PackageError(f"{package}: {CHECKSUMS} is not JSON ({error})") from None
    for name in (CARD, NETWORK):
        if checksums.get(name) != hashlib.sha256(members[name]).hexdigest():
            raise PackageError(f"{package}: {name} does not match its checksum (changed or damaged in transit)")
    try:
        card = checked(json.loads(members[CARD]), f"{package}: {CARD}")
    except json.JSONDecodeError as error:
        raise CardError(f"{package}: {CARD} is not JSON ({error})") from None
    if card["family"] not in registry.names():
        raise PackageError(f"{package}: family {card['family']!r} is not registered here (install its plug-in); "
                           f"known: {', '.join(registry.names())}")
    target = Path(catalogue) / model_id(card)
    if target.exists():
        raise PackageError(f"{target} exists: generator {model_id(card)} is in the catalogue already")
    with replacing_folder(target) as folder:
        for name in (CARD, NETWORK):
            (folder / name).write_bytes(members[name])
        _checked_network(folder, card, package)
    return target
