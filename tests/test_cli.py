"""The command line: exact outputs, exit codes, and no tracebacks for user mistakes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jalur import __version__, data_version
from jalur.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    import re
    from pathlib import Path

    import jalur

    code, out, _ = run(capsys, "--version")
    data = (Path(jalur.__file__).parent / "data" / "VERSION").read_text().strip()
    assert code == 0 and re.fullmatch(r"jalur \d+\.\d+\.\d+ \(data \d{4}\.\d{2}\)", out.strip())
    assert out.strip().endswith(f"(data {data})")


def test_data_list_names_tables(capsys):
    code, out, _ = run(capsys, "data", "list", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "table,title,judul,rows,units"
    assert any(line.startswith("grid-intensity,") for line in out.splitlines())


def test_data_show_grid_intensity_jamali(capsys):
    code, out, _ = run(capsys, "data", "show", "grid-intensity", "--where", "region=jamali", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows and all(r["region"] == "jamali" for r in rows)
    assert {"value", "unit", "low", "high", "source_id"} <= set(rows[0])
    assert all(r["unit"] == "g CO2e/kWh" for r in rows)


def test_data_show_table_mode_lists_sources(capsys):
    code, out, _ = run(capsys, "data", "show", "grid-losses", "--where", "region=national")
    assert code == 0 and "Sources:" in out and "g CO2e" not in out


def test_data_sources_one(capsys):
    code, out, _ = run(capsys, "data", "sources", "est-ve-usage-lifetime", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["source"]["type"] == "estimate"
    assert any(r["table"] == "vehicle-parameters" for r in doc["rows"])


def test_data_check_ok(capsys):
    from pathlib import Path

    import jalur

    data = Path(jalur.__file__).parent / "data"
    tables = sorted((data / "tables").glob("*.csv"))
    rows = sum(len(p.read_text(encoding="utf-8").strip().splitlines()) - 1 for p in tables)
    code, out, _ = run(capsys, "data", "check")
    assert code == 0 and out.startswith(f"ok: {len(tables)} tables, {rows} rows, ")


@pytest.mark.parametrize("args,code,message", [
    (("data", "show", "nope"), 2, "no data table 'nope'; tables: battery-chemistry-mix, battery-parameters"),
    (("data", "show", "grid-intensity", "--where", "region"), 2, "expected KEY=VALUE"),
    (("data", "show", "grid-intensity", "--where", "colour=red"), 2, "has no column 'colour'"),
    (("data", "sources", "nope"), 2, "no source 'nope'"),
    (("vehicle", "car-xl"), 2, "unknown segment 'car-xl'"),
    (("vehicle", "car-lmpv", "-p", "bev", "--fuel", "e10"), 2, "valid fuels: electricity"),
    (("vehicle", "mc-scooter", "-p", "fcev"), 2, "valid powertrains: ice-gasoline, ffv, mhev, bev"),
    (("vehicle", "car-lmpv", "--luc", "sometimes"), 2, "allowed: none, direct, indirect"),
    (("vehicle", "compare", "car-lmpv", "--chart", "x.pdf"), 2, "must end in .html or .png"),
])
def test_user_mistakes_exit_nonzero_without_traceback(capsys, args, code, message):
    got, out, err = run(capsys, *args)
    assert got == code
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_bad_override_exit_3(capsys, tmp_path):
    ov = tmp_path / "bad.yaml"
    ov.write_text("tables:\n  grid-intensity:\n    - {region: java, scenario: historical, year: 2023, basis: direct, "
                  "value: 1, unit: g CO2e/kWh, source_id: x}\n")
    code, _, err = run(capsys, "data", "check", "--override", str(ov))
    assert code == 3 and "bad.yaml" in err and "'java' is not allowed" in " ".join(err.split())


def test_vehicle_json_records(capsys):
    code, out, _ = run(capsys, "vehicle", "mc-scooter", "-p", "bev", "--year", "2030", "--region", "jamali",
                       "--format", "json")
    assert code == 0
    recs = json.loads(out)
    assert [r["stage"] for r in recs][-1] == "total"
    assert set(recs[0]) == {"segment", "powertrain", "fuel", "year", "region", "stage", "value", "unit"}
    # the command prints what the API computes, stage by stage
    from jalur.vehicle import lifecycle

    ds = lifecycle("mc-scooter", "bev", years=2030, regions="jamali")
    for r in recs:
        assert r["value"] == pytest.approx(float(ds["emissions"].sel(stage=r["stage"]).values.squeeze()), rel=1e-12)


def test_vehicle_json_with_samples(capsys):
    code, out, _ = run(capsys, "vehicle", "car-lmpv", "-p", "hev", "--samples", "50", "--seed", "3", "--format", "json")
    recs = json.loads(out)
    assert code == 0 and all({"p5", "p50", "p95"} <= set(r) for r in recs)


def test_vehicle_override_is_used(capsys, tmp_path):
    ov = tmp_path / "grid.csv"
    ov.write_text("table,region,scenario,year,basis,value,unit,source_id,citation\n"
                  + "".join(f"grid-intensity,jamali,current-policies,{y},life-cycle,0,g CO2e/kWh,zero,Zero grid test\n"
                            for y in (2025, 2030, 2035, 2040, 2045, 2050, 2055, 2060)))
    code, out, _ = run(capsys, "vehicle", "mc-scooter", "-p", "bev", "--year", "2030", "--region", "jamali",
                       "--grid-basis", "registration-year", "--override", str(ov), "--format", "json")
    assert code == 0
    assert next(r for r in json.loads(out) if r["stage"] == "electricity-supply")["value"] == 0


def test_compare_writes_html_chart(capsys, tmp_path):
    chart = tmp_path / "c.html"
    code, out, err = run(capsys, "vehicle", "compare", "mc-scooter", "--year", "2030", "--region", "jamali",
                         "--chart", str(chart), "--format", "csv")
    html = chart.read_text()
    assert code == 0 and "plotly" in html[:5000].lower()
    import io

    import pandas as pd

    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns[:3]) == ["segment", "powertrain", "fuel"] and "break_even_km" in df.columns
    for p in df["powertrain"]:
        assert f"{p} (" in html  # every powertrain is a bar of the chart
    from jalur.vehicle.compare import compare

    api = compare("mc-scooter", 2030, "jamali").set_index("powertrain")
    for _, row in df.iterrows():
        assert row["total"] == pytest.approx(api.loc[row["powertrain"], "total"], rel=1e-6)


def test_sensitivity_ranks(capsys):
    code, out, _ = run(capsys, "vehicle", "sensitivity", "mc-scooter", "-p", "bev", "--year", "2030",
                       "--region", "jamali", "--format", "json", "--top", "5")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 5
    swings = [r["swing"] for r in rows]
    assert swings == sorted(swings, reverse=True)


def test_tax_json_has_documented_fields(capsys):
    code, out, _ = run(capsys, "tax", "--category", "passenger", "--powertrain", "hev", "--engine-cc", "1987",
                       "--fuel", "petrol", "--km-per-l", "21.5", "--price", "450000000", "--tkdn", "40",
                       "--date", "2025-03-01", "--format", "json")
    assert code == 0
    d = json.loads(out)
    for k in ("scheme", "legal_basis", "ppnbm_tariff_pct", "dpp_pct", "ppnbm_effective_pct", "ppnbm_rp", "vat_rp",
              "incentives", "ppnbm_after_incentives_pct", "price_incl_tax_rp", "notes"):
        assert k in d
    assert d["ppnbm_effective_pct"] == 7 and d["ppnbm_rp"] == 31_500_000
    assert d["incentives"][0]["name"] == "ppnbm-dtp-hybrid-2025" and d["incentives"][0]["rp"] == 13_500_000
    assert d["price_incl_tax_rp"] == 450e6 + 18e6 + 54e6


@pytest.mark.parametrize("args,message", [
    (("--price", "-5"), "price must be a positive number"),
    (("--category", "van"), "unknown category 'van'"),
    (("--date", "2025-13-01"), "is not an ISO date"),
    (("--km-per-l", "21.5", "--engine-cc", "1987", "--powertrain", "phev"), "needs its electric range"),
])
def test_tax_bad_input(capsys, args, message):
    base = {"--category": "passenger", "--powertrain": "hev", "--price": "300000000", "--engine-cc": "1987",
            "--km-per-l": "21.5", "--date": "2025-03-01"}
    it = iter(args)
    for k in it:
        base[k] = next(it)
    argv = ["tax"] + [x for kv in base.items() for x in kv]
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in " ".join(err.split()) and "Traceback" not in err


def test_usage_error_exit_2(capsys):
    code, _, err = run(capsys, "tax", "--category", "passenger")
    assert code == 2 and "Missing option" in err


def test_tco_csv_and_chart(capsys, tmp_path):
    chart = tmp_path / "tco.html"
    code, out, _ = run(capsys, "tco", "mc-scooter", "--year", "2025", "--region", "jamali", "--format", "csv",
                       "--chart", str(chart))
    import io

    import pandas as pd

    from jalur.policy.tco import tco

    assert code == 0 and "Rp" in chart.read_text()
    df = pd.read_csv(io.StringIO(out)).set_index("powertrain")
    api = tco("mc-scooter", 2025, "jamali").set_index("powertrain")
    for col in ("purchase_rp", "energy_rp", "rp_per_km", "abatement_rp_per_t", "fiscal_net_rp"):
        np.testing.assert_allclose(df[col].to_numpy(float), api.loc[df.index, col].to_numpy(float), rtol=1e-9)


def test_tco_bad_basis(capsys):
    code, _, err = run(capsys, "tco", "car-lmpv", "--price-basis", "black")
    assert code == 2 and "allowed: retail, market" in err


# --------------------------------------------------------------------------------------------------
# jalur run / compare / scenario / calibrate
# --------------------------------------------------------------------------------------------------


def test_run_writes_every_output(capsys, tmp_path):
    import pandas as pd

    from jalur.pathways.iamc import to_iamc
    from jalur.pathways.model import run as run_model

    out = tmp_path / "res"
    code, stdout, _ = run(capsys, "run", "bau", "--out", str(out))
    assert code == 0 and "Stock|Road|In Use" in stdout and "Stock|Road|Registered" in stdout
    report = (out / "report.html").read_text()
    for stem in ("stock_by_class", "stock_by_powertrain", "sales_shares_car", "energy_by_carrier", "emissions",
                 "upstream_crops", "upstream_batteries", "upstream_electricity", "upstream_oil_imports_avoided"):
        png = (out / "charts" / f"{stem}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, stem
        assert f"<div id='{stem}'>" in report, stem
    iamc = pd.read_csv(out / "iamc.csv")
    ds = run_model("bau")
    want = to_iamc(ds)
    np.testing.assert_allclose(iamc[[str(y) for y in range(2010, 2061)]].to_numpy(float),
                               want[list(range(2010, 2061))].to_numpy(float), rtol=1e-9)
    summ = pd.read_csv(out / "summary.csv").set_index("variable")
    nat = want[want["region"] == "Indonesia"].set_index("variable")
    for v in summ.index:
        assert summ.loc[v, "2030"] == pytest.approx(nat.loc[v, 2030], rel=1e-9), v
    cal = pd.read_csv(out / "calibration.csv")
    assert set(cal["quantity"]) >= {"registered-stock", "in-use-stock", "road-fuel", "fame", "ev-stock"}
    assert list(iamc.columns[:5]) == ["model", "scenario", "region", "variable", "unit"]
    assert str(2010) in iamc.columns and str(2060) in iamc.columns
    assert {"Indonesia", "Indonesia|Jawa-Madura-Bali"} <= set(iamc["region"])
    need = ["Stock|Road|In Use", "Stock|Road|In Use|Motorcycle", "Stock|Road|In Use|Car|BEV", "Stock|Road|Registered|Car", "Sales|Road|Car", "Sales|Road|Car|BEV",
            "Fuel Volume|Road|Gasoline|Fossil", "Fuel Volume|Road|Ethanol", "Fuel Volume|Road|Diesel|Fossil",
            "Fuel Volume|Road|Biodiesel", "Fuel Volume|Road|HVO", "Final Energy|Road|Electricity", "Electricity|Road",
            "Emissions|CO2|Road|Tailpipe", "Emissions|GHG|Road|Well-to-Wheel", "Emissions|GHG|Road|Life Cycle",
            "Supply|Crude Palm Oil", "Supply|Battery", "Supply|Nickel", "Trade|Oil Imports Avoided"]
    assert set(need) <= set(iamc["variable"])
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["jalur_version"] == __version__ and prov["data_version"] == data_version()
    assert prov["scenario"]["name"] == "bau" and prov["scenario"]["sources"]
    assert prov["scenario"]["origin"] == "built-in" and prov["scenario"]["file"] is None
    assert len(prov["scenario"]["sha256"]) == 64 and "site-packages" not in json.dumps(prov)
    created = dt.datetime.fromisoformat(prov["created"])
    assert created.utcoffset() == dt.timedelta(0) and abs(dt.datetime.now(dt.timezone.utc) - created).total_seconds() < 600
    with pd.ExcelFile(out / "workbook.xlsx") as xl:
        sheets = xl.sheet_names
        book = pd.read_excel(xl, sheet_name="IAMC")
    assert sheets[0] == "README" and {"Stock", "Emissions", "Upstream"} <= set(sheets)
    np.testing.assert_allclose(book[2030].to_numpy(float), iamc["2030"].to_numpy(float), rtol=1e-9)
    arr = pd.read_parquet(out / "arrays.parquet")
    lca = arr[arr["variable"] == "lca_ghg"].set_index("year")["value"]
    np.testing.assert_allclose(lca.loc[list(range(2010, 2061))].to_numpy(float), ds["lca_ghg"].values, rtol=1e-9)


def test_run_is_reproducible(capsys, tmp_path):
    import pandas as pd

    run(capsys, "run", "biofuel", "--out", str(tmp_path / "a"))
    run(capsys, "run", "biofuel", "--out", str(tmp_path / "b"))
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a" / "iamc.csv"), pd.read_csv(tmp_path / "b" / "iamc.csv"))


def test_failed_run_leaves_no_half_written_folder(capsys, tmp_path, monkeypatch):
    import jalur.pathways.outputs as outputs

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outputs, "_workbook", boom)
    out = tmp_path / "res"
    code, _, err = run(capsys, "run", "bau", "--out", str(out))
    assert code == 1 and "disk full" in err and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_run_again_keeps_the_users_files_and_replaces_only_its_own(capsys, tmp_path):
    """A second run into the same folder replaces jalur's unchanged files and keeps what the user added."""
    out = tmp_path / "res"
    code, _, _ = run(capsys, "run", "bau", "--out", str(out))
    (out / "analysis-notes.docx").write_bytes(b"PK\x03\x04 my notes")
    (out / "charts" / "my-chart.png").write_bytes(b"mine")
    old_iamc = (out / "iamc.csv").stat().st_mtime_ns
    code, _, _ = run(capsys, "run", "bau", "--out", str(out))
    assert code == 0
    assert (out / "analysis-notes.docx").read_bytes() == b"PK\x03\x04 my notes"
    assert (out / "charts" / "my-chart.png").read_bytes() == b"mine"
    assert (out / "calibration.csv").exists() and (out / "iamc.csv").stat().st_mtime_ns != old_iamc
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_a_file_jalur_wrote_before_and_not_again_is_removed_only_if_unchanged(registry, tmp_path):
    from jalur.pathways.model import run as run_model
    from jalur.pathways.outputs import write_run

    ds = run_model("bau", registry=registry)
    out = tmp_path / "res"
    write_run(ds, out, registry=registry, calibration=pd.DataFrame({"a": [1]}))
    write_run(ds, out, registry=registry)  # no calibration this time: jalur's unchanged calibration.csv goes
    assert not (out / "calibration.csv").exists() and (out / "iamc.csv").exists()
    write_run(ds, out, registry=registry, calibration=pd.DataFrame({"a": [1]}))
    (out / "calibration.csv").write_text("my notes on the calibration")
    write_run(ds, out, registry=registry)  # changed by the user: kept
    assert (out / "calibration.csv").read_text() == "my notes on the calibration"


