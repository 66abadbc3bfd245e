"""Every random stream of the benchmark, derived in one place from the seed a job is given.

A job gets one seed (the config's `seed` for data and statistics, a run's `seeds` entry for GANs and
classifiers) and asks here for each stream it needs by name, so that no two parts of the code draw from the
same stream by accident and every derivation can be read at a glance. Each function keeps the derivation its
stream has always had: splits, FID subsets and generator samples are exactly those of earlier results (the
pinned-training test and the split tests hold them).

Streams of NumPy generators take a list `[seed, stream id, *keys]` (NumPy hashes the whole list into the
generator's state), which is how several keyed sub-streams of one seed stay independent. Integer seeds are
for samplers (`synthbench.gans.sampler`: `(labels, seed) -> images`), whose contract takes one integer.
"""

import numpy as np

PATIENTS = 0  # stream id of the patient-level train / valid / test partition
ARM_STREAMS = {"resolution": 1, "classes": 2, "samples": 3}  # stream id of each arm's image draws
PIXEL_PAIRS = 4  # stream id of the memorisation queries compared pixel by pixel
DIVERSITY_PAIRS = 5  # stream id of the same-class image pairs of the diversity measure
PLANTED_COPIES = 6  # stream id of the copycat control's copies (which rows, of which image, how perturbed)
QUOTA_REPAIR = 7  # stream id of the order in which patients are moved to meet the arms' quotas
READER_STUDY = 8  # stream id of a reader study's draws: its rows, item tokens, readers' orders, statistics
MIX_ROWS = 9  # stream id of the synthetic rows a real + synthetic mix trains on
MORE_SYNTHETIC = 10  # stream id of the extra synthetic images a generator samples for mixes above ratio 1
OVERFIT_SUBSET = 11  # stream id of the patients whose images the overfit control trains on


def patient_partition(seed: int) -> np.random.Generator:
    """Shuffles the dataset's patients before they are split 80 / 10 / 10."""
    return np.random.default_rng([seed, PATIENTS])


def arm_draw(seed: int, arm: str, *keys: int) -> np.random.Generator:
    """The images one arm draws, keyed by split and class (`synthbench.datasets.splits`)."""
    return np.random.default_rng([seed, ARM_STREAMS[arm], *keys])


def normal_slices(seed: int) -> np.random.Generator:
    """Which RSNA slices without haemorrhage the brain dataset keeps."""
    return np.random.default_rng(seed)


def fid_subset(seed: int) -> np.random.Generator:
    """The real train rows whose features make the cached FID statistics."""
    return np.random.default_rng(seed)


def bootstrap(seed: int) -> np.random.Generator:
    """The test-row resamples of a classifier's AUROC confidence interval."""
    return np.random.default_rng(seed)


def attribution_images(seed: int) -> np.random.Generator:
    """The real test images every classifier of an arm explains."""
    return np.random.default_rng(seed)


def pixel_pairs(seed: int) -> np.random.Generator:
    """Which synthetic and held-out queries of a memorisation search are compared with their nearest train image
    pixel by pixel, and the bootstrap of those comparisons."""
    return np.random.default_rng([seed, PIXEL_PAIRS])


def diversity_pairs(seed: int) -> np.random.Generator:
    """Which same-class pairs of synthetic and of real train images the diversity measure compares, and its
    bootstrap."""
    return np.random.default_rng([seed, DIVERSITY_PAIRS])


def quota_repair(seed: int) -> np.random.Generator:
    """The order in which patients are tried when the patient split is repaired to meet the arms' quotas."""
    return np.random.default_rng([seed, QUOTA_REPAIR])


def mix_rows(seed: int) -> np.random.Generator:
    """The order in which a real + synthetic mix takes each synthetic file's rows (the same for every ratio)."""
    return np.random.default_rng([seed, MIX_ROWS])


def more_synthetic(seed: int) -> int:
    """The seed of the extra synthetic images a generator run samples beyond its twin splits (a sampler seed:
    `write_synthetic_split` derives each batch's from it)."""
    return int(np.random.default_rng([seed, MORE_SYNTHETIC]).integers(2 ** 31))


def overfit_subset(seed: int) -> np.random.Generator:
    """The order in which the overfit control takes the real train split's patients."""
    return np.random.default_rng([seed, OVERFIT_SUBSET])


def reader_rows(seed: int, value: int) -> np.random.Generator:
    """Which real test rows of one arm value a reader study shows (their real images and synthetic twins)."""
    return np.random.default_rng([seed, READER_STUDY, 0, value])


def reader_items(seed: int) -> np.random.Generator:
    """The random tokens that name a reader study's items (and so its image files and URLs)."""
    return np.random.default_rng([seed, READER_STUDY, 1])


def reader_order(seed: int, reader_key: int) -> np.random.Generator:
    """The order in which one reader (keyed by a hash of their name) sees a study's items."""
    return np.random.default_rng([seed, READER_STUDY, 2, reader_key])


def reader_statistics(seed: int) -> np.random.Generator:
    """The permutations and bootstrap resamples of a reader study's analysis."""
    return np.random.default_rng([seed, READER_STUDY, 3])


def planted_copies(seed: int, split: int) -> np.random.Generator:
    """Which rows of one split (by its index in SPLITS) the copycat control replaces, by which training images,
    and how each copy is perturbed."""
    return np.random.default_rng([seed, PLANTED_COPIES, split])


def fid_fakes(seed: int) -> int:
    """The sampler seed of the fakes a training run's FID evaluations measure."""
    return seed + 1


def sample_grid(seed: int) -> int:
    """The sampler seed of a run's samples.png and of its progress grids (the same noise throughout)."""
    return seed + 2


def synthetic_rows(seed: int, first_row: int) -> int:
    """The sampler seed of the synthetic split rows written from `first_row` on (one call per batch)."""
    return seed * 7919 + first_row
