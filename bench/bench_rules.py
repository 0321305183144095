"""Issues 3 and 10: rule evaluation time, durable-rules vs the plain-Python engine, and memory over many assessments.

Targets, per bundled sample, in-process, one Assessor() built once:
- rule evaluation for one assessment, `pipeline.evaluate_rules(factbase, bank, rulebase, engine)`
  (the engine run including the requirement facts that join once type and tier are decided) with
  the durable engine < 5 ms (median of >= 50 runs after warm-up; facts from
  `pipeline.facts_for`); attaching the explanations (`session.explain`: cells and messages of
  every conclusion) is timed beside it for information;
- python / durable <= 2x (issue 10: the plain-Python engine, median of per-run ratios, the two engines
  timed alternately on the same facts);
and, in a separate subprocess (so it starts clean of the timing runs' memory):
- 5,000 `Assessor.assess_submission(submission)` calls on one Assessor grow VmRSS by < 20 MB
  (measured after 200 warm-up assessments; submissions read once, the samples taken in turn).
For information: the full `assess_submission(...)` + `to_dict()` per sample, with its parts.
"""
from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

RULES_LIMIT_MS = 5.0
RATIO_LIMIT = 2.0
MEMORY_LIMIT_MB = 20.0
MEMORY_WARMUP = 200
MEMORY_COUNT = 5000


def _extra(parser) -> None:
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=MEMORY_WARMUP)
    parser.add_argument("--count", type=int, default=MEMORY_COUNT)
    parser.add_argument("--skip-memory", action="store_true", help="only the in-process timings")


# -- memory (runs in its own process) -------------------------------------------

def memory_child(warmup: int, count: int) -> dict:
    from assessor.api import Assessor
    from assessor.questionnaire.reader import read_submission

    assessor = Assessor(engine="durable")  # one, reused for every assessment
    submissions = [read_submission([path], assessor.bank) for path in common.SAMPLES]
    n = len(submissions)
    for i in range(warmup):
        assessor.assess_submission(submissions[i % n])
    gc.collect()
    before = common.rss_mb()
    checkpoints = []
    step = max(count // 5, 1)
    start = time.perf_counter()
    for i in range(count):
        assessor.assess_submission(submissions[i % n])
        if (i + 1) % step == 0 or i + 1 == count:
            gc.collect()
            checkpoints.append((i + 1, round(common.rss_mb() - before, 2)))
    elapsed = time.perf_counter() - start
    gc.collect()
    after = common.rss_mb()
    return {"before": before, "after": after, "growth": after - before, "checkpoints": checkpoints,
            "count": count, "warmup": warmup, "seconds": elapsed, "samples": [p.name for p in common.SAMPLES]}


def measure_memory(quick: bool) -> None:
    warmup, count = (50, 500) if quick else (MEMORY_WARMUP, MEMORY_COUNT)
    print(f"memory: {count} assessments after {warmup} warm-up in a fresh subprocess ...", flush=True)
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--memory-child",
                           "--warmup", str(warmup), "--count", str(count)],
                          cwd=common.REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, sep="\n")
        common.ROWS.append(common.Row(f"RSS growth, {count} assessments", "error", f"< {MEMORY_LIMIT_MB} MB", "FAIL",
                                      f"child exited {proc.returncode}"))
        return
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    trend = ", ".join(f"{k}: {v:+.1f}" for k, v in data["checkpoints"])
    common.check(f"RSS growth, {count} assess_submission", data["growth"], MEMORY_LIMIT_MB, "MB",
                 f"VmRSS {data['before']:.1f} -> {data['after']:.1f} MB; by count (MB) {trend}; "
                 f"{data['seconds'] / count * 1000:.1f} ms/assessment")


# -- in-process timings -------------------------------------------------------

def _signature(outcome):
    return (outcome.firings, tuple(f.id for f in outcome.findings), tuple((f.id, f.kind, f.attrs) for f in outcome.facts))


def _calibration() -> None:
    """A fixed pure-Python workload (about 0.7 ms on an idle run of the 2-core dev VM). Timed beside
    every rule run, it tells a slow machine state from slow code: the same code measured twice moves
    with it, and `durable / calibration` stays put."""
    table = {}
    for i in range(4000):
        table[str(i)] = i * i
    sorted(table, key=table.get)


