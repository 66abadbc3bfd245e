"""Which synthetic rows a real + synthetic mix trains on (`classifier.train --mix`).

A mix of ratio r adds round(r x real train rows) synthetic images to the real train split. They are taken from
the synthetic files in order (the family's twin split first, then the extra images its generator sampled for
ratios above 1), each file's rows in a seeded random order, so the mixes of one run are nested: the 0.5 mix's
fakes are among the 1 mix's, which are among the 2 mix's. A difference between ratios is then the added images,
not a different draw.
"""

import numpy as np

from synthbench import seeds


def mix_rows(pool_sizes: list[int], ratio: float, real_rows: int, seed: int) -> list[np.ndarray]:
    """One boolean mask per synthetic file (of `pool_sizes` rows): the rows the mix takes."""
    wanted = int(round(ratio * real_rows))
    if wanted > sum(pool_sizes):
        raise ValueError(f"a mix of ratio {ratio:g} on {real_rows} real rows needs {wanted} synthetic rows; the "
                         f"synthetic files hold {sum(pool_sizes)} ({' + '.join(map(str, pool_sizes))})")
    rng = seeds.mix_rows(seed)
    masks = []
    for size in pool_sizes:
        chosen = rng.permutation(size)[:wanted]
        mask = np.zeros(size, bool)
        mask[chosen] = True
        masks.append(mask)
        wanted -= len(chosen)
    return masks
