"""Arm splits: which manifest rows form train / valid / test of one (dataset, arm, value).

Patients are split once per dataset (seeded, 80/10/10 by default), so no patient is in two splits of any
arm; where that split leaves a class of the classes or samples arm short of its quota in a split, patients are
moved until it is not, whenever the dataset has the images (`quota_partition`). A *class* is a label
combination. Every draw uses a random stream named by the seed, the arm and the class only, never by the value,
so the samples arm's subsets are nested (a smaller value takes a prefix of the same permutation) and its valid /
test rows are the same for every value.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthbench import seeds
from synthbench.datasets.errors import NotEnoughImages

SPLITS = ("train", "valid", "test")


@dataclass
class ArmSplit:
    rows: dict[str, np.ndarray]  # split -> manifest rows (sorted)
    classes: list[str]  # combination keys, most frequent first
    notes: list[str] = field(default_factory=list)


def patient_partition(patients: pd.Series, fractions: dict[str, float], seed: int) -> np.ndarray:
    """Split name per row; whole patients go to one split, chosen by a seeded shuffle of sorted patient ids."""
    unique = np.array(sorted(patients.unique()))
    order = seeds.patient_partition(seed).permutation(len(unique))
    n_train = int(round(fractions["train"] * len(unique)))
    n_valid = int(round(fractions["valid"] * len(unique)))
    split_of = {}
    for rank, index in enumerate(order):
        split_of[unique[index]] = "train" if rank < n_train else "valid" if rank < n_train + n_valid else "test"
    return patients.map(split_of).to_numpy()


def arm_quotas(keys: np.ndarray, arms: dict) -> dict[str, dict[str, int]]:
    """Images each class needs in each split, the most over every enabled value of the classes and samples arms
    (their classes are ranked over the whole dataset, so they are known before patients are split)."""
    ranking = ranked_classes(keys)
    quotas = {split: {} for split in SPLITS}

    def need(classes, counts: dict[str, int]) -> None:
        for key in classes:
            for split, count in counts.items():
                quotas[split][key] = max(quotas[split].get(key, 0), count)

    classes, samples = arms.get("classes"), arms.get("samples")
    if classes and classes.get("enabled", True):
        for value, train in zip(classes["values"], classes["train_per_class"], strict=True):
            need(ranking.index[:value], {"train": train, "valid": classes["valid_per_class"],
                                         "test": classes["test_per_class"]})
    if samples and samples.get("enabled", True):
        chosen = ranking.index[:samples["classes"]] if samples["classes"] is not None else \
            ranking[ranking >= samples["min_class_images"]].index
        need(chosen, {"train": max(samples["values"]), "valid": samples["valid_per_class"],
                      "test": samples["test_per_class"]})
    return quotas


def quota_partition(patients: pd.Series, keys: np.ndarray, fractions: dict[str, float], seed: int,
                    quotas: dict[str, dict[str, int]]) -> np.ndarray:
    """The seeded patient split, repaired where it leaves a class short of its quota in a split.

    The plain split (`patient_partition`) is kept whenever it meets every quota, so a config it suits gets the
    same rows as before. Otherwise, for each short (split, class), patients with images of that class are moved
    into the split from the others, in a seeded order, as long as the split they leave keeps its own quotas:
    whole patients still, so no patient is in two splits. What cannot be met stays short, and the arm's split
    names it."""
    partition = patient_partition(patients, fractions, seed)
    tracked = sorted({key for needs in quotas.values() for key in needs})
    if not tracked:
        return partition
    ids = patients.to_numpy()
    patient_ids, patient_of = np.unique(ids, return_inverse=True)  # sorted, as the patients are tried
    column_of = pd.Series(range(len(tracked)), index=tracked).reindex(keys).to_numpy()
    images = np.zeros((len(patient_ids), len(tracked)), dtype=np.int64)  # images per patient and tracked class
    counted = ~np.isnan(column_of)
    np.add.at(images, (patient_of[counted], column_of[counted].astype(np.int64)), 1)
    where = np.empty(len(patient_ids), dtype=np.int64)
    where[patient_of] = [SPLITS.index(split) for split in partition]  # one split per patient
    counts = np.stack([images[where == index].sum(axis=0) for index in range(len(SPLITS))])
    needed = np.array([[quotas[split].get(key, 0) for key in tracked] for split in SPLITS])
    order = seeds.quota_repair(seed).permutation(len(images))
    for target in (SPLITS.index("valid"), SPLITS.index("test"), SPLITS.index("train")):
        for column in np.flatnonzero(counts[target] < needed[target]):
            for patient in order[images[order, column] > 0]:
                source, held = where[patient], images[patient]
                if source == target or ((held > 0) & (counts[source] - held < needed[source])).any():
                    continue  # the split it would leave needs its images
                where[patient] = target
                counts[source] -= held
                counts[target] += held
                if counts[target, column] >= needed[target, column]:
                    break
    return np.array(SPLITS)[where][patient_of]


def combination_keys(labels: np.ndarray) -> np.ndarray:
    """One string per row, e.g. '0100001': the row's label combination (0/1 labels; built as bytes at once, since
    the real CheXpert table has 190,000 rows and every arm's split asks)."""
    bits = np.asarray(labels).astype(int)
    if bits.ndim != 2 or ((bits != 0) & (bits != 1)).any():
        raise ValueError(f"label combinations need a 2-d table of 0/1 labels, got shape {bits.shape}")
    if bits.shape[1] == 0:
        return np.full(len(bits), "", dtype="<U1")
    digits = np.ascontiguousarray((bits + ord("0")).astype(np.uint8))
    return digits.view(f"S{bits.shape[1]}").ravel().astype(f"U{bits.shape[1]}")


