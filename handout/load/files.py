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
    fd = _open_regular(path, what, error, hint)
    try:
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


def read_start(
    path: Path | str,
    size: int,
    *,
    what: str = "file",
    error: type[HandoutError] = InputError,
) -> bytes:
    """The first *size* bytes of the regular file *path* (fewer if it is shorter)."""
    fd = _open_regular(path, what, error, "")
    try:
        return os.read(fd, size)
    except OSError as exc:
        raise error(open_error(exc), where=str(path), hint=f"check the {what}") from None
    finally:
        os.close(fd)


def _open_regular(path: Path | str, what: str, error: type[HandoutError], hint: str) -> int:
    """A descriptor of the regular file *path*, opened without blocking; anything else raises *error*."""
    where = str(path)
    try:
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError) as exc:
        message = open_error(exc) if isinstance(exc, OSError) else "is not a valid file name"
        raise error(message, where=where, hint=hint or f"give the path of the {what}") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise error(open_error(exc), where=where, hint=hint or f"check the {what}") from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise error(f"is {kind_of(mode)}, not a file", where=where, hint=hint or f"give the path of the {what} itself")
    return fd


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


def problem_with(path: Path | str) -> str | None:
    """Why *path* is not a readable regular file, judged without opening it; ``None`` if it looks fine.

    A cheap early check (e.g. while validating brand.toml); the read itself checks again.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return open_error(exc)
    except ValueError:
        return "is not a valid file name"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return f"is {kind_of(mode)}, not a file"
    return None


def regular_files(folder: Path, suffix: str) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The regular files in *folder* whose name ends in *suffix* (hidden ones aside), sorted,
    and every other entry with that ending together with why it was left out.

    Listing never opens an entry, so a named pipe or a device cannot block it.
    """
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    try:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in it if e.name.endswith(suffix) and not e.name.startswith("."))
    except OSError as exc:
        return [], [(folder, open_error(exc))]
    for name in names:
        path = folder / name
        why = NOT_TEXT if not is_text(name) else problem_with(path)
        if why is None:
            found.append(path)
        else:
            skipped.append((path, why))
    return found, skipped


NOT_TEXT = "has a name that is not valid text (rename it)"


def is_text(name: Path | str) -> bool:
    """False for a file name holding bytes that are not UTF-8 (Python keeps them as surrogates)."""
    try:
        str(name).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stamp(path: Path | str) -> tuple[int, int] | None:
    """(modification time, size) of *path*, or ``None`` when it cannot be looked at."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_mtime_ns, st.st_size


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
