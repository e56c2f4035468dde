"""State files readable by their owner only: the data dir holds the secrets' salt, verifier and
ciphertexts, so other local users must not read it (the dir 0700, its files 0600). Also: a file name taken
from a request, confined to its folder (``confined``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hbdesk.kernel.errors import InvalidInput, excerpt

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


# A name a request may give for a file: one plain path component, no leading dot, at most 128
# characters. Anything else (separators, "..", NUL, spaces, control characters) is refused before
# the file system is asked about it.
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def confined(folder: Path, name: str, suffix: str = "", pattern: re.Pattern[str] = SAFE_NAME) -> Path:
    """``folder / (name + suffix)`` with every symlink resolved, refused with ``InvalidInput``
    unless ``name`` fully matches ``pattern`` and the resolved file lies directly in ``folder``
    (resolved too, so a data dir that is itself a link works). A symlink in ``folder`` that leads
    elsewhere is refused like ``..``; the file need not exist. Nothing is read or written."""
    if not pattern.fullmatch(name):
        raise InvalidInput(f"Invalid name {excerpt(name)!r}: a name here must match {pattern.pattern}")
    try:
        base = folder.resolve()
        path = (base / f"{name}{suffix}").resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise InvalidInput(f"{excerpt(name)!r} cannot be resolved in {folder.name}/: {exc}") from exc
    if path.parent != base:
        raise InvalidInput(f"{excerpt(name)!r} leads outside {folder.name}/: refused")
    return path
