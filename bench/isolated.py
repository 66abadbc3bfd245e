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
