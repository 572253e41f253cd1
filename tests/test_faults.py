"""Every command that reads or writes a user's file, tried with each class of fault a user meets: a file in the wrong
encoding, a binary file, an Indonesian-locale Excel CSV, a header-only CSV, a duplicate YAML key, a misspelt
column, a place that cannot be written. Each gives one clear paragraph naming the file and a non-zero exit; never
a traceback."""

from __future__ import annotations

import pytest

from jalur import datasets
from jalur.cli import main
from jalur.errors import DataError

OVERRIDE_YAML = ('tables:\n  grid-losses:\n    - {region: jamali, year: 2025, value: 9, unit: "%", source_id: my-src}\n'
                 'sources:\n  - {id: my-src, citation: "Catatan saya – 2025", url: "", year: 2025, type: user}\n')
OVERRIDE_CSV = ("table,region,year,value,unit,source_id,citation\n"
                "grid-losses,jamali,2025,9.5,%,my-src,Catatan saya – 2025\n")
SCENARIO = 'name: mine\ntitle: "Skenario – saya"\nextends: bau\n'

#: (file name, bytes, what the message must say)
BAD_FILES = {
    "cp1252-yaml": ("o.yaml", OVERRIDE_YAML.encode("cp1252"), "not UTF-8 text"),
    "cp1252-csv": ("o.csv", OVERRIDE_CSV.encode("cp1252"), "Windows-1252"),
    "binary": ("o.csv", bytes(range(256)) * 8, "binary file"),
    "xlsx": ("o.csv", b"PK\x03\x04" + bytes(200), "ZIP archive"),
    "header-only-csv": ("o.csv", b"table,region,year,value,unit,source_id\n", "header but no rows"),
    "duplicate-yaml-key": ("o.yaml", (OVERRIDE_YAML + "tables:\n  grid-losses: []\n").encode(), "given twice"),
    "empty-yaml-table": ("o.yaml", b"tables:\n  grid-losses: []\n", "no rows"),
    "misspelt-column": ("o.csv", OVERRIDE_CSV.replace("region", "regoin", 1).encode(), "did you mean 'region'"),
    "folder": ("o.csv", None, "is a folder"),
    "missing": ("o.csv", False, "does not exist"),
}

#: Commands that take ``--override`` (each reads it through the same reader; all are tried).
OVERRIDE_COMMANDS = {
    "data-check": ["data", "check"],
    "vehicle": ["vehicle", "car-lmpv"],
    "vehicle-compare": ["vehicle", "compare", "mc-scooter"],
    "tax": ["tax", "--category", "passenger-lt10", "-p", "bev", "--price", "500000000", "--date", "2025-06-01"],
    "tco": ["tco", "mc-scooter", "-p", "bev"],
    "vehicle-sensitivity": ["vehicle", "sensitivity", "mc-scooter", "-p", "bev"],
    "run": ["run", "bau"],
    "compare": ["compare", "bau", "biofuel"],
    "calibrate": ["calibrate"],
    "scenario-check": ["scenario", "check", "SCENARIO"],
}


def _cli(capsys, *args):
    code = main(list(args))
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err + cap.out, args
    return code, cap.out, " ".join(cap.err.split())


def _make(tmp_path, name, content):
    p = tmp_path / name
    if content is None:
        p.mkdir()
    elif content is not False:
        p.write_bytes(content)
    return p


