"""``handout batch``: one personalised PDF per row of a CSV file, on all cores.

The file is read as CSV (quoted commas and line breaks inside a value are kept),
and every message names the physical line where the row starts. A file whose
structure is broken (a quote never closed, a column named twice) is refused as a
whole; a row that is wrong is reported and the others are still written.

Each file is written atomically, so stopping with Ctrl-C or ``kill`` never leaves
a half-written PDF behind, and ``kill`` of the command stops its workers too.
Workers are forked after the topic, brand, templates and fonts are loaded, so
each starts warm.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any

from handout import kinds
from handout.build import MAX_CLIENT, MAX_NOTE, Kind, Request, make, person_text, render
from handout.dose import KEYS as DOSE_KEYS
from handout.dose import parse_log_days
from handout.dose import setting as dose_setting
from handout.errors import HandoutError, InputError, Problem
from handout.load.files import MB, read_bytes
from handout.load.schema import SLUG_RE, did_you_mean
from handout.write.names import name_key, name_problem, slug

MAX_ROWS = 10_000
MAX_BYTES = 8 * MB
SAVE_AS = "in your spreadsheet, use Save As and choose 'CSV UTF-8'"
RETYPE = "type it again in your spreadsheet"


class Stopped(SystemExit):
    """The batch was told to stop (SIGTERM)."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


# -- the columns -----------------------------------------------------------------------
# Each column checks its cell's text and says how the value changes the row's Request.
# A check gets the text (spaces at both ends removed, never empty) and where the cell
# is; it adds what is wrong to *problems* and returns the value to use.

Check = Callable[[str, str, list[Problem]], Any]
Apply = Callable[[Request, Any], Request]


def _text(limit: int) -> Check:
    def check(text: str, where: str, problems: list[Problem]) -> str:
        value, wrong, hint = person_text(text, limit, RETYPE)
        if wrong:
            problems.append(Problem(where, wrong, hint))
        return value

    return check


def _routine(text: str, where: str, problems: list[Problem]) -> str:
    text = text.lower()
    if not SLUG_RE.match(text):
        problems.append(Problem(where, f"'{text}' is not a routine name", "use a routine name from `handout list`, e.g. side-stretch"))
    return text


def _as_is(text: str, where: str, problems: list[Problem]) -> str:
    return text


def _dose(key: str) -> Check:
    def check(text: str, where: str, problems: list[Problem]) -> Any:
        return dose_setting(None, key, text, where, problems)

    return check


def _log_days(text: str, where: str, problems: list[Problem]) -> int:
    try:
        return parse_log_days(text, where)
    except InputError as exc:
        problems.append(exc.problem)
        return 0


def _sets(name: str) -> Apply:
    return lambda req, value: replace(req, **{name: value})


def _program(text: str, where: str, problems: list[Problem]) -> Path | None:
    from handout.load.files import is_regular

    path = Path(text)
    if path.suffix.lower() != ".toml" or not is_regular(path):
        problems.append(Problem(where, f"'{text}' is not a saved programme file", "give the path of a .toml file made with 'handout program … --save FILE', relative to the CSV file"))
        return None
    return path


def _set_program(req: Request, path: Path) -> Request:
    return replace(req, kind="program", program_file=str(path))


def _add_dose(req: Request, value: Any) -> Request:
    return replace(req, dose=(*req.dose, value))  # after --dose, so a filled-in cell wins


@dataclass(frozen=True)
class Column:
    name: str
    check: Check
    apply: Apply | None  # None: the batch itself uses the value (the file name)
    required: str = ""  # what to do when the cell is empty; "" when it may be empty
    relative: bool = False  # the cell names a file, relative to the CSV file's folder


COLUMNS: dict[str, Column] = {c.name: c for c in (
    Column("client", _text(MAX_CLIENT), _sets("client"), required="give the client's name"),
    Column("note", _text(MAX_NOTE), _sets("note")),
    Column("routine", _routine, _sets("routine")),
    Column("output", _as_is, None),
    Column("program", _program, _set_program, relative=True),
    *(Column(key, _dose(key), _add_dose) for key in DOSE_KEYS),
    Column("log", _log_days, _sets("log_days")),
)}

DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


@dataclass(frozen=True)
class Job:
    row: int  # the physical line of the CSV file where the row starts
    request: Request
    output: Path


@dataclass
class Summary:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0


# -- reading the file ------------------------------------------------------------------


