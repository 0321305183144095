"""A consultant's whole portfolio in one run: find the workbooks under folders, group respondents into
offices, assess the offices in worker processes, write each office's reports and a portfolio workbook.

``discover`` finds the files, ``grouping`` places them in offices, ``names`` gives each office safe
report names, ``runner`` runs the batch over the ``workers``, ``records`` are what it keeps, and
``workbook`` writes the portfolio's Excel and JSON."""
