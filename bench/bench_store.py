"""Issue 11: the assessment store on SQLite.

Targets:
- saving one assessment (`Store.save`, in-process, a new set of workbooks each time) < 20 ms,
  median of 40 saves after 5 warm-up saves into a store that already holds 1,000 assessments;
- `pmo-assess history ORG` and `pmo-assess benchmark ORG` over 10,000 stored assessments
  (2,000 offices x 5 assessments) < 1 s, whole process (median of 5 runs after a warm-up).
For information: the same two commands over 1,000 assessments, and how they grow from 1,000 to
10,000; `history`, `benchmark` and `compare` writing their Excel and HTML reports (with the charts). The stores are filled through `Store.save` with the samples' assessments under distinct
names, dates and workbook digests (the real save path, so every table is filled as in use).
"""
from __future__ import annotations

import dataclasses
import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from bench_cli import cli_command  # noqa: E402

SAVE_LIMIT_MS = 20.0
COMMAND_LIMIT_S = 1.0
PER_OFFICE = 5


def _digest(*parts) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def _new_workbooks(assessment, n: int):
    """The same assessment as if from another set of workbooks (another digest): a new save."""
    return dataclasses.replace(assessment, submission=dataclasses.replace(assessment.submission,
                                                                          digests=(_digest("save", n),)))


def _fill(store, records, offices: int, start: int = 0) -> None:
    """Office ``i`` is client ``i`` with PER_OFFICE assessments a year apart, each a sample's record
    under that name (through Store.save_record, the second half of Store.save)."""
    for office in range(start, start + offices):
        base = records[office % len(records)]
        name = f"Client {office:05d}"
        for visit in range(PER_OFFICE):
            store.save_record(dataclasses.replace(
                base, digest=_digest(office, visit), organisation=name, organisation_key=name.casefold(),
                assessment={**base.assessment, "assessed_on": f"{2020 + visit}-03-01"}))


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0])
    from assessor.api import Assessor
    from assessor.store import Store
    from assessor.store.records import record_of

    common.header("bench_store: the assessment store (issue 11)", [
        f"SQLite; save < {SAVE_LIMIT_MS:g} ms in-process; history and benchmark over 10,000 assessments "
        f"< {COMMAND_LIMIT_S:g} s whole process"], args.quick)
    assessor = Assessor()
    bases = [assessor.assess([p]) for p in common.SAMPLES]
    records = [record_of(b) for b in bases]
    cli = cli_command()
    runs = 2 if args.quick else 5
    sizes = (200, 400) if args.quick else (200, 2000)   # offices: x5 assessments each
    with tempfile.TemporaryDirectory(prefix="pmo-bench-store-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        store = Store(url)
        started = time.perf_counter()
        _fill(store, records, sizes[0])
        fill_1k = time.perf_counter() - started
        saves = []
        for i in range(45):
            t0 = time.perf_counter()
            store.save(_new_workbooks(bases[i % len(bases)], i))
            saves.append(time.perf_counter() - t0)
        common.check("save one assessment (store of 1,000)", common.median(saves[5:]) * 1000, SAVE_LIMIT_MS, "ms",
                     f"{common.spread([s * 1000 for s in saves[5:]], 'ms')}; filling 1,000 took {fill_1k:.1f} s")
        timings = {}
        for offices in sizes:
            if offices > sizes[0]:
                _fill(store, records, offices - sizes[0], sizes[0])
            count = store.count()
            for name, command in (("history", ["history", "Client 00007"]),
                                  ("benchmark", ["benchmark", "Client 00007"])):
                cmd = cli + command + ["--db", url]
                common.time_subprocess(cmd)
                times = [common.time_subprocess(cmd) for _ in range(runs)]
                timings[(name, offices)] = common.median(times)
                label = f"pmo-assess {name} over {count:,} assessments"
                if offices == sizes[-1]:
                    common.check(label, timings[(name, offices)], COMMAND_LIMIT_S, "s", common.spread(times, "s"))
                else:
                    common.info(label, timings[(name, offices)], "s", common.spread(times, "s"))
        for name, command, out in (("history -o .html", ["history", "Client 00007"], "trend.html"),
                                   ("history -o .xlsx", ["history", "Client 00007"], "trend.xlsx"),
                                   ("benchmark -o .xlsx", ["benchmark", "Client 00007"], "peers.xlsx"),
                                   ("compare -o .html", ["compare", "1", "2"], "delta.html")):
            cmd = cli + command + ["--db", url, "-o", str(Path(tmp) / out), "--force"]
            common.time_subprocess(cmd)
            times = [common.time_subprocess(cmd) for _ in range(runs)]
            common.info(f"pmo-assess {name} over {store.count():,} assessments", common.median(times), "s",
                        common.spread(times, "s"))
        store.close()
    for name in ("history", "benchmark"):
        small, large = timings[(name, sizes[0])], timings[(name, sizes[-1])]
        common.info(f"{name}: growth {sizes[0] * PER_OFFICE:,} -> {sizes[-1] * PER_OFFICE:,}", large / small, "x",
                    f"{small:.3f} s -> {large:.3f} s for {sizes[-1] / sizes[0]:.0f}x the assessments")
    return common.finish(args)


if __name__ == "__main__":
    sys.exit(main())
