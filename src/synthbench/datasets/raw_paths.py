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
    """A download's folder, resolved once (an index checks every path of its label table against it).

    Where each listed path leads is found component by component, each folder's answer remembered: a label table
    lists many files per folder, so a table of 200,000 images costs about one `lstat` per file and folder rather
    than one per component of every path."""

    def __init__(self, raw_dir: Path):
        self.root = Path(raw_dir).resolve()
        self._root = str(self.root)
        self._folders: dict[str, str] = {"": self._root}

    def _leads_to(self, normal: str) -> str:
        """Where the normalised relative path `normal` leads, symlinks followed (as os.path.realpath would say)."""
        parent, _, name = normal.rpartition("/")
        if parent not in self._folders:
            self._folders[parent] = self._leads_to(parent)
        path = os.path.join(self._folders[parent], name)
        return os.path.realpath(path) if os.path.islink(path) else path

    def inside(self, relative: str) -> str | None:
        """The normalised form of `relative` if it names a file inside the folder, else None (also for text that
        cannot be a path at all: one with a NUL byte)."""
        if not relative or "\0" in relative or os.path.isabs(relative):
            return None
        normal = posixpath.normpath(relative)
        if normal == ".." or normal.startswith("../"):
            return None
        target = self._leads_to(normal)
        return normal if target == self._root or target.startswith(self._root.rstrip("/") + "/") else None
