"""TensorFlow process settings every job applies first: its share of CPU threads, determinism, and the devices it
trains on in parallel."""

import os

import keras
import tensorflow as tf

# Splits the CPU into this many logical devices, each a replica of data-parallel training: how tests and
# `make bench` exercise the multi-device path on machines without GPUs (it gains nothing on a CPU).
CPU_DEVICES_VARIABLE = "SYNTHBENCH_CPU_DEVICES"


def configure(threads: int | None = None, seed: int | None = None) -> None:
    """Limits TensorFlow to `threads` CPU threads (the job's Snakemake allocation) and, given a seed, seeds
    every generator and turns on op determinism, so the same seed gives the same outputs on CPU."""
    cpu_devices = int(os.environ.get(CPU_DEVICES_VARIABLE) or 1)
    if cpu_devices > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * cpu_devices)
    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    if seed is not None:
        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()


def precision_policy(requested: bool, gpus: int) -> str:
    """Keras dtype policy: mixed float16 only when asked for and a GPU runs the job (on CPU it is slower)."""
    return "mixed_float16" if requested and gpus > 0 else "float32"


def use_mixed_precision(requested: bool) -> str:
    """Sets and returns the global dtype policy for this job's models; variables stay float32 either way, so
    weights files are the same and load under any policy."""
    policy = precision_policy(requested, len(tf.config.list_physical_devices("GPU")))
    keras.mixed_precision.set_global_policy(policy)
    return policy


def strategy() -> tf.distribute.Strategy:
    """Data parallelism over every GPU the job was given (Snakemake's `gpu` resource; SLURM sets what the process
    sees): a MirroredStrategy whose replicas each take a share of every minibatch and sum their gradients; the
    CPU's logical devices where SYNTHBENCH_CPU_DEVICES split it and there is no GPU; otherwise the default
    strategy (one device, nothing mirrored)."""
    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        return tf.distribute.get_strategy()
    # NCCL needs GPUs; copying through one device works for any and costs little at these gradient sizes.
    reduction = None if devices[0].device_type == "GPU" else tf.distribute.ReductionToOneDevice()
    return tf.distribute.MirroredStrategy([device.name for device in devices], cross_device_ops=reduction)
