"""The dashboard in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium; `.ci/run` installs it).
Each page loads without script errors, a scenario runs from the page and its chart renders, the language switches,
and the workbook downloads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the web extra is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from live import live_server

    with live_server(tmp_path_factory.mktemp("browser-store")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    ctx = browser.new_context(accept_downloads=True)
    pg = ctx.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    yield pg
    ctx.close()


@pytest.mark.parametrize("name,heading", [("pathways", "Pathways"), ("vehicles", "Vehicle"), ("tax", "Tax & TCO"),
                                          ("data", "Data")])
def test_each_page_loads(page, base, name, heading):
    page.goto(f"{base}/{name}")
    assert page.locator("h1").inner_text() == heading
    page.wait_for_load_state("networkidle")
    assert page.locator("select").first.locator("option").count() > 0      # filled from the API
    assert not page.errors, page.errors


def test_a_scenario_runs_from_the_page_and_its_chart_renders(page, base, tmp_path):
    page.goto(f"{base}/pathways")
    page.wait_for_load_state("networkidle")
    page.select_option("#base", "bau")
    page.fill("#biodiesel", "50")
    page.click("#run-button")
    page.wait_for_selector("#chart[data-rendered='yes']", timeout=180_000)
    assert page.locator("#chart .main-svg").count() > 0
    assert "done" in page.locator("#status").inner_text()
    with page.expect_download() as dl:
        page.locator("#runs a", has_text="workbook").first.click()
    path = tmp_path / "workbook.xlsx"
    dl.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK"
    assert not page.errors, page.errors


def test_language_switch(page, base):
    page.goto(f"{base}/vehicles")
    page.click("#lang-toggle")
    page.wait_for_url("**/vehicles?lang=id")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Kendaraan"
    assert page.locator("label[for=year]").inner_text() == "Tahun registrasi"


def test_vehicle_chart_by_keyboard(page, base):
    page.goto(f"{base}/vehicles?lang=id")
    page.wait_for_load_state("networkidle")
    page.focus("#samples")
    page.fill("#samples", "50")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chart[data-rendered='yes']", timeout=60_000)
    assert "," in page.locator("#vehicle-table tbody td").nth(2).inner_text()   # Indonesian decimal comma
    assert not page.errors, page.errors
