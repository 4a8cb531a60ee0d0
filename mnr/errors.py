"""Errors meant for people: each carries a message and an exit code for the CLI."""

from __future__ import annotations


class MnrError(Exception):
    """A foreseeable problem, reported to the user without a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProjectError(MnrError):
    """No project found, or its review.toml is broken."""

    exit_code = 2


class LibraryUnavailable(MnrError):
    """The library could not be read or written just now (another user held it too long,
    or the disk refused). The store raises it in place of its backend's own error, so
    that the faces need not know which database is underneath."""

    exit_code = 5


class NotPermitted(LibraryUnavailable):
    """The library's server refused a write this user may not make (another reviewer's
    initials, a read-only role, a change to a log): nothing was written."""


class LibraryDamaged(LibraryUnavailable):
    """The library's file is damaged (or is not a library): it is a cache of the review
    folder, so moving it away lets mnr build it again."""


class ImportRefused(MnrError):
    """An import that was refused before anything was written (duplicate file, bad options)."""

    exit_code = 3


class FormatError(MnrError):
    """A file that could not be read as the format it claims (or was detected) to be.

    ``locator`` names the place in the file ("line 12", "record 4", "row 7").
    """

    exit_code = 4

    def __init__(self, message: str, locator: str | None = None, path: str | None = None) -> None:
        self.locator = locator
        self.path = path
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = ", ".join(p for p in (self.path, self.locator) if p)
        return f"{where}: {self.detail}" if where else self.detail

    def at(self, path: str) -> FormatError:
        """Return the same error with the file name filled in."""
        self.path = path
        self.message = self._compose()
        self.args = (self.message,)
        return self


class UnknownFormat(FormatError):
    """No reader recognised the file."""
