"""The output layout, spelled once (DESIGN.md §2): the rules, their target functions, the summary and the bench
read it from here.

Every output lies under `results/` in a folder that is a pure function of wildcards; the job's log and
benchmark file mirror it under `logs/` and `benchmarks/`. The folder patterns below are relative to those
roots and use the workflow's wildcard names; `result`, `log` and `benchmark` put a file name in one, and
`glob` turns a pattern into a glob over every run. `run_of` reads the layout backwards: which run a result
file belongs to, from its path alone, so the summary and the plots need no other index of what the DAG made.
"""

import re
from pathlib import Path

RESULTS, LOGS, BENCHMARKS = "results", "logs", "benchmarks"

INDEX = "{dataset}/index"  # manifest.csv, skipped.csv, images_{side}.h5
ARM = "{dataset}/{arm}/{value}"  # everything of one arm dataset
DATA = ARM + "/data"  # {split}.tfrecord + .csv, meta.json
FID_STATS = ARM + "/fid/{extractor}"  # train.npz
GAN = ARM + "/gan/{gan}/seed{seed}"  # network_final.keras, card.json, fid.csv, training.json, metrics.csv, ...
SYNTHETIC = GAN + "/synthetic"  # {split}.tfrecord + .csv; more.tfrecord + .csv (mixes above ratio 1)
TRAINING_SUBSET = GAN + "/subset"  # train.tfrecord + .csv: the few real images the overfit control trains on
GAN_FEATURES = GAN + "/features"  # {extractor}.npz: the synthetic train features in another extractor's space
# model.keras, history.csv, test_metrics.json, metrics.csv, roc.csv, predictions.csv, maps.npz ({source}: real, a
# generator, or a real + synthetic mix such as real+0.5cpd)
CLASSIFIER = ARM + "/classifier/{source}/seed{seed}"
# comparison.json, metrics.csv: every synthetic-trained classifier against the real-trained one, paired
COMPARISON = ARM + "/comparison/seed{seed}"
# metrics.json, metrics.csv: a generator's feature metrics ({source} a GAN), or the real-vs-real ceiling (real)
GENERATOR_METRICS = ARM + "/metrics/{source}/seed{seed}"
NEIGHBOURS = ARM + "/nn/{gan}/seed{seed}"  # neighbours.npz, memorisation.json, metrics.csv, grid.png
ATTRIBUTION = ARM + "/attribution/seed{seed}"  # attribution.json, metrics.csv, panel.png
# study/ (the served folder: study.json, images/), key.csv (apart from it); analysis.csv/.html, accuracy.png
READER_STUDY = "{dataset}/{arm}/reader_study"
TOP = ""  # summary.csv, summary_mean.csv, report.html
PLOTS = "plots"
DEMO = "demo"  # logs of the demo raw data jobs
FID_INCEPTION = "fid"  # logs of the job that makes the FID Inception weights


def _under(root: str, folder: str, name: str) -> str:
    return "/".join(part for part in (root, folder, name) if part)


def result(folder: str, name: str = "") -> str:
    """A file (or, with no name, the folder) under results/; folder "" is results/ itself."""
    return _under(RESULTS, folder, name)


def log(folder: str, name: str) -> str:
    """The log of the job whose outputs lie in `folder` (mirrored under logs/)."""
    return _under(LOGS, folder, name)


def benchmark(folder: str, name: str) -> str:
    """The benchmark file of the job whose outputs lie in `folder` (mirrored under benchmarks/)."""
    return _under(BENCHMARKS, folder, name)


def fixed(pattern: str, **values) -> str:
    """The pattern with some wildcards filled in (the others kept), e.g. the real classifier's folder."""
    return re.sub(r"\{(\w+)\}", lambda match: str(values.get(match[1], match[0])), pattern)


def glob(pattern: str) -> str:
    """The pattern with every wildcard matching anything: a glob over all runs."""
    return re.sub(r"\{[^}]+\}", "*", pattern)

def arm_of_run(run_folder: Path) -> Path | None:
    """The arm folder of a GAN run folder (.../{dataset}/{arm}/{value}/gan/{gan}/seed{seed} -> .../{value}), or
    None for a folder outside the results layout (a generator trained or imported elsewhere)."""
    tail = GAN.removeprefix(ARM + "/").split("/")
    folder = Path(run_folder).resolve()
    parts = folder.parts[-len(tail):]
    fits = len(folder.parts) > len(tail) and all(
        re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", pattern), part) for pattern, part in zip(tail, parts, strict=True))
    return folder.parents[len(tail) - 1] if fits else None


def in_arm(arm_folder: Path, pattern: str, name: str, **values) -> Path:
    """A file of one of the layout's per-arm folders (e.g. GENERATOR_METRICS), under a given arm folder."""
    return Path(arm_folder) / pattern.removeprefix(ARM + "/").format(**values) / name


SEED = re.compile(r"seed(\d+)$")


def run_of(path: Path) -> dict:
    """{dataset, arm, value, stage, source (None when the stage has none), seed} of a result file."""
    parts = Path(path).parts
    try:
        root = len(parts) - 1 - parts[::-1].index("results")
        dataset, arm, value = parts[root + 1:root + 4]
        seed_at = next(i for i in range(root + 5, len(parts) - 1) if SEED.match(parts[i]))
        stage = parts[root + 4:seed_at]
        return {"dataset": dataset, "arm": arm, "value": int(value), "stage": stage[0],
                "source": stage[1] if len(stage) > 1 else None, "seed": int(SEED.match(parts[seed_at])[1])}
    except (ValueError, StopIteration, IndexError):
        layout = "results/{dataset}/{arm}/{value}/{stage}/.../seed{seed}/"
        raise ValueError(f"{path}: not under {layout}") from None
