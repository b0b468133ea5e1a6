"""Cells for files that spreadsheets open (CSV today, XLSX or ODS tomorrow).

A text cell beginning with =, +, -, @, a tab or a carriage return is read as a formula by
spreadsheet software: a title such as `=HYPERLINK("https://…", "Cliquez")` would become a
live link, or worse, in the reader's spreadsheet (CSV or formula injection). Such cells go
out prefixed with a single quote, as OWASP recommends: spreadsheets show the text as it is.

Numbers are not text and stay numbers (-3 is a number, not a formula). No Django here:
every export writing cells goes through `cell`.
"""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "|"


def neutralise_formula(text: str) -> str:
    """The text, prefixed with a single quote when a spreadsheet would read a formula."""
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def cell(value) -> str | int | float:
    """A value ready for a spreadsheet cell.

    None is an empty cell, a list or tuple its items joined by `|`, numbers stay numbers,
    anything else its text with formulas neutralised.
    """
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return neutralise_formula(LIST_SEPARATOR.join(str(item) for item in value))
    return neutralise_formula(str(value))
