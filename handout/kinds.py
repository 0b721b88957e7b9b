"""The kinds of document handout makes, in one table.

Each kind says which template lays it out, what page it is printed on (the
paper, or a card size), what its file is called by default and in a batch, how
many pages it may take, and whether it uses the compact spacing of cards. The
build, the batch, the layout and the command line look a kind up here instead
of testing its name, so a new kind is one more entry. Plain data: no ReportLab.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Page = Literal["paper", "card"]


@dataclass(frozen=True)
class DocKind:
    name: str
    #: the template that lays it out (``TEMPLATE.xml.j2``); empty when it is put together from other kinds
    template: str
    #: printed on the paper (Letter/A4) or on a card size
    page: Page
    #: the file written when no -o is given; fields: {topic}, {routine}, {client} (the client's name as a file name)
    output: str
    #: a batch row's file name without ".pdf", same fields
    batch_output: str
    #: at most this many pages (0: as many as it needs); a card has its front and its back
    max_pages: int = 0
    #: the tighter spacing of small pages
    compact: bool = False
    #: which routine it shows must be given
    needs_routine: bool = False
    #: what it is, in words (PDF keywords, titles)
    label: str = ""
    #: what it is made from: a topic, or a programme of routines from several topics
    source: Literal["topic", "program"] = "topic"

    def output_name(self, topic: str = "", routine: str = "", client: str = "") -> str:
        """The default file name; a field left empty is left out with its hyphen (``program.pdf``)."""
        return _fill(self.output, topic, routine, client)

    def batch_name(self, topic: str = "", routine: str = "", client: str = "") -> str:
        return _fill(self.batch_output, topic, routine, client)


def _fill(pattern: str, topic: str, routine: str, client: str) -> str:
    name = pattern.format(topic=topic, routine=routine, client=client)
    return re.sub(r"-{2,}", "-", name).lstrip("-").replace("-.", ".")


GUIDE = DocKind("guide", "guide", "paper", "{topic}-guide.pdf", "{topic}-{client}", label="self-care guide")
CARD = DocKind("card", "card", "card", "{topic}-{routine}-card.pdf", "{topic}-{routine}-{client}", max_pages=2, compact=True,
               needs_routine=True, label="self-care card")
#: the clinic's side of a card printed two-sided, for a card whose routine fits on its front
CARD_BACK = DocKind("card-back", "", "card", "{topic}-{routine}-back.pdf", "{topic}-{routine}-{client}-back", max_pages=1,
                    compact=True, label="card back")
#: cards imposed several to a page of paper, with cut marks
SHEET = DocKind("sheet", "", "paper", "{topic}-{routine}-sheet.pdf", "{topic}-{routine}-{client}-sheet", compact=True,
                needs_routine=True, label="cards on sheets")
PROGRAM = DocKind("program", "program", "paper", "{client}-program.pdf", "{client}-program", label="exercise programme",
                  source="program")

KINDS: dict[str, DocKind] = {k.name: k for k in (GUIDE, CARD, CARD_BACK, SHEET, PROGRAM)}


def kind(name: str) -> DocKind:
    return KINDS[name]
