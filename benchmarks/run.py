"""Performance benchmark for handout, against a plain ReportLab baseline measured in the same run.

    python benchmarks/run.py              # full run (about 3-5 minutes on 2 cores)
    python benchmarks/run.py --quick      # fewer repetitions (under a minute)
    python benchmarks/run.py --out BENCHMARKS.md

The machine is shared and noisy, so every comparison is interleaved (A, B, B, A, ...)
within one run and reported as a ratio of medians; trust the ratios, not the
milliseconds. The baseline is ``benchmarks/baseline.py``: the same text, logo, page
size, lists and dose table written directly with ReportLab platypus.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import baseline  # noqa: E402
from handout.build import Request, render  # noqa: E402
from handout.load.brand import STARTER  # noqa: E402

PY = sys.executable
CARD_ROUTINE = "tennis-ball-lying"


# -- small helpers --------------------------------------------------------------

def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def secs(s: float) -> str:
    return f"{s:.2f} s"


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def make_png(path: Path, size: tuple[int, int] = (600, 200), color: tuple[int, int, int] = (200, 40, 90)) -> Path:
    """The same test logo as tests/conftest.py: a 600x200 PNG with a dot pattern."""
    from PIL import Image

    img = Image.new("RGB", size, color)
    for x in range(0, size[0], 7):
        for y in range(0, size[1], 11):
            img.putpixel((x, y), (255, 255, 255))
    img.save(path)
    return path


def handout_cmd() -> list[str]:
    script = Path(PY).parent / "handout"
    return [str(script)] if script.exists() else [PY, "-m", "handout"]


PEAK_WRAPPER = ("import resource, subprocess, sys; "
                "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)")


def peak_rss(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, int]:
    """Peak RSS (KiB) of the largest process in *cmd*'s tree, and its exit code.

    Linux keeps ru_maxrss across fork and exec, so a child forked straight from this (large)
    benchmark process would report at least this process's size. A small wrapper interpreter
    starts the command instead and reports RUSAGE_CHILDREN, which then covers only *cmd* and
    its workers (the largest single one of them).
    """
    out = subprocess.run([PY, "-c", PEAK_WRAPPER, *cmd], cwd=cwd, env=env, capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


def run_child(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Run *cmd*; return (wall seconds, ru_maxrss from os.wait4 (not trustworthy, see peak_rss), exit code)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert p.stderr is not None
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0,):
        log(f"  ! {' '.join(cmd)} exited {p.returncode}: {err.decode(errors='replace')[-300:]}")
    return wall, ru.ru_maxrss, p.returncode


@dataclass
class Row:
    section: str
    what: str
    value: str
    base: str = ""
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # extra markdown sections

    def add(self, *args: Any, **kw: Any) -> Row:
        row = Row(*args, **kw)
        self.rows.append(row)
        r = f" ratio {row.ratio:.2f}" if row.ratio is not None else ""
        verdict = "" if row.ok is None else (" PASS" if row.ok else " FAIL")
        log(f"  {row.what}: {row.value}{' vs ' + row.base if row.base else ''}{r} {row.target}{verdict}")
        return row


def interleave(fns: dict[str, Callable[[], Any]], n: int) -> dict[str, list[float]]:
    """Time each function n times, interleaved; alternate the order each round (ABBA)."""
    names = list(fns)
    times: dict[str, list[float]] = {k: [] for k in names}
    for i in range(n):
        order = names if i % 2 == 0 else names[::-1]
        for k in order:
            t0 = time.perf_counter()
            fns[k]()
            times[k].append(time.perf_counter() - t0)
    return times


# -- setup ----------------------------------------------------------------------

class Setup:
    def __init__(self, work: Path) -> None:
        self.work = work
        clinic = work / "clinic"
        clinic.mkdir()
        make_png(clinic / "logo.png")
        self.brand = clinic / "brand.toml"
        self.brand.write_text(STARTER, encoding="utf-8")  # the brand `handout init` writes
        self.guide_req = Request("guide", "piriformis", brand_file=self.brand)
        # the card without its tick-log: one side, like the baseline's card (section 8 times the card as printed)
        self.card_req = Request("card", "piriformis", CARD_ROUTINE, brand_file=self.brand, log_days=0)
        from handout.load.brand import load_brand
        from handout.load.content import find_topic, load_topic, topic_dirs

        topic = load_topic(find_topic("piriformis", topic_dirs(None)))
        self.data = baseline.snapshot(topic, load_brand(self.brand))
        self.snapshot = work / "snapshot.json"
        self.snapshot.write_text(json.dumps(self.data), encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if k != "HANDOUT_BRAND" and not k.startswith("RL_")}

    def csv(self, rows: int) -> Path:
        path = self.work / f"clients-{rows}.csv"
        if not path.exists():
            first = ["Sam", "Ana", "José", "Li", "Priya", "Noah", "Zoë", "Omar", "Kate", "Ravi"]
            last = ["Lee", "Ruiz", "Núñez", "Wong", "Patel", "Smith", "Brown", "Haddad", "Kim", "Rao"]
            with path.open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["client", "note"])
                for i in range(rows):
                    w.writerow([f"{first[i % 10]} {last[(i // 10) % 10]} {i}", f"Twice a day this week; see you on day {i % 28 + 1}."])
        return path


# -- 1. in-process ----------------------------------------------------------------

def bench_in_process(s: Setup, rep: Report, n: int) -> dict[str, float]:
    log(f"1. in-process renders, n={n} interleaved")
    render(s.guide_req), render(s.card_req), baseline.guide_bytes(s.data), baseline.card_bytes(s.data, CARD_ROUTINE)  # warm
    gc.collect()
    # each kind in its own interleaved group, as a batch makes one kind at a time: a 10 ms card timed
    # right after a 100 ms guide runs with the guide's data in the CPU caches, and pays for it
    t = interleave({
        "handout guide": lambda: render(s.guide_req),
        "baseline guide": lambda: baseline.guide_bytes(s.data),
    }, n)
    t |= interleave({
        "handout card": lambda: render(s.card_req),
        "baseline card": lambda: baseline.card_bytes(s.data, CARD_ROUTINE),
    }, n)
    out = {k: med(v) for k, v in t.items()}
    for kind in ("guide", "card"):
        h, b = out[f"handout {kind}"], out[f"baseline {kind}"]
        paired = med([x / y for x, y in zip(t[f"handout {kind}"], t[f"baseline {kind}"])])
        ratio = h / b
        target = 1.15
        what = "card (one side: --log none), render() in process" if kind == "card" else "guide, render() in process"
        rep.add("1. in-process", what, ms(h), ms(b), ratio, f"<= {target:.2f}x", ratio <= target,
                note=f"median of paired ratios {paired:.2f}")
    return out


def bench_stages(s: Setup, rep: Report, n: int) -> None:
    """Where one in-process guide render goes, stage by stage (uses handout internals; skipped if they moved)."""
    try:
        from handout.build import load_inputs, merge
        from handout.layout import document, page
        from handout.layout import render as lr
        from handout.layout.fonts import font_set
        from handout.layout.markup import Builder, parse
        from handout.layout.styles import theme
    except ImportError as exc:
        rep.text.append(f"Stage breakdown skipped: {exc}")
        return
    stages: dict[str, list[float]] = {k: [] for k in ("load + validate", "Jinja2 merge", "XML parse", "glyph check",
                                                       "markup -> flowables (incl. glue pre-wrap)", "ReportLab build + PDF")}
    req = s.guide_req
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            inputs = load_inputs(req)
            t1 = time.perf_counter()
            markup, template = merge(req, inputs)
            t2 = time.perf_counter()
            root = parse(markup, template)
            t3 = time.perf_counter()
            fonts = font_set(inputs.brand.fonts, inputs.brand.display_path)
            lr.check_glyphs(root, fonts, inputs)
            t4 = time.perf_counter()
            th = theme(fonts, inputs.brand.primary, inputs.brand.accent, compact=False)
            g = page.guide_geometry(inputs.brand.paper)
            story = Builder(th, g.frame[2], template).story(root)
            t5 = time.perf_counter()
            meta = document.Meta("t", "a", "s", "k", "en")
            document.build_guide(story, g, inputs.brand, th, lr.logo_for(inputs.brand), meta, "x")
            t6 = time.perf_counter()
            for k, a, b in zip(stages, (t0, t1, t2, t3, t4, t5), (t1, t2, t3, t4, t5, t6)):
                stages[k].append(b - a)
    except Exception as exc:  # noqa: BLE001 - internals may be changing under us
        rep.text.append(f"Stage breakdown failed ({type(exc).__name__}: {exc}); the pipeline's internals changed.")
        return
    total = sum(med(v) for v in stages.values())
    lines = ["### Guide render, stage by stage (in process, medians)", "", "| stage | median | share |", "|---|---|---|"]
    for k, v in stages.items():
        lines.append(f"| {k} | {ms(med(v))} | {med(v) / total:.0%} |")
    lines.append(f"| total | {ms(total)} | |")
    rep.text.append("\n".join(lines))
    log("   stages: " + ", ".join(f"{k} {ms(med(v))}" for k, v in stages.items()))


# -- 2. cold processes ----------------------------------------------------------------

def bench_cold(s: Setup, rep: Report, n: int) -> None:
    log(f"2. cold processes, n={n} interleaved rounds")
    h = handout_cmd()
    out = s.work / "cold"
    out.mkdir()
    cmds: dict[str, Callable[[int], list[str]]] = {
        "python -c pass": lambda i: [PY, "-c", "pass"],
        "handout guide": lambda i: [*h, "guide", "piriformis", "--brand", str(s.brand), "-o", str(out / f"h{i}.pdf")],
        "baseline.py guide": lambda i: [PY, str(HERE / "baseline.py"), "--data", str(s.snapshot), "-o", str(out / f"b{i}.pdf")],
        "handout --help": lambda i: [*h, "--help"],
        "handout list": lambda i: [*h, "list"],
        "handout check": lambda i: [*h, "check"],
    }
    names = list(cmds)
    wall: dict[str, list[float]] = {k: [] for k in names}
    rss: dict[str, list[int]] = {k: [] for k in names}
    # An installed package has its .pyc files written by pip. An editable install does
    # not, and with PYTHONDONTWRITEBYTECODE set nothing ever writes them, so every run
    # would compile handout from source (about 50 ms). Compile once, as an install does.
    import handout

    subprocess.run([PY, "-m", "compileall", "-q", str(Path(handout.__file__).parent)], check=False)
    for k in names:  # one untimed run each: warm the OS file cache and .pyc files
        run_child(cmds[k](-1), s.work, s.env)
    for i in range(n):
        order = names if i % 2 == 0 else names[::-1]
        for k in order:
            w, r, _ = run_child(cmds[k](i), s.work, s.env)
            wall[k].append(w)
            rss[k].append(r)
    for k in names:  # peak memory, once each, through the small wrapper
        rss[k] = [peak_rss(cmds[k](-2), s.work, s.env)[0]]
    py = med(wall["python -c pass"])
    hg, bg = med(wall["handout guide"]), med(wall["baseline.py guide"])
    paired = med([a / b for a, b in zip(wall["handout guide"], wall["baseline.py guide"])])
    rep.add("2. cold process", "`handout guide` vs cold `baseline.py`", secs(hg), secs(bg), hg / bg, "<= 1.25x", hg / bg <= 1.25,
            note=f"median of paired ratios {paired:.2f}; peak RSS {mib(med(rss['handout guide']))} vs {mib(med(rss['baseline.py guide']))}")
    rep.add("2. cold process", "`python -c pass`", secs(py), note=f"peak RSS {mib(med(rss['python -c pass']))}")
    for k in ("handout --help", "handout list", "handout check"):
        v = med(wall[k])
        rep.add("2. cold process", f"`{k}` (vs `python -c pass`)", secs(v), secs(py), v / py, note=f"+{ms(v - py)} over bare Python; peak RSS {mib(med(rss[k]))}")


# -- 3 and 4. batch -------------------------------------------------------------------

def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_batch(s: Setup, rep: Report, rows: int, reps: int, card_median: float) -> None:
    from handout.batch import batch

    log(f"3. batch of {rows} cards, 1 vs 2 workers, {reps} interleaved repetition(s)")
    csv_path = s.csv(rows)
    base = Request("card", "piriformis", routine=CARD_ROUTINE, brand_file=s.brand)
    times: dict[int, list[float]] = {1: [], 2: []}
    util: dict[int, list[float]] = {1: [], 2: []}
    loads: dict[int, list[float]] = {1: [], 2: []}
    for i in range(reps):
        for workers in ((1, 2) if i % 2 == 0 else (2, 1)):
            out = s.work / f"batch-{workers}-{i}"
            gc.collect()
            r0s, r0c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            summary = batch(csv_path, base, out, workers)
            wall = time.perf_counter() - t0
            r1s, r1c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = sum(b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime for a, b in ((r0s, r1s), (r0c, r1c)))
            times[workers].append(wall)
            util[workers].append(cpu / wall)
            loads[workers].append(os.getloadavg()[0])
            if summary.failed or len(summary.written) != rows:
                log(f"  ! batch with {workers} workers: {len(summary.written)} written, failed {summary.failed[:3]}")
            shutil.rmtree(out)
    t1, t2 = med(times[1]), med(times[2])
    cores = os.cpu_count() or 1
    rep.add("3. batch", f"{rows} cards, 1 worker", secs(t1), note=f"{ms(t1 / rows)} per card")
    rep.add("3. batch", f"{rows} cards, 2 workers ({cores} cores): speed-up", secs(t2), secs(t1), t1 / t2, ">= 1.7x", t1 / t2 >= 1.7,
            note=f"CPU busy: {med(util[1]):.2f} cores with 1 worker, {med(util[2]):.2f} with 2 (2.0 = both cores ours); "
                 f"1-min load average during the runs {med(loads[2]):.1f}")
    # the same personalised cards rendered in process: what each batch row would cost on its own. Each
    # has a client new to this process, as each batch row has (the same client again would find its
    # box's paragraphs parsed already)
    people = [replace(base, client=f"Ravi Rao {rows + j}", note=f"Twice a day this week; see you on day {j % 28 + 1}.") for j in range(60)]
    render(people[0])
    personal_median = med([_timed(lambda r=r: render(r)) for r in people[1:]])
    rep.add("3. batch", "per card in a 1-worker batch vs the same personalised cards rendered in process", ms(t1 / rows),
            ms(personal_median), (t1 / rows) / personal_median, "<= 1.10x", (t1 / rows) / personal_median <= 1.10,
            note=f"the difference is the CSV, the file write and fsync; the one-sided card with no client box takes {ms(card_median)}")
    # what the per-file write costs on this disk (atomic write with fsync), for context
    try:
        from handout.write.output import write_atomic

        data = render(s.card_req)
        d = s.work / "fsync"
        d.mkdir()
        t0 = time.perf_counter()
        for j in range(100):
            write_atomic(d / f"c{j}.pdf", data)
        per = (time.perf_counter() - t0) / 100
        shutil.rmtree(d)
        rep.add("3. batch", "write_atomic (temp file + fsync + rename) per card", ms(per), note="part of the per-card batch cost")
    except Exception as exc:  # noqa: BLE001
        log(f"  write_atomic timing skipped: {exc}")


def bench_combine(s: Setup, rep: Report, rows: int, reps: int) -> None:
    """`batch --combine`: the rows made on the workers, appended to one file by this process."""
    from handout.combine import Sheets, combine

    log(f"3b. combined batch of {rows} cards, 1 vs 2 workers, {reps} interleaved repetition(s); and on sheets")
    csv_path = s.csv(rows)
    base = Request("card", "piriformis", routine=CARD_ROUTINE, brand_file=s.brand)
    for label, sheets in (("one file", None), ("4 to a sheet, two-sided", Sheets(4, duplex=True))):
        times: dict[int, list[float]] = {1: [], 2: []}
        size = 0
        for i in range(reps):
            for workers in ((1, 2) if i % 2 == 0 else (2, 1)):
                target = s.work / f"combined-{workers}-{i}.pdf"
                gc.collect()
                t0 = time.perf_counter()
                summary = combine(csv_path, base, target, workers, sheets)
                times[workers].append(time.perf_counter() - t0)
                if summary.failed or len(summary.written) != rows:
                    log(f"  ! combine with {workers} workers: {len(summary.written)} written, failed {summary.failed[:3]}")
                size = target.stat().st_size
                target.unlink()
        t1, t2 = med(times[1]), med(times[2])
        rep.add("3. batch", f"{rows} cards --combine ({label}), 1 worker", secs(t1), note=f"{ms(t1 / rows)} per card; file {size / 1024:.0f} KiB")
        rep.add("3. batch", f"{rows} cards --combine ({label}), 2 workers: speed-up", secs(t2), secs(t1), t1 / t2, ">= 1.7x", t1 / t2 >= 1.7)


def bench_memory(s: Setup, rep: Report, small: int, large: int) -> None:
    log(f"4. peak RSS of a `handout batch` process, {small} vs {large} rows")
    h = handout_cmd()
    for jobs in (1, 2):
        peaks = {}
        for rows in (small, large):
            out = s.work / f"mem-{jobs}-{rows}"
            peak, code = peak_rss([*h, "batch", str(s.csv(rows)), "--topic", "piriformis", "--routine", CARD_ROUTINE,
                                       "--brand", str(s.brand), "--out", str(out), "--jobs", str(jobs)], s.work, s.env)
            peaks[rows] = peak
            shutil.rmtree(out, ignore_errors=True)
        ratio = peaks[large] / peaks[small]
        rep.add("4. memory", f"`handout batch --jobs {jobs}` peak RSS, {large} vs {small} rows", mib(peaks[large]), mib(peaks[small]),
                ratio, "<= 1.10x (flat)", ratio <= 1.10, note="largest single process (parent or worker)")
    peaks = {}
    for rows in (small, large):
        target = s.work / f"mem-combined-{rows}.pdf"
        peak, code = peak_rss([*h, "batch", str(s.csv(rows)), "--topic", "piriformis", "--routine", CARD_ROUTINE,
                               "--brand", str(s.brand), "--combine", str(target), "--jobs", "2"], s.work, s.env)
        peaks[rows] = peak
        target.unlink(missing_ok=True)
    ratio = peaks[large] / peaks[small]
    rep.add("4. memory", f"`handout batch --combine --jobs 2` peak RSS, {large} vs {small} rows", mib(peaks[large]), mib(peaks[small]),
            ratio, "<= 1.10x (flat)", ratio <= 1.10, note="largest single process; the PDFs are streamed into the file")


# -- 5. sizes -------------------------------------------------------------------------

def pdf_parts(data: bytes) -> str:
    try:
        import pypdf
    except ImportError:
        return ""
    r = pypdf.PdfReader(io.BytesIO(data))
    seen: set[int] = set()
    image = 0
    for p in r.pages:
        xo = p.get("/Resources", {}).get("/XObject", {})
        for ref in xo.values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            image += len(ref.get_object()._data)
    outline = len(r.outline) if r.outline else 0
    return f"{len(r.pages)} page(s), embedded images {image / 1024:.1f} KB, {outline} bookmarks"


def _plain_content(work: Path) -> Path:
    """The built-in piriformis topic without its pictures: the content the baseline prints."""
    from handout.resources import builtin_dir

    folder = work / "content-plain"
    if not folder.exists():
        folder.mkdir()
        text = (builtin_dir("content") / "piriformis.md").read_text(encoding="utf-8")
        (folder / "piriformis.md").write_text(re.sub(r"(?m)^ +picture: .*\n", "", text), encoding="utf-8")
    return folder


def bench_sizes(s: Setup, rep: Report) -> None:
    log("5. PDF sizes")
    # like for like: the baseline prints no pictures and no tick-log (section 7 has the guide with them)
    plain_guide = render(replace(s.guide_req, content=_plain_content(s.work), log_days=0))
    for kind, h, b, target in (
        ("guide (no pictures, no tick-log, as the baseline)", plain_guide, baseline.guide_bytes(s.data), 1.2),
        ("card", render(s.card_req), baseline.card_bytes(s.data, CARD_ROUTINE), None),
    ):
        ratio = len(h) / len(b)
        rep.add("5. PDF size", f"{kind} PDF", f"{len(h) / 1024:.1f} KB", f"{len(b) / 1024:.1f} KB", ratio,
                f"<= {target}x" if target else "", (ratio <= target) if target else None,
                note=f"handout: {pdf_parts(h)}; baseline: {pdf_parts(b)}")


# -- 7. pictures, tick-log, QR codes and large print (issues 8 and 10) ---------------------

VIDEO = "https://riverside-massage.example/videos/ball-lying"


def _rich_content(work: Path) -> Path:
    """The built-in piriformis topic with a video named for the card's routine (a QR code on the card)."""
    from handout.resources import builtin_dir

    folder = work / "content-video"
    if not folder.exists():
        folder.mkdir()
        text = (builtin_dir("content") / "piriformis.md").read_text(encoding="utf-8")
        text = text.replace(f"  {CARD_ROUTINE}:\n", f"  {CARD_ROUTINE}:\n    video: {VIDEO}\n", 1)
        (folder / "piriformis.md").write_text(text, encoding="utf-8")
    return folder


