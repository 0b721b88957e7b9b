"""The ``handout`` command. Each command parses its options and calls one function.

Heavy libraries (ReportLab, Pillow) are imported inside the commands that
render, so ``handout --help``, ``list`` and ``check`` start instantly.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import click

from handout import sizes
from handout.errors import HandoutError, HandoutWarning

PAPERS = sizes.paper_names()
CARD_SIZES = sizes.card_names()

EPILOG = """\b
Examples:
  handout guide piriformis                       the full guide, ./piriformis-guide.pdf
  handout guide piriformis --client "Sam Lee" --note "Twice a day this week"
  handout card piriformis tennis-ball-seated     one routine on a card
  handout init                                   start your own brand.toml and logo
  handout check                                  look for mistakes in your files
"""


def _show_warning(message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None, line: Any = None) -> None:
    """handout's own warnings as one line each; library warnings are not for the user."""
    if issubclass(category, HandoutWarning):
        click.echo(f"warning: {message}", err=True)


VERBOSE = "handout.verbose"


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta[VERBOSE] = True  # meta is shared by the group and its commands
    return value


_verbose_option = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbose,
                               help="Show full details when something goes wrong.")


class HandoutCommand(click.Command):
    """Every command also takes --verbose, so it may come after the command name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _verbose_option(self)


class HandoutGroup(click.Group):
    """One line per failure; the traceback (of a user's mistake too) only with --verbose."""

    command_class = HandoutCommand

    def invoke(self, ctx: click.Context) -> Any:
        warnings.showwarning = _show_warning
        warnings.simplefilter("always", HandoutWarning)
        try:
            return super().invoke(ctx)
        except HandoutError:
            if ctx.meta.get(VERBOSE):
                import traceback

                traceback.print_exc()
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was half-written", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if ctx.meta.get(VERBOSE):
                raise
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run again with --verbose for details, and please report it)", err=True)
            ctx.exit(1)


@click.group(cls=HandoutGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "--version", package_name="handout", prog_name="handout")
@_verbose_option
def cli() -> None:
    """Make branded, printable self-care handouts and pocket cards for your clients."""


_path = click.Path(path_type=Path)
_dir = click.Path(path_type=Path, file_okay=False)


