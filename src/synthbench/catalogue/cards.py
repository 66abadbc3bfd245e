"""Model cards (card.json): built from what a training job knows, checked against schemas/card.schema.yaml.

A card is checked when it is written and whenever it is read into the catalogue, and a bad card is refused with
every problem listed (key and what is wrong), so a shared generator never travels with a card that misleads.
"""

import json
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from synthbench.raw_formats import DATASET_FACTS

CARD_VERSION = 1
# A generator carries the terms of the patients' images it learned from; the study's citation goes with it.
MODEL_LICENCE = ("research use under the terms of its training data (source_data.licence): the model is derived "
                 "from patients' images")
CITATION = ("A. DuMont Schütte et al. Overcoming barriers to data sharing with medical image generation: a "
            "comprehensive evaluation. npj Digital Medicine 4, 141 (2021). https://doi.org/10.1038/s41746-021-00507-3; "
            "trained with synthbench")


class CardError(ValueError):
    """A card that does not meet the schema; the message lists every bad field."""


@cache
def card_schema() -> dict:
    return yaml.safe_load(resources.files("synthbench").joinpath("schemas/card.schema.yaml").read_text())


def problems(card: dict) -> list[str]:
    """Every way `card` fails the schema, as 'key: what is wrong', in key order."""
    errors = Draft202012Validator(card_schema()).iter_errors(card)
    return sorted(f"{'.'.join(map(str, error.absolute_path)) or '(card)'}: {error.message}" for error in errors)


def checked(card: dict, where: str) -> dict:
    """`card` if it meets the schema, else a CardError naming `where` and listing every problem."""
    found = problems(card)
    if found:
        raise CardError(f"{where}: invalid model card:\n" + "\n".join(f"  - {problem}" for problem in found))
    return card


def dataset_facts(dataset: str) -> dict:
    """modality, anatomy and source_data of a benchmark dataset, as a card holds them."""
    return json.loads(json.dumps(DATASET_FACTS[dataset]))


def read_card(path: Path) -> dict:
    path = Path(path)
    try:
        card = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise CardError(f"{path}: not a readable card ({error})") from None
    return checked(card, str(path))
