"""Scenario files: a YAML document of levers, validated by a schema, that may extend another scenario.

A scenario::

    name: electrification
    title: Government EV targets
    extends: bau                      # optional: start from another scenario and change a few levers
    sources: [ref-id, ...]            # ids in sources.csv behind the levers
    levers:
      power_scenario: current-policies
      sales_shares:
        car:
          method: s-curve             # linear | s-curve (interpolate targets) | logit (choice on TCO)
          targets: {bev: {2030: 20, 2040: 60}, hev: {2030: 15}}   # % of the class's new sales
          residual: ice-gasoline      # takes what the targets leave
      ice_phaseout: {motorcycle: 2040}
      biodiesel_blend: {2030: 50}                               # % by volume, from that year on
      ethanol_blend: {2027: 10}
      ...

Errors name the file, the key path (``levers.sales_shares.car.targets.bevv``) and the allowed values.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from jalur.catalog import Catalog, shipped
from jalur.errors import JalurError
from jalur.io.text import load_yaml, read_user_text

BUILTIN_DIR = Path(__file__).parent / "scenarios"
YEARS = (2010, 2060)
#: Levers act from this year on; 2010-2025 is history and comes from the data (``pathways.context.HIST_END``).
FIRST_LEVER_YEAR = 2026


class ScenarioError(JalurError, ValueError):
    """A scenario file is invalid or cannot be found."""

    exit_code = 3


YearMap = dict[int, float]


def _check_years(v: dict[int, float], what: str, lo: float = 0.0, hi: float = 100.0) -> dict[int, float]:
    for y, x in v.items():
        if not (FIRST_LEVER_YEAR <= int(y) <= YEARS[1]):
            raise ValueError(f"year {y} outside {FIRST_LEVER_YEAR}..{YEARS[1]} (levers act from {FIRST_LEVER_YEAR}: "
                             f"{YEARS[0]}-{FIRST_LEVER_YEAR - 1} is history and comes from the data, i.e. BPS "
                             "registrations, AISI/GAIKINDO sales and the blend mandates in force)")
        if not (lo <= float(x) <= hi):
            raise ValueError(f"{what} {x} for {y} outside {lo:g}..{hi:g}")
    return {int(y): float(x) for y, x in sorted(v.items())}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClassShares(Strict):
    """How the powertrain mix of one class's new sales evolves."""

    method: Literal["linear", "s-curve", "logit"] = "s-curve"
    targets: dict[str, YearMap] = Field(default_factory=dict, description="powertrain -> {year: % of sales}")
    residual: str | None = Field(None, description="powertrain taking the share the targets leave")
    logit_scale: float = Field(1.0, gt=0, description="logit: cost sensitivity, per 10 % cost difference")
    logit_from: int = Field(2026, description="logit: first year the choice model sets the shares")
    discount_rate: float = Field(0.08, ge=0, lt=1, description="logit: discount rate of the cost of ownership")
    price_basis: Literal["retail", "market"] = Field("retail", description="logit: energy prices seen by buyers")
    scheme2_from: str | None = Field(None, description="logit: date (YYYY-MM-DD) the PPnBM second stage starts")
    entry: dict[str, str] = Field(default_factory=dict, description="logit: powertrain not sold in the base year -> "
                                  "a sold one whose preference it takes from logit_from, at its own cost")

    @field_validator("scheme2_from")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is not None:
            import datetime as dt

            try:
                dt.date.fromisoformat(str(v))
            except ValueError:
                raise ValueError(f"{v!r} is not a date (YYYY-MM-DD)") from None
            return str(v)
        return v

    @field_validator("targets")
    @classmethod
    def _targets(cls, v: dict[str, YearMap]) -> dict[str, YearMap]:
        return {p: _check_years(m, f"share of {p} (%)") for p, m in v.items()}

    @model_validator(mode="after")
    def _entry_needs_logit(self) -> "ClassShares":
        if self.entry and self.method != "logit":
            raise ValueError(f"entry applies to method logit only (method here: {self.method})")
        return self


