"""CSV files of organisations, people and relations (territoires/actors/tabular.py)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territoires.actors import tabular
from territoires.actors.tabular import OrganisationRow, PersonRow, RelationRow


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: no database here."""


TEAM_ROLES = {
    "elu": "élu·e",
    "agent": "agent·e de la collectivité",
    "etat": "État territorial",
    "socio_economique": "acteur·ice socio-économique",
    "habitant": "habitant·e",
}
RELATION_KINDS = {
    "coopere": "coopère avec",
    "finance": "finance",
    "membre": "est membre de",
    "conseille": "conseille",
    "represente": "représente",
    "fournit": "fournit",
}
# Real, valid identifiers: the commune of Mouans-Sartoux (SIREN 210600847) and La Poste.
MOUANS_SIREN = "210600847"
LA_POSTE_SIRET = "35600000000010"


def problems(parsed):
    return [(p.line, p.column, p.code) for p in parsed.problems]


def test_semicolons_windows_1252_and_header_variants():
    text = (
        "NOM;Categorie;Siren;Site web;Territoires\r\n"
        f"Mairie de Mouans-Sartoux;élus;{MOUANS_SIREN};www.mouans-sartoux.net;06084\r\n"
        "Écomusée;;;https://exemple.fr/a;06084|06|200039915\r\n"
    )
    parsed = tabular.parse_organisations(text.encode("cp1252"))
    assert parsed.ok and parsed.encoding == "cp1252" and parsed.delimiter == ";"
    first, second = parsed.rows
    assert first == OrganisationRow(
        "Mairie de Mouans-Sartoux",
        category="élus",
        siren=MOUANS_SIREN,
        website="https://www.mouans-sartoux.net",
        territories=("06084",),
    )
    assert (first.line, second.line) == (2, 3)
    assert second.name == "Écomusée" and second.territories == ("06084", "06", "200039915")


def test_commas_utf8_with_bom_and_quoted_cells():
    text = "\ufeffnom,organisation,fonction,rôle d’équipe,courriel,Nom Public\n"
    text += 'Jo Spiegel,"mairie  de MOUANS-SARTOUX",Président,élu,jo@exemple.fr,oui\n'
    text += '"Dupont, Anne","Mairie de Mouans-Sartoux","chargée de mission\nclimat",agente,,non\n'
    parsed = tabular.parse_people(
        text.encode("utf-8"), organisations=["Mairie de Mouans-Sartoux"], team_roles=TEAM_ROLES
    )
    assert parsed.ok, parsed.problems
    assert parsed.encoding == "utf-8-sig" and parsed.delimiter == ","
    jo, anne = parsed.rows
    assert jo.organisation == "Mairie de Mouans-Sartoux"  # spelt as known
    assert (jo.team_role, jo.name_public, jo.role_public, jo.email_public) == (
        "elu",
        True,
        True,
        False,
    )
    assert anne.name == "Dupont, Anne" and anne.role == "chargée de mission\nclimat"
    assert anne.team_role == "agent" and anne.name_public is False


def test_utf8_without_bom():
    parsed = tabular.parse_organisations("nom\nCollectif Énergie\n".encode())
    assert parsed.encoding == "utf-8" and parsed.rows[0].name == "Collectif Énergie"


def test_every_faulty_line_is_listed_with_its_number_and_reason():
    text = (
        "nom;siren;siret;site web;territoires;type\n"
        "A;123456789;;;;association\n"  # 2: SIREN checksum
        "B;12345;;;;\n"  # 3: SIREN length
        f"C;{MOUANS_SIREN};21060084700012;;;\n"  # 4: SIRET checksum
        f"D;{MOUANS_SIREN};{LA_POSTE_SIRET};;;\n"  # 5: SIRET of another SIREN
        ";;;;;\n"  # blank: skipped
        "E;;;pas un site;;\n"  # 7: website
        "F;;;;06084|XYZ;\n"  # 8: territory code
        "G;;;;;club\n"  # 9: unknown kind
        ";;;;;association\n"  # 10: name required
        "a;;;;;\n"  # 11: same name as line 2
        "H;;;;;;extra\n"  # 12: too many cells
        f"Poste;;{LA_POSTE_SIRET};;;\n"  # La Poste's exception: valid
    )
    parsed = tabular.parse_organisations(
        text.encode(), kinds={"association": "association", "entreprise": "entreprise"}
    )
    assert parsed.rows == []
    assert problems(parsed) == [
        (2, "siren", "siren_checksum"),
        (3, "siren", "siren_length"),
        (4, "siret", "siret_checksum"),
        (5, "siret", "siret_siren"),
        (7, "site web", "website"),
        (8, "territoires", "territory_code"),
        (9, "type", "unknown_value"),
        (10, "nom", "required"),
        (11, "nom", "duplicate_name"),
        (12, "", "too_many_cells"),
    ]
    french = [p.french for p in parsed.problems]
    assert french[0] == "Ce SIREN n'est pas valide (sa clé de contrôle ne correspond pas)."
    assert french[6] == "« club » inconnu ; valeurs possibles : association, entreprise."
    assert french[8] == "Organisation « a » déjà présente ligne 2."


