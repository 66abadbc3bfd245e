"""Progress lines: done / total, rate and ETA, throttled, always printed at the end."""

import io

from synthbench.progress import Progress


def test_progress_prints_throttled_lines_and_the_final_one():
    stream = io.StringIO()
    progress = Progress(total=10, label="cache", unit="images", every_s=3600, stream=stream)
    for _ in range(10):
        progress.update()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, "first update, then throttled until the last"
    assert lines[0].startswith("cache: 1/10 (10%)")
    assert lines[-1].startswith("cache: 10/10 (100%)") and "images/s" in lines[-1] and "ETA 00:00" in lines[-1]


def test_progress_eta_from_rate():
    progress = Progress(total=100, label="x", stream=io.StringIO())
    progress.done = 25
    line = progress.line(now=progress._start + 10.0)
    assert "2.5 images/s" in line and "elapsed 00:10" in line and "ETA 00:30" in line
