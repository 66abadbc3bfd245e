"""Trains a family for a few steps of the shared loop on as many CPU devices as SYNTHBENCH_CPU_DEVICES says, and
saves the per-step losses and every network weight: tests/test_replicas.py compares one device with two.

    SYNTHBENCH_CPU_DEVICES=2 python tests/data/replica_steps.py FAMILY ARM_FOLDER STEPS OUT.npz \
        [--resume CHECKPOINT_RUN_FOLDER] [--checkpoint RUN_FOLDER]

With --resume the steps continue from that run folder's checkpoint; with --checkpoint the state after the steps
is saved to a run folder's checkpoint.
"""

import argparse
import json
from pathlib import Path

import numpy as np

from synthbench.runtime import configure, strategy

# Small networks of each kind: cpd with minibatch stddev (groups of 4 of a minibatch of 8), DCGAN with batch norm,
# diffusion with its U-Net.
SECTIONS = {
    "cpd": {"minibatch": 8, "lrate": 0.002, "networks": {"latent_size": 8, "fmap_base": 32, "fmap_max": 16,
                                                         "mbstd_group": 4}},
    "dcgan": {"minibatch": 8, "networks": {"latent_size": 8, "g_channels": 8, "d_channels": 8}},
    "diffusion": {"minibatch": 8, "lrate": 0.002, "sampling": {"steps": 2},
                  "networks": {"channels": 8, "max_channels": 16, "blocks_per_level": 1,
                               "attention_resolutions": []}},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("family")
    parser.add_argument("arm", type=Path)
    parser.add_argument("steps", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--resume", type=Path)
    parser.add_argument("--checkpoint", type=Path)
    args = parser.parse_args()
    configure(threads=1, seed=0)

    import tensorflow as tf

    from synthbench.config import gan_section
    from synthbench.gans import registry
    from synthbench.gans.data import TrainImages
    from synthbench.gans.training import Settings, stepping_trainer

    meta = json.loads((args.arm / "meta.json").read_text())
    side, labels = meta["resolution"], meta["labels"]
    family = registry.entry(args.family).load()
    section = gan_section(args.family, {"total_kimg": 1, "min_kimg": 0, "fid_every_kimg": 1, "patience": 1,
                                        "tick_kimg": 1, "ema_kimg": 0.05, **SECTIONS[args.family]})
    settings = Settings.from_config(section, side, family)
    images = TrainImages(args.arm / "train.tfrecord", args.arm / "train.csv", len(labels), side, seed=0)
    run_folder = args.resume or args.checkpoint or args.out.parent / "run"
    trainer = stepping_trainer(args.family, family, settings, images, labels, run_folder, strategy=strategy())
    if args.resume:
        assert trainer.try_resume(), f"no checkpoint in {args.resume}"
    phase = settings.schedule.at(0.0)
    trainer.set_phase(phase)
    stream = iter(images.stream(trainer.nimg, phase.minibatch))
    losses = []
    for _ in range(args.steps):
        losses.append([float(loss) for loss in trainer.step(*next(stream), tf.constant(phase.lod),
                                                            tf.constant(0.9))])
        trainer.nimg += phase.minibatch
    if args.checkpoint:
        trainer.save_checkpoint()
    weights = {f"{group}_{index}": np.asarray(variable) for group, variables in trainer._groups().items()
               if group in ("generator", "discriminator", "ema") for index, variable in enumerate(variables)}
    np.savez(args.out, losses=np.asarray(losses), replicas=trainer.strategy.num_replicas_in_sync, **weights)


if __name__ == "__main__":
    main()
