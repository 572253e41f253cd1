"""Every source in sources.csv names a document a reader can open, not the team's internal compilation.

The compilation (``shared/reference/indonesia-facts.md``) is a finding aid: it points at news articles,
regulations and reports, and a source must cite those. The phrases are those that
``shared/tools/check_provenance.py`` rejects, plus the other ways the compilation was referred to.
Sources typed ``estimate`` (and jalur's own calibration, typed ``fit``) give their reasoning instead of a
document; every other source needs a year and a URL, DOI or official document number.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

COMPILATION = re.compile(
    r"facts file|facts\.md|code registry|jalur facts|compilation|compiled in jalur|reference file"
    r"|indonesia-facts|\(facts\)|(?<![-\w])facts?\s*(?:§|section\b|sec\.|\d)",
    re.IGNORECASE,
)
JALUR_OWN = {"estimate", "fit"}
YEAR = re.compile(r"(19|20)\d{2}")
LOCATOR = re.compile(
    r"https?://\S+"                                            # a URL
    r"|\b10\.\d{4,9}/\S+"                                      # a DOI
    r"|\b\d+(?:\.\w+)*/(?:[A-Za-z.]+\d*/)*(?:19|20)\d{2}\b"    # PMK 38/2023, 188.K/TL.03/MEM.L/2025
    r"|\b(?:19|20)\d{2}/\d+/E[CU]\b"                           # Directive 2009/28/EC
    r"|\bAres\((?:19|20)\d{2}\)\d+"                            # Ares(2015)4173087
)


def problems(rows) -> list[str]:
    """What is wrong with each source row (a mapping of the sources.csv columns)."""
    out = []
    for r in rows:
        r = {k: "" if pd.isna(v) else str(v) for k, v in dict(r).items()}
        sid, kind = r.get("id", "").strip(), r.get("type", "").strip()
        for field in ("citation", "url", "derivation"):
            m = COMPILATION.search(r.get(field, ""))
            if m:
                out.append(f"{sid}: {field} cites the internal compilation ({m.group(0)!r}); name the original")
        if kind in JALUR_OWN:
            continue
        if not YEAR.fullmatch(r.get("year", "").strip()):
            out.append(f"{sid}: year {r.get('year')!r} is not a year")
        if not LOCATOR.search(r.get("url", "")):
            out.append(f"{sid}: url {r.get('url')!r} is neither a URL, a DOI nor an official document number")
    return out


def test_shipped_sources_cite_original_documents(registry):
    found = problems(registry.sources.to_dict("records"))
    assert not found, f"{len(found)} source problem(s):\n" + "\n".join(found)


def test_sources_are_the_whole_file(registry):
    """The check above sees every row of sources.csv (none is dropped on load)."""
    from jalur import datasets

    raw = pd.read_csv(datasets.DATA_DIR / "sources.csv", dtype=str, keep_default_na=False)
    assert set(raw["id"]) == set(registry.sources.index)
    assert not problems(raw.to_dict("records"))


GOOD = {"id": "x", "citation": "Kompas.com, 'Program LCEV Resmi Bergulir', 11 Jan 2022", "url": "https://x.id/a",
        "year": "2022", "type": "news", "derivation": "HEV share from fu-facts-ethanol and fl-facts-ev-sales."}


@pytest.mark.parametrize("change", [
    {"citation": "Electricity Maps 2021-2025, as recorded in jalur facts file section 4.1"},
    {"citation": "SK Dirjen Gatrik factors as found in a third-party code registry"},
    {"citation": "kumparan, 13 Jan 2022 (compiled in jalur reference file indonesia-facts.md)."},
    {"url": "jalur shared/reference/indonesia-facts.md section 4.3"},
    {"derivation": "Dates copied from facts section 3.1 (all [C])."},
    {"derivation": "Floor 60,857 subsidised units (facts 2.3)."},
    {"derivation": "LHV 32 MJ/L (facts §8.1)."},
    {"url": "kumparan.com 13 Jan 2022"},
    {"url": ""},
    {"year": "n.d."},
])
def test_rule_rejects_compilation_and_unlocatable_citations(change):
    assert problems([GOOD]) == []
    assert problems([{**GOOD, **change}])


@pytest.mark.parametrize("url", [
    "PMK 38/2023", "Perpres 79/2023", "PMK 20/PMK.010/2021", "Kepmen ESDM 188.K/TL.03/MEM.L/2025",
    "Directive 2009/28/EC Annex III", "Ares(2015)4173087", "https://doi.org/10.5513/JCEA01/14.2.1231",
])
def test_official_document_numbers_count_as_locators(url):
    assert problems([{**GOOD, "type": "regulation", "url": url}]) == []


def test_estimates_need_no_locator_but_no_compilation_either():
    est = {**GOOD, "type": "estimate", "url": "", "year": "2026"}
    assert problems([est]) == []
    assert problems([{**est, "derivation": "about 120 BEV (facts)"}])
