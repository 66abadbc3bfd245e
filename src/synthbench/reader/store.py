"""Readers' answers in SQLite: one row per answered item, committed before the reader sees the next image.

The database runs in WAL mode with synchronous=FULL and every answer is its own transaction, so a server that
is killed (or a machine that loses power) keeps every answer a reader was shown as saved. The answer's item must
be the one the reader is due to answer, checked inside the same transaction, so a double click, a stale tab or a
hand-made request cannot skip, repeat or reorder items. The database also keeps the secrets of the served study
(the session-signing key and the organiser's key), so a restarted server honours the cookies it gave.
"""

import csv
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from synthbench.reader.study import REAL, SYNTHETIC, Study

ANSWERS = (REAL, SYNTHETIC)
CONFIDENCES = (1, 2, 3)  # guess, fairly sure, certain
EXPORT_COLUMNS = ["reader", "item", "position", "answer", "confidence", "answered_at"]
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS readers (reader TEXT PRIMARY KEY, signed_up_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    reader TEXT NOT NULL REFERENCES readers(reader),
    item TEXT NOT NULL,
    position INTEGER NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('real', 'synthetic')),
    confidence INTEGER NOT NULL CHECK (confidence BETWEEN 1 AND 3),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (reader, item),
    UNIQUE (reader, position)
);
"""


class AnswerError(ValueError):
    """An answer the server refuses; `status` is the HTTP status it is refused with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class AnswerStore:
    """The answers of one study. Opens a connection per call: the web server answers from several threads."""

    def __init__(self, path: Path, study: Study):
        self.path, self.study = Path(path), study
        with self._connect() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
        with self._transaction() as connection:
            study_items = connection.execute("SELECT value FROM meta WHERE name = 'study'").fetchone()
            fingerprint = ",".join(study.items)
            if study_items is None:
                connection.execute("INSERT INTO meta VALUES ('study', ?)", (fingerprint,))
            elif study_items[0] != fingerprint:
                raise ValueError(f"{self.path}: holds the answers of another study than {study.folder}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode (each statement its own transaction unless `_transaction` opens one)."""
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            yield connection
        finally:
            connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before it reads (so two threads cannot both see the same state), committed
        when the block ends and rolled back if it raises."""
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def secret(self, name: str) -> str:
        """A random secret kept with the answers (made on first use): the same after a restart."""
        with self._transaction() as connection:
            row = connection.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
            if row is None:
                row = (secrets.token_urlsafe(32),)
                connection.execute("INSERT INTO meta VALUES (?, ?)", (name, row[0]))
        return row[0]

    def sign_in(self, reader: str) -> None:
        with self._connect() as connection:
            connection.execute("INSERT OR IGNORE INTO readers VALUES (?, ?)", (reader, _now()))

    def answered(self, reader: str) -> int:
        with self._connect() as connection:
            return connection.execute("SELECT COUNT(*) FROM answers WHERE reader = ?", (reader,)).fetchone()[0]

    def due(self, reader: str) -> tuple[int, str | None]:
        """(answers the reader has given, the item they are due to answer: None when they have answered all)."""
        position = self.answered(reader)
        order = self.study.order_for(reader)
        return position, order[position] if position < len(order) else None

    def record(self, reader: str, item: object, answer: object, confidence: object) -> None:
        """Saves one answer, checked, in its own transaction; refuses anything but the reader's due item."""
        if answer not in ANSWERS:
            raise AnswerError(f"answer must be one of {', '.join(ANSWERS)}")
        if isinstance(confidence, bool) or confidence not in CONFIDENCES:
            raise AnswerError(f"confidence must be one of {', '.join(map(str, CONFIDENCES))}")
        if not isinstance(item, str) or item not in self.study:
            raise AnswerError("no such item in this study", 404)
        order = self.study.order_for(reader)
        with self._transaction() as connection:
            position = connection.execute("SELECT COUNT(*) FROM answers WHERE reader = ?", (reader,)).fetchone()[0]
            if position >= len(order) or order[position] != item:
                raise AnswerError("this is not the image you are due to answer; reload the page", 409)
            connection.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                               (reader, item, position, answer, confidence, _now()))

    def progress(self) -> list[dict]:
        """Per reader: answers given, of how many, and when the last was given."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT r.reader, COUNT(a.item), MAX(a.answered_at) FROM readers r LEFT JOIN answers a "
                "ON a.reader = r.reader GROUP BY r.reader ORDER BY r.reader").fetchall()
        return [{"reader": reader, "answered": count, "total": len(self.study.items), "last_answer": last or ""}
                for reader, count, last in rows]

    def rows(self) -> list[tuple]:
        with self._connect() as connection:
            return connection.execute(f"SELECT {', '.join(EXPORT_COLUMNS)} FROM answers "
                                      "ORDER BY reader, position").fetchall()

    def export(self, handle) -> int:
        """Writes every answer as CSV (EXPORT_COLUMNS), reader by reader in answering order; returns the count."""
        rows = self.rows()
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(rows)
        return len(rows)
