"""One progress line format for every long loop: done / total, items/s and ETA, printed to the job's log."""

import sys
import time
from typing import TextIO


class Progress:
    """Prints `label: done/total (pct) rate unit/s ETA` at most every `every_s` seconds and once at the end.

    Snakemake sends each job's stderr to its log file, so a user tailing the log of a long job sees how far it
    is and when it will end, without flooding the log with one line per item.
    """

    def __init__(self, total: int, label: str, unit: str = "images", every_s: float = 5.0,
                 stream: TextIO = sys.stderr):
        self.total, self.label, self.unit, self.every_s, self.stream = total, label, unit, every_s, stream
        self.done = 0
        self._start = time.perf_counter()
        self._last_print = -float("inf")

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._last_print >= self.every_s or self.done >= self.total:
            self._last_print = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.perf_counter()) - self._start, 1e-9)
        rate = self.done / elapsed
        remaining = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = "?" if remaining == float("inf") else clock(remaining)
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (f"{self.label}: {self.done}/{self.total} ({pct:.0f}%) "
                f"{rate:.1f} {self.unit}/s, elapsed {clock(elapsed)}, ETA {eta}")


def clock(seconds: float) -> str:
    """h:mm:ss (or mm:ss under an hour)."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
