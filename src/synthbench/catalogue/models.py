"""`Generators`: the trained generators under a folder, searchable by their cards, rankable by their metrics,
and usable in a few lines, as medigan's model library is:

    from synthbench import Generators
    gens = Generators("results")
    gens.search("chest 32 cpd")
    gens.rank(metric="fid", extractor="classifier", dataset="chest")
    gens.generate("chest-samples-20-cpd-s0", num_samples=64, labels=["Edema"], seed=0, out="fakes/")

A generator is any folder holding network_final.keras and a valid card.json (a run of the workflow, or a package
imported into a catalogue folder). Its id is short and stable, made of its card: dataset-arm-value-family-sSEED.
Its metrics are the card's own (an exported package carries them) or, for a run of the workflow, its generator
metrics table (`paths.GENERATOR_METRICS`). Nothing here imports TensorFlow until images are made.
"""

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench import paths, seeds
from synthbench.atomic import replacing
from synthbench.catalogue.cards import read_card
from synthbench.gans.sampler import CARD, NETWORK, load_run
from synthbench.metrics import registry
from synthbench.metrics import table as metrics_table
from synthbench.names import CONTROLS

AS_TRAINING = "training"  # labels="training": one image per row of the generator's real train split
BATCH = 256


def model_id(card: dict) -> str:
    return f"{card['dataset']}-{card['arm']}-{card['value']}-{card['family']}-s{card['seed']}"


@dataclass
class Model:
    """One generator: its id, folder, card and measured metrics (rows: metric, extractor, value, n, ci)."""

    id: str
    folder: Path
    card: dict
    metrics: list[dict] = field(default_factory=list)

    def fields(self) -> dict:
        """The card's searchable values, flattened to text."""
        card = self.card
        return {"id": self.id, "family": card["family"], "dataset": card["dataset"], "modality": card["modality"],
                "anatomy": card["anatomy"], "arm": card["arm"], "value": str(card["value"]),
                "resolution": str(card["resolution"]), "seed": str(card["seed"]), "labels": " ".join(card["labels"]),
                "source": card["source_data"]["name"]}


def _measured(folder: Path, card: dict) -> list[dict]:
    """The card's metrics, or those of the run's generator metrics table when it lies in the results layout."""
    if "metrics" in card:
        return card["metrics"]
    arm = paths.arm_of_run(folder)
    table_path = arm and paths.in_arm(arm, paths.GENERATOR_METRICS, metrics_table.FILE, source=card["family"],
                                      seed=card["seed"])
    if table_path is None or not table_path.is_file():
        return []
    table = metrics_table.read(table_path)
    return [{"metric": row.metric, "value": None if math.isnan(row.result) else float(row.result),
             "direction": registry.entry(row.metric).direction, "extractor": row.extractor,
             "n": None if pd.isna(row.n) else int(row.n),
             "ci_low": None if math.isnan(row.ci_low) else float(row.ci_low),
             "ci_high": None if math.isnan(row.ci_high) else float(row.ci_high)}
            for row in table.itertuples()]


def _tokens(text: str) -> list[str]:
    return [token for token in re.split(r"[\s,;]+", text.lower()) if token]


def _matches(values: dict, token: str) -> bool:
    """A number matches a numeric field exactly; a word is a substring of any field (`Model.fields`)."""
    if token.isdigit():
        return token in (values["value"], values["resolution"], values["seed"])
    return any(token in value.lower() for value in values.values())


