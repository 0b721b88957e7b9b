"""Write a finished PDF without ever leaving a half-written file.

The bytes go to a temporary file in the same folder, are flushed and fsynced,
then moved over the target in one step (``os.replace``). If anything fails the
temporary file is removed and whatever was at the target before is untouched.
A replaced PDF keeps its permission bits; a new one gets the umask's (a
client's name is nobody else's business on a shared computer). A pipe, device
or socket at the target is refused rather than opened.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
import tempfile
from pathlib import Path

from handout.errors import OutputError
from handout.load.files import kind_of, open_error, read_start

PDF_MAGIC = b"%PDF-"
#: temporary files are named short: the temporary name must never be what makes a legal name too long
TEMP_PREFIX = ".handout-"
#: the longest file name most file systems hold, in bytes
MAX_NAME_BYTES = 255


def check_target(path: Path, force: bool = False, suffix: str = ".pdf", magic: bytes = PDF_MAGIC) -> None:
    """Refuse targets that would lose someone's work, before any rendering is done.

    An existing file is replaced only when it starts with *magic* (it is one of
    ours: a PDF, a saved programme) or with *force*.
    """
    where = str(path)
    what = suffix.lstrip(".")
    name_problem = _name_problem(path)
    if name_problem:
        raise OutputError(name_problem, where=where, hint="choose a shorter, plain file name, e.g. -o handout.pdf")
    try:
        mode: int | None = os.stat(path).st_mode
    except OSError as exc:
        mode = None
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
            raise OutputError(open_error(exc), where=where, hint="choose another output file") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError("is a folder", where=where, hint=f"give a file name ending in {suffix}")
    if mode is not None and not stat.S_ISREG(mode):
        # writing over a pipe, a device or a socket never ends well, --force or not
        raise OutputError(f"is {kind_of(mode)}, not a file", where=where, hint=f"give the name of a new or existing {suffix} file")
    if path.suffix.lower() != suffix and not force:
        raise OutputError(f"does not end in {suffix}", where=where, hint=f"name it something{suffix}, or add --force")
    if mode is not None and not force:
        try:
            head = read_start(path, len(magic), error=OutputError)
        except OutputError as exc:
            raise OutputError(exc.problem.message, where=where, hint="check the file's permissions") from None
        if head != magic:
            raise OutputError(f"exists and is not a {what.upper()} file made by handout; it would be overwritten", where=where, hint="choose another name, or add --force to replace it")
    parent = _parent(path)
    try:
        parent_mode = os.stat(parent).st_mode
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            problem = "does not exist"
        elif exc.errno == errno.ENOTDIR:
            problem = "is not a folder (a file is in the way)"
        else:
            problem = open_error(exc)
        raise OutputError(f"the folder '{parent}' {problem}", where=where, hint="create the folder first, or choose another -o") from None
    if not stat.S_ISDIR(parent_mode):
        what = "a file" if stat.S_ISREG(parent_mode) else kind_of(parent_mode)
        raise OutputError(f"'{parent}' is {what}, not a folder", where=where, hint="choose another -o")


def write_atomic(path: Path, data: bytes, magic: bytes = PDF_MAGIC) -> None:
    """Put *data* at *path* in one step; *magic* is how such a file starts (a PDF by default)."""
    if not data.startswith(magic):
        raise OutputError("internal error: refusing to write something that is not what was asked for", where=str(path))
    name_problem = _name_problem(path)
    if name_problem:
        raise OutputError(name_problem, where=str(path), hint="choose a shorter, plain file name")
    try:
        existing = os.stat(path).st_mode
    except (OSError, ValueError):
        existing = None
    if existing is not None and not stat.S_ISREG(existing):
        # checked again right before writing: os.replace would put the PDF in place of a device
        raise OutputError(f"is {kind_of(existing)}, not a file", where=str(path), hint="give the name of a new or existing file")
    parent = _parent(path)
    mode = mode_for(path)
    try:
        # a short temporary name: it must never be what makes a legal name too long
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot write in '{parent}' ({exc.strerror})", where=str(path), hint="check that the folder exists and you may write there") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"could not be written ({exc.strerror}); the previous file, if any, is unchanged", where=str(path), hint="free some disk space or choose another folder") from None
        raise


def _parent(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _name_problem(path: Path) -> str:
    text = str(path)
    if "\0" in text:
        return "contains a NUL character, which no file name may hold"
    try:
        name = os.fsencode(path.name)
    except UnicodeError:
        return "has a name this system cannot store"
    if len(name) > MAX_NAME_BYTES:
        return f"has a name of {len(name)} bytes; at most {MAX_NAME_BYTES} fit in a file name"
    return ""


def mode_for(path: Path) -> int:
    """The permission bits for the new file: the old file's when one is replaced, else the umask's."""
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except (OSError, ValueError):
        pass
    return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    """The process's umask (read once; setting it back at once)."""
    current = os.umask(0o077)
    os.umask(current)
    return current
