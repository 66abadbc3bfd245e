"""What makes the demo's findings hard to see: graded conspicuity, label noise and anatomical clutter.

Real findings range from obvious to barely visible, labels mined from reports are wrong now and then, and
normal anatomy varies enough to hide a small change. Demo data without these let every classifier, real or
synthetic, score a mean AUROC near 1.0 on every arm, and the benchmark's question (when is synthetic data as
useful as real?) had no visible answer. With them, real-data classifiers land well below 1.0, a generator that
misses the subtle findings scores visibly lower, and fewer training samples cost accuracy.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synthbench.demo_data.canvas import Canvas


@dataclass(frozen=True)
class Conspicuity:
    """The range of a finding's strength (its pattern's contrast as a fraction of the fully developed one)."""

    low: float
    high: float

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))


@dataclass(frozen=True)
class LabelNoise:
    """How labels and images disagree.

    `missed`: a labelled finding that the image does not show (the report names it, the image has none of it);
    `incidental`: an unlabelled finding that the image shows (the report left it out).
    """

    missed: float
    incidental: float

    def shown(self, labelled: tuple[str, ...], unlabelled: Sequence[str],
              rng: np.random.Generator) -> tuple[str, ...]:
        """The findings an image shows, given those its label names; one draw per labelled finding, then one
        for an incidental finding, so the random stream does not depend on what was drawn before."""
        kept = tuple(name for name in labelled if rng.random() >= self.missed)
        extra_draw, extra_index = rng.random(), int(rng.integers(len(unlabelled)))
        extra = unlabelled[extra_index]
        if extra_draw < self.incidental and extra not in labelled:
            kept += (extra,)
        return kept


def clutter(canvas: Canvas, rng: np.random.Generator, region: np.ndarray, blobs: int, amplitude: float,
            sigma: tuple[float, float]) -> None:
    """Adds smooth structure inside `region` (a mask): `blobs` Gaussian blobs of random sign and size whose
    contrast has standard deviation `amplitude`, as overlapping vessels and soft tissue do on a radiograph."""
    ys, xs = np.nonzero(region > 0.5)
    if len(ys) == 0:
        return
    field = np.zeros_like(canvas.pixels)
    for _ in range(blobs):
        pick = int(rng.integers(len(ys)))
        cy, cx = (ys[pick] + 0.5) / canvas.height, (xs[pick] + 0.5) / canvas.width
        size = rng.uniform(*sigma)
        field += rng.normal(0.0, amplitude) * canvas.gaussian(cy, cx, size, size * rng.uniform(0.6, 1.6))
    canvas.add(region * field, 1.0)
