"""The categories of local actors of seed 003 (Energie-Cités' World Café, Mulhouse 2008), each
with the seed's short reason for involving it where the seed gives one."""

from django.db import migrations

SOURCE = (
    "Energie-Cités — World Café sur la mobilisation des acteurs locaux dans un PCET "
    "(Mulhouse, 13 juin 2008)"
)

# (slug, name, reason, [(slug, name, reason), …]); reasons are the seed's own words.
CATEGORIES = [
    ("politiques", "Acteurs politiques", "", [
        ("elus", "Élus", "incarnent la volonté politique"),
        (
            "collectivite-porteuse",
            "Collectivité porteuse du plan",
            "doit faire preuve d'exemplarité, motiver par l'incitation et assumer la mise en musique",
        ),
        (
            "municipalites-partenaires",
            "Municipalités partenaires",
            "liens garantissent la cohérence du projet",
        ),
        (
            "territoires-de-projet",
            "Territoires de projet (Pays, PNR)",
            "des lieux et des ressources d'animation et de dynamisation",
        ),
        ("departement-region", "Département et Région", ""),
        ("etat", "État et ses services déconcentrés", ""),
        ("union-europeenne", "Union européenne", ""),
    ]),
    ("institutions", "Institutions, organismes, agences", "", [
        ("ademe", "ADEME", "conseil technique, financement ponctuel"),
        (
            "ale",
            "Agences locales de l'énergie (ALE)",
            "conseil technique, suivi, observation et production de données",
        ),
        (
            "qualite-air",
            "Agences de surveillance de la qualité de l'air",
            "ressource au service de l'élaboration du PCET",
        ),
        ("eie", "Espaces info énergie (EIE)", "ressource au service de la population"),
        (
            "caue",
            "CAUE",
            "sensibilisation auprès des professionnels du bâtiment, diffusion de nouvelles "
            "techniques",
        ),
        ("bailleurs-sociaux", "Bailleurs sociaux", ""),
        ("agences-urbanisme", "Agences d'urbanisme", ""),
    ]),
    ("economiques", "Acteurs économiques, par secteur ou métier", "", [
        ("services-eau-energie-dechets", "Services de l'eau, de l'énergie, des déchets", ""),
        ("fournisseurs-energie", "Fournisseurs d'énergie", ""),
        ("promoteurs", "Promoteurs immobiliers", ""),
        ("btp", "Entreprises du bâtiment (BTP)", ""),
        ("architectes", "Architectes", ""),
        ("urbanistes", "Urbanistes", ""),
        ("transports", "Entreprises de transport", ""),
        ("agriculteurs", "Agriculteurs", ""),
        ("medias", "Médias et presse locale", ""),
        ("formation", "Écoles spécialisées, organismes de formation", ""),
        ("culture", "Institutions culturelles", ""),
        (
            "patrimoine-loisirs",
            "Gestionnaires du patrimoine et des lieux de culture, de sport, de loisirs",
            "",
        ),
        (
            "entreprises",
            "Entreprises du territoire",
            "implication profonde dans le cycle de vie des produits, lien étroit entre "
            "rentabilité et durabilité",
        ),
        ("artisans", "Artisans", ""),
        ("commercants", "Commerçants", ""),
        ("banquiers", "Banquiers", ""),
        ("chercheurs", "Chercheurs", "innovations, réflexion"),
        ("enseignants", "Enseignants et formateurs", "nouveaux métiers, transmissions"),
    ]),
    ("federateurs", "Acteurs qui fédèrent une profession", "", [
        ("chambres-consulaires", "Chambres consulaires", ""),
        ("syndicats-professionnels", "Syndicats professionnels", "impact sur les entreprises"),
        (
            "syndicats-patronaux-salaries",
            "Syndicats patronaux et de salariés",
            "leaders d'opinion, acteurs sociaux",
        ),
        ("unions-commercants", "Unions de commerçants", ""),
    ]),
    ("zones", "Zones du territoire organisées autour d'une activité", "", [
        ("zones-industrielles", "Zones industrielles", ""),
        ("zones-commerciales", "Zones commerciales", ""),
        (
            "hlm-batiments-publics",
            "Logements sociaux et bâtiments publics (écoles, hôpitaux, campus…)",
            "",
        ),
    ]),
    ("participation", "Démocratie participative", "", [
        ("habitants", "Habitants", "premiers experts du territoire"),
        (
            "associations-citoyens",
            "Associations de citoyens, conseils de quartier",
            "appropriation du projet, relais d'information",
        ),
        (
            "associations-environnement",
            "Associations de protection de l'environnement",
            "dynamisation, sensibilisation",
        ),
        ("associations-culturelles", "Associations culturelles", ""),
    ]),
    ("jeunesse", "Enfants et jeunesse", "éléments moteurs, cible privilégiée", []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("actors", "Category")
    for order, (slug, name, reason, children) in enumerate(CATEGORIES, start=1):
        parent, _created = Category.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "reason": reason, "source": SOURCE, "order": order * 100},
        )
        for child_order, (child_slug, child_name, child_reason) in enumerate(children, start=1):
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={
                    "name": child_name,
                    "reason": child_reason,
                    "source": SOURCE,
                    "order": order * 100 + child_order,
                    "parent": parent,
                },
            )


def unseed(apps, schema_editor):
    Category = apps.get_model("actors", "Category")
    slugs = [slug for slug, *_rest in CATEGORIES]
    slugs += [child[0] for *_head, children in CATEGORIES for child in children]
    Category.objects.filter(slug__in=slugs, organisations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("actors", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
