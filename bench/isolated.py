"""Measuring one side of a benchmark in a process of its own, so its peak memory is its own.

The child runs `python -m <module> <kind>`, which times the work and ends with `print_measurement`; the peak is
VmHWM, the process's resident high-water mark (inputs included; unlike ru_maxrss, not inherited from the
forking parent).
"""

import re
import subprocess
import sys
from pathlib import Path


def print_measurement(seconds: float) -> None:
    """In the child: prints 'seconds peak_mb'."""
    status = Path("/proc/self/status").read_text()
    print(seconds, int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024)


def measure(module: str, kind: str) -> tuple[float, float]:
    """(seconds, peak MB) of `python -m module kind`."""
    result = subprocess.run([sys.executable, "-m", module, kind], capture_output=True, text=True, check=True)
    seconds, peak_mb = map(float, result.stdout.split())
    return seconds, peak_mb


def speed_and_memory_rows(name: str, seconds: float, baseline: float, baseline_name: str, goal: str,
                          memory_name: str, peak_mb: float, memory_goal: str) -> list[dict]:
    """The two result rows of a computation measured in its own process: its time against its baseline's, and
    its peak memory."""
    return [
        {"name": name, "figure": round(seconds, 1), "unit": "s", "baseline": round(baseline, 1),
         "baseline_name": baseline_name, "ratio": round(seconds / baseline, 3), "goal": goal},
        {"name": memory_name, "figure": round(peak_mb), "unit": "MB", "baseline": None, "ratio": None,
         "goal": memory_goal},
    ]