class Survival(Strict):
    """A survival curve for one class, replacing the data's Weibull curve."""

    model: Literal["weibull", "logistic", "life-table"]
    shape: float | None = Field(None, gt=0, description="weibull: shape k")
    scale: float | None = Field(None, gt=0, description="weibull: scale λ [year]")
    midpoint: float | None = Field(None, gt=0, description="logistic: age at which half are gone [year]")
    steepness: float | None = Field(None, gt=0, description="logistic: steepness [1/year]")
    table: list[float] | None = Field(None, description="life-table: share surviving at age 0, 1, 2, ...")

    def parameters(self) -> dict[str, Any]:
        """The parameters of the chosen model (for :func:`jalur.fleet.survival.curve`)."""
        need = {"weibull": ("shape", "scale"), "logistic": ("midpoint", "steepness"), "life-table": ("table",)}
        return {n: getattr(self, n) for n in need[self.model]}

    @model_validator(mode="after")
    def _params(self) -> "Survival":
        need = {"weibull": ("shape", "scale"), "logistic": ("midpoint", "steepness"), "life-table": ("table",)}[self.model]
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"survival model {self.model!r} needs {', '.join(missing)}")
        if self.table is not None:
            t = self.table
            if not t or abs(t[0] - 1.0) > 1e-9 or any(b > a + 1e-12 for a, b in zip(t, t[1:])) or min(t) < 0:
                raise ValueError("a life table starts at 1 (age 0) and never rises or falls below 0")
        return self


class Scrappage(Strict):
    """An early-scrappage programme: each year, this share of vehicles older than ``min_age`` leaves."""

    start: int = Field(..., ge=FIRST_LEVER_YEAR, le=YEARS[1])
    end: int = Field(..., ge=FIRST_LEVER_YEAR, le=YEARS[1])
    min_age: int = Field(15, ge=0, le=60)
    rate: float = Field(..., ge=0, le=100, description="% of eligible vehicles scrapped per year")


