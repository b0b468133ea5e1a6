"""Use cases that span apps: each in one transaction, through the apps' own services."""

from django.db import transaction

from territoires.accounts.enums import Role
from territoires.accounts.services import grant_membership
from territoires.initiatives.services import set_presentation
from territoires.territories.services.projects import save_project_territory


@transaction.atomic
def save_project(*, name, member_codes, subkind="", presentation=None, code=None, by=None):
    """Create or update a project territory from its members' codes, with its portrait's
    presentation; its creator becomes its admin. UnknownCodes, nothing written, when a
    code is not in the registry."""
    project, created = save_project_territory(
        name=name, member_codes=member_codes, subkind=subkind, code=code, by=by
    )
    if presentation is not None:
        set_presentation(project, presentation)
    if created and by is not None:
        grant_membership(by, project, Role.ADMIN)
    return project, created
