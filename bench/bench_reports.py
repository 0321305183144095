"""Report writing: the Excel gap report in-process, and `assess -o report.xlsx` as a whole process.

Targets, per bundled sample:
- the xlsx report written from `assessment.to_dict()` < 150 ms, in-process (median of >= 15
  runs after warm-up; the assessment and its `to_dict()` are made once, outside the timing: only
  `api.write_report(data, path, "xlsx", force=True)` is timed, the path `assess -o` takes: made in
  memory, then published through an anonymous file);
- `pmo-assess assess <sample> -o report.xlsx --force` < 1.5 s, whole process (subprocess wall time,
  median of >= 7 runs after a warm-up round; output into a temporary folder).
For information: the HTML and JSON reporters' write times on the same data, the bare interpreter
start (each CLI time also as a multiple of it) and the calibration workload of bench_rules.py.

Runs are interleaved (every sample, and every format, in each round), so drift in machine speed
hits them all alike.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from bench_cli import cli_command  # noqa: E402
from bench_rules import _calibration  # noqa: E402 - the same fixed workload, so the multiples compare

XLSX_LIMIT_MS = 150.0
CLI_LIMIT_S = 1.5
FORMATS = (("xlsx", ".xlsx"), ("html", ".html"), ("json", ".json"))


def measure_reporters(quick: bool, tmp: Path) -> None:
    from assessor.api import Assessor, write_report

    runs, warm = (5, 2) if quick else (20, 3)
    assessor = Assessor()
    cases = []
    for path in common.SAMPLES:
        data = assessor.assess([path.relative_to(common.REPO)]).to_dict()
        cases.append({"name": path.stem, "data": data, "cal": [], "cpu": [],
                      **{fmt: [] for fmt, _ in FORMATS}})

    for round_ in range(warm + runs):
        for case in cases:
            c = common.time_call(_calibration)
            timed = {}
            for fmt, ext in FORMATS:
                out = tmp / f"{case['name']}{ext}"
                wall, cpu = common.time_call_cpu(write_report, case["data"], out, fmt, (), True)
                timed[fmt] = wall
                if fmt == "xlsx":
                    timed["cpu"] = cpu
            if round_ < warm:  # the first rounds import openpyxl and warm caches
                continue
            case["cal"].append(c * 1000)
            for key, value in timed.items():
                case[key].append(value * 1000)

    med = common.median
    for case in cases:
        name, xlsx = case["name"], case["xlsx"]
        size = (tmp / f"{name}.xlsx").stat().st_size / 1024
        per_cal = med(x / c for x, c in zip(xlsx, case["cal"]))
        common.check(f"{name}: xlsx report write", med(xlsx), XLSX_LIMIT_MS, "ms",
                     f"{common.spread(xlsx, 'ms')}; CPU {med(case['cpu']):.1f} ms; {per_cal:.0f}x calibration; "
                     f"{size:.0f} KB")
        for fmt, ext in FORMATS[1:]:
            size = (tmp / f"{name}{ext}").stat().st_size / 1024
            common.info(f"{name}: {fmt} report write", med(case[fmt]), "ms",
                        f"{common.spread(case[fmt], 'ms')}; {size:.0f} KB")
    all_cal = [x for case in cases for x in case["cal"]]
    common.info("calibration: fixed Python workload", med(all_cal), "ms",
                f"{common.spread(all_cal, 'ms')}; ~0.7 ms idle on the dev VM; higher = slower machine state")


def measure_cli(quick: bool, tmp: Path) -> None:
    runs = 3 if quick else 9
    cli = cli_command()
    cases: list[tuple[str, list[str], Path | None]] = [
        ("python -c pass (baseline)", [sys.executable, "-c", "pass"], None)]
    for sample in common.SAMPLES:
        out = tmp / f"cli-{sample.stem}.xlsx"
        cases.append((f"assess {sample.name} -o report.xlsx",
                      cli + ["assess", str(sample.relative_to(common.REPO)), "-o", str(out), "--force"], out))

    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for round_ in range(runs + 1):
        for name, cmd, out in cases:
            if out is not None:
                out.unlink(missing_ok=True)
            elapsed = common.time_subprocess(cmd)
            if out is not None and not (out.exists() and out.stat().st_size):
                raise RuntimeError(f"{' '.join(cmd)} exited 0 but wrote no {out}")
            if round_:  # round 0 warms the file cache and .pyc files
                times[name].append(elapsed)

    baseline = common.median(times[cases[0][0]])
    common.info(cases[0][0], baseline, "s", common.spread(times[cases[0][0]], "s"))
    for name, _, _ in cases[1:]:
        value = common.median(times[name])
        common.check(name, value, CLI_LIMIT_S, "s",
                     f"{common.spread(times[name], 's')}; {value / baseline:.1f}x bare python")


def _extra(parser) -> None:
    parser.add_argument("--skip-cli", action="store_true", help="only the in-process reporter timings")


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0], _extra)
    runs, cli_runs = (5, 3) if args.quick else (20, 9)
    common.header("bench_reports: report writing", [
        f"samples: {', '.join(p.name for p in common.SAMPLES)}",
        f"in-process, one Assessor, each sample's to_dict() made once: api.write_report(data, file, fmt), "
        f"median of {runs} rounds (samples and formats interleaved) after warm-up; target xlsx < {XLSX_LIMIT_MS:g} ms "
        f"(html, json for information)",
        f"whole process: {' '.join(cli_command())} assess <sample> -o <tmp>/report.xlsx --force, wall time, "
        f"median of {cli_runs} interleaved runs after 1 warm-up round; target < {CLI_LIMIT_S:g} s",
    ], args.quick)
    with tempfile.TemporaryDirectory(prefix="pmo-bench-reports-") as tmp:
        measure_reporters(args.quick, Path(tmp))
        if not args.skip_cli:
            measure_cli(args.quick, Path(tmp))
    return common.finish(args)


if __name__ == "__main__":
    sys.exit(main())
