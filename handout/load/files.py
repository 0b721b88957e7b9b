"""Every file handout reads goes through here: a regular file, read with a byte limit.

``stat`` alone cannot be trusted: a named pipe blocks the reader for ever, and a
device such as ``/dev/zero`` reports a size of 0 and then never ends. So a file is
opened without blocking, its type is checked on the open descriptor (no race with
a swapped symlink), and at most ``limit + 1`` bytes are read whatever it claims.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from handout.errors import HandoutError, InputError

KB = 1024
MB = 1024 * KB

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def kind_of(mode: int) -> str:
    """What a file system entry is, in words a user knows."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_error(exc: OSError) -> str:
    """An ``OSError`` from opening or reading, as a short phrase."""
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied)"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops"
    if exc.errno == errno.ENAMETOOLONG:
        return "has a name that is too long"
    return f"cannot be read ({exc.strerror or type(exc).__name__})"


def read_bytes(
    path: Path | str,
    *,
    limit: int,
    what: str = "file",
    error: type[HandoutError] = InputError,
    hint: str = "",
) -> bytes:
    """The bytes of the regular file *path*, at most *limit* of them.

    Anything else (missing, a folder, a pipe, a device, unreadable, too large)
    raises *error* naming the file, what is wrong and what to do.
    """
    where = str(path)
    try:
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError) as exc:
        message = open_error(exc) if isinstance(exc, OSError) else "is not a valid file name"
        raise error(message, where=where, hint=hint or f"give the path of the {what}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(
                f"is {kind_of(mode)}, not a file",
                where=where,
                hint=hint or f"give the path of the {what} itself",
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 * MB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise error(
                f"is larger than {_size(limit)}, too large for a {what}",
                where=where,
                hint=hint or f"use a smaller {what}",
            )
        return b"".join(chunks)
    except OSError as exc:
        raise error(open_error(exc), where=where, hint=hint or f"check the {what}") from None
    finally:
        os.close(fd)


def read_text(
    path: Path | str,
    *,
    limit: int,
    what: str = "file",
    error: type[HandoutError] = InputError,
    hint: str = "",
    encoding: str = "utf-8-sig",
) -> str:
    """Like :func:`read_bytes`, decoded; bad encoding is a located error too."""
    raw = read_bytes(path, limit=limit, what=what, error=error, hint=hint)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"is not UTF-8 text (byte {exc.start + 1}, line {line})",
            where=f"{path}:{line}",
            hint="save it as UTF-8 in your text editor",
        ) from None


def is_regular(path: Path | str) -> bool:
    """True when *path* is (or links to) a regular file; never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _size(n: int) -> str:
    if n >= MB:
        return f"{n // MB} MB"
    return f"{n // KB} KB" if n >= KB else f"{n} bytes"
