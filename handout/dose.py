"""The dose a practitioner sets for one client, and how many sessions a day it asks for.

``--dose hold=30s`` (a card), ``--dose side-stretch.repeats=3`` (a guide) and
the batch columns ``hold``, ``repeats``, ``sides``, ``how_often`` all become
:class:`Setting` values here: parsed and checked once, each remembering where it
came from, so a mistake is reported against the option or the CSV cell.
:func:`apply` then writes them into the routines, recording in
``Dose.set_for_client`` which values were set this way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup, escape

from handout.errors import InputError, Problem, ValidationFailed
from handout.load.schema import describe_bad_char, did_you_mean, find_bad_char
from handout.model import Block, Routine, Section, Topic

#: the keys a dose setting may name, with the longest text each may hold
KEYS: dict[str, int] = {"hold": 0, "repeats": 40, "sides": 40, "how_often": 60}
HOLD_MAX_SECONDS = 3600
EXAMPLES = {
    "hold": "30s, 30 seconds, 15-30s or 1 min",
    "repeats": "3, or a short text such as 'each sore spot'",
    "sides": "'both sides' or 'the side that hurts'",
    "how_often": "'twice a day' or 'daily'",
}

_UNIT_SECONDS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
                 "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60}
_HOLD_RE = re.compile(
    r"(\d+(?:\.\d+)?)\s*([a-z]*)\s*(?:(?:-|\u2013|to)\s*(\d+(?:\.\d+)?)\s*([a-z]*))?",
)


@dataclass(frozen=True)
class Setting:
    """One dose value set for a client: ``routine`` is ``None`` when not named (a card)."""

    routine: str | None
    key: str
    value: Any  # (lo, hi) seconds for hold; Markup for how_often; str otherwise
    where: str


def parse_hold(text: str) -> tuple[int, int]:
    """``30s``, ``30 seconds``, ``15-30s``, ``15 to 30 seconds``, ``1 min``, ``1-2 min``, ``45``."""
    m = _HOLD_RE.fullmatch(" ".join(text.lower().split()))
    if not m:
        raise ValueError(f"'{text}' is not a hold time")
    lo_n, lo_unit, hi_n, hi_unit = m.groups()
    for unit in (lo_unit, hi_unit):
        if unit and unit not in _UNIT_SECONDS:
            raise ValueError(f"'{unit}' in '{text}' is not a unit of time")
    unit = _UNIT_SECONDS[hi_unit or lo_unit or "s"]
    lo_unit_s = _UNIT_SECONDS[lo_unit] if lo_unit else unit
    lo = float(lo_n) * lo_unit_s
    hi = float(hi_n) * unit if hi_n else lo
    if lo != int(lo) or hi != int(hi):
        raise ValueError(f"'{text}' is not a whole number of seconds")
    if not 1 <= lo <= hi <= HOLD_MAX_SECONDS:
        raise ValueError(f"'{text}' is not a sensible hold time (1 second to 1 hour, shorter time first)")
    return int(lo), int(hi)


def check_value(key: str, text: str, where: str) -> tuple[Any, Problem | None]:
    """The value for *key* from *text*, or a problem located at *where*."""
    name = key.replace("_", " ")
    hint = f"write e.g. {EXAMPLES[key]}"
    clean = " ".join(text.split())
    bad = find_bad_char(text)
    if bad:
        return None, Problem(where, f"contains {describe_bad_char(bad)}", "type the value again")
    if not clean:
        return None, Problem(where, f"gives no {name}", hint)
    if key == "hold":
        try:
            return parse_hold(clean), None
        except ValueError as exc:
            return None, Problem(where, str(exc), hint)
    if len(clean) > KEYS[key]:
        return None, Problem(where, f"is {len(clean)} characters long, more than the {KEYS[key]} allowed", "shorten it")
    if key == "repeats" and clean.isdigit():
        if not 1 <= int(clean) <= 1000:
            return None, Problem(where, f"{clean} is not a sensible number of repeats", "use a number from 1 to 1000")
        return str(int(clean)), None
    if key == "how_often":
        return Markup(escape(clean)), None
    return clean, None


def setting(routine: str | None, key: str, text: str, where: str, problems: list[Problem]) -> Setting | None:
    """One dose value from its text (a saved programme, an option, a cell); a mistake goes to *problems*."""
    if key not in KEYS:
        problems.append(Problem(where, f"'{key}' is not a part of the dose", did_you_mean(key, KEYS) or f"use one of: {', '.join(KEYS)}"))
        return None
    value, problem = check_value(key, text, where)
    if problem is not None:
        problems.append(problem)
        return None
    return Setting(routine, key, value, where)


def parse_options(args: Iterable[str], option: str = "--dose") -> tuple[Setting, ...]:
    """``KEY=VALUE`` or ``ROUTINE.KEY=VALUE`` strings from the command line; every mistake at once."""
    problems: list[Problem] = []
    out: list[Setting] = []
    for arg in args:
        where = f"{option} {arg if len(arg) <= 40 else arg[:37] + '...'}"
        name, sep, text = arg.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(Problem(where, "is not KEY=VALUE", f"write e.g. {option} hold=30s, or {option} side-stretch.hold=30s in a guide"))
            continue
        routine, dot, key = name.rpartition(".")
        one = setting(routine.strip() if dot else None, key.strip().lower(), text, where, problems)
        if one is not None:
            out.append(one)
    if problems:
        raise ValidationFailed(problems)
    return tuple(out)


def from_columns(values: Mapping[str, str], where: Callable[[str], str]) -> tuple[tuple[Setting, ...], list[Problem]]:
    """The dose columns of one CSV row that are filled in; ``where(column)`` locates a problem."""
    problems: list[Problem] = []
    out = []
    for key in KEYS:
        text = values.get(key, "")
        if text.strip():
            one = setting(None, key, text, where(key), problems)
            if one is not None:
                out.append(one)
    return tuple(out), problems


def resolve(settings: Sequence[Setting], routines: Mapping[str, Routine], default: str | None) -> dict[str, list[Setting]]:
    """Group settings by routine id, checking every routine named; *default* is the card's routine."""
    problems: list[Problem] = []
    by_routine: dict[str, list[Setting]] = {}
    for s in settings:
        rid = s.routine if s.routine is not None else default
        if rid is None:
            example = next(iter(routines), "ROUTINE")
            problems.append(Problem(s.where, "does not say which routine", f"write ROUTINE.{s.key}=…, e.g. --dose {example}.{s.key}=…"))
        elif rid not in routines:
            hint = suggest(rid, routines) or f"the routines are: {', '.join(routines)}"
            problems.append(Problem(s.where, f"there is no routine '{rid}'", hint))
        elif default is not None and s.routine is not None and rid != default:
            problems.append(Problem(s.where, f"names routine '{rid}', but this card is for '{default}'", f"leave out the routine: --dose {s.key}=…"))
        else:
            by_routine.setdefault(rid, []).append(s)
    if problems:
        raise ValidationFailed(problems)
    return by_routine


