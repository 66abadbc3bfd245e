"""The training loop shared by every GAN: progress in kimg, ticks, EMA generator, FID early stopping,
checkpoints every tick, TensorBoard scalars and progress grids (`progress_log`), and the run's outputs
(network_final.keras, fid.csv, training.json, samples.png).

Everything that decides what happens next (kimg, lod, minibatch, FID history, noise state, data position) is
restored from the checkpoint, so a killed run that is started again follows the same schedule to the same end
as an uninterrupted one.
"""

import csv
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from synthbench import seeds
from synthbench.atomic import replacing
from synthbench.catalogue.cards import checked
from synthbench.config import resolved_section
from synthbench.fid.extractors import Extractor, make_extractor
from synthbench.fid.frechet import Statistics
from synthbench.gans import checkpoint
from synthbench.gans.data import TrainImages
from synthbench.gans.family import Family
from synthbench.gans.grids import save_sample_grid
from synthbench.gans.layers import set_lod
from synthbench.gans.losses import Networks, Objective
from synthbench.gans.progress_log import ProgressLog
from synthbench.gans.sampler import CARD, NetworkSampler
from synthbench.gans.schedule import Schedule
from synthbench.gans.stopping import EarlyStopping
from synthbench.metrics import registry as metric_registry
from synthbench.metrics import table as metrics_table
from synthbench.progress import clock


@dataclass(frozen=True)
class Settings:
    """One GAN run's hyper-parameters (the config's `gans.<name>` section, validated by the schema)."""

    total_kimg: float
    min_kimg: float
    monitor: str  # the registered metric early stopping judges by (synthbench.metrics.registry.monitorable)
    fid_every_kimg: float
    patience: int
    snapshot_ticks: int  # ticks between progress grids (0: none)
    ema_kimg: float
    ema_beta: float | None  # per-step decay; None: the half-life ema_kimg
    adam: dict  # beta1, beta2, epsilon
    objective: Objective
    networks: dict
    schedule: Schedule

    @classmethod
    def from_config(cls, section: dict, resolution: int, family: Family) -> "Settings":
        """From a family's validated config section, with its preset for `resolution` (the run's final image
        side) laid over it: the shared loop's keys and the family's objective."""
        section = resolved_section(section, resolution)
        growth = section.get("growth", {}) if family.grows else {}

        def by_resolution(key: str) -> dict:
            return {int(side): value for side, value in section.get(key, {}).items()}

        schedule = Schedule(
            resolution=resolution, grows=family.grows, **growth, minibatch=section["minibatch"],
            minibatch_per_resolution=by_resolution("minibatch_per_resolution"),
            lrate=section["lrate"], d_lrate=section.get("d_lrate"),
            lrate_per_resolution=by_resolution("lrate_per_resolution"),
            tick_kimg=section["tick_kimg"], tick_kimg_per_resolution=by_resolution("tick_kimg_per_resolution"))
        return cls(total_kimg=section["total_kimg"], min_kimg=section["min_kimg"], monitor=section["monitor"],
                   fid_every_kimg=section["fid_every_kimg"], patience=section["patience"],
                   snapshot_ticks=section["snapshot_ticks"],
                   ema_kimg=section["ema_kimg"], ema_beta=section.get("ema_beta"),
                   adam=section["adam"],
                   objective=family.objective(section),
                   networks={**section["networks"], **{key: section[key] for key in family.network_keys}},
                   schedule=schedule)


def ema_decay(settings: Settings, minibatch: int) -> float:
    """The generator EMA's decay per step: `ema_beta` where set (the study's, per step whatever the minibatch),
    else the half-life `ema_kimg` in images at this minibatch."""
    if settings.ema_beta is not None:
        return settings.ema_beta
    return 0.5 ** (minibatch / max(settings.ema_kimg * 1000.0, 1e-8))


