"""Who may reach what: every URL pattern of the site (read from the resolver) × method ×
role, across territories.

Every pattern must have its row in MATRIX: a new app's pages fail this test until their
rows say who may GET and who may POST them. Roles: a visitor, a reader, a contributor and
an admin of Mouans-Sartoux, the admin of another commune (roles never leak between
territories), a network facilitator, platform staff. A role not allowed gets the login page
(visitors; 401 from the API) or a 403 — or a 404 where the object's very existence is
hidden (drafts). The admin's pages are checked from the admin's own registry: staff only.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver

from territoires.accounts.enums import Role
from territoires.initiatives.models import KeyFigure
from territoires.www.services import save_project
from tests.accounts.factories import MembershipFactory
from tests.actors.factories import OrganisationFactory, PersonFactory
from tests.initiatives.factories import InitiativeFactory, MilestoneFactory

ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS,
    "dana_reader",
    "bob_contributor",
    "alice_admin",
    "charlie_elsewhere",
    "fanny_facilitator",
    "sam_staff",
]
EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANONYMOUS}
TEAM_EDIT = frozenset({"bob_contributor", "alice_admin", "sam_staff"})
TEAM_READ = TEAM_EDIT | {"dana_reader"}
TEAM_ADMIN = frozenset({"alice_admin", "sam_staff"})
NOBODY = frozenset()

ALLOWED, LOGIN, DENIED, HIDDEN, NOT_ALLOWED = "allowed", "login", "denied", "hidden", "405"


@dataclass
class World:
    """What the URLs point at, made once per test."""

    people: dict
    town: object
    elsewhere: object
    project: object
    draft: object
    published: object
    milestone: object
    membership: object
    organisation: object
    person: object

    def territory(self, suffix=""):
        town = self.town
        return f"/territoires/{town.kind}/{town.code}-{town.slug}/{suffix}"

    def body(self):
        from territoires.actors.models import GovernanceBody

        return GovernanceBody.objects.create(territory=self.town, name="Comité de pilotage")

    def meeting(self):
        return self.body().meetings.create(date="2026-03-01", title="Première séance")

    def charter(self):
        from territoires.actors.models import Charter

        return Charter.objects.create(territory=self.town, title="Charte des partenaires")

    def relation(self):
        from tests.actors.factories import RelationFactory

        return RelationFactory(source_organisation=self.organisation)

    def member(self):
        return self.body().members.create(organisation=self.organisation, role="membre")

    def signatory(self):
        return self.charter().signatories.create(organisation=self.organisation)

    def chain(self):
        from territoires.actors.models import Chain

        return Chain.objects.create(territory=self.town, name="Construire sobre")

    def controversy(self, suffix=""):
        """A private controversy's address (with a summary, ready to be published)."""
        from territoires.controversies.models import Controversy

        controversy = Controversy.objects.create(
            territory=self.town, subject="Le parc éolien", summary="Deux positions."
        )
        return self.territory(f"controverses/{controversy.pk}/{suffix}")

    def position(self, suffix):
        from territoires.controversies.models import Controversy

        controversy = Controversy.objects.create(territory=self.town, subject="Le parc éolien")
        position = controversy.positions.create(label="Pour")
        return self.territory(f"controverses/{controversy.pk}/positions/{position.pk}/{suffix}")

    def venue(self, suffix):
        from territoires.controversies.models import Controversy

        controversy = Controversy.objects.create(territory=self.town, subject="Le parc éolien")
        venue = controversy.venues.create(label="Conseil participatif")
        return self.territory(f"controverses/{controversy.pk}/lieux/{venue.pk}/{suffix}")

    def key_figure(self) -> KeyFigure:
        return KeyFigure.objects.create(
            territory=self.town, label="Repas", value=1, year=2020, source="Commune"
        )