def test_run_refuses_to_overwrite_an_edited_output(capsys, tmp_path):
    out = tmp_path / "res"
    run(capsys, "run", "bau", "--out", str(out))
    (out / "workbook.xlsx").write_bytes(b"edited by the analyst")
    code, _, err = run(capsys, "run", "bau", "--out", str(out))
    assert code == 2 and "workbook.xlsx" in err and "changed after jalur wrote them" in " ".join(err.split())
    assert (out / "workbook.xlsx").read_bytes() == b"edited by the analyst"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_run_writes_beside_user_files_but_never_over_them(capsys, tmp_path):
    (tmp_path / "thesis.docx").write_text("precious")
    code, _, _ = run(capsys, "run", "bau", "--out", str(tmp_path))
    assert code == 0 and (tmp_path / "thesis.docx").read_text() == "precious" and (tmp_path / "iamc.csv").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "iamc.csv").write_text("the user's own table")
    code, _, err = run(capsys, "run", "bau", "--out", str(other))
    assert code == 2 and "iamc.csv" in err and "did not write" in " ".join(err.split())
    assert [p.name for p in other.iterdir()] == ["iamc.csv"] and (other / "iamc.csv").read_text() == "the user's own table"


def test_run_user_scenario_file_and_bad_one(capsys, tmp_path):
    good = tmp_path / "mine.yaml"
    code, _, _ = run(capsys, "scenario", "new", "mine", "--from", "multiple-pathways", "--out", str(good))
    assert code == 0 and good.exists()
    code, out, _ = run(capsys, "scenario", "check", str(good))
    assert code == 0 and "ok" in out
    code, out, _ = run(capsys, "run", str(good), "--format", "csv")
    assert code == 0 and out.startswith("variable,unit,2025")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nlevers:\n  ice_phaseout: {lorry: 2030}\n")
    code, _, err = run(capsys, "run", str(bad))
    assert code == 3 and "levers.ice_phaseout" in err and "allowed: motorcycle, car, bus, truck" in err


