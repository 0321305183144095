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
    target = out.resolve()
    for source in inputs:
        if Path(source).resolve() == target:
            raise OutputError(f"{out}: refusing to write over an input file; choose another output name")
    if target.exists() and not force:
        raise OutputError(f"{out}: file exists; use --force to replace it")
    if target.exists() and target.is_dir():
        raise OutputError(f"{out}: is a folder; expected a file name")
    if not target.parent.exists():
        raise OutputError(f"{out}: folder {target.parent} does not exist")


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
