"""A venue's state on disk: a snapshot and a journal of changes since, in a folder of the data dir.

Both files hold records, JSON arrays whose first item names what they describe (the venue decides
what they are; this module only keeps them). The snapshot is one record a line after a header;
the journal is one *operation* a line: every record one venue operation changed, written with a
single ``os.write`` on an ``O_APPEND`` descriptor. So:

- a process killed at any moment loses nothing already written (the page cache belongs to the
  kernel, not to the process), and never leaves half an operation: a line is written whole or,
  on a crash of the machine itself, torn at the end, and a torn last line is ignored on loading;
- with ``fsync`` each line also reaches the disk before the operation returns, for a machine that
  may lose power (slower: a disk flush per operation).

Compaction writes the whole state as a new snapshot and starts a new journal. Each snapshot names
its *generation* g, and holds everything written in the journals before ``journal.g``; loading
reads the snapshot, then every journal of generation g or later in order. That is what lets a
compaction run in a thread while the venue keeps journaling: it first switches the venue to the
next journal, then writes the snapshot of the state at the moment of the switch, and only then
removes the journals that snapshot covers. Whenever a crash comes, the files on disk load to the
last operation written.

One process at a time owns a folder (an advisory lock, let go when the process ends, however it
ends): two desks appending to one journal would each hold a different venue in memory.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hbdesk.sdk import private_dir, private_file

log = logging.getLogger(__name__)

FORMAT = 1
FILE_MODE = 0o600  # the data dir's files are the owner's alone, as the SDK's are
SNAPSHOT = "snapshot.jsonl"
JOURNAL = re.compile(r"journal\.(\d+)\.jsonl")
_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False, allow_nan=False).encode

Record = list[Any]


class StoreBusy(Exception):
    """Another process holds the folder."""


class VenueStore:
    def __init__(self, folder: Path, fsync: bool = False) -> None:
        self.folder = private_dir(folder)
        self.fsync = fsync
        self._lock = os.open(private_file(folder / "lock"), os.O_RDWR)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise StoreBusy(f"{folder} is in use by another process") from None
        self.generation = 0  # of the snapshot on disk: the journals from this one on follow it
        self.journal_bytes = 0  # the size of the journal appended to (before one is: of all read)
        self.snapshot_bytes = 0
        self._journal: int | None = None  # the descriptor operations are appended to
        self._writing = threading.Lock()  # a snapshot being written; closing waits for it

    # -- loading --------------------------------------------------------------------------------

    def load(self) -> Iterator[Record]:
        """Every record on disk, in the order written: the snapshot's, then each journal's."""
        snapshot = self.folder / SNAPSHOT
        if snapshot.exists():
            with snapshot.open("rb") as lines:
                header = json.loads(lines.readline())
                if not isinstance(header, dict) or header.get("format") != FORMAT:
                    raise ValueError(f"{snapshot} does not start with a header of format {FORMAT}")
                self.generation = header["generation"]
                for line in lines:  # written whole before it was renamed into place: no torn line
                    yield json.loads(line)
            self.snapshot_bytes = snapshot.stat().st_size
        for generation, path in self._journals():
            if generation >= self.generation:
                yield from _operations(path)
                self.journal_bytes += path.stat().st_size

    def _journals(self) -> list[tuple[int, Path]]:
        found = (JOURNAL.fullmatch(path.name) for path in self.folder.iterdir())
        return sorted((int(match[1]), self.folder / match[0]) for match in found if match)

    # -- writing --------------------------------------------------------------------------------

    def append(self, records: list[Record]) -> None:
        """One operation's records, as one line (the caller's thread: the venue's)."""
        if self._journal is None:
            raise RuntimeError("the store has no journal open: compact it first")
        line = (_encode(records) + "\n").encode()
        written = os.write(self._journal, line)
        if written != len(line):
            # A full disk. Half a line would end the journal there when it is read back, the
            # lines after it left out: cut it off, and let the caller hear of the failure.
            os.ftruncate(self._journal, self.journal_bytes)
            raise OSError(f"the journal in {self.folder} took {written} of {len(line)} bytes")
        if self.fsync:
            os.fsync(self._journal)
        self.journal_bytes += written

    def rotate(self) -> int:
        """Append to a new journal from now on; the generation a snapshot of the state at this
        moment must be written with (``write_snapshot``)."""
        generation = max([self.generation, *(g for g, _ in self._journals())]) + 1
        path = self.folder / f"journal.{generation}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, FILE_MODE)
        if self._journal is not None:
            os.close(self._journal)
        self._journal = fd
        self.journal_bytes = 0
        return generation

    def write_snapshot(self, generation: int, records: Iterable[Record]) -> None:
        """Write the snapshot of generation ``generation`` and drop the journals it covers. Safe
        in a worker thread while the venue appends to the journal ``rotate`` opened."""
        with self._writing:
            tmp = self.folder / (SNAPSHOT + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(_encode({"format": FORMAT, "generation": generation}) + "\n")
                for record in records:
                    out.write(_encode(record) + "\n")
                out.flush()
                os.fsync(out.fileno())  # the snapshot replaces journals: it must be on disk first
                size = os.fstat(out.fileno()).st_size
            os.replace(tmp, self.folder / SNAPSHOT)
            _fsync_dir(self.folder)
            self.generation = generation
            self.snapshot_bytes = size
            for older, path in self._journals():
                if older < generation:
                    path.unlink(missing_ok=True)

    def compact(self, records: Iterable[Record]) -> None:
        """Snapshot the state ``records`` describe and start an empty journal (nothing appends
        meanwhile: on opening, or in a compaction run on the venue's own thread)."""
        self.write_snapshot(self.rotate(), records)

    def due(self, floor: int = 16 << 20) -> bool:
        """Whether the journal has grown enough to compact: past ``floor`` bytes and past the
        snapshot's size, so the time spent compacting stays proportional to the time journaling."""
        return self.journal_bytes > max(floor, self.snapshot_bytes)

    def close(self) -> None:
        with self._writing:
            if self._journal is not None:
                os.close(self._journal)
                self._journal = None
            if self._lock >= 0:
                os.close(self._lock)  # lets go of the lock
                self._lock = -1


def _operations(path: Path) -> Iterator[Record]:
    """The records of a journal's operations; a torn line ends it (it can only be the last one
    written, and it was never acknowledged)."""
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("no end of line")
                operation = json.loads(line)
            except ValueError as exc:
                rest = sum(1 for _ in lines)
                if rest:
                    log.warning(
                        "%s: line %d is unreadable (%s): it and the %d after it are left out",
                        path,
                        number,
                        exc,
                        rest,
                    )
                return
            yield from operation


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