def test_scenario_list_and_show(capsys):
    code, out, _ = run(capsys, "scenario", "list", "--format", "csv")
    assert code == 0 and {"bau", "nze-2060"} <= {line.split(",")[0] for line in out.splitlines()[1:]}
    code, out, _ = run(capsys, "scenario", "show", "electrification")
    assert code == 0 and "sc-esdm-ev-targets-2030" in out and "ice_phaseout" in out


def test_compare_writes_wedges(capsys, tmp_path):
    import pandas as pd

    from jalur.pathways.model import run as run_model

    out = tmp_path / "cmp"
    code, stdout, _ = run(capsys, "compare", "bau", "nze-2060", "--out", str(out), "--format", "csv")
    assert code == 0 and "nze-2060" in stdout
    w = pd.read_csv(out / "wedges.csv").set_index("year")
    assert set(w["unit"]) == {"Mt CO2e/yr"} and set(w["against"]) == {"bau"} and "without land-use" in w["basis"].iloc[0]
    cut = w.drop(columns=["scenario", "basis", "unit", "against"]).sum(axis=1)
    base, other = run_model("bau"), run_model("nze-2060")
    want = (base["wtw_ghg"] - other["wtw_ghg"]).values / 1e12          # Mt CO2e/yr: the wedges add up to the gap
    np.testing.assert_allclose(cut.loc[list(range(2010, 2061))].to_numpy(float), want, rtol=1e-9, atol=1e-9)
    assert (out / "wedges.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((out / "provenance.json").read_text())["scenarios"] == ["bau", "nze-2060"]
    code, _, err = run(capsys, "compare", "bau")
    assert code == 2 and "at least two scenarios" in err
    code, _, err = run(capsys, "compare", "bau", "bau")
    assert code == 2 and "two scenarios are named 'bau'" in err


def test_calibrate_summary(capsys):
    code, out, _ = run(capsys, "calibrate", "--format", "json")
    rows = json.loads(out)
    reg = {r["class"]: r["fit_rmse_pct"] for r in rows if r["quantity"] == "registered-stock"}
    assert code == 0 and set(reg) == {"motorcycle", "car", "bus", "truck"}
    assert max(reg.values()) < 5.0  # stated in the README: registrations within 5 % RMS of BPS
    fuel = {r["product"]: r for r in rows if r["quantity"] == "road-fuel"}
    assert set(fuel) == {"gasoline", "diesel"} and all(r["n_fit"] >= 3 for r in fuel.values())
    code, out, _ = run(capsys, "calibrate", "--detail", "--format", "json")
    detail = json.loads(out)
    assert {r["role"] for r in detail} >= {"fit", "hold-out", "outlier", "estimate", "check"}

def test_a_scenario_is_named_by_its_content_hash_not_its_path(capsys, tmp_path):
    from jalur.pathways.scenario import BUILTIN_DIR, load_scenario, scenario_digest

    copy = tmp_path / "copy" / "electrification.yaml"
    copy.parent.mkdir()
    copy.write_bytes((BUILTIN_DIR / "electrification.yaml").read_bytes())
    assert scenario_digest(load_scenario(str(copy))) == scenario_digest(load_scenario("electrification"))
    changed = tmp_path / "mine.yaml"
    run(capsys, "scenario", "new", "mine", "--out", str(changed))
    base = scenario_digest(load_scenario(str(changed)))
    changed.write_text(changed.read_text().replace("title:", "description: one more word\ntitle:", 1))
    assert scenario_digest(load_scenario(str(changed))) != base
    out = tmp_path / "res"
    code, _, _ = run(capsys, "run", str(changed), "--out", str(out))
    prov = json.loads((out / "provenance.json").read_text())
    assert code == 0 and prov["scenario"]["origin"] == "file" and prov["scenario"]["file"] == str(changed)
    assert prov["scenario"]["sha256"] == scenario_digest(load_scenario(str(changed)))


def test_run_and_compare_into_one_folder_keep_each_others_files(capsys, tmp_path):
    out = tmp_path / "res"
    assert run(capsys, "run", "bau", "--out", str(out))[0] == 0
    assert run(capsys, "compare", "bau", "biofuel", "--out", str(out))[0] == 0
    for name in ("iamc.csv", "workbook.xlsx", "report.html", "compare.csv", "wedges.csv"):
        assert (out / name).exists(), name
    assert run(capsys, "run", "bau", "--out", str(out))[0] == 0 and (out / "wedges.csv").exists()


def test_the_temporary_folder_is_inside_the_output_folder_and_stale_ones_go(capsys, tmp_path, monkeypatch):
    """One file system for every move (a USB stick, a share, a container volume), and nothing beside --out."""
    import tempfile

    out = tmp_path / "res"
    (out / ".jalur-tmp-killed").mkdir(parents=True)  # left by a run that was killed
    made = []
    real = tempfile.mkdtemp

    def spy(*a, **k):
        made.append(Path(k["dir"]))
        return real(*a, **k)

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    assert run(capsys, "run", "bau", "--out", str(out))[0] == 0
    assert made == [out] and not list(out.glob(".jalur-tmp-*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_a_manifest_entry_outside_the_folder_is_ignored(capsys, tmp_path):
    import hashlib

    out = tmp_path / "res"
    run(capsys, "run", "bau", "--out", str(out))
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    digest = hashlib.sha256(b"mine").hexdigest()
    doc = json.loads((out / ".jalur-output").read_text())
    doc["files"]["../victim.txt"] = [digest]
    doc["files"][str(victim)] = [digest]
    doc["by"]["../victim.txt"] = doc["by"][str(victim)] = "run"
    (out / ".jalur-output").write_text(json.dumps(doc))
    assert run(capsys, "run", "bau", "--out", str(out))[0] == 0
    assert victim.read_text() == "mine"


def test_a_bad_out_is_refused_before_the_work(capsys, tmp_path, monkeypatch):
    import jalur.pathways.compare as compare

    monkeypatch.setattr(compare, "run_scenarios", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")))
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    code, _, err = run(capsys, "compare", "bau", "biofuel", "--out", str(blocker / "res"))
    assert code == 2 and "is a file, not a folder" in err


def test_a_damaged_manifest_is_named(capsys, tmp_path):
    out = tmp_path / "res"
    run(capsys, "run", "bau", "--out", str(out))
    (out / ".jalur-output").write_text("{not json")
    code, _, err = run(capsys, "run", "bau", "--out", str(out))
    err = " ".join(err.split())
    assert code == 2 and "manifest .jalur-output cannot be read" in err and "more" in err
    assert (out / "iamc.csv").exists()