class Levers(Strict):
    """Every lever a scenario can set; each has a default that reproduces today's policies."""

    power_scenario: str = "current-policies"
    sales_shares: dict[str, ClassShares] = Field(default_factory=dict)
    ice_phaseout: dict[str, int] = Field(default_factory=dict, description="class -> year ICE sales end")

    @field_validator("ice_phaseout")
    @classmethod
    def _phaseout(cls, v: dict[str, int]) -> dict[str, int]:
        for k, y in v.items():
            if not (FIRST_LEVER_YEAR <= int(y) <= YEARS[1] + 1):
                raise ValueError(f"ice_phaseout.{k}: {y} outside {FIRST_LEVER_YEAR}..{YEARS[1]}")
        return v
    phaseout_powertrains: list[str] | None = Field(
        None, description="powertrains whose sales end at ice_phaseout (default: the conventional ones of table "
                          "'powertrains')")
    biodiesel_blend: YearMap = Field(default_factory=dict, description="% FAME by volume from each year")
    ethanol_blend: YearMap = Field(default_factory=dict, description="% ethanol by volume from each year")
    hvo_share: YearMap = Field(default_factory=dict, description="% of the diesel pool (energy) as palm HVO")
    ffv_ethanol: YearMap = Field(default_factory=dict, description="% ethanol by volume in fuel used by flexy engines")
    ethanol_feedstock: dict[str, float] = Field(default_factory=lambda: {"molasses": 100.0},
                                                description="% of fuel ethanol from molasses, sugarcane, cassava")
    fame_pathway: str = Field("open-pond", description="palm FAME mill practice (fuel-pathways variant)")
    hydrogen: Literal["h2-smr", "h2-electrolysis"] = "h2-smr"
    luc: Literal["none", "direct", "indirect"] = "direct"
    fuel_economy: float = Field(1.0, ge=0, le=5, description="multiplier on the yearly energy-use improvement")
    km_growth: dict[str, float] = Field(default_factory=dict, description="class -> %/year change in km per vehicle")
    phev_utility_factor: float | None = Field(None, ge=0, le=100, description="% of PHEV km on electricity")
    battery_origin: str | None = Field(None, description="where the fleet's battery cells are made (cell-origins; "
                                       "default: the battery-production anchors')")
    nickel_route: str | None = Field(None, description="how the nickel of NMC cathodes is made (nickel-routes; "
                                     "default: the global average)")
    infrastructure: bool = Field(False, description="count road and charging infrastructure (own stages)")
    scrappage: dict[str, Scrappage] = Field(default_factory=dict)
    survival: dict[str, Survival] = Field(default_factory=dict, description="class -> survival curve of the active fleet")
    population: str = "un-wpp-2024-medium"
    gdp: str = "trend-estimate"
    gdp_growth: float = Field(1.0, ge=0, le=3, description="multiplier on projected GDP growth")
    total_sales: dict[str, YearMap] = Field(default_factory=dict,
                                            description="class -> {year: vehicles/year}: exogenous totals")

    @field_validator("total_sales")
    @classmethod
    def _totals(cls, v: dict[str, YearMap]) -> dict[str, YearMap]:
        return {k: _check_years(m, "sales (vehicles/year)", 0.0, 1e9) for k, m in v.items()}
    segment_shares: dict[str, dict[str, float]] = Field(default_factory=dict,
                                                        description="class -> {segment: %} of new sales")
    oil_import_price: dict[str, float] = Field(default_factory=dict,
                                               description="gasoline/diesel -> USD per kL (default: data)")

    @field_validator("biodiesel_blend", "ethanol_blend", "hvo_share", "ffv_ethanol")
    @classmethod
    def _blends(cls, v: YearMap) -> YearMap:
        return _check_years(v, "blend (%)")

    @field_validator("ethanol_feedstock")
    @classmethod
    def _feedstock(cls, v: dict[str, float]) -> dict[str, float]:
        if abs(sum(v.values()) - 100.0) > 0.01:
            raise ValueError(f"ethanol feedstock shares must sum to 100 %, got {sum(v.values()):g}")
        return v

    @field_validator("oil_import_price")
    @classmethod
    def _oil(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if k not in ("gasoline", "diesel"):
                raise ValueError(f"unknown product {k!r}; allowed: gasoline, diesel")
            if x <= 0:
                raise ValueError("oil import price must be positive")
        return v

    @model_validator(mode="after")
    def _scrappage_years(self) -> "Levers":
        for k, s in self.scrappage.items():
            if s.end < s.start:
                raise ValueError(f"scrappage.{k}: end {s.end} is before start {s.start}")
        return self


class Scenario(Strict):
    """A validated scenario."""

    name: str
    title: str = ""
    title_id: str = ""
    description: str = ""
    extends: str | None = None
    sources: list[str] = Field(default_factory=list)
    levers: Levers = Field(default_factory=Levers)
    path: str = ""


def builtin_names() -> list[str]:
    """Names of the built-in scenarios."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


#: Mappings that a child scenario replaces whole instead of merging key by key (a mix must add up by itself).
REPLACE_WHOLE = ("ethanol_feedstock", "survival.*", "segment_shares.*")


def _deep_merge(base: dict, over: dict, path: str = "") -> dict:
    """Merge a child scenario's levers into its parent's.

    Rules: mappings merge key by key; a year map (``{2030: 50, ...}``) and the mixes in
    :data:`REPLACE_WHOLE` are replaced whole; a key set to null removes the parent's entry (e.g. an inherited
    target ``hev: null`` or ``ice_phaseout: {car: null}``).
    """
    out = copy.deepcopy(base)
    for k, v in over.items():
        here = f"{path}.{k}" if path else str(k)
        whole = any(here == pat or (pat.endswith(".*") and here.startswith(pat[:-2] + ".")) for pat in REPLACE_WHOLE)
        if v is None:
            out.pop(k, None)
        elif (isinstance(v, dict) and isinstance(out.get(k), dict) and not whole
              and not (v and all(isinstance(x, int) for x in v))):
            out[k] = _deep_merge(out[k], v, here)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _stamp(p: Path) -> tuple[int, int]:
    st = p.stat()
    return st.st_mtime_ns, st.st_size


@functools.lru_cache(maxsize=64)
def _parse(p: Path, mtime_ns: int, size: int) -> Any:
    """The YAML of a scenario file, parsed once per version of the file (callers deep-copy what they change)."""
    return load_yaml(read_user_text(p, ScenarioError), str(p), ScenarioError)


def _read_raw(ref: str | Path, chain: tuple[str, ...] = ()) -> tuple[dict, str]:
    """Raw dict of a scenario (name or path) with its ``extends`` chain resolved."""
    p = Path(ref)
    if not (p.suffix in (".yaml", ".yml") and p.exists()):
        if str(ref) in builtin_names():
            p = BUILTIN_DIR / f"{ref}.yaml"
        elif p.suffix in (".yaml", ".yml"):
            raise ScenarioError(f"scenario file {ref} does not exist")
        else:
            raise ScenarioError(f"unknown scenario {str(ref)!r}; built-in scenarios: {', '.join(builtin_names())}, "
                                "or give a path to a .yaml file")
    where = str(p)
    if where in chain:
        raise ScenarioError(f"{where}: 'extends' makes a loop: {' -> '.join(chain + (where,))}")
    raw = _parse(p, *_stamp(p))
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a scenario must be a mapping with at least 'name' and 'levers'")
    parent = raw.get("extends")
    if parent:
        ref_parent = parent
        cand = p.parent / f"{parent}"
        if cand.suffix in (".yaml", ".yml") and cand.exists():
            ref_parent = cand
        elif str(parent) not in builtin_names():
            raise ScenarioError(f"{where}: extends: unknown scenario {str(parent)!r}; built-in scenarios: "
                                f"{', '.join(builtin_names())}, or a .yaml file next to this one")
        base, _ = _read_raw(ref_parent, chain + (where,))
        merged = _deep_merge({k: v for k, v in base.items() if k not in ("name", "title", "title_id", "description")},
                             {k: v for k, v in raw.items() if k != "levers"})
        merged["levers"] = _deep_merge(base.get("levers") or {}, raw.get("levers") or {})
        merged["sources"] = list(dict.fromkeys(list(base.get("sources") or []) + list(raw.get("sources") or [])))
        return merged, where
    return copy.deepcopy(raw), where


def load_scenario(ref: str | Path, *, known_sources: set[str] | None = None, catalogue: Catalog | None = None) -> Scenario:
    """Load and validate a scenario by built-in name or YAML path.

    Parameters
    ----------
    known_sources : set of str, optional
        Source ids the scenario may cite (default: not checked).
    catalogue : Catalog, optional
        The names the levers may use (default: the shipped catalogue).

    Raises
    ------
    ScenarioError
        Naming the file, the key path of each problem and what is allowed.
    """
    raw, where = _read_raw(ref)
    try:
        sc = Scenario.model_validate({**raw, "path": where})
    except ValidationError as exc:
        lines = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = "unknown key; allowed here: " + ", ".join(_allowed_at(e["loc"]))
            elif e["type"] == "literal_error":
                msg = f"{e['input']!r}: {msg}"
            lines.append(f"{where}: {loc}: {msg}")
        raise ScenarioError("invalid scenario:\n  " + "\n  ".join(lines)) from None
    if known_sources is not None:
        unknown = [s for s in sc.sources if s not in known_sources]
        if unknown:
            raise ScenarioError(f"{where}: sources: unknown source id(s) {unknown} (not in sources.csv)")
    check_names(sc, catalogue if catalogue is not None else shipped())
    return sc


#: Levers keyed by vehicle class.
CLASS_LEVERS = ("sales_shares", "ice_phaseout", "km_growth", "total_sales", "segment_shares", "scrappage", "survival")


def _unknown(where: str, key: str, kind: str, name: str, allowed) -> ScenarioError:
    return ScenarioError(f"{where}: levers.{key}: unknown {kind} {name!r}; allowed: {', '.join(allowed)}")


def check_names(sc: Scenario, cat: Catalog) -> None:
    """Every class, powertrain and segment a scenario names must exist in the catalogue.

    Raises
    ------
    ScenarioError
        Naming the file, the key path and the allowed names.
    """
    lv, where = sc.levers, sc.path
    for key in CLASS_LEVERS:
        for k in getattr(lv, key):
            if k not in cat.classes:
                raise _unknown(where, key, "class", k, cat.classes)
    for k, spec in lv.sales_shares.items():
        for p in list(spec.targets) + ([spec.residual] if spec.residual else []):
            if p not in cat.powertrains:
                where_key = f"sales_shares.{k}.targets" if p in spec.targets else f"sales_shares.{k}.residual"
                raise _unknown(where, where_key, "powertrain", p, cat.powertrains)
    for p in lv.phaseout_powertrains or []:
        if p not in cat.powertrains:
            raise _unknown(where, "phaseout_powertrains", "powertrain", p, cat.powertrains)
    for k, shares in lv.segment_shares.items():
        for s_ in shares:
            if s_ not in cat.segments_of(k):
                raise _unknown(where, f"segment_shares.{k}", "segment", s_, cat.segments_of(k))


def _allowed_at(loc: tuple) -> list[str]:
    model: Any = Scenario
    for part in loc[:-1]:
        fields = getattr(model, "model_fields", None)
        if fields is None:
            break
        if part in fields:
            ann = fields[part].annotation
            inner = getattr(ann, "__args__", ())
            model = next((a for a in (ann, *inner) if hasattr(a, "model_fields")), None)
            if model is None:
                inner2 = [getattr(a, "__args__", ()) for a in inner]
                model = next((b for t in inner2 for b in t if hasattr(b, "model_fields")), None)
        if model is None:
            return []
    return sorted(getattr(model, "model_fields", {}).keys())


LEVER_REFERENCE = Path(__file__).with_name("lever-reference.yaml")


@functools.lru_cache(maxsize=1)
def lever_reference() -> dict[str, dict[str, str]]:
    """What each lever means (``lever-reference.yaml``): unit, allowed values, example, and the meaning in English
    (``en``) and Bahasa Indonesia (``id``), in the order of :class:`Levers`.

    Raises
    ------
    ScenarioError
        If the reference and the schema disagree (a lever without an entry, or an entry without a lever).
    """
    raw = load_yaml(LEVER_REFERENCE.read_text(encoding="utf-8"), str(LEVER_REFERENCE), ScenarioError)["levers"]
    fields = list(Levers.model_fields)
    if set(raw) != set(fields):
        raise ScenarioError(f"{LEVER_REFERENCE}: levers without an entry {sorted(set(fields) - set(raw))}, entries "
                            f"without a lever {sorted(set(raw) - set(fields))}")
    return {f: {k: str(v) for k, v in raw[f].items()} for f in fields}


def new_scenario_text(name: str, base: str, extends: str | None = None) -> str:
    """YAML text of a new scenario that extends *base* (for ``jalur scenario new``): every lever is listed as a
    commented example with its meaning, unit and allowed values. *extends* is how the file names its base (a
    scenario file's path relative to the new file's folder; default *base*)."""
    base_sc = load_scenario(base)
    lines = [f"name: {name}", f"title: {name} (extends {base_sc.name})", f"extends: {extends or base}",
             "sources: []          # ids from `jalur data sources` behind the levers you change",
             "levers:", "  # change only what differs from the base: uncomment a lever and edit it",
             f"  power_scenario: {base_sc.levers.power_scenario}"]
    for lever, ref in lever_reference().items():
        lines += ["", f"  # {lever}: {ref['en']}", f"  #   unit: {ref['unit']}; allowed: {ref['allowed']}",
                  f"  # {ref['example']}"]
    return "\n".join(lines) + "\n"


def scenario_digest(sc: Scenario) -> str:
    """SHA-256 (hex) of a scenario's content: every field after its ``extends`` chain is resolved, not its path.

    The same scenario read from two places has one digest; a changed lever gives another.
    """
    doc = sc.model_dump(mode="json", exclude={"path"})
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def scenario_origin(sc: Scenario) -> str:
    """``built-in`` for a scenario shipped with jalur, else ``file``."""
    try:
        Path(sc.path).resolve().relative_to(BUILTIN_DIR.resolve())
        return "built-in"
    except ValueError:
        return "file"


def write_new_scenario(path: str | Path, name: str, base: str) -> Path:
    """Write a new scenario file that extends *base*; a file that exists is never overwritten.

    Raises
    ------
    InputError
        If *path* exists or the name is not allowed.
    OutputError
        If *path* cannot be written.
    """
    from jalur.errors import InputError
    from jalur.io import atomic_write_text

    p = Path(path)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise InputError(f"scenario name {name!r} not allowed: use lower-case letters, digits, '-' and '_' "
                         "(it names the file and the runs)")
    if name in builtin_names():
        raise InputError(f"{name!r} is a built-in scenario; choose another name (built-in: {', '.join(builtin_names())})")
    if p.exists():
        raise InputError(f"{p} already exists; choose another name or --out")
    b = Path(base)
    extends = None
    if b.suffix in (".yaml", ".yml") and b.exists():  # read back relative to the new file's folder
        extends = Path(os.path.relpath(b.resolve(), p.resolve().parent)).as_posix()
    return atomic_write_text(p, new_scenario_text(name, base, extends))
