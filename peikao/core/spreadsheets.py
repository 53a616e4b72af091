"""What every export to a spreadsheet (CSV or Excel) writes into a cell.

A cell that begins with =, +, -, @, a tab or a carriage return is a formula to Excel and to
WPS: a trainee named `=HYPERLINK("http://…")` would run when a clerk opens the archive. Such a
text is written with a leading apostrophe, which the spreadsheet shows as plain text (OWASP,
"CSV Injection").
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """The value as a cell may safely hold it; numbers, dates and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(values) -> list:
    return [neutralised(value) for value in values]