def measure_timings(quick: bool) -> None:
    from assessor.api import Assessor, make_engine
    from assessor.pipeline import evaluate_rules, facts_for, run_rules
    from assessor.rulebase import session
    from assessor.questionnaire.reader import read_submission

    runs, warm = (10, 3) if quick else (60, 10)
    started = time.perf_counter()
    assessor = Assessor(engine="durable")
    print(f"Assessor() (bank + rule base + durable compile): {(time.perf_counter() - started) * 1000:.0f} ms; "
          f"{len(assessor.rulebase.rules)} rules", flush=True)
    durable = assessor.engine
    python = make_engine(assessor.rulebase, "python")
    rulebase = assessor.rulebase

    cases = []
    for path in common.SAMPLES:
        name = path.stem
        submission = read_submission([path], assessor.bank)
        factbase = facts_for(submission, assessor.bank, assessor.rulebase)
        facts = list(factbase.facts)
        a = run_rules(factbase, assessor.bank, rulebase, durable)[0]
        b = run_rules(factbase, assessor.bank, rulebase, python)[0]
        if _signature(a) != _signature(b):
            common.ROWS.append(common.Row(f"{name}: engines agree", "no", "same outcome", "FAIL",
                                          "durable and python outcomes differ: ratio not comparable"))
            print(f"FAIL  {name}: durable and python outcomes differ", flush=True)
        cases.append({"name": name, "submission": submission, "factbase": factbase, "facts": facts,
                      "firings": len(a.firings),
                      "durable": [], "cpu": [], "python": [], "ratio": [], "cal": [],
                      "full": [], "build_facts": [], "to_dict": []})

    # Round robin: every sample in every round, so drift in machine speed hits all samples alike;
    # within a sample the calibration, durable and python runs alternate.
    for round_ in range(warm + runs):
        for case in cases:
            facts = case["facts"]
            c = common.time_call(_calibration)
            d, d_cpu = common.time_call_cpu(evaluate_rules, case["factbase"], assessor.bank, rulebase, durable)
            r = common.time_call(evaluate_rules, case["factbase"], assessor.bank, rulebase, python)
            evaluation = evaluate_rules(case["factbase"], assessor.bank, rulebase, durable)[0]
            case.setdefault("explain", []).append(common.time_call(session.explain, rulebase, evaluation))
            t0 = time.perf_counter()
            assessment = assessor.assess_submission(case["submission"])
            assessment.to_dict()
            full = time.perf_counter() - t0
            f = common.time_call(facts_for, case["submission"], assessor.bank, assessor.rulebase)
            t = common.time_call(assessment.to_dict)
            if round_ < warm:
                continue
            for key, value in (("cal", c), ("durable", d), ("cpu", d_cpu), ("python", r), ("full", full),
                               ("build_facts", f), ("to_dict", t)):
                case[key].append(value * 1000)
            case["ratio"].append(r / d)

    all_cal = [x for case in cases for x in case["cal"]]
    for case in cases:
        name, med = case["name"], common.median
        per_cal = med(d / c for d, c in zip(case["durable"], case["cal"]))
        common.check(f"{name}: rules, durable", med(case["durable"]), RULES_LIMIT_MS, "ms",
                     f"{common.spread(case['durable'], 'ms')}; CPU {med(case['cpu']):.2f} ms; "
                     f"{per_cal:.1f}x calibration; {len(case['facts'])} facts in, {case['firings']} firings")
        common.check(f"{name}: python / durable", med(case["ratio"]), RATIO_LIMIT, "x",
                     f"python engine median {med(case['python']):.2f} ms")
        explain = case["explain"][warm:]
        common.info(f"{name}: explanations (session.explain)", med(explain) * 1000, "ms",
                    "cells and messages of every conclusion, attached after the engine run")
        common.info(f"{name}: assess_submission + to_dict", med(case["full"]), "ms",
                    f"{common.spread(case['full'], 'ms')}; parts: facts_for ~{med(case['build_facts']):.2f} ms, "
                    f"to_dict ~{med(case['to_dict']):.2f} ms")
    common.info("calibration: fixed Python workload", common.median(all_cal), "ms",
                f"{common.spread(all_cal, 'ms')}; ~0.7 ms idle on the dev VM; higher = slower machine state")


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0], _extra)
    if args.memory_child:
        print(json.dumps(memory_child(args.warmup, args.count)))
        return 0
    runs = 10 if args.quick else 60
    common.header("bench_rules: rule evaluation and memory (issue 3)", [
        f"in-process, shipped rule base, samples: {', '.join(p.name for p in common.SAMPLES)}",
        f"evaluate_rules per engine: median of {runs} rounds (samples round-robin, engines alternating) "
        f"after warm-up; "
        f"targets durable < {RULES_LIMIT_MS:g} ms, python/durable <= {RATIO_LIMIT:g}x",
        f"memory: VmRSS growth over {MEMORY_COUNT} assess_submission calls after {MEMORY_WARMUP} warm-up, "
        f"separate subprocess, one Assessor; target < {MEMORY_LIMIT_MB:g} MB",
    ], args.quick)
    measure_timings(args.quick)
    if not args.skip_memory:
        measure_memory(args.quick)
    return common.finish(args)


if __name__ == "__main__":
    sys.exit(main())
