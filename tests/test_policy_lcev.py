"""LCEV status: production in Indonesia and, for battery EVs, the TKDN minimum of the delivery year (Perpres 55/2019
Art. 8(1) as amended by Perpres 79/2023). A BEV outside the LCEV programme pays PP 73/2019 Art. 12's 15 % on the
full price, before any relief of its date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from jalur.cli import main
from jalur.policy.lcev import tkdn_minimum
from jalur.policy.ppnbm import VehicleSpec, assess

PRICE = 500_000_000.0


@pytest.mark.parametrize("category, year, minimum", [
    # Perpres 55/2019 Art. 8(1) to 2023; Perpres 79/2023 Art. 8(1) from 2024 (it relaxed 2024-2029)
    ("passenger-lt10", 2021, 35), ("passenger-lt10", 2023, 40), ("passenger-lt10", 2024, 40),
    ("passenger-lt10", 2026, 40), ("passenger-lt10", 2027, 60), ("passenger-lt10", 2029, 60),
    ("passenger-lt10", 2030, 80), ("bus", 2027, 60), ("motorcycle", 2023, 40), ("motorcycle", 2024, 40),
    ("motorcycle", 2026, 40), ("motorcycle", 2027, 60), ("motorcycle", 2031, 80),
])
def test_tkdn_minimum_by_year_and_class(registry, category, year, minimum):
    value, basis = tkdn_minimum(registry, category, year)
    assert value == minimum
    assert ("Perpres 79/2023" if year >= 2024 else "Perpres 55/2019") in basis and "Art. 8(1)" in basis


def _bev(date, **kw):
    return assess(VehicleSpec("passenger-lt10", "bev", PRICE, dt.date.fromisoformat(date), **kw))


def test_a_ckd_bev_below_the_tkdn_minimum_does_not_get_the_lcev_rate(registry):
    r = _bev("2026-06-01", origin="ckd", tkdn=30)
    assert r.rule == "art-12-bev-non-lcev" and r.ppnbm_effective_pct == 15
    assert r.ppnbm_after_incentives_rp == pytest.approx(0.15 * PRICE)
    assert "below the 40 % minimum for 2026" in r.lcev_status


def test_in_2025_the_ckd_relief_pays_the_ppnbm_of_a_bev_below_the_minimum(registry):
    """Permen Investasi 6/2023 Art. 2(2): CKD BEVs of 20 % to under 40 % TKDN, PPnBM borne by government to 2025."""
    r = _bev("2025-06-01", origin="ckd", tkdn=30)
    assert r.rule == "art-12-bev-non-lcev" and r.ppnbm_rp == pytest.approx(0.15 * PRICE)
    assert [i.name for i in r.incentives if i.reduces == "ppnbm"] == ["ppnbm-dtp-bev-ckd"]
    assert r.ppnbm_after_incentives_rp == 0
    assert _bev("2025-06-01", origin="ckd", tkdn=15).ppnbm_after_incentives_rp == pytest.approx(0.15 * PRICE)


def test_the_minimum_rises_in_2027(registry):
    assert _bev("2026-12-31", tkdn=45).rule == "art-36"
    late = _bev("2027-01-01", tkdn=45)
    assert late.rule == "art-12-bev-non-lcev" and "below the 60 % minimum for 2027" in late.lcev_status
    assert _bev("2027-01-01", tkdn=60).rule == "art-36"


def test_a_cbu_bev_is_not_an_lcev_and_pays_15_percent_after_the_reliefs_end(registry):
    r = _bev("2026-03-01", origin="cbu")
    assert r.rule == "art-12-bev-non-lcev" and r.ppnbm_after_incentives_rp == pytest.approx(0.15 * PRICE)
    assert "CBU import" in r.lcev_status


def test_without_tkdn_a_local_bev_is_taken_at_the_minimum_and_the_output_says_so(registry):
    r = _bev("2027-06-01")
    assert r.rule == "art-36" and r.tkdn_assumed and r.tkdn_pct == 60
    assert r.lcev_status.startswith("LCEV assumed: TKDN not given, taken as the 60 % minimum for 2027")
    r = _bev("2025-06-01")  # at 40 % it meets the VAT relief's condition too
    assert r.tkdn_pct == 40 and any(i.name == "vat-dtp-bev" for i in r.incentives)


def test_an_explicit_lcev_flag_wins_and_is_said(registry):
    r = _bev("2026-06-01", origin="ckd", tkdn=30, lcev=True)
    assert r.rule == "art-36" and "as given" in r.lcev_status


def test_a_cbu_hybrid_is_taxed_under_the_conventional_articles(registry):
    spec = dict(engine_cc=1987, km_per_l=21.5)
    local = assess(VehicleSpec("passenger-lt10", "hev", PRICE, dt.date(2026, 6, 1), **spec))
    cbu = assess(VehicleSpec("passenger-lt10", "hev", PRICE, dt.date(2026, 6, 1), origin="cbu", **spec))
    assert local.rule.startswith("art-2") and "produced in Indonesia" in local.lcev_status
    assert cbu.ppnbm_effective_pct > local.ppnbm_effective_pct and "CBU import" in cbu.lcev_status


def test_the_cli_prints_which_rule_applied(capsys):
    code = main(["tax", "--category", "passenger", "-p", "bev", "--price", "5e8", "--date", "2026-06-01",
                 "--origin", "ckd", "--tkdn", "30", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["rule"] == "art-12-bev-non-lcev" and doc["tkdn_pct"] == 30
    assert "Perpres 79/2023 Art. 8(1)b" in doc["lcev_status"] and doc["tkdn_assumed"] is False
    main(["tax", "--category", "passenger", "-p", "bev", "--price", "5e8", "--date", "2026-06-01"])
    text = " ".join(capsys.readouterr().out.split())
    assert "LCEV status / status LCEV" in text and "LCEV assumed: TKDN not given" in text


def test_a_ckd_bev_meeting_the_tkdn_gets_the_vat_relief_like_a_local_one(registry):
    """PMK 8/2024 and 12/2025 set a TKDN (>= 40 %), not an origin: most relieved BEVs are CKD assemblies."""
    for date in ("2024-06-01", "2025-06-01"):
        ckd, local = _bev(date, origin="ckd", tkdn=40), _bev(date, origin="local", tkdn=40)
        assert [i.name for i in ckd.incentives] == [i.name for i in local.incentives] == ["vat-dtp-bev"]
        assert ckd.price_incl_tax_rp == local.price_incl_tax_rp
    hybrid = dict(engine_cc=1987, km_per_l=21.5, origin="ckd")
    r = assess(VehicleSpec("passenger-lt10", "hev", PRICE, dt.date(2025, 6, 1), **hybrid))
    assert "ppnbm-dtp-hybrid-2025" in [i.name for i in r.incentives]


def test_an_explicit_no_lcev_assumes_no_tkdn(registry):
    r = _bev("2025-06-01", lcev=False)
    assert r.tkdn_pct is None and not r.tkdn_assumed and not [i for i in r.incentives if i.reduces == "vat"]
    assert any("may apply" in n for n in r.notes)


def test_a_cbu_import_has_no_tkdn_and_its_relief_says_who_gets_it(registry):
    r = _bev("2025-06-01", origin="cbu", tkdn=80)
    assert r.tkdn_pct is None and "does not apply to an import" in r.lcev_status
    assert any("approved under Permen Investasi/BKPM 6/2023" in n for n in r.notes)
