"""Early stopping on a named metric (`monitor`, default FID): when to evaluate, which evaluation is best,
and when to give up.

Evaluations start once the network is fully grown and past `min_kimg`, then follow every `every_kimg`. Training
stops after `patience` evaluations in a row without a new best by the metric's direction (its registry entry);
the best one's generator is the result.
"""

from dataclasses import dataclass, field

from synthbench.metrics.registry import Metric


@dataclass
class EarlyStopping:
    metric: Metric
    every_kimg: float
    patience: int
    start_kimg: float  # max(min_kimg, kimg at which growth ends)
    history: list[dict] = field(default_factory=list)  # {"kimg", <metric name>, ...} in evaluation order

    def due(self, kimg: float) -> bool:
        if kimg < self.start_kimg:
            return False
        return not self.history or kimg - self.history[-1]["kimg"] >= self.every_kimg - 1e-9

    def record(self, entry: dict) -> bool:
        """Adds an evaluation ({"kimg", <metric name>, ...}); True when it is the new best."""
        self.history.append(entry)
        return self.best is entry

    @property
    def best(self) -> dict | None:
        """The evaluation with the best value (the earliest among equals)."""
        best = None
        for entry in self.history:
            if best is None or self.metric.better(entry[self.metric.name], best[self.metric.name]):
                best = entry
        return best

    @property
    def since_best(self) -> int:
        return len(self.history) - 1 - self.history.index(self.best) if self.history else 0

    @property
    def should_stop(self) -> bool:
        return bool(self.history) and self.since_best >= self.patience

    def state(self) -> dict:
        """What a checkpoint keeps (JSON): the history, and the settings it was judged under."""
        return {"metric": self.metric.name, "every_kimg": self.every_kimg, "patience": self.patience,
                "start_kimg": self.start_kimg, "history": self.history}
