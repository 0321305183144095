"""Writing outputs safely: never over an input, never over an existing file
unless forced, and always through a temporary file renamed into place so a
failed write leaves nothing half-written."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from assessor.errors import OutputError


def check_target(out: Path, inputs: list[Path] = (), force: bool = False) -> None:
    """Refuse a target that is something the tool reads: an input given (workbooks, targets, a bank
    or rule file in use), or anything in the tool's own shipped rule and bank folders, which every
    later run reads. ``--force`` replaces reports, never inputs."""
    out = Path(out)
    target = out.resolve()
    for source in inputs:
        if _same_file(Path(source), target):
            raise OutputError(f"{out}: refusing to write over an input file; choose another output name")
    for folder in _own_folders():
        if target.is_relative_to(folder):
            raise OutputError(f"{out}: refusing to write into {folder}, which holds the tool's shipped rules and "
                              "question banks; choose another output folder")
    if target.exists() and not force:
        raise OutputError(f"{out}: file exists; use --force to replace it")
    if target.exists() and target.is_dir():
        raise OutputError(f"{out}: is a folder; expected a file name")
    if not target.parent.exists():
        raise OutputError(f"{out}: folder {target.parent} does not exist")


def _same_file(source: Path, target: Path) -> bool:
    if source.resolve() == target:
        return True
    try:  # a hard link or another path to the same file
        return target.exists() and os.path.samefile(source, target)
    except OSError:
        return False


def _own_folders() -> list[Path]:
    from assessor import paths

    return [paths.rules_dir().resolve(), paths.questionnaires_dir().resolve()]


@contextmanager
def atomic_path(out: Path):
    """Yield a temporary path beside ``out``; rename it onto ``out`` on success."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=out.suffix, dir=out.parent or ".")
    os.close(fd)
    # mkstemp makes the file private (0600); a report should get the permissions any new file gets.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
