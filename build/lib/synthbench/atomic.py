"""Write-then-rename, so that no reader (or Snakemake) ever sees a half-written file under its final name."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yields a temporary path beside `path`; renamed to `path` on success, removed on error.

    The temporary name keeps the final suffix (`partial-<name>`) because some writers, such as Keras, insist on
    it (`.keras`, `.weights.h5`).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name("partial-" + path.name)
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
