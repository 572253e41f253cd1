"""Whether a vehicle is taxed as a Low Carbon Emission Vehicle (LCEV): production in Indonesia and, for battery
electric vehicles, the local-content (TKDN) minimum of the year.

The chain of law, as far as it could be read:

- The LCEV rates (PP 73/2019 as amended by PP 74/2021, Arts. 26-36A; BEV and FCEV: Art. 36, 15 % on a tax base of
  0 %) apply to vehicles in the LCEV programme. An LCEV is a four-wheeled passenger vehicle "yang diproduksi di
  dalam negeri dan memenuhi persyaratan tertentu" (Permenperin 36/2021 Art. 1; PMK 12/2025 Art. 1(12)), designated
  by the Minister of Industry (PMK 12/2025 Art. 14(2)-(3), referring to PP 73/2019 Art. 37).
- For battery electric vehicles the requirement is the TKDN minimum of Perpres 55/2019 Art. 8(1) as amended by
  Perpres 79/2023 (40 % for four-wheelers to 2026, 60 % in 2027-2029, 80 % from 2030). No article of PP 73/2019 or
  PP 74/2021 that we could read states the percentage; the tie is read from the LCEV designation and from the
  2024-2025 reliefs, which exempted CKD BEVs of 20 % to under 40 % TKDN from a PPnBM they would otherwise owe
  (Permen Investasi/BKPM 6/2023 Art. 2(2); PMK 9/2024 and 135/2024 Arts. 2-3).
- A BEV that is not an LCEV (a CBU import, or below the TKDN minimum) is taxed under PP 73/2019 Art. 12: 15 % of
  the full price (``art-12-bev-non-lcev`` in ``ppnbm-rates``).

When ``--tkdn`` is not given, a locally made or CKD battery EV is taken to reach exactly the minimum of its year:
it is an LCEV and meets the TKDN conditions of incentives up to that level. The output says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from jalur.catalog import Catalog
from jalur.datasets import Registry, memoize
from jalur.policy.spec import VehicleSpec

#: The regulation whose TKDN schedule is in force, by year (Perpres 79/2023 was signed on 8 Dec 2023; both give
#: 40 % for every class in December 2023).
REGULATION_FROM = (("perpres-55-2019", 2019), ("perpres-79-2023", 2024))

#: The documents that make LCEV status the condition of the LCEV rates, cited in every status line.
LCEV_BASIS = "Permenperin 36/2021 Art. 1; PMK 12/2025 Art. 1(12), 14(2)-(3)"


@dataclass(frozen=True)
class LcevStatus:
    """Whether the LCEV articles apply, and why (one line for the printed assessment).

    Attributes
    ----------
    lcev : bool
    basis : str
        The rule that decided it, with its legal basis.
    tkdn : float [%] or None
        The local content used for TKDN conditions (the minimum of the year when assumed).
    assumed : bool
        Whether *tkdn* is an assumption (``--tkdn`` not given).
    """

    lcev: bool
    basis: str
    tkdn: float | None
    assumed: bool = False


@memoize
def _schedule(reg: Registry) -> dict[tuple[str, str], list[tuple[int, int | None, float, str]]]:
    out: dict[tuple[str, str], list[tuple[int, int | None, float, str]]] = {}
    for r in reg.table("tkdn-thresholds").frame.to_dict("records"):
        end = None if str(r["end_year"]) in ("", "nan", "None", "<NA>") else int(r["end_year"])
        out.setdefault((str(r["regulation"]), str(r["class"])), []).append(
            (int(r["start_year"]), end, float(r["value"]), str(r["legal_basis"])))
    return out


def tkdn_class(reg: Registry, tax_category: str) -> str:
    """The class of ``tkdn-thresholds`` for a tax category: the one with as many wheels (two- and three-wheelers,
    or four wheels and more) as the vehicle class taxed under *tax_category* (four wheels if none is)."""
    from jalur.catalog import catalog

    cat = catalog(reg)
    wheels = next((v.wheels for v in cat.classes.values() if v.tax_category == tax_category), 4)
    for c in sorted({k for _, k in _schedule(reg)}):
        if (cat.vclass(c).wheels <= 3) == (wheels <= 3):
            return c
    raise KeyError(f"tkdn-thresholds has no class with {wheels} wheels")


def tkdn_minimum(reg: Registry, tax_category: str, year: int) -> tuple[float, str]:
    """The minimum TKDN of a battery EV of *tax_category* delivered in *year* [%], and its legal basis.

    Examples
    --------
    >>> from jalur import datasets
    >>> tkdn_minimum(datasets.load(), "passenger-lt10", 2027)[0], tkdn_minimum(datasets.load(), "motorcycle", 2027)[0]
    (60.0, 60.0)
    """
    regulation = [r for r, y in REGULATION_FROM if y <= year][-1]
    k = tkdn_class(reg, tax_category)
    for start, end, value, basis in _schedule(reg).get((regulation, k), []):
        if start <= year and (end is None or year <= end):
            return value, basis
    raise KeyError(f"tkdn-thresholds has no {regulation} row for class {k!r} in {year}")


def lcev_status(reg: Registry, cat: Catalog, spec: VehicleSpec, given: bool | None) -> LcevStatus:
    """Whether *spec* is taxed under the LCEV articles (see the module docstring for the rules).

    Parameters
    ----------
    spec : VehicleSpec
        A checked vehicle.
    given : bool or None
        ``--lcev`` / ``--no-lcev`` as the user gave it (None: decide from origin and TKDN).
    """
    pt, category = cat.powertrain(spec.powertrain), cat.tax_category(spec.category)
    if not (pt.lcev_tokens and category.lcev_articles):
        return LcevStatus(False, "LCEV articles do not apply to this powertrain and category", spec.tkdn)
    minimum, basis = tkdn_minimum(reg, category.id, spec.date.year)
    tkdn, assumed = spec.tkdn, False
    if given is not None:  # the user's word; no TKDN is assumed behind it
        return LcevStatus(given, f"{'in' if given else 'not in'} the LCEV programme, as given (--lcev/--no-lcev)",
                          tkdn)
    if pt.battery_only and tkdn is None and spec.origin != "cbu":
        tkdn, assumed = minimum, True
    if spec.origin == "cbu":
        return LcevStatus(False, f"not LCEV: a CBU import is not produced in Indonesia ({LCEV_BASIS})"
                          + ("; the TKDN given does not apply to an import" if tkdn is not None else ""), None)
    if not pt.battery_only:
        return LcevStatus(True, f"LCEV: produced in Indonesia ({spec.origin}); no TKDN minimum is set for "
                                f"{pt.id} ({LCEV_BASIS})", tkdn)
    if assumed:
        return LcevStatus(True, f"LCEV assumed: TKDN not given, taken as the {minimum:g} % minimum for "
                                f"{spec.date.year} ({basis}); give --tkdn to check", tkdn, True)
    if tkdn >= minimum:
        return LcevStatus(True, f"LCEV: TKDN {tkdn:g} % meets the {minimum:g} % minimum for {spec.date.year} "
                                f"({basis}; {LCEV_BASIS})", tkdn)
    return LcevStatus(False, f"not LCEV: TKDN {tkdn:g} % is below the {minimum:g} % minimum for {spec.date.year} "
                             f"({basis}); taxed as a BEV outside the LCEV programme", tkdn)
