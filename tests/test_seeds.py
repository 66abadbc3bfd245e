"""Named random streams: each keeps the derivation earlier results were made with, and streams of one seed
are independent of one another."""

import numpy as np

from synthbench import seeds


def draws(generator: np.random.Generator) -> np.ndarray:
    return generator.integers(0, 2**31, 8)


def test_streams_keep_their_derivations():
    np.testing.assert_array_equal(draws(seeds.patient_partition(5)), draws(np.random.default_rng([5, 0])))
    np.testing.assert_array_equal(draws(seeds.arm_draw(5, "samples", 2, 9)), draws(np.random.default_rng([5, 3, 2, 9])))
    assert (seeds.fid_fakes(4), seeds.sample_grid(4), seeds.synthetic_rows(4, 64)) == (5, 6, 4 * 7919 + 64)


def test_streams_of_one_seed_differ():
    streams = [seeds.patient_partition(1), *(seeds.arm_draw(1, arm) for arm in seeds.ARM_STREAMS),
               seeds.arm_draw(1, "classes", 1), seeds.arm_draw(1, "classes", 2)]
    values = {tuple(draws(stream)) for stream in streams}
    assert len(values) == len(streams)
