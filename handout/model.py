"""The data every stage passes on: a topic with its routines, and a brand.

Text that a reader sees is held as :class:`markupsafe.Markup`: already escaped,
carrying at most ``<b>`` and ``<i>``. Templates print it as it is; anything else
(brand fields, a client's name) is plain text and gets escaped on the way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup


def plain(text: Markup | str) -> str:
    """Text without its inline tags, for PDF metadata and bookmarks."""
    return Markup(text).striptags() if isinstance(text, Markup) else str(text)


@dataclass(frozen=True)
class Dose:
    """How long, how many and how often. ``set_for_client`` names the values
    (``hold``, ``repeats``, ``sides``, ``how_often``) the practitioner set for
    this client; the others are the topic's defaults."""

    how_often: Markup
    hold_seconds: tuple[int, int] | None = None
    repeats: str | None = None
    sides: str | None = None
    set_for_client: frozenset[str] = frozenset()

    @property
    def hold(self) -> str:
        """The hold time in words, e.g. ``15–30 seconds`` or ``1 minute``."""
        if self.hold_seconds is None:
            return ""
        lo, hi = self.hold_seconds
        if lo >= 60 and lo % 60 == 0 and hi % 60 == 0:
            lo, hi = lo // 60, hi // 60
            unit = "minute" if hi == 1 else "minutes"
        else:
            unit = "second" if hi == 1 else "seconds"
        return f"{lo} {unit}" if lo == hi else f"{lo}\u2013{hi} {unit}"

    @property
    def repeat(self) -> str:
        """The repeats in words: ``3`` reads "3 times", ``1`` "once"; text stays as written."""
        text = self.repeats or ""
        if text.isdigit():
            return "once" if int(text) == 1 else f"{int(text)} times"
        return text

    @property
    def personal(self) -> bool:
        """Whether any value was set for this client."""
        return bool(self.set_for_client)

    def rows(self) -> list[tuple[str, str, bool]]:
        """(label, value, set for this client) in reading order, empty ones left out."""
        rows = [
            ("Hold", self.hold, "hold"),
            ("Repeat", self.repeat, "repeats"),
            ("Sides", self.sides or "", "sides"),
            ("How often", self.how_often, "how_often"),
        ]
        return [(label, value, key in self.set_for_client) for label, value, key in rows if value]

    def items(self) -> list[tuple[str, str]]:
        """The dose as label/value pairs, in reading order, empty ones left out."""
        return [(label, value) for label, value, _ in self.rows()]

    @property
    def sessions_per_day(self) -> int:
        """Tick boxes a day in a log: "twice a day" gives 2; unknown wording 1."""
        from handout.dose import sessions

        return sessions(self.how_often)[0]

    @property
    def every_other_day(self) -> bool:
        from handout.dose import sessions

        return sessions(self.how_often)[1]

    def summary(self) -> Markup:
        """The dose on one line, e.g. "Hold 30 seconds · 3 times · both sides · Twice a day"."""
        parts = [p for p in (f"Hold {self.hold}" if self.hold else "", self.repeat, self.sides or "", self.how_often) if p]
        if parts and not isinstance(parts[0], Markup):
            parts[0] = parts[0][:1].upper() + parts[0][1:]
        return Markup(" \u00b7 ").join(parts)


@dataclass(frozen=True)
class Picture:
    """A picture of a routine or a step: a built-in figure (``figure``) or a clinic's
    own file (``src`` as written in the topic, ``path`` resolved), with its alt text."""

    alt: str
    figure: str | None = None
    src: str | None = None
    file: Path | None = None  # never reaches a template: the layout finds it by ``key``
    where: str = ""  # the topic file, line and key that name it

    @property
    def key(self) -> str:
        """How a template names this picture: ``<figure src="{{ picture.key }}">``."""
        return self.src or self.figure or ""