def _atkinson_brand(s: Setup) -> Path:
    """The benchmark brand with Atkinson Hyperlegible as its own typeface (all four files)."""
    import importlib.util

    spec = importlib.util.find_spec("fontpkg_atkinson_hyperlegible")
    assert spec is not None and spec.submodule_search_locations
    files = Path(next(iter(spec.submodule_search_locations))) / "files"
    path = s.work / "clinic" / "brand-atkinson.toml"
    fonts = "\n".join(f'{k} = "{files / f"AtkinsonHyperlegible-{v}.ttf"}"' for k, v in
                      (("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"), ("bold_italic", "BoldItalic")))
    path.write_text(STARTER + "\n[fonts]\n" + fonts + "\n", encoding="utf-8")
    return path


def bench_rich(s: Setup, rep: Report, n: int) -> None:
    """The card as a client gets it now (its picture and tick-log where the templates place them,
    and a QR code to the routine's video) against the in-run baseline card; the guide's size with
    every figure; the large-print guide; and Atkinson Hyperlegible as the face of standard print."""
    log(f"7. card with picture, log and QR code; large print; the face, n={n} interleaved")
    content = _rich_content(s.work)
    rich_card = Request("card", "piriformis", CARD_ROUTINE, brand_file=s.brand, content=content, client="Sam Lee", note="Twice a day this week.")
    large_guide = replace(s.guide_req, large_print=True)
    atkinson = replace(s.guide_req, brand_file=_atkinson_brand(s))
    for req in (rich_card, large_guide, atkinson):
        render(req)  # warm: fonts registered, templates compiled
    gc.collect()
    t = interleave({  # cards and guides in separate groups (see section 1)
        "rich card": lambda: render(rich_card),
        "baseline card": lambda: baseline.card_bytes(s.data, CARD_ROUTINE),
    }, n)
    t |= interleave({
        "guide": lambda: render(s.guide_req),
        "large guide": lambda: render(large_guide),
        "atkinson guide": lambda: render(atkinson),
    }, n)
    m = {k: med(v) for k, v in t.items()}
    card_pdf = render(rich_card)
    ratio = m["rich card"] / m["baseline card"]
    rep.add("7. pictures, log, QR, large print", "card as printed (its picture and tick-log where the templates place them), a QR code and a client box, render() in process",
            ms(m["rich card"]), ms(m["baseline card"]), ratio, "", None,
            note=f"against the in-run plain ReportLab card (section 1's baseline, one side, no picture); {pdf_parts(card_pdf)}, {len(card_pdf) / 1024:.1f} KB; "
                 "the target for the card as printed is in section 8")
    guide_pdf = render(s.guide_req)
    kb = len(guide_pdf) / 1024
    rep.add("7. pictures, log, QR, large print", "guide PDF with all its figures", f"{kb:.1f} KB", "80 KB", kb / 80, "< 80 KB", kb < 80,
            note=pdf_parts(guide_pdf))
    large_pdf = render(large_guide)
    rep.add("7. pictures, log, QR, large print", "large-print guide (Atkinson Hyperlegible subset), render() in process",
            ms(m["large guide"]), ms(m["guide"]), m["large guide"] / m["guide"], "", None,
            note=f"against the standard guide; {pdf_parts(large_pdf)}, {len(large_pdf) / 1024:.1f} KB vs {kb:.1f} KB")
    face_pdf = render(atkinson)
    rep.add("7. pictures, log, QR, large print", "standard guide in Atkinson Hyperlegible instead of Helvetica: time",
            ms(m["atkinson guide"]), ms(m["guide"]), m["atkinson guide"] / m["guide"], "", None,
            note="the face as a brand's [fonts]: four files, subsets embedded")
    rep.add("7. pictures, log, QR, large print", "standard guide in Atkinson Hyperlegible instead of Helvetica: PDF size",
            f"{len(face_pdf) / 1024:.1f} KB", f"{kb:.1f} KB", len(face_pdf) / len(guide_pdf), "", None,
            note=f"{pdf_parts(face_pdf)}")


