"""Paths read from a download's CSV, kept inside its raw folder.

A label table names each image by a path relative to the raw folder. An absolute path, a `..` that climbs
out, or a symlink leading elsewhere would let a table pull any file of the machine into the benchmark (and,
for CheXpert, under the id of a patient the file does not belong to). So every path is normalised and
resolved (symlinks followed) and must stay inside the resolved raw folder; the normalised form is what the
manifest records and where a patient id is read. A raw folder that is itself a symlink is fine.
"""

import os
import posixpath
from pathlib import Path

OUTSIDE_RAW_DIR = "path outside raw_dir"


class RawFolder:
    """A download's folder, resolved once (an index checks every path of its label table against it)."""

    def __init__(self, raw_dir: Path):
        self.root = Path(raw_dir).resolve()

    def inside(self, relative: str) -> str | None:
        """The normalised form of `relative` if it names a file inside the folder, else None (also for text that
        cannot be a path at all: one with a NUL byte)."""
        if not relative or "\0" in relative or os.path.isabs(relative):
            return None
        normal = posixpath.normpath(relative)
        if normal == ".." or normal.startswith("../"):
            return None
        return normal if (self.root / normal).resolve().is_relative_to(self.root) else None
