"""SIREN and SIRET checksums (territoires/actors/identifiers.py, no Django)."""

import pytest

from territoires.actors.identifiers import compact, luhn_valid, siren_problem, siret_problem


@pytest.mark.parametrize(
    "siren",
    [
        "732829320",  # a well-known valid example of the register's documentation
        "356000000",  # La Poste
        "200066009",
        "732 829 320",
    ],
)
def test_valid_sirens(siren):
    assert luhn_valid(compact(siren)) == (siren_problem(siren) is None)
    assert siren_problem(siren) is None


@pytest.mark.parametrize(
    ("siren", "problem"),
    [
        ("732829321", "checksum"),
        ("73282932", "length"),
        ("7328293200", "length"),
        ("73282932A", "length"),
        ("", "length"),
        ("٧٣٢٨٢٩٣٢٠", "length"),  # Arabic-Indic digits are not a register number
    ],
)
def test_invalid_sirens(siren, problem):
    assert siren_problem(siren) == problem


def test_valid_and_invalid_sirets():
    assert siret_problem("73282932000074") is None
    assert siret_problem("732 829 320 00074") is None
    assert siret_problem("73282932000075") == "checksum"
    assert siret_problem("73282932100074") == "siren"
    assert siret_problem("7328293200007") == "length"


def test_la_poste_sirets_use_the_sum_of_digits():
    # La Poste's establishments: the 14 digits add up to a multiple of 5, whatever Luhn says.
    assert not luhn_valid("35600000000015")
    assert siret_problem("35600000000015") is None  # 3+5+6+1+5 = 20
    assert siret_problem("35600000012346") is None  # 14+1+2+3+4+6 = 30
    assert luhn_valid("35600000000048")
    assert siret_problem("35600000000048") == "checksum"  # 26: Luhn does not save it
