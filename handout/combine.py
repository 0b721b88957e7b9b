"""``handout batch … --combine FILE.pdf``: every row's handout in one print-ready file.

The rows are made on all cores as for an ordinary batch, but each worker hands
back the PDF's bytes instead of writing a file; this process appends them to
the combined file in CSV order (a bookmark per client) as they arrive, so
memory stays flat however long the list. With ``per_sheet`` the rows' cards are
imposed on sheets first (see :mod:`handout.impose`), a sheet at a time.

A bad row is reported and left out; the file is written in one step at the
end, and only if at least one row made it in.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from handout import sizes
from handout.batch import Job, Summary, read_jobs, run, stop_cleanly, warm_up
from handout.build import Request, render
from handout.errors import HandoutError, InputError

#: what a worker hands back: (row, bookmark title, error message or "", the PDF)
Made = tuple[int, str, str, bytes]


@dataclass(frozen=True)
class Sheets:
    """Cards on sheets instead of one document per row."""

    per_sheet: int
    duplex: bool = False
    back_offset: tuple[float, float] = (0.0, 0.0)


def title(job: Job) -> str:
    """A row's bookmark: the client's name, and what they get when it is a card."""
    req = job.request
    name = req.client or f"row {job.row}"
    return f"{name} \u2013 {req.routine}" if req.kind == "card" and req.routine else name


def render_row(job: Job) -> Made:
    """Worker: make one row's PDF in memory."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = render(job.request)
        return job.row, title(job), "", data
    except HandoutError as exc:
        return job.row, title(job), "; ".join(str(p) for p in exc.problems), b""
    except Exception as exc:  # noqa: BLE001 - one row's bug must not stop the batch
        return job.row, title(job), f"unexpected {type(exc).__name__}: {exc}", b""


def in_order(results: Iterable[Made], jobs: list[Job]) -> Iterator[Made]:
    """*results* in the order of *jobs* (workers may finish out of order); holds back only what came early."""
    order = {job.row: i for i, job in enumerate(jobs)}
    early: dict[int, Made] = {}
    want = 0
    for made in results:
        early[order[made[0]]] = made
        while want in early:
            yield early.pop(want)
            want += 1


def combine(csv_path: Path, base: Request, target: Path, workers: int, sheets: Sheets | None = None,
            progress: Callable[[int], None] = lambda n: None, on_start: Callable[[int], None] = lambda n: None) -> Summary:
    """Run the batch into *target*; ``summary.written`` has one entry per row that made it in."""
    from handout.impose import Card, Imposer, card_request, default_back
    from handout.write.combined import combined_file
    from handout.write.output import check_target

    start = time.perf_counter()
    with stop_cleanly():
        check_target(target)
        jobs, bad = read_jobs(csv_path, base, target.parent if str(target.parent) else Path("."))
        if not jobs and not bad:
            raise InputError("has no rows", where=str(csv_path), hint="add one line per client under the header line")
        summary = Summary(failed=list(bad))
        paper = ""
        if sheets is not None:
            paper = base.paper or _brand_paper(base)
            cards = []
            for job in jobs:
                if job.request.kind != "card":
                    summary.failed.append((job.row, f"{csv_path}:{job.row}: has no routine, and --per-sheet puts cards on sheets; "
                                                    "give --routine or fill in the row's routine column"))
                    continue
                cards.append(replace(job, request=card_request(job.request, paper, sheets.per_sheet)))
            jobs = cards
        if jobs and base.topic and (sheets is None or base.routine):
            warm_up(jobs[0].request if sheets is not None else base)
        on_start(len(jobs))
        made = in_order(run(jobs, workers, progress, task=render_row), jobs)
        with combined_file(target, _title(base, sheets)) as out:
            imposer = None
            if sheets is not None and jobs:
                imposer = Imposer(paper, sheets.per_sheet, sheets.duplex, sheets.back_offset, default_back(jobs[0].request),
                                  sink=out.add)
            for row, name, error, data in made:
                if error:
                    summary.failed.append((row, f"{csv_path}:{row}: {error}"))
                    continue
                if imposer is not None:
                    imposer.add(Card(data, name))
                else:
                    out.add(data, [(name, 0)])
                summary.written.append(target)
            if imposer is not None:
                imposer.finish()
            if summary.written:
                out.commit()
    summary.failed.sort()
    summary.seconds = time.perf_counter() - start
    return summary


def _brand_paper(base: Request) -> str:
    from handout.load.brand import load_brand

    paper = load_brand(base.brand_file).paper
    return paper if paper in sizes.PAPERS else "letter"


def _title(base: Request, sheets: Sheets | None) -> str:
    what = f"cards, {sheets.per_sheet} to a sheet" if sheets is not None else "handouts"
    return f"{base.topic}: {what}" if base.topic else what.capitalize()

