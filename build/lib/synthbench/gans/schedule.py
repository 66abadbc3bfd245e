"""The training schedule as data: level of detail, resolution, minibatch and learning rates at any kimg.

Progressive growth (Karras et al.) starts at `initial_resolution`; each level trains for `training_kimg`, then
fades in the next level over `transition_kimg`. A schedule with `grows=False` (the no-growth GAN) stays at
lod 0, full resolution, from the first image: the same machinery with a different schedule.
"""

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Phase:
    lod: float
    resolution: int  # the resolution being trained (the finer one during a fade-in)
    minibatch: int
    g_lrate: float
    d_lrate: float


@dataclass(frozen=True)
class Schedule:
    resolution: int
    grows: bool
    initial_resolution: int = 8
    training_kimg: float = 600.0
    transition_kimg: float = 600.0
    minibatch: int = 16
    minibatch_per_resolution: dict[int, int] = field(default_factory=dict)
    lrate: float = 0.001
    lrate_per_resolution: dict[int, float] = field(default_factory=dict)
    d_lrate: float | None = None  # D's rate when it differs from G's (TTUR); overrides scale it alike

    @property
    def levels(self) -> int:
        """How many doublings growth takes from the initial resolution to the final one (none for a run at or
        below the initial resolution: it trains at full resolution from the start)."""
        if not self.grows:
            return 0
        return max(int(math.log2(self.resolution)) - int(math.log2(self.initial_resolution)), 0)

    @property
    def grown_kimg(self) -> float:
        """The kimg at which lod reaches 0 (the network is fully grown)."""
        return self.levels * (self.training_kimg + self.transition_kimg)

    def lod(self, kimg: float) -> float:
        if not self.grows:
            return 0.0
        phase_length = self.training_kimg + self.transition_kimg
        phase = math.floor(kimg / phase_length)
        into_phase = kimg - phase * phase_length
        lod = self.levels - phase
        if self.transition_kimg > 0:
            lod -= max(into_phase - self.training_kimg, 0.0) / self.transition_kimg
        return max(lod, 0.0)

    def at(self, kimg: float) -> Phase:
        lod = self.lod(kimg)
        resolution = 2 ** (int(math.log2(self.resolution)) - math.floor(lod))
        lrate = self.lrate_per_resolution.get(resolution, self.lrate)
        d_lrate = lrate if self.d_lrate is None else lrate * self.d_lrate / self.lrate
        return Phase(lod, resolution, self.minibatch_per_resolution.get(resolution, self.minibatch), lrate, d_lrate)
