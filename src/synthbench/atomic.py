"""Write-then-rename, so that no reader (or Snakemake) ever sees a half-written file under its final name.

Every output of synthbench is written this one way: under `partial-<name>` beside its final name, renamed
when complete, removed on error. The temporary name keeps the final suffix because some writers, such as
Keras, insist on it (`.keras`, `.weights.h5`).
"""

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class PartialFile:
    """One output being written under its temporary name: for writers that stay open across calls (TFRecord
    and HDF5 writers); `replacing` is the same for a single block of code."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name("partial-" + self.path.name)

    def commit(self) -> None:
        """Gives the finished file its final name."""
        self.partial.replace(self.path)

    def discard(self) -> None:
        self.partial.unlink(missing_ok=True)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yields a temporary path beside `path`; renamed to `path` on success, removed on error."""
    output = PartialFile(path)
    try:
        yield output.partial
    except BaseException:
        output.discard()
        raise
    output.commit()


@contextmanager
def replacing_together(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """Temporary paths for several outputs of one job, renamed only when every one is written, in the given
    order (so the last, e.g. meta.json, marks the set complete), all removed on error: a job killed midway
    leaves none of its outputs under its final name, not even the ones it had finished."""
    outputs = [PartialFile(path) for path in paths]
    try:
        yield [output.partial for output in outputs]
    except BaseException:
        for output in outputs:
            output.discard()
        raise
    for output in outputs:
        output.commit()


@contextmanager
def replacing_folder(path: Path) -> Iterator[Path]:
    """A temporary folder beside `path` to fill; it replaces `path` (and whatever was there) when complete, and
    is removed on error: for outputs that are whole folders, such as a demo download."""
    path = Path(path)
    partial = path.with_name("partial-" + path.name)
    shutil.rmtree(partial, ignore_errors=True)  # left by a killed run
    partial.mkdir(parents=True)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if path.exists():
        shutil.rmtree(path)
    partial.rename(path)
