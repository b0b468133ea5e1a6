"""Seeing a territory's network of actors, for its team: the gaps, the graph and its data.

The analysis comes from `network_data.analysis`: at once for a small network, else from the
task queue, the pages saying « calcul en cours » and asking again (HTMX polling for the
gaps, the graph's script for its data) until it is there.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from territoires.actors import network_data
from territoires.actors.enums import RelationKind
from territoires.core.permissions import require_perm
from territoires.territories.selectors import territory_or_404

VIEW_ACTORS = "actors.view_actors"
POLL_SECONDS = 2


def _territory(request, kind, code):
    territory = territory_or_404(kind, code)
    require_perm(request.user, VIEW_ACTORS, territory)
    return territory


@require_GET
def gaps(request, kind, code, slug):
    territory = _territory(request, kind, code)
    data = network_data.analysis(territory)
    context = {
        "territory": territory,
        "gaps": network_data.gaps_of(data) if data is not None else None,
        "poll_seconds": POLL_SECONDS,
    }
    if request.htmx:
        return render(request, "actors/partials/network_gaps.html", context)
    return render(request, "actors/network_gaps.html", context)


@require_GET
def graph(request, kind, code, slug):
    """The graph (drawn by static/js/actors-network.js from `graph_data`) and, as its
    accessible equivalent, the table of the same actors; the filters work without
    JavaScript too (a GET form that filters the table)."""
    territory = _territory(request, kind, code)
    data = network_data.analysis(territory)
    groups = network_data.legend()
    known = {group["key"] for group in groups}
    chosen = [key for key in request.GET.getlist("categorie") if key in known]
    kinds = [k for k in request.GET.getlist("relation") if k in RelationKind.values]
    rows, links = [], []
    if data is not None:
        graph = network_data.graph_of(territory, data)
        names = {group["key"]: group["label"] for group in groups}
        for node, actor in zip(graph["nodes"], data["actors"], strict=True):
            rows.append(
                {
                    "node": node,
                    "hidden": bool(chosen) and node["group"] not in chosen,
                    "group_label": names.get(node["group"], ""),
                    "relations": actor["relations"],
                    "percent": round(100 * actor["betweenness"], 1),
                }
            )
        rows.sort(key=lambda row: (-row["node"]["betweenness"], row["node"]["label"].casefold()))
        links = _relation_rows(graph, chosen, kinds)
    return render(
        request,
        "actors/network_graph.html",
        {
            "territory": territory,
            "ready": data is not None,
            "summary": data["summary"] if data else None,
            "rows": rows,
            "shown": sum(not row["hidden"] for row in rows),
            "groups": groups,
            "chosen": chosen,
            "kinds": network_data.relation_kinds(),
            "chosen_kinds": kinds,
            "links": links,
            "links_limit": LINKS_TABLE_LIMIT,
            "links_total": len(data["links"]) if data else 0,
            "poll_seconds": POLL_SECONDS,
        },
    )


# Beyond, the relations' table would weigh megabytes: the team downloads relations.csv.
LINKS_TABLE_LIMIT = 1000


def _relation_rows(graph, chosen, kinds) -> list[dict]:
    """Who is linked to whom by which relation: the graph's edges as rows, hidden as the
    filters hide the graph's (an end's category, the relation's kind)."""
    if len(graph["edges"]) > LINKS_TABLE_LIMIT:
        return []
    nodes = {node["id"]: node for node in graph["nodes"]}
    labels = {kind["key"]: kind["label"] for kind in graph["kinds"]}
    rows = []
    for edge in graph["edges"]:
        source, target = nodes[edge["source"]], nodes[edge["target"]]
        hidden = (bool(kinds) and edge["kind"] not in kinds) or (
            bool(chosen) and not {source["group"], target["group"]} <= set(chosen)
        )
        rows.append(
            {
                "source": source,
                "target": target,
                "kind": edge["kind"],
                "label": labels.get(edge["kind"], ""),
                "hidden": hidden,
            }
        )
    rows.sort(
        key=lambda row: (row["source"]["label"].casefold(), row["target"]["label"].casefold())
    )
    return rows


@require_GET
def graph_data(request, kind, code, slug):
    """The graph as JSON: 200 with nodes and edges, or 202 while it is being computed."""
    territory = _territory(request, kind, code)
    data = network_data.analysis(territory)
    if data is None:
        return JsonResponse({"status": "pending", "retry_after": POLL_SECONDS}, status=202)
    return JsonResponse({"status": "ready", **network_data.graph_of(territory, data)})