def document_options(func: Any) -> Any:
    options = [
        click.option("-o", "--output", type=_path, default=None, help="Where to write the PDF (default: in this folder)."),
        click.option("--brand", "brand_file", type=_path, default=None,
                     help="Your brand.toml (default: ./brand.toml, else a neutral built-in brand)."),
        click.option("--paper", type=click.Choice(PAPERS, case_sensitive=False), default=None, help="Paper size (default: from brand.toml, else letter)."),
        click.option("--client", default=None, help="Print \"Prepared for NAME\"."),
        click.option("--note", default=None, help="A short note from you to the client."),
        click.option("--templates", type=_dir, default=None, help="Your own templates folder, searched before the built-in one."),
        click.option("--content", type=_dir, default=None, help="Your own content folder, searched before the built-in one."),
        click.option("--force", is_flag=True, help="Replace an existing file even if it is not a PDF."),
        click.option("--dose", "dose", multiple=True, metavar="[ROUTINE.]KEY=VALUE",
                     help="Set the dose for this client (repeatable): KEY is hold, repeats, sides or how_often; "
                          "a card takes KEY=VALUE, a guide ROUTINE.KEY=VALUE."),
        click.option("--log", "log", default=None, metavar="DAYS|none",
                     help="Add a tick-log of DAYS days for the client to fill in (default 14; on sheets of cards, none); none leaves it out."),
        click.option("--large-print", is_flag=True,
                     help="Large print: 18 pt text, 20-22 pt bold headings, one column, 1 in margins (a card: half-letter or A5 unless --size)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _log(value: str | None) -> int:
    from handout.dose import parse_log_days

    return parse_log_days(value)


def _dose(values: tuple[str, ...]) -> Any:
    from handout.dose import parse_options

    return parse_options(values)


def _make(request: Any, output: Path | None, force: bool) -> None:
    from handout.build import make

    path = make(request, output, force)
    click.echo(f"wrote {path}")


@cli.command("list")
@click.option("--content", type=_dir, default=None, help="Also list the topics in this folder.")
def list_cmd(content: Path | None) -> None:
    """List the topics and each topic's routines."""
    from handout.errors import ValidationFailed
    from handout.load.content import list_topics, load_topic, topic_dirs

    topics = list_topics(topic_dirs(content))
    if not topics:
        raise HandoutError("no topics found", where=str(content or "content"), hint="add a topic file (see content/README.md)")
    for topic_id, path in topics.items():
        try:
            topic = load_topic(path)
        except ValidationFailed as exc:
            click.echo(f"{topic_id}  (has {len(exc.problems)} problem(s); run: handout check {path})")
            continue
        click.echo(f"{topic_id}  {topic.title.striptags()}")
        for rid, routine in topic.routines.items():
            click.echo(f"    {rid:<24} {routine.title.striptags()}")


@cli.command()
@click.argument("topic")
@document_options
def guide(topic: str, output: Path | None, brand_file: Path | None, paper: str | None, client: str | None,
          note: str | None, templates: Path | None, content: Path | None, force: bool, dose: tuple[str, ...],
          log: str | None, large_print: bool) -> None:
    """Make the full guide for TOPIC (default file: ./TOPIC-guide.pdf)."""
    from handout.build import Request

    req = Request("guide", topic, brand_file=brand_file, paper=paper, client=client, note=note,
                  templates=templates, content=content, dose=_dose(dose), log_days=_log(log), large_print=large_print)
    _make(req, output, force)


@cli.command()
@click.argument("topic")
@click.argument("routine")
@click.option("--size", type=click.Choice(CARD_SIZES, case_sensitive=False), default=None,
              help="Card size (default: half-letter, or a5 when the paper is a4).")
@document_options
def card(topic: str, routine: str, size: str | None, output: Path | None, brand_file: Path | None, paper: str | None,
         client: str | None, note: str | None, templates: Path | None, content: Path | None, force: bool,
         dose: tuple[str, ...], log: str | None, large_print: bool) -> None:
    """Make a card with one ROUTINE of TOPIC (default file: ./TOPIC-ROUTINE-card.pdf)."""
    from handout.build import Request

    req = Request("card", topic, routine=routine, brand_file=brand_file, paper=paper,
                  card_size=size, client=client, note=note, templates=templates, content=content, dose=_dose(dose),
                  log_days=_log(log), large_print=large_print)
    _make(req, output, force)


def _back_offset(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[float, float]:
    """``DX,DY`` in millimetres, each within ±10."""
    if value is None:
        return (0.0, 0.0)
    parts = value.replace(" ", "").split(",")
    try:
        dx, dy = (float(p) for p in parts)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not two numbers of millimetres; write it like 1.5,-1 (across, then up)") from None
    if max(abs(dx), abs(dy)) > 10:
        raise click.BadParameter(f"'{value}' moves the back by more than 10 mm; print the test with --calibrate and read it again")
    return (dx, dy)


@cli.command()
@click.argument("topic", required=False)
@click.argument("routines", nargs=-1)
@click.option("--per-sheet", type=click.Choice(["2", "4"]), default="2", show_default=True,
              help="Cards to a sheet: 2 half-letter (A5) or 4 quarter-letter (A6).")
@click.option("--copies", type=click.IntRange(1, 500), default=1, show_default=True, help="Copies of each card.")
@click.option("--duplex", is_flag=True, help="Two-sided: each card's back on the back of the sheet (flip on the long edge).")
@click.option("--back-offset", callback=_back_offset, metavar="DX,DY",
              help="Move the backs by DX,DY mm (right, up, as you look at the back); read it off --calibrate.")
@click.option("--calibrate", is_flag=True, help="Print the two-sided test sheet that tells you the --back-offset to use.")
@document_options
def sheet(topic: str | None, routines: tuple[str, ...], per_sheet: str, copies: int, duplex: bool, back_offset: tuple[float, float],
          calibrate: bool, output: Path | None, brand_file: Path | None, paper: str | None, client: str | None, note: str | None,
          templates: Path | None, content: Path | None, force: bool, dose: tuple[str, ...], log: str | None, large_print: bool) -> None:
    """Cards of ROUTINE(s) of TOPIC, several to a Letter or A4 sheet, with cut marks
    (default file: ./TOPIC-ROUTINE-sheet.pdf, or ./TOPIC-sheet.pdf for several routines).

    \b
    Examples:
      handout sheet piriformis side-stretch belly-dancer --per-sheet 2
      handout sheet piriformis side-stretch --per-sheet 4 --copies 4 --duplex
      handout sheet --calibrate        print it two-sided; it gives the --back-offset
    """
    from handout.load.brand import load_brand

    paper = paper or load_brand(brand_file).paper
    if calibrate:
        from handout.impose import make_calibration

        if topic:
            raise click.UsageError("--calibrate prints the test sheet only; leave out the topic and routines")
        click.echo(f"wrote {make_calibration(paper, output, force)}")
        return
    if not topic or not routines:
        raise click.UsageError("give a topic and at least one routine, e.g. handout sheet piriformis side-stretch "
                               "(handout list shows them), or --calibrate")
    if back_offset != (0.0, 0.0) and not duplex:
        raise click.UsageError("--back-offset moves the backs of a two-sided sheet; add --duplex")
    from handout.build import Request
    from handout.impose import SheetRequest, make_sheets

    cards = tuple(Request("card", topic, routine=r, brand_file=brand_file, paper=paper, client=client, note=note,
                          templates=templates, content=content, dose=_dose(dose),
                          log_days=_log(log) if log is not None else 0, large_print=large_print) for r in routines)  # a log only when asked
    req = SheetRequest(cards, paper, int(per_sheet), copies, duplex, back_offset)
    click.echo(f"wrote {make_sheets(req, output, force)}")


@cli.command()
@click.argument("paths", nargs=-1, type=_path)
@click.option("--templates", type=_dir, default=None, help="Also render the templates in this folder with the built-in topics.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1), e.g. in CI.")
def check(paths: tuple[Path, ...], templates: Path | None, strict: bool) -> None:
    """Check topic files, brand files and folders; list every problem found.

    With no PATH, checks the built-in topics and the brand that would be used.
    Errors stop a file from printing; warnings print but should be fixed.
    """
    from handout.check import check_paths

    report = check_paths(list(paths), templates)
    label = "error" if strict else "warning"
    for problem in report.errors:
        click.echo(f"error: {problem}")
    for problem in report.warnings:
        click.echo(f"{label}: {problem}")
    errors = len(report.errors) + (len(report.warnings) if strict else 0)
    summary = f"{len(report.errors)} error(s) and {len(report.warnings)} warning(s) in {report.files} file(s)."
    if errors:
        click.echo(summary, err=True)
        sys.exit(1)
    click.echo(summary if report.warnings else f"No problems in {report.files} file(s).")


@cli.command()
@click.argument("directory", type=_dir, default=".", required=False)
def init(directory: Path) -> None:
    """Write a starter brand.toml and placeholder logo into DIRECTORY (never overwrites)."""
    from handout.load.brand import STARTER
    from handout.resources import asset

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HandoutError(f"cannot create the folder ({exc.strerror})", where=str(directory)) from None
    files = {"brand.toml": STARTER.encode("utf-8"), "logo.png": asset("default-logo.png").read_bytes()}
    for name, data in files.items():
        target = directory / name
        try:
            with open(target, "xb") as fh:  # 'x': fail rather than overwrite
                fh.write(data)
        except FileExistsError:
            click.echo(f"kept {target} (it already exists; nothing was changed)")
            continue
        except OSError as exc:
            raise HandoutError(f"cannot write the file ({exc.strerror})", where=str(target)) from None
        click.echo(f"wrote {target}")
    click.echo(f"Next: edit {directory / 'brand.toml'}, put your logo in place, then run: handout guide piriformis")


@cli.command("program")
@click.argument("saved", required=False, type=_path)
@click.option("-r", "--routine", "refs", multiple=True, metavar="TOPIC/ROUTINE",
              help="A routine to include, in order (repeatable); a routine id that only one topic has may be given alone.")
@click.option("--title", default=None, help="The programme's title (default: \"Your exercise programme\").")
@click.option("--save", "save_to", type=_path, default=None, help="Also save the programme to this .toml file, to print it again for anyone.")
@click.option("--cards", is_flag=True, help="Print the programme as cards, one per routine, in one file.")
@click.option("--size", type=click.Choice(CARD_SIZES, case_sensitive=False), default=None, help="With --cards: the card size.")
@click.option("--per-sheet", type=click.Choice(["2", "4"]), default=None, help="With --cards: the cards 2 or 4 to a sheet, with cut marks.")
@document_options
def program_cmd(saved: Path | None, refs: tuple[str, ...], title: str | None, save_to: Path | None, cards: bool,
                size: str | None, per_sheet: str | None, output: Path | None, brand_file: Path | None, paper: str | None,
                client: str | None, note: str | None, templates: Path | None, content: Path | None, force: bool,
                dose: tuple[str, ...], log: str | None, large_print: bool) -> None:
    """Make one handout with routines picked from any topics: -r TOPIC/ROUTINE … or a saved SAVED.toml.

    \b
    Examples:
      handout program -r piriformis/side-stretch -r heel-pain/calf-stretch-wall --client "Sam Lee"
      handout program -r side-stretch -r bridge --dose bridge.repeats=10 --save hip-week-1.toml
      handout program hip-week-1.toml --client "Ana Ruiz"
      handout program hip-week-1.toml --client "Ana Ruiz" --cards --per-sheet 2
    """
    from handout.build import Request
    from handout.program import choose

    if (size or per_sheet) and not cards:
        raise click.UsageError("--size and --per-sheet are for cards; add --cards")
    if size and per_sheet:
        raise click.UsageError("--per-sheet chooses the card size itself; leave out --size")

    spec, where = choose(saved, refs, title, note, content, _dose(dose))
    if log is not None:  # --log replaces the saved programme's days (and is saved with --save)
        from dataclasses import replace

        spec = replace(spec, log_days=_log(log))
    if save_to is not None:
        from handout.program import save

        save(spec, save_to, force)
        click.echo(f"saved {save_to}")
    req = Request("program", "", brand_file=brand_file, paper=paper, client=client, note=note, templates=templates,
                  content=content, program=spec, program_file=where, large_print=large_print)
    if cards:
        from handout.program import make_cards

        click.echo(f"wrote {make_cards(req, output, force, size, int(per_sheet) if per_sheet else None)}")
        return
    _make(req, output, force)


@cli.command("batch")
@click.argument("csv_file", metavar="CSV", type=_path)
@click.option("--topic", default=None, help="The topic for every row (not needed when every row names a saved programme).")
@click.option("--routine", default=None, help="Make a card of this routine (default: the full guide). A 'routine' column overrides it per row.")
@click.option("--out", "out_dir", type=_dir, default=Path("handouts"), show_default=True, help="Folder for the PDFs.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="Parallel workers (default: the number of cores).")
@click.option("--brand", "brand_file", type=_path, default=None, help="Your brand.toml (default: HANDOUT_BRAND, then ./brand.toml).")
@click.option("--paper", type=click.Choice(PAPERS, case_sensitive=False), default=None, help="Paper size.")
@click.option("--size", type=click.Choice(CARD_SIZES, case_sensitive=False), default=None, help="Card size, with --routine.")
@click.option("--templates", type=_dir, default=None, help="Your own templates folder.")
@click.option("--content", type=_dir, default=None, help="Your own content folder.")
@click.option("--dose", "dose", multiple=True, metavar="[ROUTINE.]KEY=VALUE",
              help="A dose for every row (repeatable); the columns hold, repeats, sides, how_often set it per row.")
@click.option("--combine", "combine_to", type=_path, default=None, metavar="FILE.pdf",
              help="Write every row into this one PDF, in CSV order, with a bookmark per client (instead of --out).")
@click.option("--per-sheet", type=click.Choice(["2", "4"]), default=None,
              help="With --combine: the cards on sheets, 2 or 4 to a page, with cut marks (see: handout sheet --help).")
@click.option("--duplex", is_flag=True, help="With --per-sheet: two-sided, the backs on every second page.")
@click.option("--back-offset", callback=_back_offset, metavar="DX,DY", help="With --duplex: move the backs by DX,DY mm.")
@click.option("--log", "log", default=None, metavar="DAYS|none",
              help="Days of the tick-log for every row (default 14; none leaves it out); a 'log' column sets it per row.")
@click.option("--large-print", is_flag=True, help="Large print for every row (see: handout guide --help).")
def batch_cmd(csv_file: Path, topic: str | None, routine: str | None, out_dir: Path, jobs: int | None, brand_file: Path | None,
              paper: str | None, size: str | None, templates: Path | None, content: Path | None, dose: tuple[str, ...],
              combine_to: Path | None, per_sheet: str | None, duplex: bool, back_offset: tuple[float, float],
              log: str | None, large_print: bool) -> None:
    """Make one personalised PDF per row of CSV (columns: client, note, and optionally routine, output,
    program (a saved programme .toml, instead of --topic), and the dose: hold, repeats, sides, how_often).

    Commas, semicolons or tabs may separate the values; quote a value that contains them.

    \b
    Example CSV:
      client,note
      Sam Lee,Twice a day this week
      Ana Ruiz,
    """
    import os

    from handout.batch import Stopped, batch
    from handout.build import Request

    base = Request("card" if routine else "guide", topic or "", routine=routine, brand_file=brand_file,
                   paper=paper, card_size=size, templates=templates, content=content, dose=_dose(dose),
                   log_days=_log(log) if log is not None or per_sheet is None else 0, large_print=large_print)  # cards on sheets: a log only when asked
    workers = jobs or os.cpu_count() or 1
    bar: Any = None

    def on_start(n: int) -> None:
        nonlocal bar
        if sys.stderr.isatty() and n > 1:
            bar = click.progressbar(length=n, label="Writing", file=sys.stderr)
            bar.__enter__()

    def tick(n: int) -> None:
        if bar is not None:
            bar.update(n)

    if combine_to is None and (per_sheet or duplex):
        raise click.UsageError("--per-sheet and --duplex lay out one combined file; add --combine FILE.pdf")
    if per_sheet is None and (duplex or back_offset != (0.0, 0.0)):
        raise click.UsageError("--duplex and --back-offset are for cards on sheets; add --per-sheet 2 or 4")
    if back_offset != (0.0, 0.0) and not duplex:
        raise click.UsageError("--back-offset moves the backs of a two-sided sheet; add --duplex")
    stopped: Stopped | None = None
    try:
        if combine_to is not None:
            from handout.combine import Sheets, combine

            sheets = Sheets(int(per_sheet), duplex, back_offset) if per_sheet else None
            summary = combine(csv_file, base, combine_to, workers, sheets, progress=tick, on_start=on_start)
        else:
            summary = batch(csv_file, base, out_dir, workers, progress=tick, on_start=on_start)
    except Stopped as exc:  # kill (SIGTERM): the workers are stopped too
        stopped = exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if stopped is not None:
        click.echo("stopped; the files already written are whole, nothing was half-written", err=True)
        sys.exit(stopped.code)
    for _row, message in summary.failed:
        click.echo(f"error: {message}", err=True)
    where = out_dir if combine_to is None else (combine_to if summary.written else "nothing written")
    click.echo(f"{len(summary.written)} written, {len(summary.failed)} failed, in {summary.seconds:.1f} s ({where})")
    if summary.failed:
        sys.exit(1)


def main() -> None:
    cli(prog_name="handout")
