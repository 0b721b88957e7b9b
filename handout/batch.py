"""``handout batch``: one personalised PDF per row of a CSV file, on all cores.

Rows are independent: a bad row is reported with its row number and the others
are still written. Each file is written atomically, so stopping with Ctrl-C
never leaves a half-written PDF behind. Workers are forked after the topic,
brand, templates and fonts are loaded, so each starts warm.
"""

from __future__ import annotations

import csv
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from handout.build import Kind, Request, make, render
from handout.dose import KEYS as DOSE_KEYS
from handout.dose import from_columns as dose_from_columns
from handout.errors import HandoutError, InputError
from handout.load.schema import did_you_mean

COLUMNS = ("client", "note", "routine", "output", *DOSE_KEYS)
MAX_ROWS = 10_000


@dataclass(frozen=True)
class Job:
    row: int  # the CSV line number, counting the header as line 1
    request: Request
    output: Path


@dataclass
class Summary:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0


def read_jobs(csv_path: Path, base: Request, out_dir: Path) -> tuple[list[Job], list[tuple[int, str]]]:
    """Parse the CSV into jobs; rows that are wrong come back as (row, message)."""
    try:
        text = csv_path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError("does not exist", where=str(csv_path), hint="check the path of the CSV file") from None
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", where=str(csv_path), hint="save it as 'CSV UTF-8' from your spreadsheet") from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", where=str(csv_path)) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "client" not in header:
        raise InputError("has no 'client' column", where=f"{csv_path}:1", hint="the first line must name the columns, e.g. client,note")
    for name in header:
        if name and name not in COLUMNS:
            raise InputError(f"'{name}' is not a known column", where=f"{csv_path}:1", hint=did_you_mean(name, COLUMNS) or f"use: {', '.join(COLUMNS)}")
    reader.fieldnames = header
    jobs: list[Job] = []
    bad: list[tuple[int, str]] = []
    used: set[str] = set()
    for n, row in enumerate(reader, start=2):
        if n - 1 > MAX_ROWS:
            raise InputError(f"has more than {MAX_ROWS} rows", where=str(csv_path), hint="split it into smaller files")
        if None in row:
            bad.append((n, f"{csv_path}:{n}: has more values than the header has columns; put text with commas in \"quotes\""))
            continue
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue  # blank line
        if not values.get("client"):
            bad.append((n, f"{csv_path}:{n}: client is empty; give the client's name"))
            continue
        routine = values.get("routine") or base.routine
        kind: Kind = "card" if routine else "guide"
        dose, problems = dose_from_columns(values, _cell(csv_path, n))
        if problems:
            bad.extend((n, str(p)) for p in problems)
            continue
        req = replace(base, kind=kind, routine=routine, client=values["client"], note=values.get("note") or None,
                      dose=base.dose + dose)
        try:
            name = _output_name(values.get("output", ""), req, used)
        except InputError as exc:
            bad.append((n, f"{csv_path}:{n}: {exc.problem.message}; {exc.problem.hint}"))
            continue
        used.add(name.lower())
        jobs.append(Job(n, req, out_dir / name))
    return jobs, bad


def _cell(csv_path: Path, row: int) -> Callable[[str], str]:
    """Where a value of *row* is, by column: ``clients.csv:3: column 'hold'``."""
    return lambda column: f"{csv_path}:{row}: column '{column}'"


def _output_name(given: str, req: Request, used: set[str]) -> str:
    if given:
        if "/" in given or "\\" in given or given.startswith(".") or ":" in given:
            raise InputError(f"output '{given}' is not a plain file name", hint="give just a name like sam-lee.pdf; files always go in --out")
        name = given if given.lower().endswith(".pdf") else given + ".pdf"
        if name.lower() in used:
            raise InputError(f"output '{name}' is used by an earlier row", hint="give each row its own output name")
        return name
    stem = f"{req.topic}-{req.routine}-{slug(req.client or '')}" if req.kind == "card" else f"{req.topic}-{slug(req.client or '')}"
    name, i = f"{stem}.pdf", 2
    while name.lower() in used:
        name, i = f"{stem}-{i}.pdf", i + 1
    return name


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:60] or "client"


def _run_one(job: Job) -> tuple[int, str, str]:
    """Worker: (row, output path, error message or "")."""
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


def warm_up(base: Request) -> None:
    """Load everything shared by the rows once, before workers fork; errors here stop the batch."""
    render(replace(base, client="Warm Up", note=None))


def run(jobs: list[Job], workers: int, progress: Callable[[int], None] = lambda n: None) -> Iterator[tuple[int, str, str]]:
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _run_one(job)
            progress(1)
        return
    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    import multiprocessing

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        try:
            if chunk > 1:
                for result in pool.map(_run_one, jobs, chunksize=chunk):
                    yield result
                    progress(1)
            else:
                futures = [pool.submit(_run_one, job) for job in jobs]
                for future in as_completed(futures):
                    yield future.result()
                    progress(1)
        except KeyboardInterrupt:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def batch(csv_path: Path, base: Request, out_dir: Path, workers: int,
          progress: Callable[[int], None] = lambda n: None, on_start: Callable[[int], None] = lambda n: None) -> Summary:
    """Run the whole batch; *on_start* gets the number of jobs, *progress* one tick per file."""
    start = time.perf_counter()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is not a folder", where=str(out_dir), hint="give --out a folder name")
    jobs, bad = read_jobs(csv_path, base, out_dir)
    if not jobs and not bad:
        raise InputError("has no rows", where=str(csv_path), hint="add one line per client under the header line")
    summary = Summary(failed=list(bad))
    if jobs:
        warm_up(base)
        out_dir.mkdir(parents=True, exist_ok=True)
    on_start(len(jobs))
    for row, path, error in run(jobs, workers, progress):
        if error:
            summary.failed.append((row, f"{csv_path}:{row}: {error}"))
        else:
            summary.written.append(Path(path))
    summary.failed.sort()
    summary.seconds = time.perf_counter() - start
    return summary