@dataclass(frozen=True)
class Row:
    """Who may GET and who may POST a pattern (None: the method is refused to everyone,
    405); `hidden`: the others get a 404, as if the object did not exist."""

    url: Callable[[World], str]
    get: frozenset | None = EVERYONE
    post: frozenset | None = None
    data: Callable[[World], dict] = field(default=lambda world: {})
    hidden: bool = False


def _api(path):
    return lambda world: f"/api/v1/{path}"


def _mouans_api(path=""):
    return lambda world: f"/api/v1/territories/commune/06084{path}"


MATRIX: dict[str, Row] = {
    # www: pages composed across apps
    "www:home": Row(lambda w: "/"),
    "www:atlas_layer": Row(lambda w: "/atlas/couches/documented.geojson"),
    "www:data": Row(lambda w: "/donnees/sources/"),
    "www:open_data": Row(lambda w: "/donnees/"),
    "www:language": Row(lambda w: "/langue/en/?suivant=/"),
    "www:privacy": Row(lambda w: "/confidentialite/"),
    "www:search": Row(lambda w: "/recherche/?q=cantine"),
    "www:export_initiatives_csv": Row(lambda w: "/donnees/initiatives.csv"),
    "www:export_initiatives_json": Row(lambda w: "/donnees/initiatives.json"),
    "www:export_territories": Row(lambda w: "/donnees/territoires.geojson"),
    "www:project_create": Row(
        lambda w: "/territoires/projets/nouveau/",
        get={"fanny_facilitator", "sam_staff"},
        post={"fanny_facilitator", "sam_staff"},
        data=lambda w: {"name": "PETR", "subkind": "petr", "member_codes": "06084"},
    ),
    "www:project_edit": Row(
        lambda w: f"/territoires/projet/{w.project.code}/modifier/",
        get=TEAM_ADMIN,
        post=TEAM_ADMIN,
        data=lambda w: {"name": "PETR", "subkind": "petr", "member_codes": "06084"},
    ),
    "www:territory": Row(lambda w: w.territory()),
    "www:territory_history": Row(lambda w: w.territory("historique/"), get=TEAM_ADMIN),
    # territories: the registry
    "territories:search": Row(lambda w: "/territoires/recherche/?q=mouans"),
    "www:suggestions": Row(lambda w: "/recherche/suggestions/?q=mouans"),
    "territories:tile": Row(lambda w: "/territoires/tuiles/0/0/0.mvt"),
    "territories:detail_short": Row(lambda w: "/territoires/commune/06084/"),
    # accounts: teams and the person's own account
    "teams:team": Row(
        lambda w: w.territory("equipe/"),
        get=TEAM_READ,
        post=TEAM_ADMIN,
        data=lambda w: {"email": "personne@example.org", "role": "reader"},
    ),
    "teams:team_member": Row(
        lambda w: w.territory(f"equipe/{w.membership.pk}/"),
        get=None,
        post=TEAM_ADMIN,
        data=lambda w: {"role": "reader"},
    ),
    "accounts:login": Row(lambda w: "/comptes/connexion/", post=EVERYONE),
    "accounts:logout": Row(lambda w: "/comptes/deconnexion/", get=None, post=EVERYONE),
    "accounts:signup": Row(lambda w: "/comptes/inscription/", post=EVERYONE),
    "accounts:signup_done": Row(lambda w: "/comptes/inscription/envoyee/"),
    # A link's page, then its button: anyone holding the link (an invalid one gets a 400).
    "accounts:signup_confirm": Row(
        lambda w: "/comptes/inscription/confirmer/MQ/jeton/", post=EVERYONE
    ),
    "accounts:dashboard": Row(lambda w: "/comptes/mon-espace/", get=LOGGED_IN),
    "accounts:my_data": Row(lambda w: "/comptes/mon-espace/mes-donnees/", get=LOGGED_IN),
    "accounts:my_data_download": Row(
        lambda w: "/comptes/mon-espace/mes-donnees/telecharger/", get=LOGGED_IN
    ),
    # Without the password: a 400, nothing erased.
    "accounts:erase_account": Row(
        lambda w: "/comptes/mon-espace/supprimer-mon-compte/", get=None, post=LOGGED_IN
    ),
    "accounts:account_erased": Row(lambda w: "/comptes/compte-supprime/"),
    "accounts:password_reset": Row(lambda w: "/comptes/mot-de-passe/", post=EVERYONE),
    "accounts:password_reset_done": Row(lambda w: "/comptes/mot-de-passe/envoye/"),
    "accounts:password_reset_confirm": Row(
        lambda w: "/comptes/mot-de-passe/MQ/jeton/", post=EVERYONE
    ),
    # initiatives: the portrait's parts edited by the team, initiatives
    "portraits:presentation": Row(
        lambda w: w.territory("presentation/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"presentation": "Texte"},
    ),
    "portraits:similar": Row(lambda w: w.territory("similaires/")),
    "portraits:initiative_create": Row(
        lambda w: w.territory("initiatives/nouvelle/"), get=TEAM_EDIT, post=TEAM_EDIT
    ),
    "portraits:photo": Row(lambda w: w.territory("photo/"), get=TEAM_EDIT, post=TEAM_EDIT),
    "portraits:section": Row(lambda w: w.territory("chiffres/"), get=TEAM_EDIT, post=TEAM_EDIT),
    "portraits:section_edit": Row(
        lambda w: w.territory(f"jalons/{w.milestone.pk}/modifier/"), get=TEAM_EDIT, post=TEAM_EDIT
    ),
    "portraits:section_delete": Row(
        lambda w: w.territory(f"chiffres/{w.key_figure().pk}/supprimer/"), get=None, post=TEAM_EDIT
    ),
    "initiatives:detail": Row(lambda w: w.draft.get_absolute_url(), get=TEAM_EDIT, hidden=True),
    "initiatives:check": Row(
        lambda w: f"/initiatives/verifier/initiative/{w.published.pk}/", get=None, post=TEAM_ADMIN
    ),
    "initiatives:curation_queue": Row(lambda w: "/initiatives/a-verifier/", get={"sam_staff"}),
    "initiatives:edit": Row(
        lambda w: f"/initiatives/{w.draft.slug}/modifier/", get=TEAM_EDIT, post=TEAM_EDIT
    ),
    # actors: organisations' pages, the team's list and forms
    "actors:detail": Row(lambda w: w.organisation.get_absolute_url()),
    "actors:edit": Row(
        lambda w: f"/acteurs/{w.organisation.pk}/modifier/",
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"name": "Régie", "kind": "autre"},
    ),
    "actors:person_create": Row(
        lambda w: f"/acteurs/{w.organisation.pk}/personnes/nouvelle/",
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"name": "Camille", "role": "agente"},
    ),
    "actors:person_edit": Row(
        lambda w: f"/acteurs/personnes/{w.person.pk}/modifier/",
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"name": "Camille", "role": "agente"},
    ),
    "actors:person_delete": Row(
        lambda w: f"/acteurs/personnes/{PersonFactory(organisation=w.organisation).pk}/supprimer/",
        get=None,
        post=TEAM_EDIT,
    ),
    "actors:relation_delete": Row(
        lambda w: f"/acteurs/relations/{w.relation().pk}/supprimer/", get=None, post=TEAM_EDIT
    ),
    "actors:relation_create": Row(
        lambda w: f"/acteurs/{w.organisation.pk}/relations/nouvelle/", get=TEAM_EDIT, post=TEAM_EDIT
    ),
    "territory_actors:list": Row(lambda w: w.territory("acteurs/"), get=TEAM_READ),
    "territory_actors:gaps": Row(lambda w: w.territory("acteurs/manques/"), get=TEAM_READ),
    "territory_actors:graph": Row(lambda w: w.territory("acteurs/reseau/"), get=TEAM_READ),
    "territory_actors:graph_data": Row(
        lambda w: w.territory("acteurs/reseau/donnees.json"), get=TEAM_READ
    ),
    "territory_actors:create": Row(
        lambda w: w.territory("acteurs/nouvelle/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"name": "Coopérative", "kind": "entreprise"},
    ),
    # A POST without a file: the team gets the form back with its error (400).
    "territory_actors:import": Row(
        lambda w: w.territory("acteurs/importer/"), get=TEAM_EDIT, post=TEAM_EDIT
    ),
    "territory_actors:import_template": Row(
        lambda w: w.territory("acteurs/importer/modele-organisations.csv"), get=TEAM_EDIT
    ),
    "territory_actors:export": Row(lambda w: w.territory("acteurs/personnes.csv"), get=TEAM_READ),
    # The categories' vocabulary: anyone reads it, the networks' facilitators extend it.
    "actors:categories": Row(
        lambda w: "/acteurs/categories/",
        post={"fanny_facilitator", "sam_staff"},
        data=lambda w: {"name": "Tiers-lieux"},
    ),
    # Chains of actors: the team reads, contributors and admins edit.
    "territory_actors:chains": Row(lambda w: w.territory("acteurs/chaines/"), get=TEAM_READ),
    "territory_actors:chain_create": Row(
        lambda w: w.territory("acteurs/chaines/nouvelle/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {
            "name": "Construire sobre",
            "links-TOTAL_FORMS": 0,
            "links-INITIAL_FORMS": 0,
        },
    ),
    "territory_actors:chain_edit": Row(
        lambda w: w.territory(f"acteurs/chaines/{w.chain().pk}/modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {
            "name": "Construire sobre",
            "links-TOTAL_FORMS": 0,
            "links-INITIAL_FORMS": 0,
        },
    ),
    "territory_actors:chain_delete": Row(
        lambda w: w.territory(f"acteurs/chaines/{w.chain().pk}/supprimer/"),
        get=None,
        post=TEAM_EDIT,
    ),
    # The commune's elected officials from the national register: its admins decide.
    "territory_actors:officials": Row(
        lambda w: w.territory("acteurs/elus/"), get=TEAM_ADMIN, post=TEAM_ADMIN
    ),
    # controversies: the log is the team's (visitors see published summaries only), its
    # contributors write it, its admins publish a summary
    "controversies:list": Row(lambda w: w.territory("controverses/")),
    "controversies:create": Row(
        lambda w: w.territory("controverses/nouvelle/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"subject": "Le parc éolien", "edit_version": 0},
    ),
    "controversies:detail": Row(lambda w: w.controversy(), get=TEAM_READ, hidden=True),
    "controversies:edit": Row(
        lambda w: w.controversy("modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"subject": "Le parc éolien", "edit_version": 1},
    ),
    "controversies:delete": Row(lambda w: w.controversy("supprimer/"), get=None, post=TEAM_EDIT),
    "controversies:state": Row(
        lambda w: w.controversy("publication/"),
        get=None,
        post=TEAM_ADMIN,
        data=lambda w: {"transition": "publish"},
    ),
    "controversies:position_create": Row(
        lambda w: w.controversy("positions/nouvelle/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"label": "Pour", "order": 1},
    ),
    "controversies:position_edit": Row(
        lambda w: w.position("modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"label": "Pour", "order": 1},
    ),
    "controversies:position_delete": Row(
        lambda w: w.position("supprimer/"), get=None, post=TEAM_EDIT
    ),
    "controversies:venue_create": Row(
        lambda w: w.controversy("lieux/nouveau/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"label": "Conseil participatif"},
    ),
    "controversies:venue_edit": Row(
        lambda w: w.venue("modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"label": "Conseil participatif"},
    ),
    "controversies:venue_delete": Row(lambda w: w.venue("supprimer/"), get=None, post=TEAM_EDIT),
    # actors' governance: the team reads, contributors and admins edit
    "territory_actors:governance": Row(
        lambda w: w.territory("acteurs/gouvernance/"), get=TEAM_READ
    ),
    "territory_actors:body_create": Row(
        lambda w: w.territory("acteurs/gouvernance/instances/nouvelle/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"name": "Comité de pilotage", "kind": "pilotage"},
    ),
    "territory_actors:body_edit": Row(
        lambda w: w.territory(f"acteurs/gouvernance/instances/{w.body().pk}/modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"name": "Comité de pilotage", "kind": "pilotage"},
    ),
    "territory_actors:member_create": Row(
        lambda w: w.territory(f"acteurs/gouvernance/instances/{w.body().pk}/membres/nouveau/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"organisation": w.organisation.pk, "role": "membre"},
    ),
    "territory_actors:meeting_create": Row(
        lambda w: w.territory(f"acteurs/gouvernance/instances/{w.body().pk}/reunions/nouvelle/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
    ),
    "territory_actors:meeting_edit": Row(
        lambda w: w.territory(f"acteurs/gouvernance/reunions/{w.meeting().pk}/modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
    ),
    "territory_actors:charter_create": Row(
        lambda w: w.territory("acteurs/gouvernance/chartes/nouvelle/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"title": "Charte des partenaires"},
    ),
    "territory_actors:charter_edit": Row(
        lambda w: w.territory(f"acteurs/gouvernance/chartes/{w.charter().pk}/modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"title": "Charte des partenaires"},
    ),
    "territory_actors:signatory_create": Row(
        lambda w: w.territory(f"acteurs/gouvernance/chartes/{w.charter().pk}/signataires/nouveau/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"organisation": w.organisation.pk},
    ),
    "territory_actors:member_edit": Row(
        lambda w: w.territory(f"acteurs/gouvernance/membres/{w.member().pk}/modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"organisation": w.organisation.pk, "role": "présidente"},
    ),
    "territory_actors:member_delete": Row(
        lambda w: w.territory(f"acteurs/gouvernance/membres/{w.member().pk}/supprimer/"),
        get=None,
        post=TEAM_EDIT,
    ),
    "territory_actors:signatory_edit": Row(
        lambda w: w.territory(f"acteurs/gouvernance/signataires/{w.signatory().pk}/modifier/"),
        get=TEAM_EDIT,
        post=TEAM_EDIT,
        data=lambda w: {"organisation": w.organisation.pk},
    ),
    "territory_actors:signatory_delete": Row(
        lambda w: w.territory(f"acteurs/gouvernance/signataires/{w.signatory().pk}/supprimer/"),
        get=None,
        post=TEAM_EDIT,
    ),
    # the API: public data, and the team for its members
    # django-ninja's description and documentation pages answer any method.
    "api:openapi-json": Row(_api("openapi.json"), post=EVERYONE),
    "api:openapi-view": Row(_api("docs"), post=EVERYONE),
    "api:api-root": Row(_api(""), get=NOBODY, post=NOBODY, hidden=True),  # nothing there
    "api:list_territories": Row(_api("territories/?kind=region")),
    "api:search": Row(_api("territories/search?q=mouans")),
    "api:detail": Row(_mouans_api()),
    "api:members": Row(_mouans_api("/members")),
    "api:outline": Row(_mouans_api("/outline.geojson")),
    "api:members_geojson": Row(_mouans_api("/members.geojson")),
    "api:team": Row(_mouans_api("/team"), get=TEAM_READ),
    "api:list_initiatives": Row(_api("initiatives")),
    "api:initiative_detail": Row(lambda w: f"/api/v1/initiatives/{w.published.slug}"),
    "api:list_verbatims": Row(_api("verbatims")),
    "api:milestones": Row(_mouans_api("/milestones")),
    "api:figures": Row(_mouans_api("/figures")),
    "api:list_organisations": Row(_api("organisations?territory=commune:06084")),
    "api:organisation_detail": Row(lambda w: f"/api/v1/organisations/{w.organisation.pk}"),
    # uploaded files
    "^media/(?P<path>.+)$": Row(lambda w: "/media/documents/matrice.pdf"),
}


def _patterns(resolver=None, prefix="", namespace=""):
    """(key, route) of every URL pattern: its namespaced name, or its route if unnamed."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _patterns(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield (namespace + pattern.name if pattern.name else route), route


def test_every_url_pattern_has_its_row():
    found = {key for key, route in _patterns() if not route.startswith("admin/")}
    missing = sorted(found - set(MATRIX))
    assert not missing, f"URL patterns without a row in MATRIX: {missing}"
    assert not sorted(set(MATRIX) - found), "rows of MATRIX for patterns that do not exist"


@pytest.fixture
def world(town, elsewhere, alice, bob, dana, charlie, fanny, sam):
    project, _created = save_project(name="PETR matrice", member_codes=["06084"], by=alice)
    organisation = OrganisationFactory(territories=[town])
    default_storage.save("documents/matrice.pdf", ContentFile(b"%PDF-1.4"))
    return World(
        people={
            ANONYMOUS: None,
            "dana_reader": dana,
            "bob_contributor": bob,
            "alice_admin": alice,
            "charlie_elsewhere": charlie,
            "fanny_facilitator": fanny,
            "sam_staff": sam,
        },
        town=town,
        elsewhere=elsewhere,
        project=project,
        draft=InitiativeFactory(territory=town),
        published=InitiativeFactory(territory=town, published=True),
        milestone=MilestoneFactory(territory=town),
        membership=MembershipFactory(territory=town, role=Role.READER),
        organisation=organisation,
        person=PersonFactory(organisation=organisation),
    )


def _close(response):
    """Close a served file, without the end-of-request signal closing the test's database
    connection (the test client itself keeps that signal off during a request)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _outcome(response) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status == 405:
        return NOT_ALLOWED
    if status == 401 or (status == 302 and "/comptes/connexion/" in location):
        return LOGIN
    if status == 302 and "/admin/login/" in location:
        return DENIED  # the admin sends everyone but staff to its own login page
    if status == 403:
        return DENIED
    if status == 404:
        return HIDDEN
    assert status < 500, f"{status}: {response.content[:300]!r}"
    return ALLOWED


def _expected(row: Row, method: str, role: str) -> str:
    allowed = row.get if method == "get" else row.post
    if allowed is None:
        return NOT_ALLOWED
    if role in allowed:
        return ALLOWED
    if row.hidden:
        return HIDDEN
    return LOGIN if role == ANONYMOUS else DENIED


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_who_reaches_what(client, world, key):
    row = MATRIX[key]
    wrong = []
    for role in ROLES:
        client.logout()
        if world.people[role] is not None:
            client.force_login(world.people[role])
        for method in ("get", "post"):
            url = row.url(world)
            send = client.get if method == "get" else client.post
            response = send(url, row.data(world)) if method == "post" else send(url)
            _close(response)
            outcome, expected = _outcome(response), _expected(row, method, role)
            if outcome != expected:
                wrong.append(f"{role} {method.upper()} {url}: {outcome}, expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("model", sorted(admin.site._registry, key=lambda m: m._meta.label))
def test_the_admin_is_for_staff_only(client, world, model):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    for role in ROLES:
        client.logout()
        if world.people[role] is not None:
            client.force_login(world.people[role])
        outcome = _outcome(client.get(url))
        staff = role == "sam_staff" or (role != ANONYMOUS and world.people[role].is_superuser)
        if model._meta.label == "accounts.User" and role == "sam_staff":
            continue  # people's accounts: superusers only (accounts/rules.py)
        expected = ALLOWED if staff else DENIED  # everyone else: the admin's own login page
        assert outcome == expected, f"{role} GET {url}: {outcome}, expected {expected}"
