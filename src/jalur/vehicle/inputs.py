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
               origin: str | None = None, route: str | None = None, region: str | None = None,
               power_scenario: str = "current-policies") -> pd.DataFrame:
    """The rows the life cycle of a segment's powertrains reads, with their ``source_id``: ``vehicle-parameters``,
    ``battery-chemistry-mix``, ``battery-parameters``, ``battery-production``, ``production-drivers`` (cell energy,
    pack density, the origin's grid, the nickel route, materials indices), ``manufacturing`` of the class and
    ``grid-intensity`` of the region and power scenario.

    Parameters
    ----------
    segment : str
    powertrains : list of str
    chemistry : str, optional
        The battery chemistry chosen (default: each powertrain's ``battery-chemistry-mix``).
    origin, route : str, optional
        Cell origin and nickel route (default: the anchors').
    region, power_scenario : str
        The grid of use (default: the national average).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``jalur data sources ID`` shows a source in full.
    """
    from jalur.catalog import catalog
    from jalur.physics.production import anchor_origin, anchor_route

    cat = catalog(reg)
    vclass = cat.segment(segment).vclass
    parts, chems = [], set()
    mix = reg.table("battery-chemistry-mix")
    for p in powertrains:
        parts.append(_rows(reg, "vehicle-parameters", ["powertrain", "parameter"], segment=segment, powertrain=p))
        if chemistry is None and len(mix.where(segment=segment, powertrain=p)):
            parts.append(_rows(reg, "battery-chemistry-mix", ["powertrain", "year", "chemistry"], segment=segment,
                               powertrain=p))
            chems |= set(mix.where(segment=segment, powertrain=p).public()["chemistry"])
        elif chemistry is not None:
            chems.add(chemistry)
    o0 = anchor_origin(reg)
    for c in sorted(chems):
        parts.append(_rows(reg, "battery-parameters", ["chemistry", "parameter"], chemistry=c))
        parts.append(_rows(reg, "battery-production", ["chemistry", "origin"], chemistry=c, origin=o0))
        for driver in ("cell_energy", "pack_specific_energy"):
            parts.append(_rows(reg, "production-drivers", ["driver", "key", "year"], driver=driver, key=c))
    if chems:
        cell = reg.table("cell-origins").where(origin=origin or o0).public()
        factory = cell["grid_region"].iloc[0] if len(cell) else None
        if isinstance(factory, str) and factory:       # cells made on a grid of the model: its rows
            parts.append(_rows(reg, "grid-intensity", ["region", "scenario", "year"], region=factory,
                               scenario=power_scenario, basis="life-cycle"))
        else:
            parts.append(_rows(reg, "production-drivers", ["driver", "key", "year"], driver="cell_grid",
                               key=origin or o0))
        for driver, key in (("nickel", route or anchor_route(reg)), ("materials_index", "battery-materials")):
            parts.append(_rows(reg, "production-drivers", ["driver", "key", "year"], driver=driver, key=key))
    parts.append(_rows(reg, "manufacturing", ["component", "class"], **{"class": vclass}))
    for key in ("glider", *sorted({"powertrain-electric" if cat.powertrain(p).electric_drive else "powertrain-ice"
                                   for p in powertrains})):
        parts.append(_rows(reg, "production-drivers", ["driver", "key", "year"], driver="materials_index", key=key))
    parts.append(_rows(reg, "grid-intensity", ["region", "scenario", "year"], region=region or cat.national.id,
                       scenario=power_scenario, basis="life-cycle"))
    return pd.concat([x for x in parts if len(x)], ignore_index=True)[list(COLUMNS)]
