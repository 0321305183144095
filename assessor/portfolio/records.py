"""What a batch records: its options, one office's row in the portfolio, and the batch's outcome."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from assessor.reports import REGISTRY

BATCH_FORMATS = ("xlsx", "html", "json")  # the reports a batch writes per office
EXTENSIONS = {fmt: REGISTRY[fmt][1][0] for fmt in BATCH_FORMATS}
PORTFOLIO = "portfolio"


@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...] = ("xlsx",)
    save: bool = False
    db: str | None = None
    force: bool = False
    rules: tuple = ()
    extra_rules: tuple = ()
    questionnaire: str | None = None
    engine: str | None = None
    by_folder: bool = False   # one office per folder, whatever organisations its Profiles name


@dataclass(frozen=True)
class OfficeResult:
    """One office's row in the portfolio (small: the full report stays in its files)."""
    stem: str
    label: str
    files: tuple[str, ...]
    organisation: str = ""
    pmo_name: str = ""
    model: str = ""
    tier: int | None = None
    tier_name: str = ""
    overall: int | None = None
    score: float | None = None
    dimensions: tuple = ()            # (id, name, level) in the bank's order
    findings: tuple = ()              # (severity, count) for every severity
    reports: tuple[str, ...] = ()     # file names in the output folder
    error: str = ""                   # why the office itself could not be assessed
    saved: str = ""                   # "saved: assessment 7" / "already stored: ..."
    warnings: tuple = ()              # Problems: what reading its workbooks warned about

    @property
    def assessed(self) -> bool:
        return not self.error

    def sharing(self, pool: dict) -> OfficeResult:
        """The same row with its dimensions and counts taken from ``pool`` when an equal one is there:
        a row arrives unpickled from a worker with its own copy of every dimension's name, and two
        thousand offices mostly share their (dimension, level) pairs."""
        def shared(value):
            return pool.setdefault(value, value)

        return replace(self, dimensions=shared(tuple(shared(d) for d in self.dimensions)),
                       findings=shared(tuple(shared(f) for f in self.findings)))


@dataclass
class Batch:
    files: int = 0
    offices: list[OfficeResult] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)   # every file that failed, with its first error
    reports: list[str] = field(default_factory=list)              # pmo-assess's own reports found among them, skipped
    written: list[Path] = field(default_factory=list)             # the portfolio's own files
    seconds: float = 0.0
    interrupted: bool = False
