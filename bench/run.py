"""Run every benchmark (`make bench`), each in its own process, then print one summary table.

Usage: python bench/run.py [--quick]
Exits 1 if any target fails or a benchmark crashes, 0 otherwise.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

SCRIPTS = ["bench_cli.py", "bench_rules.py", "bench_graph.py", "bench_reports.py", "bench_stability.py",
           "bench_store.py", "bench_batch.py"]


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    rows: list[common.Row] = []
    crashed: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pmo-bench-") as tmp:
        for script in SCRIPTS:
            out = Path(tmp) / f"{script}.json"
            cmd = [sys.executable, str(here / script), "--json", str(out)] + (["--quick"] if args.quick else [])
            rc = subprocess.run(cmd, cwd=common.REPO).returncode
            print(flush=True)
            if out.exists():
                rows += [common.Row(**r) for r in json.loads(out.read_text())]
            if rc not in (0, 1) or not out.exists():
                crashed.append(f"{script} (exit {rc})")
    print("=" * 30 + " summary " + "=" * 30)
    print(f"machine: {common.machine()}")
    print(f"revision: {common.revision()}; total {time.perf_counter() - started:.0f} s"
          + ("; --quick (smoke run, not a valid measurement)" if args.quick else ""))
    warning = common.load_warning()
    if warning:
        print(warning)
    common.print_table(rows)
    if crashed:
        print(f"CRASHED: {', '.join(crashed)}")
    failed = crashed or any(r.result == "FAIL" for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
