"""Writing outputs safely: never over an input or the tool's own files, never over an existing
file unless forced, and never a half-written or leftover file, even when the run is killed or the
disk is full."""
from __future__ import annotations

import errno
import os
import re
import secrets
from pathlib import Path

from assessor.errors import OutputError


def check_target(out: Path, inputs: list[Path] = (), force: bool = False, folders: list[Path] = ()) -> None:
    """Refuse a target that is something the tool reads: an input given (workbooks, targets, a bank
    or rule file in use), anything in a rule folder in use (every ``*.yaml`` there is read), and
    anything in the tool's own shipped rule and bank folders, which every later run reads.
    ``--force`` replaces reports, never inputs."""
    from assessor.paths import loops, real_path

    out = Path(out)
    if loops(out):
        raise OutputError(f"{out}: a symbolic link that leads back to itself is there; remove it or choose "
                          "another output name")
    target = real_path(out)
    for source in inputs:
        if _same_file(Path(source), target):
            raise OutputError(f"{out}: refusing to write over an input file; choose another output name")
    check_folder(target, out, folders)
    if os.path.lexists(target) and not target.exists() and not force:  # a dangling symbolic link
        raise OutputError(f"{out}: a link to a missing file exists there; use --force to replace it")
    if target.exists() and not force:
        raise _exists(out)
    if target.exists() and target.is_dir():
        raise OutputError(f"{out}: is a folder; expected a file name")
    if not target.parent.exists():
        raise OutputError(f"{out}: folder {target.parent} does not exist")


def check_folder(target: Path, shown: Path | None = None, folders: list[Path] = ()) -> None:
    """Refuse ``target`` (a file or a folder to be made) inside the tool's shipped rule and bank
    folders or a rule folder in use; ``shown`` is how the user spelled it."""
    from assessor.paths import loops, real_path

    if loops(target):
        raise OutputError(f"{shown or target}: a symbolic link that leads back to itself is there; remove it or "
                          "choose another output folder")
    target, shown = real_path(target), shown or target
    for folder in _own_folders():
        if _inside(target, folder):
            raise OutputError(f"{shown}: refusing to write into {folder}, which holds the tool's shipped rules and "
                              "question banks; choose another output folder")
    for folder in folders:
        if _inside(target, Path(folder)):
            raise OutputError(f"{shown}: refusing to write into the rule folder {folder}: every .yaml file there is "
                              "read as rules; choose another output folder")


def _same_file(source: Path, target: Path) -> bool:
    from assessor.paths import real_path

    if real_path(source) == target:
        return True
    try:  # a hard link or another path to the same file
        return target.exists() and os.path.samefile(source, target)
    except OSError:
        return False


def _inside(target: Path, folder: Path) -> bool:
    """Whether ``target`` lies in ``folder``, comparing the folders themselves (links, case-insensitive
    file systems), not their spellings."""
    if not folder.is_dir():
        return False
    for parent in target.parents:
        try:
            if os.path.samefile(parent, folder):
                return True
        except OSError:
            continue
    return False


def _own_folders() -> list[Path]:
    from assessor import paths

    return [paths.rules_dir().resolve(), paths.questionnaires_dir().resolve()]


TEMP_PREFIX, TEMP_SUFFIX = ".pmo-assess-", ".tmp"
_TEMP_NAME = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-[0-9a-f]{{8}}{re.escape(TEMP_SUFFIX)}$")


def publish(out: Path, content: bytes, replace: bool = True) -> Path:
    """Put ``content`` at ``out`` so that the folder only ever shows the old file or the whole new one.

    The report is made in memory first (a full disk then fails our one write, not a library's half-made
    zip). On Linux the bytes go to an anonymous file (``O_TMPFILE``) that has no name until it is
    complete: a run killed while writing leaves nothing. It is then linked into place, straight onto
    ``out`` when that is new, else under a temporary name renamed over it. Where there is no anonymous
    file, a hidden temporary beside ``out`` takes its place. Either temporary is named with our pid, and
    every write first removes the ones whose process is gone (a run killed in that instant). With
    ``replace`` false, a file that appeared at ``out`` in the meantime is not replaced.

    The file gets the permissions any new file gets: the mode is 0o666 and the kernel applies the
    umask (and a folder's default ACL), as for a plain ``open``.
    """
    out = Path(out)
    folder = out.parent
    sweep_temporaries(folder)
    mode = 0o666
    fd = _anonymous_file(folder, mode)
    if fd is not None:
        try:
            _write_all(fd, content)
            if _link_into_place(fd, out, replace):
                return out
        finally:
            os.close(fd)
    tmp = _temporary(folder)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            _write_all(fd, content)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, out)
        else:
            os.link(tmp, out)  # fails if a file appeared there meanwhile
            tmp.unlink()
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise _exists(out) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def _temporary(folder: Path) -> Path:
    """A hidden name of ours in ``folder``, with our pid so that a later run can tell it is stale."""
    return folder / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}"


def _exists(out: Path) -> OutputError:
    return OutputError(f"{out}: file exists; use --force to replace it")


def sweep_temporaries(folder: Path) -> None:
    """Remove our temporaries left in ``folder`` by runs that were killed (their process is gone).
    Liveness is judged by pid on this machine: on a folder shared with other machines or
    containers a live run elsewhere could look dead, but its temporary only exists for the instant
    between link and rename, so the worst case is a failed rename there, never a lost report."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = _TEMP_NAME.match(name)
        if found and not _alive(int(found.group(1))):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def _anonymous_file(folder: Path, mode: int) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, mode)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None  # the file system has no anonymous files: use a named temporary
        raise


def _link_into_place(fd: int, out: Path, replace: bool) -> bool:
    """Give the finished anonymous file its name; False when linking is not possible here."""
    source = f"/proc/self/fd/{fd}"
    try:
        os.link(source, out, follow_symlinks=True)
        return True
    except FileExistsError:
        if not replace:
            raise _exists(out) from None
    except OSError:
        return False  # no /proc, or a file system that refuses: the named temporary does it
    tmp = _temporary(out.parent)
    try:
        os.link(source, tmp, follow_symlinks=True)
    except OSError:
        return False
    try:
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def _write_all(fd: int, content: bytes) -> None:
    view = memoryview(content)
    while view:
        written = os.write(fd, view)
        view = view[written:]