# -- 8. the card as printed against the card before pictures and logs (issue 8) -------------

#: main just before pictures, dose boxes, tick-logs and card backs: the card the issue measures against
BEFORE_SHOW_HOW = "c853f57"

#: run in a child process, in one checkout: that checkout's card against the plain ReportLab card
#: (this folder's baseline.py, on the snapshot the parent wrote), interleaved; prints the medians
CARD_CHILD = r"""
import gc, json, statistics, sys, time
from pathlib import Path
tree, bench, brand, snapshot, routine, n = sys.argv[1:7]
sys.path[:0] = [tree, bench]
import baseline
import handout
from handout.build import Request, render
assert Path(handout.__file__).resolve().is_relative_to(Path(tree).resolve()), handout.__file__
data = json.loads(Path(snapshot).read_text(encoding="utf-8"))
req = Request("card", "piriformis", routine, brand_file=Path(brand))
fns = {"card": lambda: render(req), "base": lambda: baseline.card_bytes(data, routine)}
for f in fns.values():
    f()
gc.collect()
t = {k: [] for k in fns}
for i in range(int(n)):
    for k in (("card", "base") if i % 2 == 0 else ("base", "card")):
        t0 = time.perf_counter(); fns[k](); t[k].append(time.perf_counter() - t0)
print(json.dumps({k: statistics.median(v) for k, v in t.items()}))
"""


