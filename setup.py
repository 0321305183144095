"""Packaging is declared in setup.cfg; this file only adds one build step.

The shipped rule base and question banks live at the top of the repository (``rules/``,
``questionnaires/``), where consultants read and copy them. A wheel must carry them, so building
the package copies them into ``assessor/_shipped/`` inside the wheel (``assessor.paths`` looks there
first). An editable install copies nothing: it reads the top-level folders themselves.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("rules", "questionnaires")
DATA = ("*.yaml", "*.md")


class build_py_with_shipped_data(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        here = Path(__file__).resolve().parent
        shipped = Path(self.build_lib, "assessor", "_shipped")
        shutil.rmtree(shipped, ignore_errors=True)  # a file removed from rules/ must not linger in build/
        for folder in SHIPPED:
            for pattern in DATA:
                for source in sorted((here / folder).rglob(pattern)):
                    target = shipped / source.relative_to(here)
                    self.mkpath(str(target.parent))
                    self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": build_py_with_shipped_data})
