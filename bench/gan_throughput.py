"""Generator training and sampling throughput at 32 px, for every registered family at the demo and paper network
sizes: images per second through the shared training step (a GAN's D step with gradient penalty and G step, or
diffusion's denoising step, then the EMA update) fed by the TFRecord stream, and images per second through the
sampler contract (one network pass for a GAN, 2 steps - 1 passes of the U-Net for diffusion), as inference,
FID evaluation and the synthetic splits use it. Paper-size networks on a CPU run a few images a second; the
figures say what a laptop can and cannot do.
"""

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import tensorflow as tf
import yaml

from synthbench import records
from synthbench.config import gan_section
from synthbench.gans import registry
from synthbench.gans.data import TrainImages
from synthbench.gans.sampler import NetworkSampler
from synthbench.gans.training import Settings, Trainer, stepping_trainer

REPO = Path(__file__).resolve().parents[1]
SIDE, LABELS = 32, 4


def _arm(folder: Path, rows: int = 1024) -> TrainImages:
    rng = np.random.default_rng(0)
    labels = np.eye(LABELS, dtype=np.float32)[rng.integers(0, LABELS, rows)]
    with records.RecordWriter(folder / "train.tfrecord") as writer:
        writer.write(rng.integers(0, 256, (rows, SIDE, SIDE), dtype=np.uint8), labels, np.arange(rows))
    table = pd.DataFrame(labels, columns=[f"l{i}" for i in range(LABELS)])
    table.insert(0, "image_id", np.arange(rows))
    table.to_csv(folder / "train.csv", index=False)
    return TrainImages(folder / "train.tfrecord", folder / "train.csv", LABELS, SIDE, seed=0)


def _section(config_name: str, gan: str, minibatch: int) -> dict:
    section = yaml.safe_load((REPO / "config" / config_name).read_text())["gans"].get(gan, {})
    short = {"total_kimg": 1, "min_kimg": 0, "fid_every_kimg": 1, "patience": 1, "tick_kimg": 1, "ema_kimg": 10,
             "minibatch": minibatch, "lrate": 0.001, "networks": section.get("networks", {}),
             **{key: section[key] for key in ("sampling",) if key in section}}
    if "growth" in section:
        short["growth"] = {"initial_resolution": 8, "training_kimg": 1, "transition_kimg": 1}
    return gan_section(gan, short)


def _trainer(name: str, family, section: dict, images: TrainImages, folder: Path, strategy=None) -> Trainer:
    return stepping_trainer(name, family, Settings.from_config(section, SIDE, family), images,
                            [f"l{i}" for i in range(LABELS)], folder, strategy=strategy)


def _training_images_per_second(trainer: Trainer, images: TrainImages, steps: int) -> float:
    schedule = trainer.settings.schedule
    phase = schedule.at(schedule.grown_kimg)  # fully grown: the full-resolution cost
    trainer.set_phase(phase)
    stream = iter(images.stream(0, phase.minibatch))
    lod, beta = tf.constant(phase.lod), tf.constant(0.99)
    for _ in range(2):  # trace and warm up
        trainer.step(*next(stream), lod, beta)
    start = time.perf_counter()
    for _ in range(steps):
        losses = trainer.step(*next(stream), lod, beta)
    float(losses[0])
    return steps * phase.minibatch / (time.perf_counter() - start)


def _sampling_images_per_second(trainer: Trainer, rows: int) -> float:
    """Through the sampler contract, as the workflow samples (batches of 256), after a call that traces it."""
    sampler = NetworkSampler(trainer.ema)
    labels = np.eye(LABELS, dtype=np.float32)[np.arange(rows) % LABELS]
    sampler(labels, seed=0)
    start = time.perf_counter()
    sampler(labels, seed=1)
    return rows / (time.perf_counter() - start)


def run() -> list[dict]:
    entries = []
    with tempfile.TemporaryDirectory() as folder:
        images = _arm(Path(folder))
        for size, config_name, minibatch, steps, rows in (("demo", "demo.yaml", 32, 30, 256),
                                                           ("paper", "config.yaml", 8, 3, 32)):
            for name in registry.names():
                section = _section(config_name, name, minibatch)
                trainer = _trainer(name, registry.entry(name).load(), section, images, Path(folder))
                networks = json.dumps({key: section[key] for key in ("networks", "sampling") if key in section},
                                      sort_keys=True)  # each family names its own sizes
                for task, rate in (("training", _training_images_per_second(trainer, images, steps)),
                                   ("sampling", _sampling_images_per_second(trainer, rows))):
                    batch = f"minibatch {minibatch}" if task == "training" else f"{rows} images"
                    entries.append({"name": f"generator {name} {task} at {SIDE} px, {size} networks, {batch}",
                                    "unit": "images/s", "figure": round(rate, 1), "baseline": None,
                                    "baseline_name": f"none ({networks})", "ratio": None})
    return entries
