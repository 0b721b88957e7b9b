"""A programme for one client: routines picked from any topics, in the therapist's order.

:func:`assemble` loads every topic involved once, writes the client's dose into
each picked routine, and merges what the topics share: their warning signs
(each line once, emergency signs before the see-a-doctor-soon ones), their
sources and disclaimers. The result is plain data for the ``program`` template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from markupsafe import Markup

from handout.build import Request
from handout.dose import Setting, set_dose, setting
from handout.errors import ContentError, Problem, ValidationFailed
from handout.load.content import list_topics, load_topic
from handout.model import Pick, Program, ProgramItem, ProgramSpec, Topic, plain

#: the red-flag section of a topic: its lists, in order, are "get help now" then "see a doctor soon"
ALERT_CLASS = "alert"


def assemble(spec: ProgramSpec, dirs: Sequence[Path], extra: Sequence[Setting] = (), where: str = "") -> Program:
    """The programme *spec* made concrete; *extra* are ``ROUTINE.KEY=VALUE`` settings from the command line."""
    found = list_topics(dirs)
    topics: dict[str, Topic] = {}
    for pick in spec.picks:
        if pick.topic not in topics:
            topics[pick.topic] = load_topic(found[pick.topic])
    problems: list[Problem] = []
    per_pick: list[list[Setting]] = []
    for n, pick in enumerate(spec.picks, start=1):
        settings = []
        for key, text in pick.dose:
            one = setting(pick.routine, key, text, f"{where or 'programme'}: routine {n} ({pick.ref}): {key}", problems)
            if one is not None:
                settings.append(one)
        per_pick.append(settings)
    by_id: dict[str, list[int]] = {}
    for i, pick in enumerate(spec.picks):
        by_id.setdefault(pick.routine, []).append(i)
        by_id.setdefault(pick.ref, []).append(i)
    for s in extra:
        targets = by_id.get(s.routine or "", [])
        if not targets:
            from handout.dose import suggest

            hint = suggest(s.routine or "", [p.routine for p in spec.picks]) or f"the programme's routines: {', '.join(p.ref for p in spec.picks)}"
            problems.append(Problem(s.where, f"the programme has no routine '{s.routine}'", hint))
        for i in dict.fromkeys(targets):
            per_pick[i].append(s)
    if problems:
        raise ValidationFailed(problems)
    items = tuple(
        ProgramItem(n, pick.topic, topics[pick.topic].title, set_dose(topics[pick.topic].routines[pick.routine], per_pick[n - 1]))
        for n, pick in enumerate(spec.picks, start=1)
    )
    involved = tuple(topics.values())
    return Program(
        title=spec.title,
        note=spec.note,
        items=items,
        topics=involved,
        warnings=merge_warnings(involved),
        disclaimers=tuple(_unique(t.disclaimer for t in involved)),
        sources=tuple({(s.url or plain(s.title)): s for t in involved for s in t.sources}.values()),
        log_days=spec.log_days,
    )


def merge_warnings(topics: Sequence[Topic]) -> tuple[tuple[Markup, ...], ...]:
    """Each topic's red-flag lists merged by position, every line once (compared as plain words)."""
    tiers: list[list[Markup]] = []
    for topic in topics:
        lists = [b.items for s in topic.sections if ALERT_CLASS in s.classes for b in s.blocks if b.kind == "bullets"]
        for n, items in enumerate(lists):
            if n == len(tiers):
                tiers.append([])
            tiers[n].extend(items)
    seen: list[list[str]] = []  # shared by the tiers: a line kept in one is not repeated in a later one
    return tuple(tuple(_unique(tier, seen)) for tier in tiers)


def _same(a: list[str], b: list[str]) -> bool:
    """Two warning lines say the same thing: (nearly) the same words in the same order.

    "A fever, or you feel very unwell" and "You have a fever, or you feel very
    unwell" are one line; "Chest pain" and "Pain at night" are two.
    """
    from difflib import SequenceMatcher

    return a == b or SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85


def _words(text: Markup) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", plain(text).lower()).split())


def _unique(texts: Iterable[Markup], seen: list[list[str]] | None = None) -> list[Markup]:
    """*texts* without the lines that say (nearly) the same as an earlier one, or as one in *seen*
    (which is extended with the lines kept)."""
    seen = [] if seen is None else seen
    out = []
    for text in texts:
        words = _words(text).split()
        if not any(_same(words, other) for other in seen):
            seen.append(words)
            out.append(text)
    return out


DEFAULT_TITLE = "Your exercise programme"


def choose(saved: Path | None, refs: Sequence[str], title: str | None, note: str | None, content: Path | None,
           settings: Sequence[Setting]) -> tuple[ProgramSpec, str]:
    """The programme the command line asks for, and where its mistakes are reported.

    Either a saved file or ``-r`` references; ``--title``, ``--note`` and
    ``--dose ROUTINE.KEY=VALUE`` change it (and are saved with ``--save``).
    """
    from handout.errors import InputError
    from handout.load.content import topic_dirs
    from handout.load.program import DEFAULT_LOG_DAYS, MAX_PICKS, load_program, resolve

    dirs = topic_dirs(content)
    if saved is not None and refs:
        raise InputError("give either a saved programme or -r routines, not both", where=str(saved), hint="drop the -r options, or the file")
    if saved is not None:
        spec = load_program(saved, dirs)
        where = str(saved)
    else:
        if not refs:
            raise InputError("no routines given", where="-r", hint="add -r TOPIC/ROUTINE for each routine (see 'handout list'), or give a saved programme")
        if len(refs) > MAX_PICKS:
            raise InputError(f"{len(refs)} routines are more than the {MAX_PICKS} a programme may hold", where="-r", hint="split them into two programmes")
        problems: list[Problem] = []
        picks = []
        for ref in refs:
            try:
                picks.append(Pick(resolve(ref, dirs)))
            except ContentError as exc:
                problems.append(Problem(f"-r {ref}", exc.problem.message, exc.problem.hint))
        if problems:
            raise ValidationFailed(problems)
        spec = ProgramSpec(title=DEFAULT_TITLE, picks=tuple(picks), log_days=DEFAULT_LOG_DAYS)
        where = "-r"
    spec = with_settings(spec, settings)
    if title is not None:
        spec = replace(spec, title=_option_text(title, "--title", 80))
    if note is not None:
        spec = replace(spec, note=_option_text(note, "--note", 300))
    return spec, where


