"""Shared helpers for the benchmark scripts (standard library only).

Each script records its measures with ``check`` (a target: PASS/FAIL) or ``info``
(reported, never fails), then prints them with ``print_table``. ``finish`` writes
the rows as JSON when ``--json FILE`` is given (bench/run.py collects them) and
returns the exit status: 1 if any target failed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SAMPLES = sorted((REPO / "samples").glob("*.xlsx"))  # the four bundled samples, as `make demo` uses them


# -- statistics and timing ---------------------------------------------------

def median(values) -> float:
    values = list(values)
    if not values:
        raise ValueError("median of no values")
    return statistics.median(values)


def spread(values, unit: str = "") -> str:
    values = list(values)
    return f"n={len(values)} min {min(values):.3g}{unit} max {max(values):.3g}{unit}"


def time_subprocess(cmd: list[str], cwd: Path = REPO, expect_rc: int = 0) -> float:
    """Wall time in seconds of one whole process (start to exit); fails loudly on a wrong exit code."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != expect_rc:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode} (expected {expect_rc}):\n"
                           f"{proc.stdout.decode(errors='replace')}{proc.stderr.decode(errors='replace')}")
    return elapsed


def time_call(func, *args) -> float:
    """Seconds taken by one in-process call."""
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def time_call_cpu(func, *args) -> tuple[float, float]:
    """(wall, CPU) seconds of one in-process call; CPU well under wall means the thread was descheduled."""
    wall, cpu = time.perf_counter(), time.thread_time()
    func(*args)
    return time.perf_counter() - wall, time.thread_time() - cpu


def rss_mb() -> float:
    """Resident memory of this process (VmRSS from /proc/self/status) in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmRSS in /proc/self/status (not Linux?)")


# -- machine and header ------------------------------------------------------

def machine() -> str:
    cpus = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        usable = cpus
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        load = "?"
    return (f"nproc {usable} (cpu_count {cpus}), Python {platform.python_version()} "
            f"({sys.executable}), {platform.system()} {platform.machine()}, load average {load}")


def revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header(title: str, what: list[str], quick: bool) -> None:
    print(f"== {title} ==")
    for line in what:
        print(f"   {line}")
    print(f"   machine: {machine()}")
    print(f"   revision: {revision()}")
    if quick:
        print("   --quick: fewer repetitions, a smoke run only (not a valid measurement)")
    warning = load_warning()
    if warning:
        print(f"   {warning}")
    print(flush=True)


def load_warning() -> str:
    """Timings on a busy machine are not comparable: say so when the 1-minute load is high."""
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover
        return ""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if load > 0.5 * cpus:
        return (f"WARNING: 1-minute load average {load:.2f} on {cpus} CPUs: other work is running, "
                "timings may be inflated; rerun on an idle machine before trusting a FAIL")
    return ""


def parse_args(description: str, extra=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="cut repetitions for a smoke run")
    parser.add_argument("--json", metavar="FILE", help="also write the result rows to FILE (used by run.py)")
    if extra:
        extra(parser)
    return parser.parse_args()


# -- results -----------------------------------------------------------------

@dataclass
class Row:
    measure: str
    median: str
    limit: str
    result: str          # PASS, FAIL or info
    detail: str = ""


ROWS: list[Row] = []


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:.3g} {unit}".strip()


def check(name: str, value: float, limit: float, unit: str, detail: str = "") -> bool:
    """A target: passes when value < limit. Prints a PASS/FAIL line and records the row."""
    ok = value < limit
    result = "PASS" if ok else "FAIL"
    ROWS.append(Row(name, _fmt(value, unit), f"< {_fmt(limit, unit)}", result, detail))
    print(f"{result}  {name}: {_fmt(value, unit)} (limit < {_fmt(limit, unit)}){'  ' + detail if detail else ''}",
          flush=True)
    return ok


def check_at_least(name: str, value: float, floor: float, unit: str, detail: str = "") -> bool:
    """A target the other way round: passes when value >= floor (a throughput, a speed-up)."""
    ok = value >= floor
    result = "PASS" if ok else "FAIL"
    ROWS.append(Row(name, _fmt(value, unit), f">= {_fmt(floor, unit)}", result, detail))
    print(f"{result}  {name}: {_fmt(value, unit)} (limit >= {_fmt(floor, unit)}){'  ' + detail if detail else ''}",
          flush=True)
    return ok


def info(name: str, value: float, unit: str, detail: str = "") -> None:
    """A measure reported for information, with no limit."""
    ROWS.append(Row(name, _fmt(value, unit), "-", "info", detail))
    print(f"info  {name}: {_fmt(value, unit)}{'  ' + detail if detail else ''}", flush=True)


def print_table(rows: list[Row] | None = None, title: str = "") -> None:
    rows = ROWS if rows is None else rows
    cols = ["measure", "median", "limit", "result", "detail"]
    cells = [[r.measure, r.median, r.limit, r.result, r.detail] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) if cells else len(c) for i, c in enumerate(cols)]
    if title:
        print(f"\n{title}")
    else:
        print()
    print(" | ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
    print("-|-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    failed = [r for r in rows if r.result == "FAIL"]
    targets = [r for r in rows if r.result in ("PASS", "FAIL")]
    print(f"\n{len(targets) - len(failed)} of {len(targets)} targets met"
          + (f"; FAILED: {', '.join(r.measure for r in failed)}" if failed else ""), flush=True)


def finish(args: argparse.Namespace) -> int:
    print_table()
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in ROWS], indent=1))
    return 1 if any(r.result == "FAIL" for r in ROWS) else 0