def test_a_good_file_gives_every_row():
    text = f"nom;siret\nPoste;{LA_POSTE_SIRET}\nMairie;{MOUANS_SIREN}00029\n"
    parsed = tabular.parse_organisations(text.encode())
    assert [row.siret for row in parsed.rows] == [LA_POSTE_SIRET, MOUANS_SIREN + "00029"]


def test_known_territories_and_categories():
    text = "nom;catégorie;territoires\nA;Élus;06084\nB;inconnue;99999\n"
    parsed = tabular.parse_organisations(
        text.encode(), categories={"elus": "Élus", "ale": "ALE"}, territories={"06084"}
    )
    assert problems(parsed) == [
        (3, "catégorie", "unknown_value"),
        (3, "territoires", "unknown_territory"),
    ]
    good = tabular.parse_organisations(b"nom;categorie\nA;ELUS\n", categories={"elus": "Elus"})
    assert good.rows[0].category == "elus"


def test_header_problems_stop_at_line_one():
    parsed = tabular.parse_people(b"nom;fonction;couleur;nom\nA;b;c;d\n")
    assert problems(parsed) == [
        (1, "couleur", "unknown_column"),
        (1, "nom", "duplicate_column"),
        (1, "organisation", "missing_column"),
    ]
    assert "colonnes possibles : nom, organisation, fonction" in parsed.problems[0].french


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "empty"), (b"\n \n", "empty"), ("nom\n".encode("utf-16"), "encoding")],
)
def test_empty_or_unreadable_files(data, code):
    assert problems(tabular.parse_organisations(data)) == [(1, "", code)]


def test_people_faults():
    text = (
        "nom;organisation;fonction;rôle d'équipe;courriel;nom public\n"
        "A;Inconnue;maire;élu;;\n"  # 2: unknown organisation
        "B;Mairie;;;;\n"  # 3: role required
        "C;Mairie;agent;pompier;;\n"  # 4: team role
        "D;Mairie;agent;;pas@courriel;\n"  # 5: email
        "E;Mairie;agent;;;peut-être\n"  # 6: yes/no
    )
    parsed = tabular.parse_people(text.encode(), organisations=["Mairie"], team_roles=TEAM_ROLES)
    assert problems(parsed) == [
        (2, "organisation", "unknown_organisation"),
        (3, "fonction", "required"),
        (4, "rôle d'équipe", "unknown_value"),
        (5, "courriel", "email"),
        (6, "nom public", "yes_no"),
    ]


def test_relations_dates_and_faults():
    text = (
        "source;relation;cible;début;fin;source de l'information\n"
        "ALE;conseille;Mairie;13/06/2008;;CR du comité\n"  # 2: good
        "ALE;coopère avec;Mairie;2008-06-13;31/12/2010;site\n"  # 3: good
        "ALE;finance;ALE;;;site\n"  # 4: same organisation
        "ALE;finance;Mairie;31/02/2010;;site\n"  # 5: no such date
        "ALE;finance;Mairie;01/01/2011;01/01/2010;site\n"  # 6: order
        "ALE;aime;Mairie;;;site\n"  # 7: kind
        "ALE;conseille;Mairie;13/06/2008;;autre\n"  # 8: repeats line 2
        "ALE;conseille;Mairie;;;\n"  # 9: the information's source is required
        "ALE;conseille;Nulle part;;;site\n"  # 10: unknown target
    )
    names = ["ALE", "Mairie"]
    parsed = tabular.parse_relations(text.encode(), organisations=names, kinds=RELATION_KINDS)
    assert problems(parsed) == [
        (4, "cible", "same_organisation"),
        (5, "début", "date"),
        (6, "fin", "dates_order"),
        (7, "relation", "unknown_value"),
        (8, "", "duplicate_row"),
        (9, "source de l'information", "required"),
        (10, "cible", "unknown_organisation"),
    ]
    assert parsed.problems[2].french == "La fin (01/01/2010) précède le début (01/01/2011)."
    good = tabular.parse_relations(
        "\n".join(text.splitlines()[:3]).encode(), organisations=names, kinds=RELATION_KINDS
    )
    assert good.rows == [
        RelationRow("ALE", "conseille", "Mairie", datetime.date(2008, 6, 13), None, "CR du comité"),
        RelationRow(
            "ALE",
            "coopere",
            "Mairie",
            datetime.date(2008, 6, 13),
            datetime.date(2010, 12, 31),
            "site",
        ),
    ]


