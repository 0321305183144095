"""Question banks, the workbook template, and reading filled workbooks."""
