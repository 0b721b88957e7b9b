"""One PDF built from many, written as it goes: memory stays flat however many documents join.

Each document's pages are copied object by object into the open file; only the
file offsets, the page list, the bookmarks and a fingerprint per object written
are kept. An object that is byte for byte the same as one already written (the
logo, the fonts, a shared card back) is not written again: later pages point to
the first copy. The file is a temporary one next to the target, moved over it
in one step only when :meth:`Combined.commit` is called, so a failed or stopped
run never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from handout.errors import OutputError
from handout.write.output import TEMP_PREFIX, mode_for

_CATALOG, _PAGES, _OUTLINES, _INFO = 1, 2, 3, 4


class Combined:
    """Pages of many PDFs in one file, each document (or any page) with a bookmark."""

    def __init__(self, fh: IO[bytes], title: str = "") -> None:
        self.fh = fh
        self.title = title
        self.offsets: dict[int, int] = {}
        self.next = _INFO + 1
        self.pages: list[int] = []
        self.marks: list[tuple[str, int]] = []  # (title, page object number)
        self.seen: dict[bytes, int] = {}
        self.fh.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def add(self, pdf: bytes, marks: list[tuple[str, int]] | None = None) -> int:
        """Append every page of *pdf*; *marks* are (bookmark title, page index in *pdf*). Returns the pages added."""
        reader = PdfReader(io.BytesIO(pdf))
        memo: dict[int, int | None] = {}
        ahead: dict[int, int] = {}
        first = len(self.pages)
        for page in reader.pages:
            ref = page.indirect_reference
            num = self._number()
            if ref is not None:
                memo[ref.idnum] = num  # a link to this page from another one points here
            entries = {k: v for k, v in page.items() if k not in ("/Parent", "/B", "/StructParents")}
            for key in _INHERITED:
                if key not in entries:
                    value = _inherited(page, key)
                    if value is not None:
                        entries[key] = value
            body = DictionaryObject({NameObject(k): self._copy(v, reader, memo, ahead) for k, v in entries.items()})
            body[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
            self._write_at(num, body)
            self.pages.append(num)
        count = len(self.pages) - first
        for title, index in marks or []:
            if 0 <= index < count:
                self.marks.append((title, self.pages[first + index]))
        _release(reader)
        return count

    # -- objects ---------------------------------------------------------------------

    def _number(self) -> int:
        n = self.next
        self.next += 1
        return n

    def _copy(self, obj: Any, reader: PdfReader, memo: dict[int, int | None], ahead: dict[int, int]) -> Any:
        if isinstance(obj, IndirectObject):
            return IndirectObject(self._emit(obj, reader, memo, ahead), 0, None)
        if isinstance(obj, StreamObject):
            out = obj.__class__()
            out._data = obj._data
            for k, v in obj.items():
                if k != "/Length":
                    out[NameObject(k)] = self._copy(v, reader, memo, ahead)
            return out
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({NameObject(k): self._copy(v, reader, memo, ahead) for k, v in obj.items()})
        if isinstance(obj, ArrayObject):
            return ArrayObject([self._copy(v, reader, memo, ahead) for v in obj])
        return obj

    def _emit(self, ref: IndirectObject, reader: PdfReader, memo: dict[int, int | None], ahead: dict[int, int]) -> int:
        """The number the object *ref* has in the output, writing it (or finding its twin) first."""
        if ref.idnum in memo:
            done = memo[ref.idnum]
            if done is not None:
                return done
            # a loop back to an object still being copied: give it its number now
            return ahead.setdefault(ref.idnum, self._number())
        memo[ref.idnum] = None
        copy = self._copy(reader.get_object(ref), reader, memo, ahead)
        data = _serialise(copy)
        if ref.idnum in ahead:
            num = ahead.pop(ref.idnum)
            self._raw_at(num, data)
        else:
            key = hashlib.sha256(data).digest()
            num = self.seen.get(key, 0)
            if not num:
                num = self._number()
                self._raw_at(num, data)
                self.seen[key] = num
        memo[ref.idnum] = num
        return num

    def _write_at(self, num: int, obj: PdfObject) -> None:
        self._raw_at(num, _serialise(obj))

    def _raw_at(self, num: int, data: bytes) -> None:
        self.offsets[num] = self.fh.tell()
        self.fh.write(b"%d 0 obj\n" % num + data + b"\nendobj\n")

    # -- the end of the file ---------------------------------------------------------

    def finish(self) -> None:
        """Write the page tree, the bookmarks, the catalogue and the cross-reference table."""
        kids = ArrayObject([IndirectObject(n, 0, None) for n in self.pages])
        self._write_at(_PAGES, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): kids,
            NameObject("/Count"): _int(len(self.pages)),
        }))
        nums = [self._number() for _ in self.marks]
        for i, ((title, page), num) in enumerate(zip(self.marks, nums)):
            item = DictionaryObject({
                NameObject("/Title"): TextStringObject(title),
                NameObject("/Parent"): IndirectObject(_OUTLINES, 0, None),
                NameObject("/Dest"): ArrayObject([IndirectObject(page, 0, None), NameObject("/Fit")]),
            })
            if i:
                item[NameObject("/Prev")] = IndirectObject(nums[i - 1], 0, None)
            if i + 1 < len(nums):
                item[NameObject("/Next")] = IndirectObject(nums[i + 1], 0, None)
            self._write_at(num, item)
        outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines"), NameObject("/Count"): _int(len(nums))})
        if nums:
            outlines[NameObject("/First")] = IndirectObject(nums[0], 0, None)
            outlines[NameObject("/Last")] = IndirectObject(nums[-1], 0, None)
        self._write_at(_OUTLINES, outlines)
        catalog = DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(_PAGES, 0, None),
            NameObject("/Outlines"): IndirectObject(_OUTLINES, 0, None),
        })
        if nums:
            catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
        self._write_at(_CATALOG, catalog)
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("handout"),
                                 NameObject("/Creator"): TextStringObject("handout")})
        if self.title:
            info[NameObject("/Title")] = TextStringObject(self.title)
        self._write_at(_INFO, info)
        size = self.next
        start = self.fh.tell()
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for n in range(1, size):
            lines.append(b"%010d 00000 n \n" % self.offsets[n] if n in self.offsets else b"0000000000 65535 f \n")
        self.fh.write(b"".join(lines))
        ident = hashlib.md5(b"%d-%d" % (size, start)).hexdigest().encode()  # noqa: S324 - a file id, not security
        self.fh.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
                      % (size, _CATALOG, _INFO, ident, ident, start))


def _release(reader: PdfReader) -> None:
    """Break the reader's reference loops now, so its objects are freed at once rather than at the next full collection."""
    reader.resolved_objects.clear()
    reader.flattened_pages = None
    reader.xref_objStm.clear()
    reader.trailer = DictionaryObject()
    vars(reader).pop("_validated_root", None)  # the catalogue, which points back to the reader