class Generators:
    """The generators under one or more folders (a results folder, a catalogue of imported packages)."""

    def __init__(self, *roots: str | Path):
        self.models: dict[str, Model] = {}
        for root in roots or ("results",):
            for card_path in sorted(Path(root).rglob(CARD)):
                if not (card_path.parent / NETWORK).is_file():
                    continue  # a run still training, or a card without its network
                if paths.arm_of_run(card_path.parent) is not None and card_path.parent.parent.name in CONTROLS:
                    continue  # the overfit control: benchmarked as a yardstick, not a generator to share
                card = read_card(card_path)
                found = Model(model_id(card), card_path.parent, card, _measured(card_path.parent, card))
                if found.id in self.models:
                    raise ValueError(f"two generators with the id {found.id}: {self.models[found.id].folder} and "
                                     f"{found.folder}")
                self.models[found.id] = found

    def __iter__(self):
        return iter(self.models.values())

    def __len__(self) -> int:
        return len(self.models)

    def search(self, text: str = "", **where) -> list[Model]:
        """The models every word of `text` matches (case-insensitive, numbers exactly) and whose card fields
        equal each `where` (e.g. dataset="chest", resolution=32)."""
        tokens = _tokens(text)
        found = []
        for model in self.models.values():
            fields = model.fields()
            unknown = [key for key in where if key not in fields]
            if unknown:
                raise ValueError(f"unknown card field(s) {unknown}; search by {', '.join(fields)}")
            if all(fields[key].lower() == str(value).lower() for key, value in where.items()) \
                    and all(_matches(fields, token) for token in tokens):
                found.append(model)
        return found

    def rank(self, metric: str, extractor: str | None = None, text: str = "", **where) -> list[tuple[Model, dict]]:
        """(model, its value of `metric`) best first, by the metric's direction; ties keep id order. Models
        without the metric (in `extractor`'s space, when given) are left out. Filters as in `search`."""
        direction = registry.entry(metric).direction
        if direction == "none":
            raise ValueError(f"{metric} has no better direction to rank by")
        ranked = []
        for model in self.search(text, **where):
            values = [value for value in model.metrics if value["metric"] == metric and value["value"] is not None
                      and extractor in (None, value["extractor"])]
            if len(values) > 1:
                extractors = sorted(value["extractor"] for value in values)
                raise ValueError(f"{model.id} has {metric} in several spaces ({', '.join(extractors)}): name one "
                                 "with extractor=")
            ranked += [(model, values[0])] if values else []
        return sorted(ranked, key=lambda pair: (pair[1]["value"] * (1 if direction == "lower" else -1), pair[0].id))

    def info(self, model: str) -> dict:
        found = self.model(model)
        return {"id": found.id, "folder": str(found.folder), **found.card, "metrics": found.metrics}

    def model(self, model: str) -> Model:
        """The generator of id `model`, or an error listing the known ids."""
        if model not in self.models:
            raise KeyError(f"no generator {model!r}; known: {', '.join(self.models) or 'none'}")
        return self.models[model]

    def label_vectors(self, model: str, labels=None, num_samples: int | None = None) -> np.ndarray:
        """[N, L] float32 conditioning vectors: from label names (one combination for all `num_samples`), from
        vectors given, or AS_TRAINING (one per row of the generator's real train split)."""
        found = self.model(model)
        names = found.card["labels"]
        if isinstance(labels, str) and labels == AS_TRAINING:
            arm = paths.arm_of_run(found.folder)
            train = arm and paths.in_arm(arm, paths.DATA, "train.csv")
            if train is None or not train.is_file():
                raise FileNotFoundError(f"{train or found.folder}: the training split of {found.id} is not here; "
                                        "give label names or vectors")
            return pd.read_csv(train)[names].to_numpy(np.float32)
        if labels is not None and len(labels) and all(isinstance(name, str) for name in labels):
            unknown = [name for name in labels if name not in names]
            if unknown:
                raise ValueError(f"{found.id} knows no label(s) {unknown}; its labels: {', '.join(names)}")
            if num_samples is None:
                raise ValueError("give num_samples with label names")
            return np.tile(np.array([[float(name in labels) for name in names]], np.float32), (num_samples, 1))
        vectors = np.asarray(labels, np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != len(names) or not np.isin(vectors, (0.0, 1.0)).all():
            raise ValueError(f"label vectors must be 0/1 [N, {len(names)}] over {', '.join(names)}, "
                             f"got shape {vectors.shape}")
        return vectors

    def generate(self, model: str, num_samples: int | None = None, labels=None, seed: int = 0,
                 out: str | Path | None = None):
        """Images of the generator for the labels asked for (see `label_vectors`): (uint8 [N, H, W], label
        vectors) without `out`; with `out`, PNGs 000000.png, ... and labels.csv there (returns its path)."""
        vectors = self.label_vectors(model, labels, num_samples)
        images = np.concatenate(list(self._batches(model, vectors, seed)))
        if out is None:
            return images, vectors
        return write_images(Path(out), images, vectors, self.model(model).card["labels"])

    def _batches(self, model: str, vectors: np.ndarray, seed: int):
        """Images in batches of BATCH rows, each batch seeded as inference seeds its batches, so `generate` and
        `dataset` give the same images for the same labels and seed."""
        sampler = load_run(self.model(model).folder)
        for start in range(0, len(vectors), BATCH):
            yield sampler(vectors[start:start + BATCH], seeds.synthetic_rows(seed, start))

    def dataset(self, model: str, batch_size: int = 32, labels=AS_TRAINING, num_samples: int | None = None,
                seed: int = 0):
        """A tf.data.Dataset of (uint8 image [H, W], float32 label vector) pairs, made batch by batch."""
        import tensorflow as tf

        vectors = self.label_vectors(model, labels, num_samples)
        side, width = self.model(model).card["resolution"], vectors.shape[1]

        def pairs():
            for start, images in zip(range(0, len(vectors), BATCH), self._batches(model, vectors, seed), strict=True):
                yield from zip(images, vectors[start:start + BATCH], strict=True)

        signature = (tf.TensorSpec((side, side), tf.uint8), tf.TensorSpec((width,), tf.float32))
        return tf.data.Dataset.from_generator(pairs, output_signature=signature).batch(batch_size)


def write_images(out: Path, images: np.ndarray, vectors: np.ndarray, names: list[str]) -> Path:
    """PNGs and labels.csv (file, one 0/1 column per label); labels.csv last, so it marks a complete folder."""
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    files = [f"{index:06d}.png" for index in range(len(images))]
    for name, image in zip(files, images, strict=True):
        with replacing(out / name) as partial:
            Image.fromarray(image, mode="L").save(partial, format="png")
    table = pd.DataFrame(vectors.astype(int), columns=names)
    table.insert(0, "file", files)
    with replacing(out / "labels.csv") as partial:
        table.to_csv(partial, index=False)
    return out / "labels.csv"
