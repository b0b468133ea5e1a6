"""What the search knows of organisations: a kind of document, found by name, description,
category and territories; followed by signals, whatever writes."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from territoires.actors.models import Organisation
from territoires.core import search
from territoires.initiatives.enums import PublicationState
from territoires.initiatives.models import Initiative, InitiativeContact
from territoires.territories.search_documents import territory_facets

KIND = "organisation"


def _with_related(organisations):
    return organisations.select_related("category__parent").prefetch_related(
        "territories__region", "contacts__initiative__territory__region"
    )


def organisation_document(organisation: Organisation) -> search.Document:
    """Public once its team registered it in a territory or a published initiative names
    it: an organisation only drafts name stays out of the search, as the drafts do."""
    published_contacts = [
        contact
        for contact in organisation.contacts.all()
        if contact.initiative.state == PublicationState.PUBLISHED
    ]
    territories = list(organisation.territories.all()) or [
        contact.initiative.territory for contact in published_contacts
    ]
    territory = territories[0] if territories else None
    category = organisation.category
    body = " ".join(
        filter(
            None,
            [
                organisation.description,
                str(category) if category else "",
                organisation.get_kind_display(),
                " ".join(sorted({t.name for t in territories})),
            ],
        )
    )
    return search.Document(
        kind=KIND,
        object_id=organisation.pk,
        title=organisation.name,
        body=body,
        url=organisation.get_absolute_url(),
        published=bool(organisation.territories.all() or published_contacts),
        territory_id=territory.pk if territory else None,
        facets=territory_facets(territory) if territory else {},
    )


def organisation_documents():
    return map(organisation_document, _with_related(Organisation.objects.all()).iterator(500))


def _reindex(pks):
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return
    found = list(_with_related(Organisation.objects.filter(pk__in=pks)))
    search.index_documents([organisation_document(organisation) for organisation in found])
    gone = set(pks) - {organisation.pk for organisation in found}
    if gone:
        search.remove_documents(KIND, sorted(gone))


def _later(pks):
    pks = list(pks)
    transaction.on_commit(lambda: _reindex(pks))


def _organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _later([instance.pk])


def _organisation_deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: search.remove_documents(KIND, [pk]))


def _contact_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _later([instance.organisation_id])


def _initiative_saved(sender, instance, raw=False, **kwargs):
    """Its state decides whether the organisations it names are public."""
    if not raw:
        _later(
            InitiativeContact.objects.filter(initiative=instance).values_list(
                "organisation_id", flat=True
            )
        )


def _territories_changed(sender, instance, action, pk_set=None, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Organisation):
        _later([instance.pk])
    else:
        _later(pk_set or [])


def register():
    uid = "territoires.actors.search"
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid=uid)
    post_delete.connect(_organisation_deleted, sender=Organisation, dispatch_uid=uid)
    post_save.connect(_contact_changed, sender=InitiativeContact, dispatch_uid=uid)
    post_delete.connect(_contact_changed, sender=InitiativeContact, dispatch_uid=uid)
    post_save.connect(_initiative_saved, sender=Initiative, dispatch_uid=uid)
    m2m_changed.connect(
        _territories_changed, sender=Organisation.territories.through, dispatch_uid=uid
    )
    search.kinds.register(
        search.SearchKind(
            KIND,
            _("Organisation"),
            _("Organisations"),
            order=40,
            documents=organisation_documents,
            # Found by words; browsing the commons without words stays on the commons.
            browsed=False,
        )
    )
