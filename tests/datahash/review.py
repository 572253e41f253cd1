"""Reviewed data: a hash of every shipped data file, so that no number changes without a reviewed step.

    python3 tests/datahash/review.py            # list the data files whose content changed, with the changed rows
    python3 tests/datahash/review.py --accept   # the same, then record the new hashes (commit them with the data)

The test ``tests/test_data_review.py`` fails when a table, a schema or the source list differs from the hash
recorded here: a changed rate, date or factor must be looked at once, on purpose.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
HASHES = HERE / "hashes.json"


def data_dir() -> Path:
    import jalur

    return Path(jalur.__file__).parent / "data"


def files() -> dict[str, Path]:
    d = data_dir()
    out = {f"tables/{p.name}": p for p in sorted((d / "tables").glob("*.csv"))}
    out |= {f"schema/{p.name}": p for p in sorted((d / "schema").glob("*.yaml"))}
    out["sources.csv"] = d / "sources.csv"
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def current() -> dict[str, str]:
    return {name: digest(p) for name, p in files().items()}


def recorded() -> dict[str, str]:
    return json.loads(HASHES.read_text(encoding="utf-8")) if HASHES.exists() else {}


def changes() -> dict[str, str]:
    """name -> 'changed' | 'new' | 'removed' for every data file that differs from the record."""
    now, rec = current(), recorded()
    out = {n: "changed" for n in now if n in rec and now[n] != rec[n]}
    out |= {n: "new" for n in now if n not in rec}
    out |= {n: "removed" for n in rec if n not in now}
    return out


def _committed_text(name: str) -> list[str]:
    rel = (data_dir() / name).relative_to(data_dir().parents[2])
    try:
        text = subprocess.run(["git", "show", f"HEAD:{rel.as_posix()}"], cwd=data_dir(), capture_output=True,
                              text=True, check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return []
    return text.splitlines()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accept", action="store_true", help="record the new hashes after showing the changes")
    args = ap.parse_args(argv)
    ch = changes()
    for name, what in sorted(ch.items()):
        print(f"== {name}: {what}")
        if what == "changed":
            new = files()[name].read_text(encoding="utf-8").splitlines()
            for line in difflib.unified_diff(_committed_text(name), new, "committed", "working tree", n=0, lineterm=""):
                print("   " + line[:200])
    if not ch:
        print("no data file changed")
    elif args.accept:
        HASHES.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(current())} hashes in {HASHES}")
    else:
        print("\nnothing recorded; run again with --accept once the changes are reviewed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