@pytest.fixture
def scenario_file(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    return p


@pytest.mark.parametrize("fault", list(BAD_FILES))
def test_a_bad_override_is_one_clear_error(capsys, tmp_path, fault, scenario_file):
    name, content, says = BAD_FILES[fault]
    p = _make(tmp_path, name, content)
    for cmd, args in OVERRIDE_COMMANDS.items():
        args = [str(scenario_file) if a == "SCENARIO" else a for a in args]
        code, _, err = _cli(capsys, *args, "--override", str(p))
        assert code in (2, 3), (fault, cmd)
        assert says in err and str(p) in err, (fault, cmd, err)


@pytest.mark.parametrize("fault", ["cp1252", "binary", "duplicate-key", "folder", "utf16-tab"])
def test_a_bad_scenario_file_is_one_clear_error(capsys, tmp_path, fault):
    p = tmp_path / "mine.yaml"
    content = {"cp1252": SCENARIO.encode("cp1252"), "binary": b"\x00\x01" * 50,
               "duplicate-key": (SCENARIO + "extends: nze-2060\n").encode(), "folder": None,
               "utf16-tab": ("name:\tmine\n").encode("utf-16")}[fault]
    _make(tmp_path, "mine.yaml", content)
    for args in (["run", str(p)], ["scenario", "check", str(p)], ["scenario", "show", str(p)],
                 ["compare", "bau", str(p)]):
        code, _, err = _cli(capsys, *args)
        assert code in (2, 3) and "mine.yaml" in err, (fault, args, err)


def test_utf16_and_tab_separated_overrides_are_read(registry, tmp_path):
    """Excel's "Unicode text" (UTF-16, tabs) and "CSV UTF-8" (with a byte-order mark) both load."""
    tab = tmp_path / "tab.csv"
    tab.write_bytes(OVERRIDE_CSV.replace(",", "\t").encode("utf-16"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(OVERRIDE_CSV.encode("utf-8-sig"))
    for p in (tab, bom):
        t = datasets.apply_override(registry, p).table("grid-losses").where(region="jamali", year=2025)
        assert t.values("%").tolist() == [9.5], p


def test_an_indonesian_excel_csv_is_read_with_its_decimal_commas(registry, tmp_path):
    """Indonesian-locale Excel saves CSV with semicolons and decimal commas: 9,5 is nine and a half."""
    p = tmp_path / "excel.csv"
    p.write_text("table;region;year;value;unit;source_id;citation\n"
                 "grid-losses;jamali;2025;9,5;%;my-src;Catatan saya, 2025\n"
                 "grid-losses;sumatera;2025;1.010,25;%;my-src;Catatan saya, 2025\n", encoding="utf-8")
    with pytest.raises(DataError, match="above|max|outside|1010"):
        datasets.apply_override(registry, p)  # 1.010,25 is read as 1010.25 %, which the schema refuses
    p.write_text("table;region;year;value;unit;source_id;citation\n"
                 "grid-losses;jamali;2025;9,5;%;my-src;Catatan saya, 2025\n", encoding="utf-8")
    t = datasets.apply_override(registry, p).table("grid-losses")
    assert t.where(region="jamali", year=2025).values("%").tolist() == [9.5]
    assert datasets.apply_override(registry, p).source("my-src")["citation"] == "Catatan saya, 2025"


def test_an_ambiguous_number_in_a_semicolon_csv_is_refused(capsys, tmp_path):
    p = tmp_path / "excel.csv"
    p.write_text("table;region;year;value;unit;source_id;citation\ngrid-losses;jamali;2025;1.234;%;my-src;x 2025\n")
    code, _, err = _cli(capsys, "data", "check", "--override", str(p))
    assert code == 3 and "'1.234'" in err and "thousand separator or a decimal point" in err


def test_a_csv_without_a_table_column_says_what_it_found(capsys, tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("tabel;region;year\nx;y;z\n")
    code, _, err = _cli(capsys, "data", "check", "--override", str(p))
    assert code == 3 and "semicolon-separated" in err and "'tabel'" in err


def test_a_misspelt_column_names_the_right_required_columns(capsys, tmp_path):
    p = tmp_path / "o.csv"
    p.write_text(OVERRIDE_CSV.replace("region", "regoin", 1))
    code, _, err = _cli(capsys, "data", "check", "--override", str(p))
    assert code == 3
    assert "unknown column 'regoin' (did you mean 'region'?)" in err
    assert "Required: region, year, source_id, value, unit; optional: note, low, high" in err


#: (command, where it writes); PLACE is replaced by an unwritable path.
WRITERS = {
    "vehicle-compare-chart": ["vehicle", "compare", "mc-scooter", "--chart", "PLACE/c.png"],
    "tco-chart": ["tco", "mc-scooter", "-p", "bev", "--chart", "PLACE/c.html"],
    "scenario-new": ["scenario", "new", "mine", "--out", "PLACE/mine.yaml"],
    "run-out": ["run", "bau", "--out", "PLACE/res"],
    "compare-out": ["compare", "bau", "biofuel", "--out", "PLACE/res"],
}


@pytest.mark.parametrize("place", ["under-a-file", "read-only"])
@pytest.mark.parametrize("cmd", list(WRITERS))
def test_an_unwritable_place_is_one_clear_error(capsys, tmp_path, monkeypatch, cmd, place):
    if place == "under-a-file":
        target = tmp_path / "afile"
        target.write_text("x")
    else:  # root may write anywhere, so refuse every write below the folder as a read-only file system does
        import os
        import tempfile

        target = tmp_path / "ro"
        target.mkdir()
        real_mkstemp, real_mkdtemp, real_mkdir = tempfile.mkstemp, tempfile.mkdtemp, os.mkdir

        def deny(real):
            def f(*a, **k):
                where = str(k.get("dir") or (a[0] if a else ""))
                if where.startswith(str(target)):
                    raise PermissionError(13, "Permission denied", where)
                return real(*a, **k)
            return f

        monkeypatch.setattr(tempfile, "mkstemp", deny(real_mkstemp))
        monkeypatch.setattr(tempfile, "mkdtemp", deny(real_mkdtemp))
        monkeypatch.setattr(os, "mkdir", deny(real_mkdir))
    args = [a.replace("PLACE", str(target)) for a in WRITERS[cmd]]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, _, err = _cli(capsys, *args)
    assert code == 2, (cmd, place, err)
    assert "cannot write" in err and str(target) in err, (cmd, place, err)
    assert ("is a file, not a folder" in err) if place == "under-a-file" else ("Permission denied" in err)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_a_bad_year_names_the_command_the_user_typed(capsys):
    code, _, err = _cli(capsys, "vehicle", "car-lmpv", "--year", "twenty")
    assert code == 2 and "jalur vehicle [OPTIONS]" in err and "vehicle lca" not in err


def test_an_unforeseen_fault_is_one_paragraph(capsys, monkeypatch):
    import jalur.policy.ppnbm as ppnbm

    def boom(*a, **k):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(ppnbm, "assess", boom)
    code, _, err = _cli(capsys, "tax", "--category", "passenger-lt10", "-p", "bev", "--price", "5e8")
    assert code == 1 and "ZeroDivisionError" in err and "JALUR_DEBUG" in err


def test_a_terminal_that_cannot_show_unicode_gets_no_traceback(tmp_path):
    """Output holds em dashes and Indonesian labels; an ASCII-only terminal gets '?' for them, and exit 0."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONIOENCODING="ascii", JALUR_HOME=str(tmp_path))
    for args in (["tax", "--category", "passenger", "-p", "bev", "--price", "5e8"], ["scenario", "list"],
                 ["data", "check", "--override", str(tmp_path / "missing.csv")]):
        proc = subprocess.run([sys.executable, "-c", "import sys; from jalur.cli import main; sys.exit(main())", *args],
                              env=env, capture_output=True, text=True, encoding="ascii", errors="replace")
        assert "Traceback" not in proc.stderr and "UnicodeEncodeError" not in proc.stderr, args
        assert proc.returncode == (3 if args[0] == "data" else 0), (args, proc.stderr)


def test_the_fit_script_reports_a_bad_override_without_a_traceback(capsys, tmp_path):
    from jalur.pathways.fit import main as fit_main

    p = tmp_path / "o.csv"
    p.write_bytes(bytes(range(256)))
    assert fit_main(["--override", str(p)]) == 3
    err = capsys.readouterr().err
    assert "binary file" in err and "Traceback" not in err


@pytest.mark.parametrize("text, says", [
    ("table,region,year,value,unit,source_id,citation\ngrid-losses,jamali,2025,9.5,%,my-src,Catatan, 2025\n",
     "line 2 has 8 cells"),
    ("table,region,year,value,unit,source_id,citation\ngrid-losses,jamali,2025,9.5\n", "line 2 has 4 cells"),
    ("table,region,year,value,unit,source_id\ngrid-losses,jamali,2025,\"9,5\",%,fl-bps-vehpop-2018-2021\n",
     "a decimal comma?"),
    ("table\tregion\tyear\tvalue\tunit\tsource_id\ngrid-losses\tjamali\t2025\t9,5\t%\tx\n"
     "grid-losses\tsumatera\t2025\t9.5\t%\tx\n", "some decimals with a comma"),
])
def test_misshapen_csv_rows_are_named(capsys, tmp_path, text, says):
    p = tmp_path / "o.csv"
    p.write_text(text)
    code, _, err = _cli(capsys, "data", "check", "--override", str(p))
    assert code == 3 and says in err, err


def test_blank_rows_and_a_utf16_tab_file_with_decimal_commas_are_read(registry, tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("table;region;year;value;unit;source_id;citation\ngrid-losses;jamali;2025;9,5;%;my-src;x 2025\n"
                 ";;;;;;\n\n")
    q = tmp_path / "u.csv"
    q.write_bytes("table\tregion\tyear\tvalue\tunit\tsource_id\tcitation\n"
                  "grid-losses\tjamali\t2025\t8,5\t%\tmy-src\tx 2025\n".encode("utf-16"))
    for f, want in ((p, 9.5), (q, 8.5)):
        t = datasets.apply_override(registry, f).table("grid-losses").where(region="jamali", year=2025)
        assert t.values("%").tolist() == [want]


def test_review_edges(capsys, tmp_path, monkeypatch):
    """From the review: a scenario extending a file from another folder; a huge --samples; --top below 1;
    UTF-16 without a byte-order mark."""
    monkeypatch.chdir(tmp_path)
    assert main(["scenario", "new", "a", "--out", "a.yaml"]) == 0
    assert main(["scenario", "new", "b", "--from", "a.yaml", "--out", "sub/b.yaml"]) == 0
    assert main(["scenario", "check", "sub/b.yaml"]) == 0
    capsys.readouterr()
    code, _, err = _cli(capsys, "vehicle", "car-lmpv", "-p", "bev", "--samples", "10000000")
    assert code == 2 and "from 0 to 100,000" in err
    code, _, err = _cli(capsys, "vehicle", "sensitivity", "car-lmpv", "-p", "bev", "--top", "-3")
    assert code == 2 and "--top must be at least 1" in err
    p = tmp_path / "nobom.csv"
    p.write_bytes(OVERRIDE_CSV.replace("Catatan saya – 2025", "x 2025").encode("utf-16-le"))
    t = datasets.apply_override(datasets.load(), p).table("grid-losses").where(region="jamali", year=2025)
    assert t.values("%").tolist() == [9.5]
