"""Every contact of an initiative becomes a link to an organisation of the actors app.

The same organisation typed twice in one territory (differing by case, accents,
punctuation or spaces: `territories.normalize.search_key`, the key the portrait's former
« Acteurs » section merged them by) becomes one organisation, acting in that territory; its
name is the first spelling met (by initiative title, then contact), its website the first
one given. Two territories naming « Chambre d'agriculture » get one each: the same words
often name different local bodies. Every contact row is kept.
"""

from django.db import migrations

from territoires.territories.normalize import search_key

SOURCE = "Contact d'une initiative du territoire"


def link(apps, schema_editor):
    Contact = apps.get_model("initiatives", "InitiativeContact")
    Organisation = apps.get_model("actors", "Organisation")
    found = {}
    contacts = Contact.objects.select_related("initiative").order_by("initiative__title", "pk")
    for contact in contacts:
        territory_id = contact.initiative.territory_id
        key = (territory_id, search_key(contact.organisation) or contact.organisation.strip())
        organisation = found.get(key)
        if organisation is None:
            organisation = Organisation.objects.create(
                name=" ".join(contact.organisation.split()) or "?",
                website=contact.website,
                source=SOURCE,
            )
            found[key] = organisation
        elif not organisation.website and contact.website:
            organisation.website = contact.website
            organisation.save(update_fields=["website"])
        contact.organisation_link = organisation
        contact.save(update_fields=["organisation_link"])


def unlink(apps, schema_editor):
    Contact = apps.get_model("initiatives", "InitiativeContact")
    for contact in Contact.objects.select_related("organisation_link"):
        contact.organisation = contact.organisation_link.name
        contact.website = contact.organisation_link.website
        contact.save(update_fields=["organisation", "website"])


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_seed_categories"),
        ("initiatives", "0010_contact_add_organisation_link"),
    ]

    operations = [migrations.RunPython(link, unlink)]