def test_a_line_number_counts_the_lines_of_a_quoted_line_break():
    text = 'nom;organisation;fonction\nA;M;"deux\nlignes"\nB;Inconnue;x\n'
    parsed = tabular.parse_people(text.encode(), organisations=["M"])
    assert problems(parsed) == [(4, "organisation", "unknown_organisation")]


def test_an_import_is_all_or_nothing_and_names_cross_files():
    organisations = b"nom;siren\nALE du Sud;\nMairie;123\n"
    people = b"nom;organisation;fonction\nJo;ale du sud;directeur\nAnne;Mairie;maire\n"
    relations = (
        "source;relation;cible;source de l'information\n"
        "ALE du Sud;conseille;Mairie;CR\nMairie;finance;Région;CR\n"
    ).encode()
    result = tabular.parse_import(
        organisations=organisations,
        people=people,
        relations=relations,
        known_organisations=["Région"],
    )
    # Only the bad SIREN: Mairie's people and relations still find it.
    assert not result.ok and (result.organisations, result.people, result.relations) == ([], [], [])
    assert [(p.file, p.line, p.code) for p in result.problems] == [
        ("organisations", 3, "siren_length")
    ]
    fixed = organisations.replace(b"123", b"")
    result = tabular.parse_import(
        organisations=fixed, people=people, relations=relations, known_organisations=["Région"]
    )
    assert result.ok
    assert [p.organisation for p in result.people] == ["ALE du Sud", "Mairie"]
    assert [r.target for r in result.relations] == ["Mairie", "Région"]
    missing = tabular.parse_import(people=people)
    assert [(p.file, p.line) for p in missing.problems] == [("personnes", 2), ("personnes", 3)]


def test_written_files_neutralise_formulas_and_read_back():
    rows = [
        OrganisationRow('=HYPERLINK("http://x")', description="+33 pour tout", source="@moi"),
        OrganisationRow("'=déjà cité", description="-"),
    ]
    data = tabular.write_organisations(rows)
    assert data.startswith(b"\xef\xbb\xbfnom;cat\xc3\xa9gorie;")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ";'+33 pour tout;" in text and "''=déjà cité" in text
    assert tabular.parse_organisations(data).rows == rows


text_cell = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
).map(str.strip)
name = text_cell.filter(bool)


@st.composite
def organisation_rows(draw):
    names = draw(st.lists(name, min_size=1, max_size=8, unique_by=tabular.name_key))
    codes = st.lists(st.sampled_from(["06084", "06", "84", "2A004", "200039915"]), unique=True)
    return [
        OrganisationRow(
            n,
            category=draw(text_cell),
            kind=draw(text_cell),
            siren=draw(st.sampled_from(["", MOUANS_SIREN])),
            website=draw(st.sampled_from(["", "https://exemple.fr/a?b=c"])),
            description=draw(text_cell),
            territories=tuple(draw(codes)),
            source=draw(text_cell),
        )
        for n in names
    ]


@settings(max_examples=80, deadline=None)
@given(organisation_rows())
def test_organisations_round_trip(rows):
    rows = [r for r in rows if "|" not in r.name]
    assert tabular.parse_organisations(tabular.write_organisations(rows)).rows == rows


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.builds(
            PersonRow,
            name=name,
            organisation=st.sampled_from(["Mairie", "ALE du Sud"]),
            role=name,
            team_role=st.sampled_from(["", *TEAM_ROLES]),
            email=st.sampled_from(["", "jo@exemple.fr"]),
            phone=st.sampled_from(["", "+33 6 12 34 56 78", "04 93 75 75 16"]),
            name_public=st.booleans(),
            role_public=st.booleans(),
            email_public=st.booleans(),
            phone_public=st.booleans(),
        ),
        max_size=10,
    )
)
def test_people_round_trip(rows):
    data = tabular.write_people(rows)
    parsed = tabular.parse_people(
        data, organisations=["Mairie", "ALE du Sud"], team_roles=TEAM_ROLES
    )
    assert parsed.rows == rows


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.builds(
            RelationRow,
            source=st.just("ALE"),
            kind=st.sampled_from(list(RELATION_KINDS)),
            target=st.sampled_from(["Mairie", "Région"]),
            started_on=st.none() | st.dates(datetime.date(1900, 1, 1), datetime.date(2099, 1, 1)),
            ended_on=st.none(),
            information_source=name,
        ),
        max_size=10,
        unique_by=lambda r: (r.kind, r.target, r.started_on),
    )
)
def test_relations_round_trip(rows):
    data = tabular.write_relations(rows)
    parsed = tabular.parse_relations(
        data, organisations=["ALE", "Mairie", "Région"], kinds=RELATION_KINDS
    )
    assert parsed.rows == rows
