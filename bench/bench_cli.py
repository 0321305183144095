"""Issue 2: whole-process start-up of the CLI (subprocess wall time, median of >= 7 runs).

Targets: `pmo-assess --help` < 0.3 s; `pmo-assess validate <sample>` < 0.6 s for each bundled sample.
The bare interpreter start (`python -c pass`) is reported for information, with each
command's time as a ratio of it, so a slow machine can be told from a slow CLI.

Runs are interleaved (one of each command per round) after one untimed warm-up round,
so a burst of background load spreads over all commands instead of one.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

HELP_LIMIT = 0.3
VALIDATE_LIMIT = 0.6


def cli_command() -> list[str]:
    """The console script next to the running interpreter (the venv's), else `python -m assessor`."""
    script = Path(sys.executable).parent / "pmo-assess"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assessor"]


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0])
    runs = 3 if args.quick else 9
    cli = cli_command()
    common.header("bench_cli: CLI start-up, whole process (issue 2)", [
        f"command: {' '.join(cli)}",
        f"wall time of each subprocess, median of {runs} interleaved runs after 1 warm-up round",
        f"targets: --help < {HELP_LIMIT} s; validate <sample> < {VALIDATE_LIMIT} s (each of {len(common.SAMPLES)} samples)",
    ], args.quick)

    cases: list[tuple[str, list[str], float | None]] = [
        ("python -c pass (baseline)", [sys.executable, "-c", "pass"], None),
        ("pmo-assess --help", cli + ["--help"], HELP_LIMIT),
    ]
    for sample in common.SAMPLES:
        cases.append((f"validate {sample.name}", cli + ["validate", str(sample.relative_to(common.REPO))],
                      VALIDATE_LIMIT))
    pair = [common.REPO / "samples/meridian-bank.xlsx", common.REPO / "samples/more-respondents/meridian-bank-finance.xlsx"]
    if all(p.exists() for p in pair):
        cases.append(("validate meridian-bank + finance (2 files)",
                      cli + ["validate"] + [str(p.relative_to(common.REPO)) for p in pair], None))

    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for round_ in range(runs + 1):
        for name, cmd, _ in cases:
            elapsed = common.time_subprocess(cmd)
            if round_:  # round 0 warms the file cache and .pyc files
                times[name].append(elapsed)

    baseline = common.median(times[cases[0][0]])
    for name, _, limit in cases:
        value = common.median(times[name])
        detail = common.spread(times[name], "s")
        if name != cases[0][0]:
            detail += f"; {value / baseline:.1f}x bare python"
        if limit is None:
            common.info(name, value, "s", detail)
        else:
            common.check(name, value, limit, "s", detail)
    return common.finish(args)


if __name__ == "__main__":
    sys.exit(main())
