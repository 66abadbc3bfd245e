"""The training schedule as data: level of detail, resolution, minibatch, learning rates and tick length at any
kimg.

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
    tick_kimg: float


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
    tick_kimg: float = 20.0
    tick_kimg_per_resolution: dict[int, float] = field(default_factory=dict)
    reset_optimizer: bool = False  # Adam starts afresh whenever a fade-in starts or ends (the study's)

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

    @property
    def resolutions(self) -> list[int]:
        """Every resolution the run trains at, from the first to the final one."""
        return [self._resolution_at(level) for level in range(self.levels, -1, -1)]

    def _resolution_at(self, lod_level: int) -> int:
        return 2 ** (int(math.log2(self.resolution)) - lod_level)

    def minibatch_at(self, resolution: int) -> int:
        return self.minibatch_per_resolution.get(resolution, self.minibatch)

    def at(self, kimg: float) -> Phase:
        lod = self.lod(kimg)
        resolution = self._resolution_at(math.floor(lod))
        lrate = self.lrate_per_resolution.get(resolution, self.lrate)
        d_lrate = lrate if self.d_lrate is None else lrate * self.d_lrate / self.lrate
        return Phase(lod, resolution, self.minibatch_at(resolution), lrate, d_lrate,
                     self.tick_kimg_per_resolution.get(resolution, self.tick_kimg))

    def resets_optimizer(self, previous_lod: float | None, lod: float) -> bool:
        """Whether Adam's moments and step count start afresh before a step at `lod` that follows one at
        `previous_lod`: with `reset_optimizer`, whenever the lod leaves or enters a whole level (a fade-in starts
        or ends), as the study's `reset_opt_for_new_lod`. Stale moments of the other level's layers would
        otherwise push the new layers."""
        if not self.reset_optimizer or previous_lod is None:
            return False
        return math.floor(previous_lod) != math.floor(lod) or math.ceil(previous_lod) != math.ceil(lod)
