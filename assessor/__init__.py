"""PMO Assessor: assess a Project Management Office from questionnaire workbooks.

The public API is kept import-light so that ``pmo-assess --help`` starts fast;
heavy libraries (openpyxl, networkx, the rule engine) load inside the functions
that need them.
"""
__version__ = "0.1.0"