@dataclass(frozen=True)
class Routine:
    id: str
    title: Markup
    purpose: Markup
    steps: tuple[Markup, ...]
    dose: Dose
    stop_if: Markup
    equipment: Markup | None = None
    caution: Markup | None = None
    picture: Picture | None = None
    #: a picture for each step, or ``None``; as long as ``steps`` (empty when no step has one)
    step_pictures: tuple[Picture | None, ...] = ()
    #: a video of the routine (https), shown as a QR code beside it
    video: str | None = None

    @property
    def pictures(self) -> list[Picture]:
        """Every picture of the routine, its own first."""
        return [p for p in (self.picture, *self.step_pictures) if p is not None]


@dataclass(frozen=True)
class Block:
    """One block of a section body.

    ``kind`` is one of ``paragraph``, ``heading``, ``bullets``, ``numbers``,
    ``routine``. New kinds (an illustration, a QR code, a tick-log) are new
    values here and a new macro in the templates.
    """

    kind: str
    line: int
    text: Markup | None = None
    items: tuple[Markup, ...] = ()
    routine: Routine | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: Markup
    line: int
    classes: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()

    @property
    def routines(self) -> list[Routine]:
        return [b.routine for b in self.blocks if b.routine is not None]


@dataclass(frozen=True)
class Source:
    title: Markup
    url: str


@dataclass(frozen=True)
class Topic:
    id: str
    path: Path
    title: Markup
    summary: Markup
    reviewed: dt.date
    disclaimer: Markup
    sources: tuple[Source, ...]
    routines: dict[str, Routine]
    intro: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    subtitle: Markup | None = None
    language: str = "en"

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(frozen=True)
class FontFiles:
    """A brand's own typeface: four TTF/OTF files."""

    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@dataclass(frozen=True)
class Brand:
    name: str
    path: Path | None = None
    tagline: str = ""
    practitioner: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    logo: Path | None = None
    primary: str = "#1F5F7A"
    accent: str = "#E0A526"
    paper: str = "letter"
    card_size: str | None = None
    fonts: FontFiles | None = None
    #: the clinic's online booking page (https), shown as a QR code
    booking: str = ""

    @property
    def contact(self) -> list[str]:
        """The contact details that are set, in the order a footer shows them."""
        return [v for v in (self.phone, self.email, self.website, self.address) if v]

    @property
    def display_path(self) -> str:
        return str(self.path) if self.path else "built-in brand"


@dataclass(frozen=True)
class Pick:
    """One routine of a programme: ``topic/routine`` and the dose set for it, as written."""

    ref: str
    dose: tuple[tuple[str, str], ...] = ()

    @property
    def topic(self) -> str:
        return self.ref.partition("/")[0]

    @property
    def routine(self) -> str:
        return self.ref.partition("/")[2]


@dataclass(frozen=True)
class ProgramSpec:
    """Routines picked from any topics for one client; no client's name is kept in it."""

    title: str
    picks: tuple[Pick, ...]
    note: str = ""
    log_days: int = 14  # 0: no log


@dataclass(frozen=True)
class Inputs:
    """One document's inputs, loaded and validated: what the layout stage needs."""

    topic: Topic
    brand: Brand
    routine: Routine | None
    client: str
    note: str
    program: Program | None = None


@dataclass(frozen=True)
class ProgramItem:
    """One routine of a programme as printed: its place, the topic it comes from, the client's dose in it."""

    number: int
    topic_id: str
    topic_title: Markup
    routine: Routine


@dataclass(frozen=True)
class Program:
    """A programme made concrete: picked routines, and what their topics share, merged."""

    title: str
    note: str
    items: tuple[ProgramItem, ...]
    topics: tuple[Topic, ...]
    #: warning signs over every topic, each line once: [0] get help now, [1] see a doctor soon
    warnings: tuple[tuple[Markup, ...], ...]
    disclaimers: tuple[Markup, ...]
    #: every topic's sources, each once (by address), in the order the topics come
    sources: tuple[Source, ...]
    log_days: int

    @property
    def routines(self) -> tuple[Routine, ...]:
        return tuple(item.routine for item in self.items)
