"""What the actors contribute to the pages that compose the apps: the portrait's section
« Acteurs et gouvernance », and what its cache depends on."""

from django.db.models.signals import m2m_changed, pre_delete

from territoires.actors import selectors
from territoires.actors.models import (
    BodyMember,
    Category,
    Charter,
    Decision,
    GovernanceBody,
    Meeting,
    Organisation,
    Signatory,
)
from territoires.core import portrait, versions
from territoires.initiatives.models import Initiative, InitiativeContact


def _load(territory, user):
    return {
        "groups": selectors.actors_by_category(territory, user),
        # Visitors' view: published meetings only (the section is cached for them).
        "bodies": selectors.governance_bodies(territory, published_only=True),
        "charters": selectors.charters(territory),
    }


def _by_id(model, pk, path):
    # Read by id: the parent may be in the middle of being deleted with its rows.
    return list(model.objects.filter(pk=pk).values_list(path, flat=True))


def _territory_of_contact(contact) -> list[int | None]:
    # Read by id: the initiative may be in the middle of being deleted with its contacts.
    return list(
        Initiative.objects.filter(pk=contact.initiative_id).values_list("territory_id", flat=True)
    )


def _territories_of_organisation(organisation) -> list[int | None]:
    if organisation.pk is None:
        return []
    return list(organisation.territories_for_teams().values_list("pk", flat=True))


def _organisation_deleted(sender, instance, **kwargs):
    """Before the deletion takes its territories away (the relation's rows go first)."""
    versions.bump(versions.TERRITORY, *_territories_of_organisation(instance))


def _territories_changed(sender, instance, action, pk_set=None, **kwargs):
    """Territories added or taken away, and those about to be cleared: before a removal the
    organisation still lists them, after an addition it lists the new ones."""
    if action not in ("pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Organisation):
        keys = set(_territories_of_organisation(instance)) | set(pk_set or ())
    else:
        keys = {instance.pk}
    versions.bump(versions.TERRITORY, *keys)


def register():
    portrait.sections.register(
        portrait.PortraitSection(
            name="acteurs",
            order=70,
            template="actors/sections/actors.html",
            load=_load,
            edit_permission="actors.edit_actors",
        )
    )
    versions.watch(InitiativeContact, versions.TERRITORY, _territory_of_contact)
    versions.watch(Organisation, versions.TERRITORY, _territories_of_organisation)
    m2m_changed.connect(
        _territories_changed,
        sender=Organisation.territories.through,
        dispatch_uid="territoires.actors.versions:territories",
    )
    pre_delete.connect(
        _organisation_deleted, sender=Organisation, dispatch_uid="territoires.actors.versions"
    )
    versions.watch(GovernanceBody, versions.TERRITORY, lambda body: [body.territory_id])
    versions.watch(Charter, versions.TERRITORY, lambda charter: [charter.territory_id])
    versions.watch(
        BodyMember,
        versions.TERRITORY,
        lambda member: _by_id(GovernanceBody, member.body_id, "territory_id"),
    )
    versions.watch(
        Meeting,
        versions.TERRITORY,
        lambda meeting: _by_id(GovernanceBody, meeting.body_id, "territory_id"),
    )
    versions.watch(
        Decision,
        versions.TERRITORY,
        lambda decision: _by_id(Meeting, decision.meeting_id, "body__territory_id"),
    )
    versions.watch(
        Signatory,
        versions.TERRITORY,
        lambda signatory: _by_id(Charter, signatory.charter_id, "territory_id"),
    )
    versions.watch(Category, versions.SHARED, lambda category: [0])