_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def _inherited(page: Any, key: str) -> Any:
    node = page.get("/Parent")
    while node is not None:
        node = node.get_object()
        if key in node:
            return node.raw_get(key)
        node = node.get("/Parent")
    return None


def _int(n: int) -> PdfObject:
    from pypdf.generic import NumberObject

    return NumberObject(n)


def _serialise(obj: PdfObject) -> bytes:
    buf = io.BytesIO()
    obj.write_to_stream(buf)
    return buf.getvalue()


@contextlib.contextmanager
def combined_file(path: Path, title: str = "") -> Iterator[Committable]:
    """A :class:`Combined` writing to a temporary file beside *path*.

    Call ``commit()`` on it (inside the ``with``) to finish the file and move it
    over *path*; otherwise the temporary file is removed and *path* is untouched.
    """
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot write in '{parent}' ({exc.strerror})", where=str(path), hint="check that the folder exists and you may write there") from None
    committed = False
    try:
        with os.fdopen(fd, "wb") as fh:
            out = Committable(fh, title)
            yield out
            if out.committed:
                out.finish()
                fh.flush()
                os.fsync(fh.fileno())
                committed = True
        if committed:
            os.chmod(tmp, mode_for(path))  # a replaced file keeps its permissions; a new one follows the umask
            os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"could not be written ({exc.strerror}); the previous file, if any, is unchanged", where=str(path),
                          hint="free some disk space or choose another folder") from None
    finally:
        if os.path.exists(tmp):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class Committable(Combined):
    """A combined file that is kept only once :meth:`commit` is called."""

    committed = False

    def commit(self) -> None:
        self.committed = True
