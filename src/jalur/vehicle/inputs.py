"""The data rows a vehicle result rests on, with their sources: ``jalur vehicle SEGMENT --sources``."""

from __future__ import annotations

import pandas as pd

from jalur.datasets import Registry

#: Columns of :func:`input_rows`.
COLUMNS = ("table", "key", "value", "unit", "source_id", "note")


def _rows(reg: Registry, table: str, keys: list[str], **where) -> pd.DataFrame:
    t = reg.table(table).where(**where).public()
    value = t["value"] if "value" in t else t[keys[-1]]
    return pd.DataFrame({"table": table, "key": t[keys].astype(str).agg(" / ".join, axis=1), "value": value,
                         "unit": t["unit"] if "unit" in t else "", "source_id": t["source_id"],
                         "note": t["note"] if "note" in t else ""})


def input_rows(reg: Registry, segment: str, powertrains: list[str], chemistry: str | None = None,
               origin: str = "cn") -> pd.DataFrame:
    """The rows of ``vehicle-parameters``, ``default-battery-chemistry``, ``battery-parameters`` and
    ``battery-production`` that the life cycle of a segment's powertrains reads, with their ``source_id``.

    Parameters
    ----------
    segment : str
    powertrains : list of str
    chemistry : str, optional
        The battery chemistry chosen (default: each powertrain's ``default-battery-chemistry``).
    origin : str
        Cell origin (``battery-production``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``jalur data sources ID`` shows a source in full.
    """
    parts, chems = [], set()
    for p in powertrains:
        parts.append(_rows(reg, "vehicle-parameters", ["powertrain", "parameter"], segment=segment, powertrain=p))
        default = reg.table("default-battery-chemistry").where(segment=segment, powertrain=p)
        if chemistry is None and len(default):
            parts.append(_rows(reg, "default-battery-chemistry", ["powertrain", "chemistry"], segment=segment,
                               powertrain=p))
            chems |= set(default.public()["chemistry"])
        elif "battery_capacity" in set(reg.table("vehicle-parameters").where(segment=segment, powertrain=p)
                                       .public()["parameter"]):
            chems.add(chemistry or sorted(set(reg.table("battery-production").public()["chemistry"]))[0])
    for c in sorted(chems):
        parts.append(_rows(reg, "battery-parameters", ["chemistry", "parameter"], chemistry=c))
        parts.append(_rows(reg, "battery-production", ["chemistry", "origin"], chemistry=c, origin=origin))
    return pd.concat(parts, ignore_index=True)[list(COLUMNS)]
