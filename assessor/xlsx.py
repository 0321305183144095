"""Importing openpyxl, the one spreadsheet library we use, at a lower start-up cost.

openpyxl imports numpy only to recognise numpy number types when *writing*
cells; we never hand it numpy values. Hiding numpy while openpyxl loads saves
about 80 ms of every command's start-up (measured by bench/), which is what
keeps `pmo-assess validate` well under its 0.6 s budget. If numpy is already
loaded (pandas ran first) nothing is hidden.
"""
from __future__ import annotations

import sys


def openpyxl():
    if "openpyxl" in sys.modules:
        return sys.modules["openpyxl"]
    hide = "numpy" not in sys.modules
    if hide:
        sys.modules["numpy"] = None  # makes `import numpy` raise ImportError, which openpyxl tolerates
    try:
        import openpyxl as module
    finally:
        if hide:
            del sys.modules["numpy"]
    return module
