"""Show what changed in the golden results, and accept it only when asked (a reviewed step).

    python3 tests/golden/regenerate.py            # print the changes of every built-in scenario; write nothing
    python3 tests/golden/regenerate.py --accept   # print them, then write the new golden files

Commit the new files together with the change that explains them, and say why in the commit message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pandas as pd  # noqa: E402
from golden import compute, differences, path, read  # noqa: E402

from jalur.pathways.scenario import builtin_names  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accept", action="store_true", help="write the new golden files after showing the changes")
    args = ap.parse_args(argv)
    changed = 0
    pd.set_option("display.width", 200)
    for name in builtin_names():
        new = compute(name)
        if not path(name).exists():
            changed += 1
            print(f"== {name}: new golden file ({len(new)} rows)")
            if args.accept:
                new.to_csv(path(name), index=False, float_format="%.12g")
                print(f"   wrote {path(name)}")
            continue
        diff = differences(read(name), new)
        if len(diff):
            changed += 1
            print(f"== {name}: {len(diff)} value(s) changed")
            summary = diff.groupby(["region", "variable"], sort=False).agg(
                years=("year", "count"), largest_change_pct=("change_pct", lambda s: s.abs().max()))
            print(summary.to_string(max_rows=200))
        else:
            print(f"== {name}: unchanged")
        if args.accept and len(diff):
            new.to_csv(path(name), index=False, float_format="%.12g")
            print(f"   wrote {path(name)}")
    if changed and not args.accept:
        print("\nnothing written; run again with --accept to accept these changes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