def read_text(csv_path: Path) -> str:
    """The CSV file's text: UTF-8 (with or without BOM), or UTF-16 with a BOM (Excel's 'Unicode Text')."""
    raw = read_bytes(csv_path, limit=MAX_BYTES, what="CSV file", hint="")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("is not valid UTF-16 text", where=str(csv_path), hint=SAVE_AS) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"is not UTF-8 text (byte {exc.start + 1})", where=f"{csv_path}:{line}", hint=SAVE_AS) from None


def sniff(text: str) -> tuple[str, bool]:
    """The delimiter, and whether the first line is Excel's ``sep=X`` line to skip.

    A header line with ';' and no ',' is semicolon-separated (Excel in much of
    Europe); with tabs and neither, tab-separated; otherwise commas.
    """
    first = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    head = first.rstrip("\r\n")
    if len(head) == 5 and head.lower().startswith("sep=") and head[4] in DELIMITERS:
        return head[4], True
    if ";" in head and "," not in head:
        return ";", False
    if "\t" in head and "," not in head and ";" not in head:
        return "\t", False
    return ",", False


def rows(text: str, delimiter: str, where: str) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the row starts, its cells) for every row, blank lines included.

    The csv module does the splitting: a quoted value may hold commas and line
    breaks, and U+2028 or U+0085 inside a value are just characters. Broken
    quoting is an error naming the line, never a silent merge of rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(str(exc), where, end + 1, reader.line_num, delimiter) from None
        yield end + 1, cells
        end = reader.line_num


def _csv_error(message: str, where: str, start: int, line: int, delimiter: str) -> InputError:
    sep = "a tab" if delimiter == "\t" else f"'{delimiter}'"
    if message == "unexpected end of data":
        return InputError(
            "a quote (\") opens a value here that is never closed, so every line after it would be read as part of this row",
            where=f"{where}:{start}", hint="add the closing quote, or remove the opening one",
        )
    if "expected after" in message:
        return InputError(
            f"a value has text after its closing quote (\") where {sep} should follow",
            where=f"{where}:{line}", hint='quote the whole value and double any quote inside it, e.g. "Twice a day, ""gently"""',
        )
    if "field larger than field limit" in message:
        return InputError("a value is far too long", where=f"{where}:{line}", hint="check the quotes in this row")
    return InputError(f"is not valid CSV ({message})", where=f"{where}:{line}", hint=SAVE_AS)


def read_header(cells: list[str], where: str, delimiter: str) -> list[Column | None]:
    """The column each position holds (``None`` for a column with no name); wrong headers are refused."""
    names = [c.strip().lower() for c in cells]
    for column in COLUMNS.values():
        if column.required and column.name not in names:
            raise InputError(f"has no '{column.name}' column", where=where,
                             hint=f"the first line must name the columns, e.g. {DELIMITERS_EXAMPLE[delimiter]}")
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            continue
        if name in seen:
            raise InputError(f"names the column '{name}' twice (columns {seen[name]} and {i})", where=where,
                             hint="remove or rename one of them")
        seen[name] = i
        if name not in COLUMNS:
            if delimiter == "," and ";" in name:
                hint = "the values look separated by ';' but the header line has commas too; use one separator throughout"
            else:
                hint = did_you_mean(name, COLUMNS) or f"use: {', '.join(COLUMNS)}"
            raise InputError(f"'{name}' is not a known column", where=where, hint=hint)
    return [COLUMNS[n] if n else None for n in names]


DELIMITERS_EXAMPLE = {",": "client,note", ";": "client;note", "\t": "client<tab>note"}


def read_jobs(csv_path: Path, base: Request, out_dir: Path) -> tuple[list[Job], list[tuple[int, str]]]:
    """Parse the CSV into jobs; rows that are wrong come back as (line, message)."""
    where = str(csv_path)
    text = read_text(csv_path)
    delimiter, skip_sep_line = sniff(text)
    lines = rows(text, delimiter, where)
    header: list[Column | None] | None = None
    jobs: list[Job] = []
    bad: list[tuple[int, str]] = []
    used: set[str] = set()
    count = 0
    for line, cells in lines:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if skip_sep_line:
            skip_sep_line = False
            continue
        if header is None:
            header = read_header(cells, f"{where}:{line}", delimiter)
            continue
        count += 1
        if count > MAX_ROWS:
            raise InputError(f"has more than {MAX_ROWS} rows", where=where, hint="split it into smaller files")
        problems = _row_problems(f"{where}:{line}", cells, header, delimiter)
        if not problems:
            job = _job(f"{where}:{line}", line, dict(zip(header, cells)), base, out_dir, used, problems, csv_path.parent)
            if job is not None:
                jobs.append(job)
                used.add(name_key(job.output.name))
        bad.extend((line, str(p)) for p in problems)
    if header is None:
        raise InputError("is empty", where=where, hint="the first line names the columns (e.g. client,note), then one line per client")
    return jobs, bad


