"""French analysis, query parsing and highlighting: pure functions, no database."""

import pytest

from territoires.core.text import (
    MIN_PREFIX_LENGTH,
    STOP_WORDS,
    analyze,
    highlight,
    number_variants,
    parse_query,
    periods,
    periods_overlapping,
    unaccent,
    words,
)


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: these tests never touch the database."""


@pytest.mark.parametrize(
    "forms",
    [
        ["photovoltaïque", "photovoltaiques", "photovoltaïques", "PHOTOVOLTAÏQUE"],
        ["énergie", "énergies", "Energie", "ÉNERGIES"],
        ["renouvelable", "renouvelables"],
        ["centrale", "centrales"],
        ["mobilité", "mobilités", "mobilite"],
        ["citoyen", "citoyenne", "citoyens", "citoyennes"],
        ["rénovation", "rénovations", "renovation"],
        ["éolienne", "éoliennes", "éolien"],
        ["chevaux", "cheval"],
        ["écologique", "écologiques"],
    ],
)
def test_inflected_forms_share_a_stem(forms):
    stems = {tuple(analyze(form)) for form in forms}
    assert len(stems) == 1, stems
    assert stems.pop() != ()


def test_casefold_unaccent_and_ligatures():
    assert unaccent("Œuvre ÉCOLOGIQUE à Noël, naïve") == "oeuvre ecologique a noel, naive"
    assert analyze("CŒUR") == analyze("coeur")


def test_apostrophes_hyphens_and_punctuation_separate_words():
    assert words("l'énergie d’été, Mouans-Sartoux (06)") == ["energie", "mouans", "sartoux", "06"]
    assert analyze("l'énergie") == analyze("énergie")


def test_stop_words_are_left_out():
    assert analyze("la centrale de la commune et les écoles") == analyze("centrale commune écoles")
    assert analyze("le la les de des du et ou à") == []
    # PostgreSQL's French stop words are all there, as the unaccented forms it compares.
    assert {"au", "aux", "ete", "etaient", "nous", "votre", "y"} <= STOP_WORDS


def test_digits_are_words():
    assert analyze("CO2 en 2030") == ["co2", "2030"]


def test_number_variants():
    assert number_variants("velo") == ["velo", "velos"]
    assert number_variants("velos") == ["velos", "velo"]
    assert number_variants("eaux") == ["eaux", "eau"]
    assert number_variants("bus") == ["bus"]
    assert number_variants("2030") == ["2030"]


def test_parse_query_keeps_the_words_that_must_match():
    parsed = parse_query("Les vélos ET les centrales photovoltaïques")
    assert [word.word for word in parsed] == ["velos", "centrales", "photovoltaiques"]
    assert set(parsed[0].stems) == {"velos", "velo"}
    assert parsed[-1].stems == tuple(analyze("photovoltaïque"))
    # Only the last word is completed.
    assert parsed[-1].prefix == "photovoltaiques"
    assert all(not word.prefix and not word.completions for word in parsed[:-1])


@pytest.mark.parametrize(
    ("typed", "indexed_stem"),
    [
        ("photovolt", "photovolta"),  # the stem starts with what was typed
        ("photovolta", "photovolta"),
        ("photovoltaiq", "photovolta"),  # typed past the stem
        ("renouvelab", "renouvel"),
        ("methanisa", "methanis"),
        ("ecologiq", "ecolog"),
        ("alimentatio", "aliment"),
        ("compost", "compostag"),
    ],
)
def test_an_unfinished_last_word_finds_the_stems_it_starts(typed, indexed_stem):
    (word,) = parse_query(typed)
    assert indexed_stem in word.terms or indexed_stem.startswith(word.prefix)


def test_completions_stay_close_to_the_word():
    assert "compos" not in parse_query("compost")[-1].terms  # "composition"
    assert "habit" not in parse_query("habitat")[-1].terms  # "habitants"
    centrale = parse_query("centrale")[-1]
    assert "centr" not in centrale.terms  # "centre" is another word
    assert not "centre".startswith(centrale.prefix)
    energie = parse_query("énergie")[-1]
    assert "energ" in energie.terms and not "energet".startswith(energie.prefix)
    assert parse_query("bio")[-1].prefix == "" and parse_query("bio")[-1].completions == ()
    assert parse_query("2030")[-1].prefix == ""
    assert len(parse_query("velo")[-1].prefix) >= MIN_PREFIX_LENGTH


def test_parse_query_of_syntax_and_stop_words():
    assert parse_query("") == []
    assert parse_query("le la les") == []
    assert [word.word for word in parse_query('photo" OR 1 NEAR( * AND -x')] == [
        "photo",
        "1",
        "near",
        "and",
        "x",
    ]


def test_highlight_marks_words_by_stem():
    snippet = highlight(
        "La commune a posé une centrale photovoltaïque sur l'école.",
        analyze("centrales photovoltaiques"),
    )
    assert snippet == (
        "La commune a posé une <mark>centrale</mark> <mark>photovoltaïque</mark> sur l&#x27;école."
    )


def test_highlight_escapes_html():
    snippet = highlight("<script>alert('énergie')</script> & co", analyze("énergies"))
    assert "<script>" not in snippet
    assert (
        snippet == "&lt;script&gt;alert(&#x27;<mark>énergie</mark>&#x27;)&lt;/script&gt; &amp; co"
    )


def test_highlight_shows_the_first_match_of_a_long_text():
    text = "Avant-propos sans rapport. " * 30 + "Le méthaniseur produit du biogaz. " + "Fin. " * 50
    snippet = highlight(text, analyze("biogaz"), max_chars=120)
    assert "<mark>biogaz</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 122


def test_highlight_without_match_shows_the_start():
    text = "Un texte qui ne parle pas du sujet. " * 20
    snippet = highlight(text, analyze("biogaz"), max_chars=60)
    assert snippet.startswith("Un texte qui") and snippet.endswith("…")
    assert "<mark>" not in snippet
    assert highlight("Court.", []) == "Court."


def test_highlight_completes_a_prefix():
    snippet = highlight("Panneaux photovoltaïques", [], prefixes=["photovolt"])
    assert snippet == "Panneaux <mark>photovoltaïques</mark>"


def test_periods_up_to_the_current_year():
    labels = [label for label, _first, _last in periods(2026)]
    assert labels == ["<2000", "2000-2009", "2010-2014", "2015-2019", "2020-2024", "2025-2029"]


def test_periods_overlapping():
    assert periods_overlapping(1995, 2001, 2026) == ["<2000", "2000-2009"]
    assert periods_overlapping(2016, 2016, 2026) == ["2015-2019"]
    # Ongoing: up to this year.
    assert periods_overlapping(2019, None, 2026) == ["2015-2019", "2020-2024", "2025-2029"]
    # Starting in the future, ongoing: its start only.
    assert periods_overlapping(2027, None, 2026) == ["2025-2029"]
