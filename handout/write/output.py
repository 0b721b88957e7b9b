"""Write a finished PDF without ever leaving a half-written file.

The bytes go to a temporary file in the same folder, are flushed and fsynced,
then moved over the target in one step (``os.replace``). If anything fails the
temporary file is removed and whatever was at the target before is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from handout.errors import OutputError

PDF_MAGIC = b"%PDF-"


def check_target(path: Path, force: bool = False) -> None:
    """Refuse targets that would lose someone's work, before any rendering is done."""
    if path.is_dir():
        raise OutputError("is a folder", where=str(path), hint="give a file name ending in .pdf, e.g. -o handout.pdf")
    if path.suffix.lower() != ".pdf" and not force:
        raise OutputError("does not end in .pdf", where=str(path), hint="name the output something.pdf, or add --force")
    if path.exists() and not force:
        try:
            with path.open("rb") as fh:
                head = fh.read(len(PDF_MAGIC))
        except OSError as exc:
            raise OutputError(f"cannot be read ({exc.strerror})", where=str(path), hint="check the file's permissions") from None
        if head != PDF_MAGIC:
            raise OutputError("exists and is not a PDF; it would be overwritten", where=str(path), hint="choose another name, or add --force to replace it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"the folder '{parent}' does not exist", where=str(path), hint="create the folder first, or choose another -o")


def write_atomic(path: Path, data: bytes) -> None:
    if not data.startswith(PDF_MAGIC):
        raise OutputError("internal error: refusing to write something that is not a PDF", where=str(path))
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot write in '{parent}' ({exc.strerror})", where=str(path), hint="check that the folder exists and you may write there") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"could not be written ({exc.strerror}); the previous file, if any, is unchanged", where=str(path), hint="free some disk space or choose another folder") from None
        raise
