"""FID early stopping: when to evaluate, which evaluation is best, and when to give up.

Evaluations start once the network is fully grown and past `min_kimg`, then follow every `every_kimg`. Training
stops after `patience` evaluations in a row without a new best FID; the best one's generator is the result.
"""

from dataclasses import asdict, dataclass, field


@dataclass
class EarlyStopping:
    every_kimg: float
    patience: int
    start_kimg: float  # max(min_kimg, kimg at which growth ends)
    history: list[dict] = field(default_factory=list)  # {"kimg", "fid", ...} in evaluation order

    def due(self, kimg: float) -> bool:
        if kimg < self.start_kimg:
            return False
        return not self.history or kimg - self.history[-1]["kimg"] >= self.every_kimg - 1e-9

    def record(self, entry: dict) -> bool:
        """Adds an evaluation ({"kimg", "fid", ...}); True when it is the new best."""
        self.history.append(entry)
        return self.best is entry

    @property
    def best(self) -> dict | None:
        """The evaluation with the lowest FID (the earliest among equals)."""
        return min(self.history, key=lambda entry: entry["fid"]) if self.history else None

    @property
    def since_best(self) -> int:
        return len(self.history) - 1 - self.history.index(self.best) if self.history else 0

    @property
    def should_stop(self) -> bool:
        return bool(self.history) and self.since_best >= self.patience

    def state(self) -> dict:
        return asdict(self)