def with_settings(spec: ProgramSpec, settings: Sequence[Setting]) -> ProgramSpec:
    """*spec* with ``ROUTINE.KEY=VALUE`` settings written into its picks, so that they are saved too."""
    problems: list[Problem] = []
    picks = list(spec.picks)
    for s in settings:
        hits = [i for i, p in enumerate(picks) if s.routine in (p.routine, p.ref)]
        if not hits:
            from handout.dose import suggest

            hint = suggest(s.routine or "", [p.routine for p in picks]) or f"the programme's routines: {', '.join(p.ref for p in picks)}"
            what = f"the programme has no routine '{s.routine}'" if s.routine else "does not say which routine"
            problems.append(Problem(s.where, what, hint if s.routine else f"write ROUTINE.{s.key}=…, e.g. --dose {picks[0].routine}.{s.key}=…"))
        for i in hits:
            dose = dict(picks[i].dose)
            dose[s.key] = setting_text(s)
            picks[i] = replace(picks[i], dose=tuple((k, dose[k]) for k in DOSE_ORDER if k in dose))
    if problems:
        raise ValidationFailed(problems)
    return replace(spec, picks=tuple(picks))


DOSE_ORDER = ("hold", "repeats", "sides", "how_often")


def setting_text(s: Setting) -> str:
    """A setting written back as a person would type it (``30s``, ``15-30s``, ``twice a day``)."""
    if s.key == "hold":
        lo, hi = s.value
        return f"{lo}s" if lo == hi else f"{lo}-{hi}s"
    return plain(s.value) if isinstance(s.value, Markup) else str(s.value)


def save(spec: ProgramSpec, path: Path, force: bool = False) -> None:
    """Write *spec* to *path* as TOML, atomically; never over a file that is not a saved programme."""
    from handout.load.program import MAGIC, dump_program
    from handout.write.output import check_target, write_atomic

    check_target(path, force, suffix=".toml", magic=MAGIC)
    write_atomic(path, dump_program(spec).encode("utf-8"), magic=MAGIC)


def _option_text(text: str, option: str, limit: int) -> str:
    """``--title``/``--note`` checked as a client's name or note is."""
    from handout.build import person_text
    from handout.errors import InputError

    clean, wrong, hint = person_text(text, limit, "type the text again")
    if not wrong and not clean:
        wrong, hint = "is empty", "write some text"
    if wrong:
        raise InputError(wrong, where=option, hint=hint)
    return clean


# -- the programme as cards ------------------------------------------------------------


def card_requests(req: Request, size: str | None = None) -> list[Request]:
    """One card request per routine of the programme *req*, each with the client and that routine's dose."""
    assert req.program is not None
    problems: list[Problem] = []
    out = []
    for n, pick in enumerate(req.program.picks, start=1):
        where = f"{req.program_file or 'programme'}: routine {n} ({pick.ref})"
        dose = [s for key, text in pick.dose if (s := setting(None, key, text, f"{where}: {key}", problems)) is not None]
        dose += [replace(s, routine=None) for s in req.dose if s.routine in (pick.routine, pick.ref)]
        out.append(replace(req, kind="card", topic=pick.topic, routine=pick.routine, card_size=size, dose=tuple(dose),
                           note=req.note if req.note is not None else (req.program.note or None), program=None,
                           log_days=req.program.log_days))
    if problems:
        raise ValidationFailed(problems)
    return out


def make_cards(req: Request, output: Path | None, force: bool, size: str | None, per_sheet: int | None) -> Path:
    """The programme as cards in one file: one after the other, or *per_sheet* to a sheet with cut marks."""
    from handout.build import render
    from handout.write.output import check_target

    assert req.program is not None
    path = output or Path(str(req.default_output()).removesuffix(".pdf") + "-cards.pdf")
    check_target(path, force)
    cards = card_requests(req, size)
    if per_sheet is not None:
        from handout.impose import SheetRequest, render_sheets
        from handout.load.brand import load_brand
        from handout.write.output import write_atomic

        paper = req.paper or load_brand(req.brand_file).paper
        cards = [replace(c, log_days=0) for c in cards]  # one side each on a sheet: no tick-log
        write_atomic(path, render_sheets(SheetRequest(tuple(cards), paper, per_sheet)))
        return path
    from handout.write.combined import combined_file

    made = [(plain(r.title), render(card)) for r, card in zip(assemble(req.program, topic_dirs_of(req)).routines, cards)]
    with combined_file(path, req.program.title) as out:
        for title, data in made:
            out.add(data, [(title, 0)])
        out.commit()
    return path


def topic_dirs_of(req: Request) -> list[Path]:
    from handout.load.content import topic_dirs

    return topic_dirs(req.content)
