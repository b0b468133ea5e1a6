"""A territory's actors, under its address (/territoires/<kind>/<code>-<slug>/acteurs/)."""

from django.urls import path

from territoires.actors import (
    chain_views,
    data_views,
    governance_views,
    network_views,
    officials_views,
    views,
)

TERRITORY = "<str:kind>/<code:code>-<slug:slug>/"

app_name = "territory_actors"
urlpatterns = [
    path(f"{TERRITORY}acteurs/", views.territory_list, name="list"),
    path(f"{TERRITORY}acteurs/nouvelle/", views.create, name="create"),
]

# Seeing the network (network_views.py): the gaps, the graph and its data.
urlpatterns += [
    path(f"{TERRITORY}acteurs/manques/", network_views.gaps, name="gaps"),
    path(f"{TERRITORY}acteurs/reseau/", network_views.graph, name="graph"),
    path(f"{TERRITORY}acteurs/reseau/donnees.json", network_views.graph_data, name="graph_data"),
]

# Files in and out (data_views.py).
urlpatterns += [
    path(f"{TERRITORY}acteurs/importer/", data_views.import_actors, name="import"),
    path(
        f"{TERRITORY}acteurs/importer/modele-<slug:file>.csv",
        data_views.import_template,
        name="import_template",
    ),
    path(f"{TERRITORY}acteurs/<slug:file>.csv", data_views.export_actors, name="export"),
    path(f"{TERRITORY}acteurs/elus/", officials_views.elected_officials, name="officials"),
]

# Governance (governance_views.py): bodies, members, meetings, charters, signatories.
GOVERNANCE = f"{TERRITORY}acteurs/gouvernance/"
urlpatterns += [
    path(GOVERNANCE, governance_views.governance, name="governance"),
    path(f"{GOVERNANCE}instances/nouvelle/", governance_views.body_edit, name="body_create"),
    path(f"{GOVERNANCE}instances/<int:pk>/modifier/", governance_views.body_edit, name="body_edit"),
    path(
        f"{GOVERNANCE}instances/<int:pk>/membres/nouveau/",
        governance_views.member_edit,
        name="member_create",
    ),
    path(
        f"{GOVERNANCE}membres/<int:member_pk>/modifier/",
        governance_views.member_edit,
        name="member_edit",
    ),
    path(
        f"{GOVERNANCE}membres/<int:part_pk>/supprimer/",
        governance_views.remove,
        {"part": "membres"},
        name="member_delete",
    ),
    path(
        f"{GOVERNANCE}instances/<int:pk>/reunions/nouvelle/",
        governance_views.meeting_edit,
        name="meeting_create",
    ),
    path(
        f"{GOVERNANCE}reunions/<int:meeting_pk>/modifier/",
        governance_views.meeting_edit,
        name="meeting_edit",
    ),
    path(f"{GOVERNANCE}chartes/nouvelle/", governance_views.charter_edit, name="charter_create"),
    path(
        f"{GOVERNANCE}chartes/<int:pk>/modifier/",
        governance_views.charter_edit,
        name="charter_edit",
    ),
    path(
        f"{GOVERNANCE}chartes/<int:pk>/signataires/nouveau/",
        governance_views.signatory_edit,
        name="signatory_create",
    ),
    path(
        f"{GOVERNANCE}signataires/<int:signatory_pk>/modifier/",
        governance_views.signatory_edit,
        name="signatory_edit",
    ),
    path(
        f"{GOVERNANCE}signataires/<int:part_pk>/supprimer/",
        governance_views.remove,
        {"part": "signataires"},
        name="signatory_delete",
    ),
]

# Chains of actors (chain_views.py).
CHAINS = f"{TERRITORY}acteurs/chaines/"
urlpatterns += [
    path(CHAINS, chain_views.chains, name="chains"),
    path(f"{CHAINS}nouvelle/", chain_views.chain_edit, name="chain_create"),
    path(f"{CHAINS}<int:pk>/modifier/", chain_views.chain_edit, name="chain_edit"),
    path(f"{CHAINS}<int:pk>/supprimer/", chain_views.chain_delete, name="chain_delete"),
]
