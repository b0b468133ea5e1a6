"""Vocabularies of the registry."""

import pytest

from territoires.territories.enums import PopulationBand


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (None, ""),
        (0, "<2000"),
        (1999, "<2000"),
        (2000, "2000-10000"),
        (9999, "2000-10000"),
        (10000, "10000-50000"),
        (49999, "10000-50000"),
        (50000, "50000-200000"),
        (199999, "50000-200000"),
        (200000, ">200000"),
        (2_100_000, ">200000"),
    ],
)
def test_population_band(population, band):
    assert PopulationBand.of(population) == band
    assert band == "" or band in PopulationBand.values