def _checkout(commit: str, dest: Path) -> Path | None:
    """The tree of *commit* extracted into *dest*, or ``None`` if this clone does not have it."""
    if dest.exists():
        return dest
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True)
    if archive.returncode != 0:
        return None
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def _card_child(tree: Path, s: Setup, n: int) -> dict[str, float]:
    out = subprocess.run([PY, "-c", CARD_CHILD, str(tree), str(HERE), str(s.brand), str(s.snapshot), CARD_ROUTINE, str(n)],
                         capture_output=True, text=True, cwd=s.work, env=s.env, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def bench_before(s: Setup, rep: Report, n: int, rounds: int) -> None:
    """Today's card (its picture on the front, its tick-log on the back) against the card of
    BEFORE_SHOW_HOW. Each runs in its own process, interleaved with the same plain ReportLab card
    on the same snapshot; the rounds alternate old and new, and the ratio of the two ratios is the
    comparison (the noise of a shared machine cancels out within each process)."""
    log(f"8. the card as printed vs the card of {BEFORE_SHOW_HOW}, {rounds} alternating rounds of n={n}")
    old = _checkout(BEFORE_SHOW_HOW, s.work / "before")
    if old is None:
        rep.add("8. the card before pictures and logs", f"card as printed vs the card of {BEFORE_SHOW_HOW}", "skipped", note="this clone does not have that commit")
        return
    ratios, new_ms, old_ms = [], [], []
    for _ in range(rounds):
        new = _card_child(ROOT, s, n)
        before = _card_child(old, s, n)
        ratios.append((new["card"] / new["base"]) / (before["card"] / before["base"]))
        new_ms.append(new["card"])
        old_ms.append(before["card"])
    ratio = statistics.median(ratios)
    rep.add("8. the card before pictures and logs", f"card as printed (picture and dose on the front, 14-day tick-log on the back) vs the card of {BEFORE_SHOW_HOW}",
            ms(statistics.median(new_ms)), ms(statistics.median(old_ms)), ratio, "<= 1.5x", ratio <= 1.5,
            note=f"ratio of each card to the same plain ReportLab card in its own process; per round: {', '.join(f'{r:.2f}' for r in ratios)}")


# -- 6. profile -----------------------------------------------------------------------

CATEGORIES = [
    ("ReportLab paragraph parsing/wrapping (platypus/paragraph.py, paraparser.py)", r"reportlab/platypus/(paragraph|paraparser)\.py"),
    ("ReportLab tables/lists/other flowables", r"reportlab/platypus/(tables|flowables|doctemplate|frames)\.py"),
    ("ReportLab canvas + PDF writing (pdfgen, pdfbase)", r"reportlab/(pdfgen|pdfbase)/"),
    ("ReportLab other", r"reportlab/"),
    ("Jinja2 template rendering", r"(jinja2/|markupsafe/|\.j2$|<template>)"),
    ("layout markup: XML parse + markup -> flowables (handout/layout/markup.py, xml.etree)", r"(handout/layout/markup\.py|xml/etree|ElementTree)"),
    ("handout: load + validate (handout/load, build)", r"handout/(load|build|model)"),
    ("handout: other layout code", r"handout/layout/"),
    ("Pillow", r"PIL/"),
    ("Python stdlib / builtins (re, io, zlib, hashlib, ...)", r".*"),
]


def categorise(stats: pstats.Stats) -> list[tuple[str, float]]:
    totals = {name: 0.0 for name, _ in CATEGORIES}
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = filename if filename != "~" else func
        for name, pattern in CATEGORIES:
            if re.search(pattern, key.replace("\\", "/")):
                totals[name] += tt
                break
    return sorted(totals.items(), key=lambda kv: -kv[1])


def count_calls(stats: pstats.Stats, pattern: str) -> int:
    return sum(v[1] for (f, _l, fn), v in stats.stats.items() if re.search(pattern, f"{f}:{fn}"))  # type: ignore[attr-defined]


def top_table(stats: pstats.Stats, key: str, limit: int, n: int) -> list[str]:
    idx = {"cumulative": 3, "tottime": 2}[key]
    items = sorted(stats.stats.items(), key=lambda kv: -kv[1][idx])[:limit]  # type: ignore[attr-defined]
    lines = ["| function | calls/render | own/render | cumulative/render |", "|---|---|---|---|"]
    for (f, line, fn), (_cc, nc, tt, ct, _c) in items:
        short = re.sub(r".*site-packages/", "", f)
        short = re.sub(r".*/work/main/", "", short)
        lines.append(f"| `{short}:{line}({fn})` | {nc / n:.0f} | {ms(tt / n)} | {ms(ct / n)} |")
    return lines


def profile_one(fn: Callable[[], Any], n: int) -> pstats.Stats:
    fn()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        fn()
    prof.disable()
    return pstats.Stats(prof, stream=io.StringIO())


def bench_profile(s: Setup, rep: Report, n: int) -> None:
    log(f"6. cProfile of {n} guide renders (handout and baseline)")
    hs = profile_one(lambda: render(s.guide_req), n)
    bs = profile_one(lambda: baseline.guide_bytes(s.data), n)
    h_total = sum(v[2] for v in hs.stats.values()) / n  # type: ignore[attr-defined]
    b_total = sum(v[2] for v in bs.stats.values()) / n  # type: ignore[attr-defined]
    wrap_pat = r"paragraph\.py:(wrap)$"
    brk_pat = r"paragraph\.py:(breakLines)$"
    parse_pat = r"paraparser\.py:(parse)$"
    lines = [f"## Profile: where a guide render's time goes ({n} renders under cProfile; profiler overhead inflates the times)", ""]
    lines += [f"Total own time per render under the profiler: handout {ms(h_total)}, baseline {ms(b_total)}.", ""]
    lines += ["| category (own time) | handout / render | share | baseline / render |", "|---|---|---|---|"]
    bcat = dict(categorise(bs))
    for name, tt in categorise(hs):
        lines.append(f"| {name} | {ms(tt / n)} | {tt / n / h_total:.0%} | {ms(bcat.get(name, 0) / n)} |")
    lines += ["", "ReportLab work counted per render (handout vs baseline):", "",
              "| call | handout | baseline |", "|---|---|---|"]
    for label, pat in (("Paragraph.wrap", wrap_pat), ("Paragraph.breakLines", brk_pat), ("ParaParser.parse (paragraph markup)", parse_pat),
                       ("Flowable.wrapOn", r"flowables\.py:wrapOn$"), ("Table._calc", r"tables\.py:_calc$")):
        lines.append(f"| {label} | {count_calls(hs, pat) / n:.0f} | {count_calls(bs, pat) / n:.0f} |")
    lines += ["", "### Top functions by cumulative time (handout guide)", ""] + top_table(hs, "cumulative", 25, n)
    lines += ["", "### Top functions by own time (handout guide)", ""] + top_table(hs, "tottime", 15, n)
    rep.text.append("\n".join(lines))
    rep.profile = {"handout": categorise(hs), "n": n, "h_total": h_total, "b_total": b_total,  # type: ignore[attr-defined]
                   "wrap": (count_calls(hs, wrap_pat) / n, count_calls(bs, wrap_pat) / n),
                   "breaklines": (count_calls(hs, brk_pat) / n, count_calls(bs, brk_pat) / n)}
    log(f"   own time/render: handout {ms(h_total)}, baseline {ms(b_total)}; Paragraph.wrap calls {count_calls(hs, wrap_pat) / n:.0f} vs {count_calls(bs, wrap_pat) / n:.0f}")


def bench_importtime(s: Setup, rep: Report) -> None:
    log("6b. python -X importtime")
    sections = ["## Import time (`python -X importtime`, one run each, cumulative µs)", ""]
    for label, code in (("`import handout.cli` (what --help/list/check pay)", "import handout.cli"),
                        ("what `handout guide` imports on top (handout.cli + handout.build + handout.layout.render)",
                         "import handout.cli, handout.build, handout.layout.render")):
        proc = subprocess.run([PY, "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=s.work, env=s.env)
        rows = []
        for line in proc.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if m:
                rows.append((int(m.group(2)), int(m.group(1)), len(m.group(3)), m.group(4)))
        top_level = sum(c for c, _s, depth, _n in rows if depth <= 1)
        sections += [f"**{label}**: total {top_level / 1000:.0f} ms of imports; top 12 by cumulative time:", "",
                     "| module | cumulative | self |", "|---|---|---|"]
        for c, sf, _d, name in sorted(rows, reverse=True)[:12]:
            sections.append(f"| `{name}` | {c / 1000:.1f} ms | {sf / 1000:.1f} ms |")
        sections.append("")
    rep.text.append("\n".join(sections))


# -- output ---------------------------------------------------------------------------

def machine() -> list[str]:
    import reportlab

    return [
        f"- date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"- cores: {os.cpu_count()} ({platform.machine()}, {platform.system()} {platform.release()})",
        f"- Python {platform.python_version()}, ReportLab {reportlab.Version}",
        f"- load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def summary_words(rep: Report) -> list[str]:
    prof = getattr(rep, "profile", None)
    if not prof:
        return []
    n = prof["n"]
    cats = prof["handout"]
    top = ", ".join(f"{name.split(' (')[0]} {tt / n / prof['h_total']:.0%}" for name, tt in cats[:4])
    hw, bw = prof["wrap"]
    hb, bb = prof["breaklines"]
    return [
        "## Where the time goes, in words", "",
        f"- Own time of a handout guide render splits roughly as: {top} (see the category table below).",
        f"- ReportLab's paragraph machinery (markup parsing in paraparser, line breaking in breakLines, then drawing) is the "
        f"single biggest cost, as in the baseline. handout calls Paragraph.wrap {hw:.0f} times per guide, the baseline {bw:.0f}. "
        f"handout wraps some flowables before the build on purpose: `glue()` in handout/layout/markup.py wraps each heading and "
        f"the heading before a splittable block to size a CondPageBreak (a card is measured at two type sizes, the largest "
        f"that fits and the next one up, and the layout reuses the measure; a paragraph wrapped again at the same width keeps "
        f"its lines). The baseline's extra wraps come from ReportLab itself re-measuring list items inside KeepTogether and "
        f"BalancedColumns while it searches for page splits.",
        "- Jinja2 expansion and the XML layout-markup parse are small (see the stage table); the topic, the brand and the topic list "
        "are read once per process (keyed by file size and modification time), so in process they cost a few stat() calls.",
        "- A cold `handout guide` pays, on top of the baseline, for importing Click and Jinja2 and handout's own modules, and for "
        "first uses: compiling the templates (done in every process: a cache must never hold code), preparing the logo with "
        "Pillow, and drawing each picture once. Parsing the topic (PyYAML, markdown-it) is skipped on a repeat run: it is kept "
        "in handout's private on-disk cache (see handout/cache.py), keyed by the file and the code that read it.",
        "",
    ]


def write_markdown(rep: Report, path: Path, args: argparse.Namespace, elapsed: float) -> None:
    lines = ["# handout benchmarks", "",
             f"Generated by `python benchmarks/run.py{' --quick' if args.quick else ''}` in {elapsed:.0f} s. "
             "Every comparison is interleaved in this one run against a plain-ReportLab baseline "
             "(`benchmarks/baseline.py`: same text, logo, page size, lists and dose table, Helvetica, no templates or validation). "
             "The machine is shared and noisy: trust the ratios, not the milliseconds.", "",
             "## Machine", "", *machine(), "",
             "## Results", "",
             "| section | measurement | handout | baseline / reference | ratio | target | result | notes |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rep.rows:
        res = "" if r.ok is None else ("**PASS**" if r.ok else "**FAIL**")
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        lines.append(f"| {r.section} | {r.what} | {r.value} | {r.base} | {ratio} | {r.target} | {res} | {r.note} |")
    lines += ["", *summary_words(rep)]
    for block in rep.text:
        lines += [block, ""]
    lines += ["## Method", "",
              "- In-process: `handout.build.render(Request(...))` vs `baseline.guide_bytes()`/`card_bytes()`, interleaved A,B,B,A, "
              "after one warm-up render each; medians; ratio = median / median (the median of paired ratios is in the notes).",
              "- Cold: each command a fresh subprocess (the venv's `handout` console script; `python benchmarks/baseline.py --data snapshot.json`, "
              "which needs only json and ReportLab), interleaved rounds after one untimed warm-up run each (which also fills handout's "
              "on-disk cache, as any earlier run on a clinic's computer would); handout's .pyc files are compiled first, as `pip install` "
              "does; wall time by perf_counter; "
              "peak RSS from `os.wait4` rusage of that child.",
              "- Batch: `handout.batch.batch()` in this process (workers are forked), fresh output folder each time.",
              "- Memory: `handout batch` subprocesses; peak RSS is the largest single process of the tree (ru_maxrss).",
              "- Both documents use the same brand file (a 600x200 PNG logo, as in tests/conftest.py) and letter paper; cards are half-letter.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description="handout performance benchmark")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute)")
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="markdown report to write (default: BENCHMARKS.md)")
    ap.add_argument("--rows", type=int, default=500, help="cards in the batch benchmark (default 500)")
    args = ap.parse_args()
    n_in, n_cold, n_batch, n_prof = (20, 5, 1, 10) if args.quick else (60, 12, 3, 20)
    start = time.perf_counter()
    rep = Report()
    with tempfile.TemporaryDirectory(prefix="handout-bench-") as tmp:
        s = Setup(Path(tmp))
        os.chdir(s.work)
        res = bench_in_process(s, rep, n_in)
        bench_stages(s, rep, max(10, n_in // 3))
        bench_cold(s, rep, n_cold)
        bench_batch(s, rep, args.rows, n_batch, res["handout card"])
        bench_combine(s, rep, args.rows, n_batch)
        bench_memory(s, rep, 100, args.rows)
        bench_sizes(s, rep)
        bench_rich(s, rep, max(10, n_in // 2))
        bench_before(s, rep, max(20, n_in // 2), 3 if args.quick else 5)
        bench_profile(s, rep, n_prof)
        bench_importtime(s, rep)
        os.chdir(ROOT)
    elapsed = time.perf_counter() - start
    write_markdown(rep, args.out, args, elapsed)
    fails = [r for r in rep.rows if r.ok is False]
    log(f"\nwrote {args.out} in {elapsed:.0f} s; {sum(r.ok is True for r in rep.rows)} pass, {len(fails)} fail")
    for r in fails:
        log(f"  FAIL: {r.what}: ratio {r.ratio:.2f}, target {r.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