def _row_problems(where: str, cells: list[str], header: list[Column | None], delimiter: str) -> list[Problem]:
    extra = [c for c in cells[len(header):] if c.strip()]
    if extra:
        what = DELIMITERS[delimiter]
        return [Problem(where, f"has {len(cells)} values but the header line names {len(header)} columns",
                        f"put a value that contains {what} in \"quotes\"")]
    for i, (column, cell) in enumerate(zip(header, cells), start=1):
        if column is None and cell.strip():
            return [Problem(where, f"has a value in column {i}, which has no name in the header line",
                            "name the column in the first line, or leave it empty")]
    return []


def _job(where: str, line: int, cells: dict[Column | None, str], base: Request, out_dir: Path, used: set[str],
         problems: list[Problem], folder: Path = Path(".")) -> Job | None:
    """The row's job, or ``None`` with what is wrong added to *problems*."""
    req = base
    given = ""
    for column in COLUMNS.values():
        text = cells.get(column, "").strip()
        if not text:
            if column.required:
                problems.append(Problem(where, f"{column.name} is empty", column.required))
            continue
        if column.relative:
            text = str(folder / text)
        value = column.check(text, f"{where}: column '{column.name}'", problems)
        if value is None:
            continue  # what is wrong is in problems
        if column.apply is not None:
            req = column.apply(req, value)
        elif column.name == "output":
            given = value
    if req.kind == "program" and (req.routine or len(req.dose) > len(base.dose)):
        problems.append(Problem(where, "has a programme and also a routine or a dose", "a programme holds its routines and doses: leave the routine and dose columns empty in its row"))
    if req.kind != "program" and not req.topic and not problems:
        problems.append(Problem(where, "says neither which topic nor which programme", "give --topic TOPIC on the command line, or a saved programme in the 'program' column"))
    if problems:
        return None
    kind: Kind = "program" if req.kind == "program" else "card" if req.routine else "guide"
    req = replace(req, kind=kind)
    if given:
        name = given if given.lower().endswith(".pdf") else given + ".pdf"
        wrong = name_problem(name)
        if wrong:
            problems.append(Problem(f"{where}: column 'output'", f"'{given}' {wrong[0]}", wrong[1]))
            return None
        if name_key(name) in used:
            problems.append(Problem(f"{where}: column 'output'", f"'{name}' is used by an earlier row", "give each row its own output name"))
            return None
    else:
        stem = kinds.kind(kind).batch_name(req.topic, req.routine or "", slug(req.client or ""))
        name, i = f"{stem}.pdf", 2
        while name_key(name) in used:
            name, i = f"{stem}-{i}.pdf", i + 1
        wrong = name_problem(name)
        if wrong:
            problems.append(Problem(where, f"the file name made for this row ({name}) {wrong[0]}", "give a name in the output column"))
            return None
    return Job(line, req, out_dir / name)


# -- the output folder -----------------------------------------------------------------


def check_out_dir(out_dir: Path) -> None:
    """Refuse an --out that is not, and cannot become, a folder; nothing is created yet."""
    where = str(out_dir)
    hint = "give --out a folder name"
    path = out_dir
    while True:
        try:
            exists = path.exists() or path.is_symlink()
        except (OSError, ValueError):
            raise InputError("is not a usable folder name", where=where, hint=hint) from None
        if exists:
            if not path.is_dir():
                what = "it" if path == out_dir else f"'{path}'"
                raise InputError(f"cannot be used as a folder: {what} is a file, not a folder", where=where, hint=hint)
            return
        if path.parent == path:
            return
        path = path.parent


def make_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__)
        raise InputError(f"cannot create the folder ({reason})", where=str(out_dir), hint="give --out a folder you may write in") from None


# -- running the rows ------------------------------------------------------------------
# Stopping: a file being made is always finished first (a card takes a few hundredths
# of a second), so no signal can ever land between creating a temporary file and
# removing it. While the batch runs, SIGTERM and SIGINT are held back during a file
# and acted on right after it. Workers ignore SIGINT (the batch process stops them
# when Ctrl-C reaches it) and end on SIGTERM, which the batch process sends them
# when it is stopped and which Linux sends them if it dies.

_in_worker = False  # True in a worker process
_busy = False  # True while this process makes a file
_pending = 0  # a signal that arrived while busy, acted on when the file is done


def _run_one(job: Job, task: Callable[[Job], Any] | None = None) -> Any:
    """Make one file: (row, output path, error message or ""); or what *task* gives for the row."""
    global _busy
    _busy = True
    try:
        return (task or _make_one)(job)
    finally:
        _busy = False
        if _pending:
            _stop_now(_pending)


