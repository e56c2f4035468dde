"""State files readable by their owner only: the data dir holds the secrets' salt, verifier and
ciphertexts, so other local users must not read it (the dir 0700, its files 0600)."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_UMASK = 0o077  # what the process creates is its owner's alone


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it the owner's alone."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        path.chmod(DIR_MODE)  # made by an older version, or by hand
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing, owner-only either way (before anything writes to it)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    if path.stat().st_mode & 0o777 != FILE_MODE:
        path.chmod(FILE_MODE)
    return path


def restrict_existing(path: Path) -> None:
    """Owner-only, if ``path`` exists (SQLite's -wal and -shm files of an older install)."""
    if path.exists() and path.stat().st_mode & 0o777 != FILE_MODE:
        path.chmod(FILE_MODE)


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically; the file is created owner-only."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)
