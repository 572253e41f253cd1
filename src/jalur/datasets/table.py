"""A validated table (schema and rows) and the record of what an override changed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import numpy as np
import pandas as pd

from jalur.datasets.schema import Schema
from jalur.errors import UnknownKeyError
from jalur.units import conversion_factor


def cell_yes(value: Any) -> bool:
    """Whether a yes/no cell of a table says ``yes`` (any case, spaces ignored)."""
    return str(value).strip().lower() == "yes"


def cell_number(value: Any) -> float | None:
    """A numeric cell as a float, or None where it is empty, NaN or not a number."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f else f


@dataclass(frozen=True)
class Table:
    """A validated table: its schema and its rows (a pandas DataFrame; treat it as read-only)."""

    schema: Schema
    frame: pd.DataFrame

    @property
    def name(self) -> str:
        return self.schema.name

    def public(self) -> pd.DataFrame:
        """A copy of the rows without jalur's private bookkeeping columns."""
        return self.frame[[c for c in self.frame.columns if not c.startswith("_")]].reset_index(drop=True)

    def where(self, **conditions: Any) -> "Table":
        """Rows whose columns equal the given values (a list means any of them).

        Raises
        ------
        UnknownKeyError
            For a column the table does not have.
        """
        mask = np.ones(len(self.frame), dtype=bool)
        for col, want in conditions.items():
            if col not in self.frame.columns:
                cols = [c for c in self.frame.columns if not c.startswith("_")]
                raise UnknownKeyError(f"table '{self.name}' has no column {col!r}; columns: {', '.join(cols)}")
            wants = [str(w) for w in want] if isinstance(want, (list, tuple, set)) else [str(want)]
            text = self._text(col)
            hit = np.zeros(len(text), dtype=bool)
            for w in wants:
                hit |= text == w
            mask &= hit
        return Table(self.schema, self.frame[mask])

    @cached_property
    def _texts(self) -> dict[str, np.ndarray]:
        return {}

    def _text(self, col: str) -> np.ndarray:
        """Column *col* as an array of str (what :meth:`where` compares), built once per table."""
        if col not in self._texts:
            self._texts[col] = np.asarray(self.frame[col].astype(str).to_numpy(), dtype=object)
        return self._texts[col]

    def values(self, unit: str | None = None, column: str = "value") -> np.ndarray:
        """The ``value`` (or ``low``/``high``) column converted to *unit* [unit].

        Without *unit*, each row is converted to the canonical unit of its rule.
        """
        out = np.empty(len(self.frame))
        for i, row in enumerate(self.frame.to_dict("records")):
            target = unit or self.schema.rule_for(row).unit
            out[i] = row[column] * conversion_factor(row["unit"], target)
        return out

    def get(self, unit: str | None = None, **key: Any) -> float:
        """The single value matching *key*, in *unit*.

        Raises
        ------
        UnknownKeyError
            If no row, or more than one row, matches.
        """
        sub = self.where(**key)
        if len(sub.frame) != 1:
            raise UnknownKeyError(
                f"table '{self.name}': {len(sub.frame)} rows match {key}; give all key columns {list(self.schema.key)}"
            )
        return float(sub.values(unit)[0])

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class OverrideRecord:
    """What one override file changed, for the provenance of results."""

    file: str
    sha256: str
    tables: Mapping[str, Mapping[str, int]]
    sources: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "tables": {k: dict(v) for k, v in self.tables.items()},
                "sources": list(self.sources)}