def _make_one(job: Job) -> tuple[int, str, str]:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(job.request, job.output, force=False)
        return job.row, str(job.output), ""
    except HandoutError as exc:
        return job.row, str(job.output), "; ".join(str(p) for p in exc.problems)
    except Exception as exc:  # noqa: BLE001 - one row's bug must not stop the batch
        return job.row, str(job.output), f"unexpected {type(exc).__name__}: {exc}"


def _stop_now(signum: int) -> None:
    if _in_worker:
        os._exit(128 + signum)
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stopped


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _pending
    if not _busy:
        _stop_now(signum)
    _pending = signum
    if _in_worker and hasattr(signal, "alarm"):
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(10)  # a file that takes far too long does not keep the worker alive


def _worker_start(parent: int) -> None:
    """In each worker: SIGTERM ends it after the current file, and (on Linux) so does the batch process's death."""
    global _in_worker, _pending
    _in_worker, _pending = True, 0
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_signal)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the batch process is already gone
        os._exit(128 + signal.SIGTERM)


@contextlib.contextmanager
def stop_cleanly() -> Iterator[None]:
    """While the batch runs, SIGTERM raises :class:`Stopped` and SIGINT KeyboardInterrupt, never inside a file."""
    global _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _pending = 0
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _known_routines(jobs: list[Job], base: Request, where: str, summary: Summary) -> list[Job]:
    """The jobs whose routine the topic has; the others are reported by row, before any file is made."""
    from handout.load.content import find_topic, load_topic, topic_dirs

    topic = load_topic(find_topic(base.topic, topic_dirs(base.content)))  # loaded already by warm_up
    keep: list[Job] = []
    for job in jobs:
        routine = job.request.routine
        if job.request.kind == "card" and routine not in topic.routines:
            hint = did_you_mean(routine or "", topic.routines) or f"the routines of {topic.id}: {', '.join(topic.routines)}"
            problem = Problem(f"{where}:{job.row}: column 'routine'", f"topic '{topic.id}' has no routine '{routine}'", hint)
            summary.failed.append((job.row, str(problem)))
        else:
            keep.append(job)
    return keep


def warm_up(base: Request) -> None:
    """Load everything shared by the rows once, before workers fork; errors here stop the batch."""
    render(replace(base, client="Warm Up", note=None))


def run(jobs: list[Job], workers: int, progress: Callable[[int], None] = lambda n: None,
        task: Callable[[Job], Any] | None = None) -> Iterator[Any]:
    """For each job, in order of completion: the made file's (row, path, error), or what *task* gives."""
    one = functools.partial(_run_one, task=task)
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield one(job)
            progress(1)
        return
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    import multiprocessing

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    others = set(multiprocessing.active_children())
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_start, initargs=(os.getpid(),)) as pool:
        try:
            if chunk > 1:
                for result in pool.map(one, jobs, chunksize=chunk):
                    yield result
                    progress(1)
            else:
                futures = [pool.submit(one, job) for job in jobs]
                for future in as_completed(futures):
                    yield future.result()
                    progress(1)
        except (KeyboardInterrupt, Stopped):
            for sig in (signal.SIGTERM, signal.SIGINT):  # a second Ctrl-C or kill must not cut this short
                signal.signal(sig, signal.SIG_IGN)
            for worker in set(multiprocessing.active_children()) - others:
                worker.terminate()  # each finishes the file it is making, then ends
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def batch(csv_path: Path, base: Request, out_dir: Path, workers: int,
          progress: Callable[[int], None] = lambda n: None, on_start: Callable[[int], None] = lambda n: None) -> Summary:
    """Run the whole batch; *on_start* gets the number of jobs, *progress* one tick per file."""
    start = time.perf_counter()
    with stop_cleanly():
        check_out_dir(out_dir)
        jobs, bad = read_jobs(csv_path, base, out_dir)
        if not jobs and not bad:
            raise InputError("has no rows", where=str(csv_path), hint="add one line per client under the header line")
        summary = Summary(failed=list(bad))
        if jobs and base.topic:
            warm_up(base)
            jobs = _known_routines(jobs, base, str(csv_path), summary)
        if jobs:
            make_out_dir(out_dir)
        on_start(len(jobs))
        for row, path, error in run(jobs, workers, progress):
            if error:
                summary.failed.append((row, f"{csv_path}:{row}: {error}"))
            else:
                summary.written.append(Path(path))
    summary.failed.sort()
    summary.seconds = time.perf_counter() - start
    return summary
