"""Exception hierarchy.

Every error jalur raises for a user mistake derives from :class:`JalurError` and also from the
matching built-in exception, so ``except ValueError`` keeps working for callers who do not know jalur.
The CLI turns a ``JalurError`` into a one-paragraph message on stderr and a non-zero exit code.
"""


class JalurError(Exception):
    """Base class of all jalur errors."""

    exit_code = 1


class DataError(JalurError, ValueError):
    """A data table, schema, source list or override file is invalid."""

    exit_code = 3


class UnitError(JalurError, ValueError):
    """A unit string cannot be parsed or has the wrong dimensionality."""

    exit_code = 3


class InputError(JalurError, ValueError):
    """A user-supplied option (segment, powertrain, fuel, year, region ...) is not valid."""

    exit_code = 2


class UnknownKeyError(JalurError, KeyError):
    """A table, source or record that does not exist was asked for."""

    exit_code = 2

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class OutputError(JalurError, OSError):
    """A file or folder the user asked jalur to write cannot be written (read-only place, a file in the way ...)."""

    exit_code = 2