def suggest(word: str, options: Iterable[str]) -> str:
    """A did-you-mean for a misspelt id, or for the start of one (``belly`` → ``belly-dancer``)."""
    ids = list(options)
    close = did_you_mean(word, ids)
    if close:
        return close
    starts = [o for o in ids if o.startswith(word.lower())] if word else []
    return f"did you mean '{starts[0]}'?" if len(starts) == 1 else ""


def set_dose(routine: Routine, settings: Iterable[Setting]) -> Routine:
    """*routine* with the settings written into its dose (a later setting of a key wins)."""
    changes: dict[str, Any] = {}
    for s in settings:
        changes["hold_seconds" if s.key == "hold" else s.key] = s.value
    if not changes:
        return routine
    keys = {"hold" if k == "hold_seconds" else k for k in changes}
    dose = replace(routine.dose, **changes, set_for_client=routine.dose.set_for_client | frozenset(keys))
    return replace(routine, dose=dose)


def apply(topic: Topic, settings: Sequence[Setting], default: str | None = None) -> Topic:
    """*topic* with the client's dose in its routines, wherever they appear (cards, sections)."""
    if not settings:
        return topic
    by_routine = resolve(settings, topic.routines, default)
    routines = {rid: set_dose(r, by_routine.get(rid, ())) for rid, r in topic.routines.items()}

    def block(b: Block) -> Block:
        return replace(b, routine=routines[b.routine.id]) if b.routine is not None and b.routine.id in routines else b

    def section(s: Section) -> Section:
        return replace(s, blocks=tuple(block(b) for b in s.blocks))

    return replace(
        topic,
        routines=routines,
        intro=tuple(block(b) for b in topic.intro),
        sections=tuple(section(s) for s in topic.sections),
    )


# -- the tick-log: how many days, and how many sessions a day --------------------

DEFAULT_LOG_DAYS = 14
MAX_LOG_DAYS = 60


def parse_log_days(text: str | None, where: str = "--log") -> int:
    """``14`` → 14 days; ``none`` → 0 (no log); nothing given → the default, 14."""
    if text is None:
        return DEFAULT_LOG_DAYS
    clean = text.strip().lower()
    if clean in ("none", "no", "0"):
        return 0
    if clean.isdigit() and 1 <= int(clean) <= MAX_LOG_DAYS:
        return int(clean)
    raise InputError(f"'{text}' is not a number of days", where=where, hint=f"give the days of the tick-log, 1 to {MAX_LOG_DAYS} (e.g. 14), or none to leave it out")


_WORD_NUMBERS = {"once": 1, "one": 1, "twice": 2, "two": 2, "three": 3, "thrice": 3, "four": 4, "five": 5, "six": 6}


def sessions(how_often: str) -> tuple[int, bool]:
    """(sessions a day, every other day only) read from *how_often*; unknown wording gives (1, False).

    "twice a day" → (2, False); "3 times a day" → (3, False); "daily" → (1, False);
    "every other day" → (1, True).
    """
    text = " ".join(re.sub(r"<[^>]+>", " ", str(how_often)).lower().split())
    if re.search(r"\b(every other|alternate|every second) day", text):
        return 1, True
    m = re.search(r"\b(once|twice|thrice|one|two|three|four|five|six|\d+)(?: times?)?(?: (?:a|per|each|every)) day\b", text)
    if m:
        word = m.group(1)
        n = int(word) if word.isdigit() else _WORD_NUMBERS[word]
        return max(1, min(n, 6)), False
    return 1, False
