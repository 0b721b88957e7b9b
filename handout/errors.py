"""One error hierarchy for every mistake a user can make.

Every error is a :class:`click.ClickException`, so the command line prints it as
one clean line and exits with status 1. Each message says where the problem is
(file and line, or the field), what is wrong, and what to do about it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import IO, Any

import click


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, pinned to a place."""

    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"; {self.hint}"
        return text


class HandoutError(click.ClickException):
    """Base of every error handout reports to a user."""

    exit_code = 1

    def __init__(self, message: str, *, where: str = "", hint: str = "") -> None:
        self.problem = Problem(where, message, hint)
        super().__init__(str(self.problem))

    @property
    def problems(self) -> list[Problem]:
        return [self.problem]

    def show(self, file: IO[Any] | None = None) -> None:
        for problem in self.problems:
            click.echo(f"error: {problem}", file=file, err=file is None)


class ContentError(HandoutError):
    """A topic file is wrong."""


class BrandError(HandoutError):
    """A brand file, a logo or a font is wrong."""


class TemplateError(HandoutError):
    """A template does not render."""


class LayoutError(HandoutError):
    """The content does not fit the page or card."""


class OutputError(HandoutError):
    """The output cannot be written where it was asked."""


class InputError(HandoutError):
    """A command-line value or a batch file is wrong."""


class ValidationFailed(HandoutError):
    """Several problems found at once; all of them are reported."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("ValidationFailed needs at least one problem")
        self._problems = list(problems)
        first = problems[0]
        super().__init__(first.message, where=first.where, hint=first.hint)
        if len(problems) > 1:
            click.ClickException.__init__(self, "\n".join(str(p) for p in problems))

    @property
    def problems(self) -> list[Problem]:
        return self._problems


def raise_if(problems: list[Problem]) -> None:
    """Raise :class:`ValidationFailed` when *problems* is not empty."""
    if problems:
        raise ValidationFailed(problems)


class HandoutWarning(UserWarning):
    """Something renders but will look wrong; shown to the user, never fatal."""


def warn(where: str, message: str, hint: str = "") -> None:
    warnings.warn(str(Problem(where, message, hint)), HandoutWarning, stacklevel=2)
