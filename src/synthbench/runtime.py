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
