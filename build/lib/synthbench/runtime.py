"""TensorFlow process settings every job applies first: its share of CPU threads and determinism."""

import keras
import tensorflow as tf


def configure(threads: int | None = None, seed: int | None = None) -> None:
    """Limits TensorFlow to `threads` CPU threads (the job's Snakemake allocation) and, given a seed, seeds
    every generator and turns on op determinism, so the same seed gives the same outputs on CPU."""
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