def check_shares(schedule: Schedule, replicas: int) -> None:
    """Refuses a minibatch that the devices cannot share equally at any resolution the run trains at: each
    replica's loss counts as 1/R of the minibatch's, which holds only for equal shares."""
    sizes = {schedule.minibatch_at(resolution) for resolution in schedule.resolutions}
    uneven = sorted(size for size in sizes if size % replicas)
    if uneven:
        raise ValueError(f"minibatch {', '.join(map(str, uneven))} cannot be shared equally by {replicas} devices: "
                         "make every minibatch of the family's section a multiple of the GPUs per job "
                         "(cluster.gpus)")


@dataclass(frozen=True)
class RunFiles:
    """Where one run writes: the declared outputs and the undeclared checkpoint folder."""

    out: Path

    @property
    def checkpoint(self) -> Path:
        return self.out / "checkpoints" / "state.npz"

    @property
    def network(self) -> Path:
        return self.out / "network_final.keras"

    @property
    def card(self) -> Path:
        return self.out / CARD

    @property
    def fid_csv(self) -> Path:
        return self.out / "fid.csv"

    @property
    def metrics(self) -> Path:
        return self.out / metrics_table.FILE

    @property
    def training_json(self) -> Path:
        return self.out / "training.json"

    @property
    def samples(self) -> Path:
        return self.out / "samples.png"