def ranked_classes(keys: np.ndarray) -> pd.Series:
    """Count per combination, most frequent first, ties broken by key so the ranking is deterministic."""
    counts = pd.Series(keys).value_counts()
    return counts.sort_index().sort_values(ascending=False, kind="stable")


def _need(available: int, needed: int, what: str, context: str) -> None:
    if available < needed:
        raise NotEnoughImages(f"{context}: {what} has {available} images, needs {needed}")


def _stratified(rows: np.ndarray, keys: np.ndarray, total: int, rng: np.random.Generator,
                context: str, split: str) -> np.ndarray:
    """`total` rows with class shares as in `rows` (largest remainder rounding)."""
    _need(len(rows), total, f"the {split} patients' pool", context)
    classes, counts = np.unique(keys[rows], return_counts=True)
    exact = counts / counts.sum() * total
    quota = np.floor(exact).astype(int)
    quota[np.argsort(-(exact - quota), kind="stable")[: total - quota.sum()]] += 1
    chosen = [rng.permutation(rows[keys[rows] == c])[:q] for c, q in zip(classes, quota, strict=True)]
    return np.concatenate(chosen) if chosen else np.zeros(0, int)


def resolution_arm(keys: np.ndarray, partition: np.ndarray, settings: dict, seed: int, context: str) -> ArmSplit:
    """Classes with >= min_class_images images; stratified valid / test draws; train = the rest of train."""
    ranking = ranked_classes(keys)
    classes = list(ranking[ranking >= settings["min_class_images"]].index)
    if not classes:
        raise NotEnoughImages(f"{context}: no class has {settings['min_class_images']} images "
                              f"(the largest has {int(ranking.iloc[0])})")
    selected = np.isin(keys, classes)
    rows = {"train": np.flatnonzero(selected & (partition == "train"))}
    for stream, split in enumerate(("valid", "test"), start=1):
        pool = np.flatnonzero(selected & (partition == split))
        rows[split] = _stratified(pool, keys, settings[f"{split}_images"], seeds.arm_draw(seed, "resolution", stream),
                                  context, split)
    return ArmSplit({s: np.sort(r) for s, r in rows.items()}, classes)


