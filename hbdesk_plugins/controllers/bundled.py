"""``hbdesk controllers import-bundled``: hummingbot's own controllers and scripts, copied into the
data dir from a checkout of hummingbot's repository or an archive of it.

hummingbot keeps them in its repository's top-level ``controllers/`` and ``scripts/`` folders,
which neither its wheels nor its sdist on PyPI carry, so hbdesk does not ship them: the user points
this command at a copy of the repository. Only ``controllers/<type>/<name>.py`` and
``scripts/<name>.py`` are taken (no packages, links or other files), each name checked as a request's
would be; an archive is read member by member and never extracted.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from hbdesk_plugins.controllers.public import CONTROLLER_TYPES
from hbdesk_plugins.controllers.sources import MODULE_NAME, SOURCE_MAX, Folder


@dataclass
class ImportReport:
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already there, not overwritten
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"copied {path}" for path in self.copied]
        out += [f"kept {path} (already there; --overwrite replaces it)" for path in self.kept]
        out += [f"skipped {path}" for path in self.skipped]
        out.append(f"{len(self.copied)} copied, {len(self.kept)} kept, {len(self.skipped)} skipped")
        return out


def import_bundled(source: Path, bots: Path, overwrite: bool = False) -> ImportReport:
    """Copy the controllers and scripts found in ``source`` under ``bots`` (the data dir's)."""
    report = ImportReport()
    for relative, text in _members(source):
        target = _target(relative, bots)
        if target is None:
            continue
        folder, name = target
        shown = f"{relative.parent.name}/{relative.name}"
        if text is None or len(text) > SOURCE_MAX or "\x00" in text:
            report.skipped.append(shown)
        elif folder.exists(name) and not overwrite:
            report.kept.append(shown)
        else:
            folder.write(name, text)
            report.copied.append(shown)
    return report


def _target(relative: PurePosixPath, bots: Path) -> tuple[Folder, str] | None:
    """Where a repository file goes, or None when it is not a controller or a script."""
    parts = relative.parts
    if relative.suffix != ".py" or not MODULE_NAME.fullmatch(relative.stem) or relative.stem == "__init__":
        return None
    if len(parts) == 3 and parts[0] == "controllers" and parts[1] in CONTROLLER_TYPES:
        return Folder(bots / "controllers" / parts[1], ".py", MODULE_NAME), relative.stem
    if len(parts) == 2 and parts[0] == "scripts":
        return Folder(bots / "scripts", ".py", MODULE_NAME), relative.stem
    return None


def _members(source: Path) -> Iterator[tuple[PurePosixPath, str | None]]:
    """(path inside the repository, text) of each regular file that may be a source."""
    if source.is_dir():
        root = source.resolve()
        for path in sorted([*root.glob("controllers/*/*.py"), *root.glob("scripts/*.py")]):
            if path.is_symlink() or not path.is_file():
                continue
            yield PurePosixPath(path.relative_to(root).as_posix()), _decode(path.read_bytes())
        return
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                relative = _inside_repository(info.filename)
                if relative is not None and not info.is_dir() and info.file_size <= SOURCE_MAX * 4:
                    yield relative, _decode(archive.read(info))
        return
    with tarfile.open(source) as archive:
        for member in archive:
            relative = _inside_repository(member.name)
            if relative is None or not member.isfile() or member.size > SOURCE_MAX * 4:
                continue
            handle = archive.extractfile(member)
            if handle is not None:
                yield relative, _decode(handle.read())


def _inside_repository(name: str) -> PurePosixPath | None:
    """``controllers/...`` or ``scripts/...`` of an archive member, with or without the archive's
    top folder (``hummingbot-master/``); None for anything else, ``..`` included."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return None
    parts = path.parts
    for start in (0, 1):
        if len(parts) > start and parts[start] in ("controllers", "scripts"):
            return PurePosixPath(*parts[start:])
    return None


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