class Trainer:
    def __init__(self, name: str, family: Family, settings: Settings, images: TrainImages, label_names: list[str],
                 real: Statistics, real_labels: np.ndarray, extractor: Extractor, files: RunFiles, seed: int,
                 run_config: dict, card: dict | None = None, strategy: tf.distribute.Strategy | None = None):
        self.name, self.family, self.settings = name, family, settings
        # Data parallelism (synthbench.runtime.strategy): the networks and optimizers are mirrored on every
        # device, each step shares the minibatch out; one device: the default strategy, and nothing changes.
        self.strategy = strategy or tf.distribute.get_strategy()
        check_shares(settings.schedule, self.strategy.num_replicas_in_sync)
        self.images, self.files, self.seed = images, files, seed
        self.label_names, self.real, self.real_labels, self.extractor = label_names, real, real_labels, extractor
        self.run_config = run_config
        self.card = card  # what card.json says of the network (written beside it) besides its best metrics
        keras.utils.set_random_seed(seed)
        resolution, num_labels = images.side, images.num_labels
        with self.strategy.scope():
            self.generator, self.discriminator = family.build(resolution, num_labels, settings.networks)
            self.ema = keras.models.clone_model(self.generator)
            self.ema.set_weights(self.generator.get_weights())
            self.g_optimizer, self.d_optimizer = (self._optimizer(network)
                                                  for network in (self.generator, self.discriminator))
        self.noise = tf.random.Generator.from_seed(seed)  # one stream, drawn from outside the replicas
        self.nimg = 0
        self.last_lod: float | None = None  # the lod of the last step taken (None before the first)
        self.wall_seconds = 0.0
        self.monitor = metric_registry.entry(settings.monitor)
        self.evaluate = self.monitor.evaluator()
        self.stopping = EarlyStopping(self.monitor, settings.fid_every_kimg, settings.patience,
                                      max(settings.min_kimg, settings.schedule.grown_kimg))
        self.best_weights: list[np.ndarray] | None = None
        self.step = self._make_step()
        self.progress_log = ProgressLog(files.out, images.csv, label_names, seed, settings.snapshot_ticks)

    def _optimizer(self, network: keras.Model | None) -> keras.optimizers.Optimizer | None:
        """Adam for one network (none for a family without a discriminator)."""
        if network is None:
            return None
        adam = self.settings.adam
        optimizer = keras.optimizers.Adam(self.settings.schedule.lrate, beta_1=adam["beta1"], beta_2=adam["beta2"],
                                          epsilon=adam["epsilon"])
        optimizer.build(network.trainable_variables)
        return optimizer

    def reset_optimizers(self) -> None:
        """Adam afresh: moments and step count (so its bias correction starts again) to zero, the learning rate
        kept (the schedule sets it)."""
        for optimizer in (self.g_optimizer, self.d_optimizer):
            if optimizer is not None:
                for variable in optimizer.variables:
                    if variable is not optimizer.learning_rate:
                        variable.assign(tf.zeros_like(variable))

    # ----- one training step -------------------------------------------------------------------------------
    def _make_step(self):
        """The compiled step: the family's objective draws the minibatch's random numbers, each replica updates the
        networks on its share of the rows (gradients summed over replicas), then the generator EMA follows.

        Replica r of R takes rows r, r + R, r + 2R, ...: minibatch-stddev groups (rows g, g + B/G, ... of a
        minibatch of B) then hold the same images on R replicas as on one device whenever B/G is a multiple of R,
        so prog and cpd take the same steps on any number of devices. Batch-norm statistics (DCGAN, SNGAN) are
        each replica's own."""
        networks = Networks(self.generator, self.discriminator, self.g_optimizer, self.d_optimizer, self.noise,
                            self.family.critic, self.settings.schedule.levels)
        generator, ema, objective, strategy = self.generator, self.ema, self.settings.objective, self.strategy
        replicas = strategy.num_replicas_in_sync

        def on_replica(images, labels, lod, drawn):
            if replicas > 1:
                replica = tf.distribute.get_replica_context().replica_id_in_sync_group
                images, labels, drawn = (tf.nest.map_structure(lambda rows: rows[replica::replicas], part)
                                         for part in (images, labels, drawn))
            return objective.update(networks, images, labels, lod, drawn, replicas)

        @tf.function(reduce_retracing=True)
        def step(images, labels, lod, ema_beta):
            drawn = objective.draw(networks, images)
            losses = strategy.run(on_replica, args=(images, labels, lod, drawn))
            losses = tuple(strategy.reduce(tf.distribute.ReduceOp.MEAN, loss, axis=None) for loss in losses)
            for average, current in zip(ema.trainable_variables, generator.trainable_variables, strict=True):
                average.assign(current + (average - current) * ema_beta)
            # Batch-norm statistics are not averaged but follow the generator (the EMA generator is evaluated
            # in inference mode, on them); for networks without any, this copies only the lod.
            for copy, current in zip(ema.non_trainable_variables, generator.non_trainable_variables, strict=True):
                copy.assign(current)
            return losses

        return step

    # ----- checkpoints ---------------------------------------------------------------------------------------
    def _groups(self) -> dict[str, list]:
        groups = {"generator": self.generator.weights, "ema": self.ema.weights,
                  "g_optimizer": self.g_optimizer.variables, "noise": [self.noise.state]}
        if self.discriminator is not None:
            groups |= {"discriminator": self.discriminator.weights, "d_optimizer": self.d_optimizer.variables}
        return groups

    def save_checkpoint(self) -> None:
        groups = {name: [np.asarray(v) for v in variables] for name, variables in self._groups().items()}
        if self.best_weights is not None:
            groups["best"] = self.best_weights
        state = {"nimg": self.nimg, "last_lod": self.last_lod, "wall_seconds": self.wall_seconds,
                 "stopping": self.stopping.state(), "run_config": self.run_config}
        checkpoint.save(self.files.checkpoint, groups, state)

    def try_resume(self) -> bool:
        """Restores the last checkpoint of this run if there is one; True when training resumes.

        A checkpoint made with other settings (Snakemake reruns a job whose config changed) is left to be
        overwritten: the run starts afresh."""
        if not self.files.checkpoint.is_file():
            return False
        groups, state = checkpoint.load(self.files.checkpoint)
        if state["run_config"] != self.run_config:
            print(f"{self.files.checkpoint}: made with other settings; starting afresh", file=sys.stderr, flush=True)
            return False
        for name, variables in self._groups().items():
            checkpoint.assign(variables, groups[name], f"{self.files.checkpoint} [{name}]")
        self.best_weights = groups.get("best")
        self.nimg, self.last_lod, self.wall_seconds = state["nimg"], state["last_lod"], state["wall_seconds"]
        self.stopping.history = state["stopping"]["history"]
        return True

    # ----- the loop ------------------------------------------------------------------------------------------
    @property
    def kimg(self) -> float:
        return self.nimg / 1000.0

    def _evaluate(self) -> None:
        started = time.perf_counter()
        value = self.evaluate(NetworkSampler(self.ema), self.real, self.real_labels, self.extractor,
                               seed=seeds.fid_fakes(self.seed))
        entry = {"kimg": round(self.kimg, 3), self.monitor.name: value, "extractor": self.extractor.name,
                 "images": int(self.real.count), "seconds": round(time.perf_counter() - started, 2)}
        self.progress_log.metric(self.nimg, self.monitor.name, self.extractor.name, value)
        if self.stopping.record(entry):
            self.best_weights = [np.asarray(w) for w in self.ema.weights]
        self.save_checkpoint()

    def set_phase(self, phase) -> None:
        for model in (self.generator, self.discriminator, self.ema):
            if model is not None:
                set_lod(model, phase.lod)
        self.g_optimizer.learning_rate.assign(phase.g_lrate)
        if self.d_optimizer is not None:
            self.d_optimizer.learning_rate.assign(phase.d_lrate)

    def train(self, log=sys.stderr) -> None:
        """Trains until FID stops improving or `total_kimg`, then writes the run's outputs."""
        resumed = self.try_resume()
        settings, schedule = self.settings, self.settings.schedule
        print(f"{self.name}: {'resuming at' if resumed else 'starting at'} kimg {self.kimg:.1f} of "
              f"{settings.total_kimg}; growth ends at kimg {schedule.grown_kimg:.1f}; {self.monitor.label} "
              f"({self.extractor.name}, {self.real.count} images) every {settings.fid_every_kimg} kimg from kimg "
              f"{self.stopping.start_kimg:.1f}, patience {settings.patience}", file=log, flush=True)
        total_nimg = int(round(settings.total_kimg * 1000))
        next_tick = _next_tick(self.kimg, schedule.at(self.kimg).tick_kimg)
        tick_start, tick_nimg, stream, current = time.perf_counter(), self.nimg, None, None
        while self.nimg < total_nimg and not self.stopping.should_stop:
            phase = schedule.at(self.kimg)
            if phase != current:  # only while fading in does the phase change from step to step
                if current is None or phase.minibatch != current.minibatch:
                    stream = iter(self.images.stream(self.nimg, phase.minibatch))
                self.set_phase(phase)
                lod = tf.constant(phase.lod, tf.float32)
                ema_beta = tf.constant(ema_decay(settings, phase.minibatch), tf.float32)
                current = phase
            if schedule.resets_optimizer(self.last_lod, phase.lod):
                self.reset_optimizers()
            images, labels = next(stream)
            losses = self.step(images, labels, lod, ema_beta)
            self.nimg += phase.minibatch
            self.last_lod = phase.lod
            if self.stopping.due(self.kimg):
                self._evaluate()
            if self.kimg >= next_tick - 1e-9 or self.nimg >= total_nimg or self.stopping.should_stop:
                seconds = time.perf_counter() - tick_start
                self.wall_seconds += seconds
                seconds_per_kimg = seconds / max((self.nimg - tick_nimg) / 1000.0, 1e-9)
                named = dict(zip(settings.objective.loss_names, map(float, losses), strict=True))
                self._progress(phase, seconds_per_kimg, named, log)
                self.progress_log.tick(round(self.kimg / phase.tick_kimg), self.nimg, named,
                                       1.0 / seconds_per_kimg, phase.lod, phase.minibatch, NetworkSampler(self.ema))
                self.save_checkpoint()
                next_tick = _next_tick(self.kimg, schedule.at(self.kimg).tick_kimg)
                tick_start, tick_nimg = time.perf_counter(), self.nimg
        self._finish(log)

    def _progress(self, phase, seconds_per_kimg: float, losses: dict[str, float], log) -> None:
        remaining = (self.settings.total_kimg - self.kimg) * seconds_per_kimg
        best, name, label = self.stopping.best, self.monitor.name, self.monitor.label
        fid = (f"{label} {self.stopping.history[-1][name]:.2f} (best {best[name]:.2f} at kimg {best['kimg']:g})"
               if best else f"{label} -")
        print(f"kimg {self.kimg:8.2f}/{self.settings.total_kimg:g}  lod {phase.lod:.2f}  res {phase.resolution:4d}  "
              f"minibatch {phase.minibatch:3d}  {seconds_per_kimg:7.1f} s/kimg  ETA<={clock(remaining)}  "
              + "".join(f"{name} {value:8.3f}  " for name, value in losses.items()) + fid, file=log, flush=True)

    def _finish(self, log) -> None:
        """Final FID if the last state was not evaluated, then the declared outputs from the best generator."""
        if not self.stopping.history or self.stopping.history[-1]["kimg"] < round(self.kimg, 3):
            self._evaluate()
        self.progress_log.snapshot(self.nimg, NetworkSampler(self.ema))
        self.progress_log.close()
        best = self.stopping.best
        stop_reason = f"{self.monitor.name}_patience" if self.stopping.should_stop else "total_kimg"
        final = self.ema
        checkpoint.assign(final.weights, self.best_weights, "best generator")
        set_lod(final, 0.0)
        with replacing(self.files.network) as partial:
            final.save(partial)
        _write_history(self.files.fid_csv, self.monitor.name, self.stopping.history)
        save_sample_grid(NetworkSampler(final), self.images, self.label_names, self.seed,
                         self.files.samples)
        record = {"family": self.name, "seed": self.seed, "config": self.run_config,
                  "kimg": round(self.kimg, 3), "stop_reason": stop_reason, "monitor": self.monitor.name,
                  f"best_{self.monitor.name}": best[self.monitor.name],
                  "best_kimg": best["kimg"], "extractor": self.extractor.name,
                  "evaluations": len(self.stopping.history), "wall_seconds": round(self.wall_seconds, 1)}
        if self.card is not None:
            card = checked({**self.card,
                            "training": {key: record[key] for key in ("kimg", "best_kimg", "stop_reason",
                                                                      "wall_seconds")},
                            "best": [{"metric": self.monitor.name, "value": best[self.monitor.name],
                                      "direction": self.monitor.direction, "extractor": self.extractor.name,
                                      "kimg": best["kimg"]}]}, str(self.files.card))
            with replacing(self.files.card) as partial:
                partial.write_text(json.dumps(card, indent=2) + "\n")
        # The monitored value that chose the generator is in training.json, not in the summary: as the best of
        # noisy evaluations it is biased in the generator's favour. The generator metrics job measures the
        # selected generator afresh, on its synthetic train split.
        metrics_table.write(self.files.metrics, [metrics_table.row(name, record[name])
                                                 for name in ("best_kimg", "kimg", "wall_seconds")])
        with replacing(self.files.training_json) as partial:
            partial.write_text(json.dumps(record, indent=2) + "\n")
        print(f"stopped at kimg {self.kimg:.2f} ({stop_reason}); best {self.monitor.label} "
              f"{best[self.monitor.name]:.2f} at kimg "
              f"{best['kimg']:g}", file=log, flush=True)


def stepping_trainer(name: str, family: Family, settings: Settings, images: TrainImages, label_names: list[str],
                     folder: Path, seed: int = 0, strategy: tf.distribute.Strategy | None = None) -> Trainer:
    """A Trainer for taking and timing steps, not for judging a generator: its FID would be measured by a random
    network against stand-in statistics (benchmarks and tests that compare or time training steps)."""
    stand_in = Statistics(np.zeros(2), np.eye(2), 2, "random")
    return Trainer(name, family, settings, images, label_names, stand_in, np.zeros((2, len(label_names)), np.float32),
                   make_extractor("random"), RunFiles(folder), seed, run_config={}, strategy=strategy)


def _next_tick(kimg: float, tick_kimg: float) -> float:
    """Where the tick under way ends: the next multiple of the tick length, so a resumed run ticks where an
    uninterrupted one does."""
    return (math.floor(kimg / tick_kimg + 1e-9) + 1) * tick_kimg


def _write_history(path: Path, metric: str, history: list[dict]) -> None:
    with replacing(path) as partial, open(partial, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["kimg", metric, "extractor", "images", "seconds"])
        writer.writeheader()
        writer.writerows(history)
