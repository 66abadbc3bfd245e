"""Records how `prog` and `cpd` train on today's code: the D and G loss of every step and the FID history of a
short run, written to the .npz file named on the command line.

tests/test_gan_losses_pinned.py runs it beside the script as committed for the code before the `synthbench`
package and its family registry (4b2d4df's version, on commit e29c76e), on the same machine, and requires the
same numbers: the refactor and everything since left both families training exactly as they did. By hand:

    TF_ENABLE_ONEDNN_OPTS=0 PYTHONPATH=src python tests/data/gan_losses_reference.py /tmp/today.npz

oneDNN is off (this script switches it off itself): its kernels pick their instructions at run time by CPU.
Even without it, values differ between CPUs of different makes after about 20 cpd steps, which is why both
sides are recorded on the machine that compares them.

The run is tiny (16 px, two classes, 8-image minibatches) but goes through growth and its fade-in (prog),
EMA, FID evaluation and the phase changes of the shared loop, with a loss recorded after every step.
"""

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # before TensorFlow starts: see the docstring

SIDE, LABELS, MINIBATCH = 16, ["left", "right"], 8
SETTINGS = {"total_kimg": 0.32, "min_kimg": 0, "fid_every_kimg": 0.08, "patience": 50, "tick_kimg": 0.008,
            "ema_kimg": 0.05, "gp_weight": 10, "drift": 0.001, "minibatch": MINIBATCH,
            "minibatch_per_resolution": {}, "lrate": 0.002, "lrate_per_resolution": {},
            "growth": {"initial_resolution": 8, "training_kimg": 0.08, "transition_kimg": 0.08,
                       "reset_optimizer": False},
            "networks": {"latent_size": 8, "fmap_base": 64, "fmap_max": 16, "mbstd_group": 4},
            # Keys added since (by the family registry; `monitor` by the metric registry; `snapshot_ticks` with the
            # progress grids; growth's `reset_optimizer` with the study's schedule), at the values the code before
            # them had built in (which ignored them here).
            "adam": {"beta1": 0.0, "beta2": 0.99, "epsilon": 1e-8}, "d_lrate": None, "monitor": "fid",
            "snapshot_ticks": 0}
# what the families had built in before these became settings: prog's auxiliary-classifier loss (summed sigmoid,
# weight 1), cpd's critic with an unconditional score beside its label term
FAMILY_KEYS = {"prog": {"label_weight": 1.0, "label_loss": "sigmoid"}, "cpd": {"critic_labels": "projection"}}
FAMILIES = ("prog", "cpd")


def write_arm(folder: Path, records) -> Path:
    """A 64-image train split of two classes (a bright square left or right) and its meta.json."""
    folder.mkdir(parents=True, exist_ok=True)
    labels = np.eye(2, dtype=np.float32)[np.random.default_rng(0).integers(0, 2, 64)]
    images = np.full((len(labels), SIDE, SIDE), 40, np.uint8)
    images[labels[:, 0] == 1, 4:10, 1:7] = 220
    images[labels[:, 1] == 1, 4:10, 9:15] = 220
    with records.RecordWriter(folder / "train.tfrecord") as writer:
        writer.write(images, labels, np.arange(len(labels)))
    table = pd.DataFrame(labels, columns=LABELS)
    table.insert(0, "image_id", np.arange(len(labels)))
    table.to_csv(folder / "train.csv", index=False)
    return folder


def losses_and_fids(name: str, family, data: Path, out: Path, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """([steps, 2] D and G losses, [evaluations] FIDs) of one short run of `family` on the arm in `data`.

    Losses are read from the loop's progress lines: `tick_kimg` is one minibatch, so every step is a tick."""
    from synthbench.fid.extractors import make_extractor
    from synthbench.fid.real_stats import split_statistics
    from synthbench.gans.data import TrainImages
    from synthbench.gans.training import RunFiles, Settings, Trainer

    extractor = make_extractor("random")
    real, real_labels = split_statistics(data / "train.tfrecord", data / "train.csv", LABELS, SIDE, extractor,
                                         num_images=32, seed=0)
    section = {**SETTINGS, **FAMILY_KEYS.get(name, {})}
    settings = Settings.from_config(section, SIDE, family)
    images = TrainImages(data / "train.tfrecord", data / "train.csv", len(LABELS), SIDE, seed)
    trainer = Trainer(name, family, settings, images, LABELS, real, real_labels, extractor, RunFiles(out), seed,
                      {"settings": section})
    losses = []
    trainer._progress = lambda phase, seconds, step_losses, log: losses.append([float(x) for x in step_losses.values()])
    trainer.train(log=open(out / "log.txt", "w"))
    return np.asarray(losses), np.asarray([entry["fid"] for entry in trainer.stopping.history])


def families() -> dict:
    from synthbench.gans import registry

    return {name: registry.entry(name).load() for name in FAMILIES}


def main(target: Path) -> None:
    from synthbench import records
    from synthbench.runtime import configure

    configure(1, 3)
    arrays = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = write_arm(Path(tmp) / "data", records)
        for name, family in families().items():
            out = Path(tmp) / name
            out.mkdir()
            arrays[f"{name}_losses"], arrays[f"{name}_fids"] = losses_and_fids(name, family, data, out)
            print(name, arrays[f"{name}_losses"].shape, arrays[f"{name}_losses"][:3].tolist(),
                  arrays[f"{name}_fids"].tolist())
    np.savez(target, **arrays)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
