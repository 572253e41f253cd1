"""What a run gives an analyst: a formatted workbook, variables.csv with labels, one self-contained report.html,
charts with one unit per axis, and labels in English or Bahasa Indonesia."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from jalur.cli import main
from jalur.cli.render import fmt_value


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("run") / "res"
    assert main(["run", "bau", "--out", str(d), "--lang", "id"]) == 0
    return d


def test_variables_csv_labels_every_iamc_variable_in_both_languages(out):
    iamc = pd.read_csv(out / "iamc.csv")
    assert list(iamc.columns[:5]) == ["model", "scenario", "region", "variable", "unit"]  # the IAMC standard
    v = pd.read_csv(out / "variables.csv")
    assert set(v["variable"]) == set(iamc["variable"]) and v["variable"].is_unique
    assert v[["label_en", "label_id"]].notna().all().all()
    row = v.set_index("variable").loc["Stock|Road|In Use|Motorcycle|BEV"]
    assert row["label_en"].startswith("Motorcycle") and row["label_id"].startswith("Sepeda motor")
    assert "{" not in "".join(v["label_en"]) + "".join(v["label_id"])


def test_the_workbook_is_formatted_and_says_what_produced_it(out):
    from openpyxl import load_workbook

    wb = load_workbook(out / "workbook.xlsx")
    assert wb.sheetnames[0] == "README" and {"Variables", "Caveats", "Sources", "Summary"} <= set(wb.sheetnames)
    iamc = wb["IAMC"]
    assert iamc.freeze_panes == "F2" and iamc["A1"].font.bold
    assert [c.value for c in iamc[1]][5] == 2010  # years are numbers
    assert iamc.column_dimensions["D"].width >= 40 and iamc.column_dimensions["F"].width == 10
    assert iamc["F2"].number_format in ("#,##0.00", "#,##0")
    assert wb["Summary"].freeze_panes == "D2" and isinstance(wb["Summary"]["D1"].value, int)
    assert wb["Summary"]["B1"].value == "keterangan" and wb["Summary"]["B2"].value.startswith("Kendaraan")
    readme = {r[0].value: r[1].value for r in wb["README"].iter_rows(min_row=2)}
    assert readme["skenario"] == "bau" and readme["berkas override"] == "none"
    assert re.match(r"\d{4}-\d\d-\d\dT", readme["dibuat (UTC)"]) and readme["versi data"]
    sources = pd.read_excel(out / "workbook.xlsx", sheet_name="Sources")
    used = " ".join(sources["used_by"])
    assert "vehicle-population" in used and "scenario" in used  # the data's sources, not only the scenario's
    assert sources["citation"].str.len().min() > 0


def test_the_report_is_one_self_contained_page(out):
    text = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\ssrc=", text)  # no script fetched from elsewhere: works offline
    assert text.count("plotly.js v") <= 2 and text.count("Plotly.newPlot") >= 12
    assert "Catatan penting" in text and "Stock|Road|In Use" in text  # --lang id; IAMC names stay English
    assert not list(out.glob("charts/*.html")) and not list(out.glob("charts/plotly*.js"))


def test_one_unit_per_chart_and_stock_by_class(registry):
    from jalur.pathways.charts import charts
    from jalur.pathways.model import run

    figs = charts(run("bau", registry=registry))
    assert "upstream" not in figs and "stock_by_class" in figs
    for stem, fig in figs.items():
        unit = fig.layout.yaxis.title.text
        assert unit and unit != "see legend", stem
        assert fig.layout.xaxis.title.text == "year", stem
    classes = {t.name for t in figs["stock_by_class"].data}
    assert {"Motorcycle", "Car"} <= classes
    guide = [t.name for t in figs["emissions"].data if t.line.dash == "dash"]
    assert guide and "tailpipe CO2" in guide[0]
    figs_id = charts(run("bau", registry=registry), lang="id")
    names = {t.name for t in figs_id["stock_by_powertrain"].data}
    assert "Mesin bensin" in names and figs_id["stock_by_class"].layout.xaxis.title.text == "tahun"
    colours = {t.name: t.line.color for t in figs["stock_by_powertrain"].data}
    colours_id = {t.name: t.line.color for t in figs_id["stock_by_powertrain"].data}
    assert colours["ICE Gasoline"] == colours_id["Mesin bensin"] and len(set(colours.values())) == len(colours)


def test_indonesian_number_format():
    assert fmt_value(3917.4, "id") == "3.917" and fmt_value(1234.5, "en") == "1,234"
    assert fmt_value(0.5, "id") == "0,5"


def test_an_unknown_language_is_refused(capsys, tmp_path):
    assert main(["run", "bau", "--lang", "fr"]) == 2
    assert "languages: en, id" in capsys.readouterr().err


def _header(capsys, *args):
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_every_numeric_column_of_a_cli_table_shows_its_unit(capsys):
    text = _header(capsys, "vehicle", "car-lmpv", "-p", "bev", "--per", "pkm", "--samples", "50", "--seed", "1")
    assert "[g CO2e/passenger-km]" in text and text.count("[g/pkm]") >= 12 and "[t CO2e]" in text
    assert "total p50" in text and "p5/p50/p95 of 50 samples" in text
    text = _header(capsys, "vehicle", "compare", "truck-light", "--per", "tkm")
    assert "[g CO2e/tonne-km]" in text and "[g/tkm]" in text and "[km]" in text
    text = _header(capsys, "tco", "mc-scooter")
    for unit in ("[Rp/km]", "[Rp]", "[t CO2e]", "[Rp/t CO2e]", "[% of price]"):
        assert unit in text, unit


def test_lang_id_labels_and_numbers_in_cli_tables(capsys, monkeypatch):
    text = _header(capsys, "tco", "mc-scooter", "--lang", "id")
    assert "pembelian" in text and "20.000.000" in text and "penggerak" in text
    monkeypatch.setenv("JALUR_LANG", "id")
    text = _header(capsys, "vehicle", "mc-scooter", "-p", "bev")
    assert "Produksi" in text and "baterai" in text and re.search(r"\d,\d", text)
    monkeypatch.setenv("JALUR_LANG", "en")
    assert "battery" in _header(capsys, "vehicle", "mc-scooter", "-p", "bev")


def test_tco_chart_labels_sit_above_their_bars(registry):
    import numpy as np

    from jalur.charts import cost_components
    from jalur.policy.tco import tco

    fig = cost_components(tco("car-lmpv", 2025, registry=registry), "t")
    bars = np.array([t.y for t in fig.data if t.type == "bar"], dtype=float)
    (text,) = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    np.testing.assert_allclose(np.asarray(text.y, dtype=float), np.clip(bars, 0, None).sum(axis=0))


def test_tax_in_indonesian_number_format(capsys):
    text = _header(capsys, "tax", "--category", "passenger", "-p", "bev", "--price", "5e8", "--date", "2026-06-01",
                   "--lang", "id")
    assert "Rp 60.000.000" in text and "harga termasuk pajak" in text


def test_tco_chart_labels_in_indonesian(registry):
    from jalur.charts import cost_components
    from jalur.policy.tco import tco

    fig = cost_components(tco("car-lmpv", 2025, registry=registry), "t", "id")
    (text,) = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    assert all(re.fullmatch(r"Rp \d{1,3}(\.\d{3})*/km", x) for x in text.text)