def _per_class(keys: np.ndarray, partition: np.ndarray, classes: list[str], counts: dict[str, int], seed: int,
               arm: str, context: str) -> dict[str, np.ndarray]:
    """`counts[split]` rows per class from each split's patients: a prefix of a per-class seeded permutation.
    Every class and split short of images is named in one error, not the first alone."""
    rows, short = {split: [] for split in SPLITS}, []
    for rank, key in enumerate(classes):
        for stream, split in enumerate(SPLITS):
            pool = np.flatnonzero((keys == key) & (partition == split))
            if len(pool) < counts[split]:
                short.append(f"class {rank + 1} ({key}) in {split} has {len(pool)} images, needs {counts[split]}")
            rows[split].append(seeds.arm_draw(seed, arm, stream, int(key, 2)).permutation(pool)[: counts[split]])
    if short:
        raise NotEnoughImages(f"{context}: " + "; ".join(short))
    return {split: np.sort(np.concatenate(parts)) for split, parts in rows.items()}


def classes_arm(keys: np.ndarray, partition: np.ndarray, settings: dict, value: int, seed: int,
                context: str) -> ArmSplit:
    """The `value` most frequent classes with train_per_class[i] train images for values[i]."""
    ranking = ranked_classes(keys)
    _need(len(ranking), value, "the dataset's number of label combinations", context)
    if value not in settings["values"]:
        raise NotEnoughImages(f"{context}: {value} is not one of the configured values {settings['values']}")
    classes = list(ranking.index[:value])
    counts = {"train": settings["train_per_class"][settings["values"].index(value)],
              "valid": settings["valid_per_class"], "test": settings["test_per_class"]}
    return ArmSplit(_per_class(keys, partition, classes, counts, seed, "classes", context), classes)


def samples_arm(keys: np.ndarray, partition: np.ndarray, settings: dict, value: int, seed: int,
                context: str) -> ArmSplit:
    """A fixed set of classes; `value` train images per class, nested across values; fixed valid / test."""
    ranking = ranked_classes(keys)
    if settings["classes"] is not None:
        _need(len(ranking), settings["classes"], "the dataset's number of label combinations", context)
        classes = list(ranking.index[: settings["classes"]])
    else:
        classes = list(ranking[ranking >= settings["min_class_images"]].index)
        _need(len(classes), 1, f"the number of classes with {settings['min_class_images']} images", context)
    counts = {"train": value, "valid": settings["valid_per_class"], "test": settings["test_per_class"]}
    return ArmSplit(_per_class(keys, partition, classes, counts, seed, "samples", context), classes)


def dataset_partition(manifest: pd.DataFrame, label_names: list[str], arms: dict, fractions: dict[str, float],
                      seed: int) -> np.ndarray:
    """The dataset's one patient split (a split name per manifest row), meeting the quotas of `arms` (every
    enabled arm's settings) where the images allow."""
    keys = combination_keys(manifest[label_names].to_numpy())
    return quota_partition(manifest["patient_id"], keys, fractions, seed, arm_quotas(keys, arms))


def split_arm(manifest: pd.DataFrame, label_names: list[str], arm: str, value: int, arms: dict,
              fractions: dict[str, float], seed: int, dataset: str, partition: np.ndarray | None = None) -> ArmSplit:
    """The rows of one arm value (`arms`: every enabled arm's settings, whose quotas the one patient split meets;
    `partition`: that split, where the caller has it already); raises NotEnoughImages naming the dataset, arm,
    value and counts."""
    context = f"dataset {dataset}, arm {arm}, value {value}"
    if manifest.empty:
        raise NotEnoughImages(f"{context}: the index has no images")
    keys = combination_keys(manifest[label_names].to_numpy())
    if partition is None:
        partition = dataset_partition(manifest, label_names, arms, fractions, seed)
    settings = arms[arm]
    if arm == "resolution":
        return resolution_arm(keys, partition, settings, seed, context)
    if arm == "classes":
        return classes_arm(keys, partition, settings, value, seed, context)
    return samples_arm(keys, partition, settings, value, seed, context)


def kept_labels(labels: np.ndarray, split: ArmSplit, names: list[str], context: str) -> list[int]:
    """Indices of label columns with a positive in train; a column empty in train must be empty everywhere."""
    in_train = labels[split.rows["train"]].any(axis=0)
    for split_name in ("valid", "test"):
        stray = labels[split.rows[split_name]].any(axis=0) & ~in_train
        if stray.any():
            raise NotEnoughImages(f"{context}: label(s) {[names[i] for i in np.flatnonzero(stray)]} have "
                                  f"positives in {split_name} but none in train")
    return [i for i in range(len(names)) if in_train[i]]
