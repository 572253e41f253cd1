"""Table schemas: columns, allowed values, references to dimension tables, and the unit rules of ``value``.

The format is documented in ``docs/data-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping


from jalur.errors import DataError, UnitError
from jalur.io.text import load_yaml, read_user_text
from jalur.units import parse_unit

COLUMN_TYPES = ("str", "int", "float", "date")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table: its type, allowed values (fixed, or the keys of a dimension table) and bounds.

    Attributes
    ----------
    references : str or None
        Name of a dimension table whose key values are the allowed values (``segments``, ``powertrains`` ...);
        checked once every table is loaded, so an override may add a dimension row and use it at once.
    also : tuple of str
        Values allowed besides the referenced keys (e.g. ``all``).
    """

    name: str
    type: str = "str"
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    description: str = ""
    references: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValueRule:
    """Unit and physical bounds for ``value`` (for one parameter, or the whole table)."""

    unit_like: tuple[str, ...]
    min: float | None = None
    max: float | None = None

    @property
    def unit(self) -> str:
        """The canonical unit of this value: the first ``unit_like``."""
        return self.unit_like[0]

    def matching_unit(self, unit: str) -> str | None:
        """The ``unit_like`` entry with the same dimensionality as *unit*, or None."""
        dim = parse_unit(unit).dimensionality
        for u in self.unit_like:
            if parse_unit(u).dimensionality == dim:
                return u
        return None


@dataclass(frozen=True)
class Schema:
    """The schema of one table (see ``docs/data-format.md``)."""

    name: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: Mapping[str, ColumnSpec]
    value_by: str | None = None
    value_rules: Mapping[str, ValueRule] = field(default_factory=dict)
    value_rule: ValueRule | None = None
    title_id: str = ""
    path: str = ""
    checks: tuple[Mapping[str, Any], ...] = ()   # whole-table rules: {sum_to, over} or {exactly_one, equals}

    @property
    def has_values(self) -> bool:
        """True for numeric tables (``value, unit, low, high``), False for reference tables."""
        return self.value_rule is not None or bool(self.value_rules)

    def rule_for(self, row: Mapping[str, Any]) -> ValueRule | None:
        """The value rule that applies to *row* (None if its parameter has no rule)."""
        if self.value_by:
            return self.value_rules.get(str(row.get(self.value_by, "")))
        return self.value_rule

    def units(self) -> list[str]:
        """Canonical units used in this table."""
        if self.value_rule is not None:
            return [self.value_rule.unit]
        return sorted({r.unit for r in self.value_rules.values()})

    def references(self) -> dict[str, str]:
        """Column -> the dimension table it references."""
        return {c: s.references for c, s in self.columns.items() if s.references}


def _rule(spec: Mapping[str, Any], where: str) -> ValueRule:
    like = spec.get("unit_like")
    if like is None:
        raise DataError(f"{where}: value rule needs 'unit_like'")
    likes = tuple(like) if isinstance(like, list) else (str(like),)
    for u in likes:
        try:
            parse_unit(u)
        except UnitError as exc:
            raise DataError(f"{where}: {exc}") from None
    return ValueRule(likes, _opt_float(spec.get("min")), _opt_float(spec.get("max")))


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def _column(cname: str, spec: Mapping[str, Any] | None, where: str) -> ColumnSpec:
    spec = spec or {}
    ctype = spec.get("type", "str")
    if ctype not in COLUMN_TYPES:
        raise DataError(f"{where}: column '{cname}': type {ctype!r} not one of {COLUMN_TYPES}")
    allowed = spec.get("allowed")
    if allowed is not None and spec.get("references"):
        raise DataError(f"{where}: column '{cname}': give 'allowed' or 'references', not both")
    return ColumnSpec(
        name=cname, type=ctype, allowed=tuple(str(a) for a in allowed) if allowed is not None else None,
        min=_opt_float(spec.get("min")), max=_opt_float(spec.get("max")),
        description=str(spec.get("description", "")),
        references=str(spec["references"]) if spec.get("references") else None,
        also=tuple(str(a) for a in spec.get("also") or ()),
    )


def _value_rules(value: Mapping[str, Any] | None, cols: Mapping[str, ColumnSpec], where: str):
    if not value:
        return None, {}, None
    if "by" in value:
        value_by = str(value["by"])
        if value_by not in cols:
            raise DataError(f"{where}: value.by column '{value_by}' is not declared")
        rules = {str(p): _rule(s, f"{where}: value.rules.{p}") for p, s in (value.get("rules") or {}).items()}
        return value_by, rules, None
    return None, {}, _rule(value, f"{where}: value")


def load_schema(path: Path) -> Schema:
    """Read and check one schema YAML file.

    Raises
    ------
    DataError
        If the file is not valid YAML or misses ``name``, ``key`` or ``columns``.
    """
    where = str(path)
    raw = load_yaml(read_user_text(Path(path), DataError), where, DataError)
    if not isinstance(raw, dict):
        raise DataError(f"{where}: a schema must be a mapping with name, key, columns")
    for k in ("name", "key", "columns"):
        if k not in raw:
            raise DataError(f"{where}: schema misses '{k}'")
    cols = {c: _column(c, s, where) for c, s in (raw.get("columns") or {}).items()}
    key = tuple(raw["key"])
    for k in key:
        if k not in cols:
            raise DataError(f"{where}: key column '{k}' is not declared under 'columns'")
    value_by, rules, rule = _value_rules(raw.get("value"), cols, where)
    checks = tuple(raw.get("checks") or ())
    for c in checks:
        if not (isinstance(c, dict) and ({"sum_to", "over"} <= set(c) or {"exactly_one", "equals"} <= set(c))):
            raise DataError(f"{where}: a check is {{sum_to: N, over: column}} or {{exactly_one: column, equals: value}}, "
                            f"got {c!r}")
    return Schema(
        name=str(raw["name"]), title=str(raw.get("title", raw["name"])), title_id=str(raw.get("title_id", "")),
        description=" ".join(str(raw.get("description", "")).split()), key=key, columns=cols,
        value_by=value_by, value_rules=rules, value_rule=rule, path=where, checks=checks,
    )
