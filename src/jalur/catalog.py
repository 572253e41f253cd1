"""The catalogue: every name jalur knows — classes, segments, powertrains, energy carriers, fuels, regions,
life-cycle stages and tax categories — read once from the dimension tables, with attributes and labels.

Models branch on attributes (``pt.uses_electricity``, ``pt.conventional``, ``region.national``), never on
names: adding a powertrain, a region or a fuel is a data change (a row of ``powertrains``, ``regions`` ...,
in the shipped tables or an override file). An unknown name is an :class:`~jalur.errors.InputError` that
lists the names that exist.

The life-cycle stages are the one list fixed in code (:class:`Stage`): the physics fills them. Their labels,
colours and grouping come from the ``lifecycle-stages`` table, which must list each stage once.

Examples
--------
>>> cat = shipped()
>>> cat.powertrain("bev").uses_electricity, cat.powertrain("bev").uses_fuel
(True, False)
>>> cat.valid_fuels("ffv")[:3]
('mandate', 'e0', 'e5')
>>> cat.national.iamc_label
'Indonesia'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum
from typing import Mapping

from jalur.datasets import Registry, cell_yes, memoize
from jalur.errors import DataError, InputError

#: The dimension tables the catalogue is read from.
TABLES = ("vehicle-classes", "segments", "powertrains", "energy-carriers", "fuels", "regions", "lifecycle-stages",
          "tax-categories")


class Stage(str, Enum):
    """The life-cycle stages, in reporting order (labels and attributes: :meth:`Catalog.stage`)."""

    VEHICLE = "vehicle"
    BATTERY = "battery"
    FUEL_SUPPLY = "fuel-supply"
    ELECTRICITY_SUPPLY = "electricity-supply"
    TAILPIPE_CO2 = "tailpipe-co2"
    TAILPIPE_NON_CO2 = "tailpipe-non-co2"
    LAND_USE_CHANGE = "land-use-change"
    MAINTENANCE = "maintenance"
    END_OF_LIFE = "end-of-life"
    INFRASTRUCTURE_ROAD = "infrastructure-road"
    INFRASTRUCTURE_CHARGING = "infrastructure-charging"

    def __str__(self) -> str:
        return self.value


#: Stage names in reporting order.
STAGES: tuple[str, ...] = tuple(s.value for s in Stage)


@dataclass(frozen=True)
class Labelled:
    """Something with an id and labels in English and Bahasa Indonesia."""

    id: str
    label_en: str
    label_id: str

    def label(self, lang: str = "en") -> str:
        """The label in *lang* (``en`` or ``id``)."""
        return self.label_id if lang == "id" and self.label_id else self.label_en


@dataclass(frozen=True)
class VehicleClass(Labelled):
    iamc_label: str
    tax_category: str
    choice_segment: str
    residual_powertrain: str
    load_parameter: str
    activity_unit: str
    tailpipe_technology: str
    wheels: int = 4


@dataclass(frozen=True)
class Segment(Labelled):
    vclass: str
    tax_programme: str


@dataclass(frozen=True)
class Powertrain(Labelled):
    uses_fuel: bool
    uses_electricity: bool
    carrier: str
    max_blend: float            # highest bio share by volume the engine takes [1]
    combustion_engine: bool
    electric_drive: bool
    conventional: bool
    family: str
    lcev_tokens: tuple[str, ...]
    ppnbm_base: str
    iamc_label: str
    battery_owner: str = "vehicle"  # 'network': a swap network owns the packs; the vehicle is sold without one
    colour: str = ""                # in charts (hex RGB)

    @property
    def network_battery(self) -> bool:
        """The traction battery belongs to a swap network: not in the purchase price, paid for per swap."""
        return self.battery_owner == "network"

    @property
    def plug_in_hybrid(self) -> bool:
        """Drives on fuel and on grid electricity (its km split by the utility factor)."""
        return self.uses_fuel and self.uses_electricity

    @property
    def battery_only(self) -> bool:
        """Drives on grid electricity alone."""
        return self.uses_electricity and not self.uses_fuel


@dataclass(frozen=True)
class Carrier(Labelled):
    iamc_label: str
    volume_label: str
    blends_into: str
    properties: str
    variant_option: str
    mandate: str
    price_products: tuple[str, ...]
    price_lhv_of: str
    tax_fuel: str

    @property
    def is_blend_component(self) -> bool:
        """A bio carrier blended into a fossil pool (ethanol, FAME, HVO)."""
        return bool(self.blends_into)


@dataclass(frozen=True)
class Fuel(Labelled):
    carrier: str                # '' for the mandate: the powertrain's own carrier
    blend_carrier: str
    blend_share: float | None   # volume share of blend_carrier [1]; None: the mandate of each year of use
    route: str


@dataclass(frozen=True)
class Region(Labelled):
    iamc_label: str
    is_national: bool


@dataclass(frozen=True)
class StageInfo(Labelled):
    colour: str
    per_vehicle: bool
    well_to_wheel: bool
    iamc_label: str
    description: str


@dataclass(frozen=True)
class TaxCategory(Labelled):
    aliases: tuple[str, ...]
    incentive_category: str
    any_powertrain: bool
    lcev_articles: bool
    needs_engine_size: bool
    needs_fuel_economy: bool
    band_criteria_confirmed: bool


def _rows(reg: Registry, name: str) -> list[dict]:
    return [{k: ("" if v is None else v) for k, v in r.items()} for r in reg.table(name).public().to_dict("records")]


def _words(v: object) -> tuple[str, ...]:
    return tuple(str(v or "").replace(";", " ").split())


class Catalog:
    """All names of the model with their attributes, in table order (see the module docstring)."""

    def __init__(self, reg: Registry):
        lab = lambda r, key: dict(id=str(r[key]), label_en=str(r["label_en"]), label_id=str(r["label_id"]))
        self.classes: Mapping[str, VehicleClass] = {r["class"]: VehicleClass(
            **lab(r, "class"), iamc_label=r["iamc_label"], tax_category=r["tax_category"],
            choice_segment=r["choice_segment"], residual_powertrain=r["residual_powertrain"],
            load_parameter=r["load_parameter"], activity_unit=r["activity_unit"],
            tailpipe_technology=r["tailpipe_technology"], wheels=int(r["wheels"])) for r in _rows(reg, "vehicle-classes")}
        self.segments: Mapping[str, Segment] = {r["segment"]: Segment(
            **lab(r, "segment"), vclass=r["class"], tax_programme=r["tax_programme"]) for r in _rows(reg, "segments")}
        self.powertrains: Mapping[str, Powertrain] = {r["powertrain"]: Powertrain(
            **lab(r, "powertrain"), uses_fuel=cell_yes(r["uses_fuel"]),
            uses_electricity=cell_yes(r["uses_electricity"]), carrier=r["carrier"],
            max_blend=float(r["max_blend"]) / 100, combustion_engine=cell_yes(r["combustion_engine"]),
            electric_drive=cell_yes(r["electric_drive"]), conventional=cell_yes(r["conventional"]), family=r["family"],
            lcev_tokens=_words(r["lcev_tokens"]), ppnbm_base=r["ppnbm_base"], iamc_label=r["iamc_label"],
            battery_owner=r["battery_owner"] or "vehicle", colour=r["colour"])
            for r in _rows(reg, "powertrains")}
        self.carriers: Mapping[str, Carrier] = {r["carrier"]: Carrier(
            **lab(r, "carrier"), iamc_label=r["iamc_label"], volume_label=r["volume_label"],
            blends_into=r["blends_into"], properties=r["properties"], variant_option=r["variant_option"],
            mandate=r["mandate"], price_products=_words(r["price_products"]), price_lhv_of=r["price_lhv_of"],
            tax_fuel=r["tax_fuel"])
            for r in _rows(reg, "energy-carriers")}
        self.fuels: Mapping[str, Fuel] = {r["fuel"]: Fuel(
            **lab(r, "fuel"), carrier=r["carrier"], blend_carrier=r["blend_carrier"],
            blend_share=None if r["blend_share"] in ("", None) or not r["carrier"] else float(r["blend_share"]) / 100,
            route=r["route"]) for r in _rows(reg, "fuels")}
        self.regions: Mapping[str, Region] = {r["region"]: Region(
            **lab(r, "region"), iamc_label=r["iamc_label"], is_national=cell_yes(r["is_national"]))
            for r in _rows(reg, "regions")}
        self.stages: Mapping[str, StageInfo] = {r["stage"]: StageInfo(
            **lab(r, "stage"), colour=r["colour"], per_vehicle=r["per"] == "vehicle",
            well_to_wheel=cell_yes(r["well_to_wheel"]), iamc_label=r["iamc_label"], description=r["description"])
            for r in _rows(reg, "lifecycle-stages")}
        self.tax_categories: Mapping[str, TaxCategory] = {r["category"]: TaxCategory(
            **lab(r, "category"), aliases=_words(r["aliases"]), incentive_category=r["incentive_category"],
            any_powertrain=cell_yes(r["any_powertrain"]), lcev_articles=cell_yes(r["lcev_articles"]),
            needs_engine_size=cell_yes(r["needs_engine_size"]), needs_fuel_economy=cell_yes(r["needs_fuel_economy"]),
            band_criteria_confirmed=cell_yes(r["band_criteria_confirmed"])) for r in _rows(reg, "tax-categories")}
        self._check()

    def _check(self) -> None:
        missing = [s for s in STAGES if s not in self.stages]
        extra = [s for s in self.stages if s not in STAGES]
        if missing or extra:
            raise DataError(f"table 'lifecycle-stages' must list the stages {', '.join(STAGES)}; "
                            f"missing: {missing or 'none'}, unknown: {extra or 'none'}")
        nat = [r.id for r in self.regions.values() if r.is_national]
        if len(nat) != 1:
            raise DataError(f"table 'regions' must mark exactly one region is_national: yes; found {nat or 'none'}")
        for p in self.powertrains.values():
            if not self.valid_fuels(p.id):
                raise DataError(f"table 'powertrains': powertrain {p.id!r} (carrier {p.carrier!r}) can use no fuel "
                                "of table 'fuels'")

    # ---- look-ups that name what exists --------------------------------------------------------------

    @staticmethod
    def _get(kind: str, plural: str, table: Mapping, name: str):
        try:
            return table[name]
        except KeyError:
            raise InputError(f"unknown {kind} {name!r}; {plural}: {', '.join(table)}") from None

    def vclass(self, name: str) -> VehicleClass:
        return self._get("class", "classes", self.classes, name)

    def segment(self, name: str) -> Segment:
        return self._get("segment", "segments", self.segments, name)

    def powertrain(self, name: str) -> Powertrain:
        return self._get("powertrain", "powertrains", self.powertrains, name)

    def carrier(self, name: str) -> Carrier:
        return self._get("energy carrier", "energy carriers", self.carriers, name)

    def fuel(self, name: str) -> Fuel:
        return self._get("fuel", "fuels", self.fuels, name)

    def region(self, name: str) -> Region:
        return self._get("region", "regions", self.regions, name)

    def stage(self, name: str) -> StageInfo:
        return self._get("stage", "stages", self.stages, str(name))

    def tax_category(self, name: str) -> TaxCategory:
        """The category *name* or the one that has *name* as an alias (e.g. ``passenger``)."""
        for c in self.tax_categories.values():
            if name == c.id or name in c.aliases:
                return c
        names = [a for c in self.tax_categories.values() for a in (*c.aliases, c.id)]
        raise InputError(f"unknown category {name!r}; categories: {', '.join(names)}")

    # ---- derived views ------------------------------------------------------------------------------

    @property
    def national(self) -> Region:
        """The national-average region."""
        return next(r for r in self.regions.values() if r.is_national)

    @property
    def grid_regions(self) -> tuple[str, ...]:
        """The regions of the fleet (every region but the national average)."""
        return tuple(r.id for r in self.regions.values() if not r.is_national)

    def segments_of(self, vclass: str) -> tuple[str, ...]:
        return tuple(s.id for s in self.segments.values() if s.vclass == vclass)

    def conventional(self) -> tuple[str, ...]:
        """Powertrains that are a segment's reference ICE (phase-outs, oil displaced)."""
        return tuple(p.id for p in self.powertrains.values() if p.conventional)

    def blend_components(self, pool: str) -> tuple[str, ...]:
        """Bio carriers that blend into the fossil carrier *pool*."""
        return tuple(c.id for c in self.carriers.values() if c.blends_into == pool)

    def valid_fuels(self, powertrain: str) -> tuple[str, ...]:
        """Fuels a powertrain may run on, the default first.

        The powertrain's carrier, with bio blends up to its ``max_blend``; ``mandate`` first where the
        carrier's pool has a blend mandate.
        """
        pt = self.powertrain(powertrain)
        out = [f.id for f in self.fuels.values() if not f.carrier and self.carriers[pt.carrier].mandate]
        out += [f.id for f in self.fuels.values() if f.carrier == pt.carrier
                and (f.blend_share or 0.0) <= pt.max_blend + 1e-12]
        return tuple(out)

    def default_fuel(self, powertrain: str) -> str:
        return self.valid_fuels(powertrain)[0]

    def resolve_fuel(self, powertrain: str, fuel: str) -> Fuel:
        """The fuel *fuel* on *powertrain*, with the mandate bound to the powertrain's carrier.

        Raises
        ------
        InputError
            Listing the fuels valid for the powertrain.
        """
        valid = self.valid_fuels(powertrain)
        if fuel not in valid:
            self.fuel(fuel)  # an unknown fuel says so first
            raise InputError(f"fuel {fuel!r} is not valid for powertrain {powertrain!r}; valid fuels: {', '.join(valid)}")
        f = self.fuels[fuel]
        if f.carrier:
            return f
        carrier = self.carriers[self.powertrains[powertrain].carrier]
        return Fuel(f.id, f.label_en, f.label_id, carrier.id, carrier.mandate, None, f.route)

    def names(self, kind: str) -> tuple[str, ...]:
        return tuple(getattr(self, kind))

    def labels(self) -> dict[str, dict[str, dict[str, str]]]:
        """Labels of every name (English, Indonesian and IAMC), as plain data results can carry."""
        out: dict[str, dict[str, dict[str, str]]] = {}
        for kind in ("classes", "segments", "powertrains", "carriers", "fuels", "regions", "stages"):
            out[kind] = {k: {a: getattr(v, a) for a in ("label_en", "label_id", "iamc_label", "volume_label", "is_national",
                                                 "well_to_wheel", "per_vehicle", "colour")
                             if hasattr(v, a)} for k, v in getattr(self, kind).items()}
        return out


@memoize
def catalog(reg: Registry) -> Catalog:
    """The catalogue of a registry (read once per registry)."""
    return Catalog(reg)


@functools.lru_cache(maxsize=1)
def shipped() -> Catalog:
    """The catalogue of the shipped data, read from the dimension tables alone (fast: for help texts)."""
    from jalur import datasets

    reg = datasets.load_from(datasets.TABLE_DIR, datasets.SCHEMA_DIR, datasets.SOURCES_FILE, datasets.data_version(),
                             only=TABLES, cache=True)
    return Catalog(reg)
