"""Which engine runs the rules: durable-rules where it is installed, the plain-Python engine elsewhere.

durable-rules 2.0.28 (its last release) builds as released only on Python 3.11 and 3.12, so packaging
installs it only there (``make`` builds it on newer Pythons with a compatibility header); both engines
reach the same conclusions (the test suite runs on each). The choice is
``--engine``, else ``PMO_ASSESS_ENGINE``, else durable-rules when it imports, else python with a
notice saying so.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from assessor.errors import AssessorError

ENGINES = ("durable", "python")
ENV = "PMO_ASSESS_ENGINE"
FALLBACK_NOTICE = ("note: durable-rules is not installed (pip installs it on Python 3.11 and 3.12); "
                   "using the python engine, which reaches the same conclusions")


class EngineUnavailable(AssessorError):
    """The engine asked for cannot run here."""


@dataclass(frozen=True)
class Choice:
    name: str
    notice: str | None = None   # one line for the user when the engine is not the one they would expect


def durable_installed() -> bool:
    try:
        import assessor.rulebase.durable_engine  # noqa: F401  (imports durable-rules' C core)
    except ImportError:
        return False
    return True


def choose(requested: str | None = None) -> Choice:
    name = requested or os.environ.get(ENV) or None
    if name is not None and name not in ENGINES:
        source = "--engine" if requested else ENV
        raise EngineUnavailable(f"{source}: unknown engine {name!r}; expected one of: {', '.join(ENGINES)}")
    if name == "python":
        return Choice("python")
    if durable_installed():
        return Choice("durable")
    if name == "durable":
        raise EngineUnavailable("durable-rules is not installed (pip installs it on Python 3.11 and 3.12): "
                                "use --engine python, which reaches the same conclusions")
    return Choice("python", FALLBACK_NOTICE)


def build(rulebase, name: str):
    if name == "python":
        from assessor.rulebase.python_engine import PythonEngine

        return PythonEngine(rulebase)
    from assessor.rulebase.durable_engine import DurableEngine

    return DurableEngine(rulebase)
