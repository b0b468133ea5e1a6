from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from territoires.accounts import selectors
from territoires.territories.api import CodeParam, KindParam, errors
from territoires.territories.selectors import territory_or_404

router = Router(tags=[gettext_lazy("territoires")])


class MemberOut(Schema):
    email: str
    display_name: str
    role: str


@router.get(
    "/{kind}/{code}/team",
    response={200: list[MemberOut], **errors(400, 401, 403, 404)},
    auth=django_auth,
    summary=gettext_lazy("Équipe du territoire (membres connectés seulement)"),
)
def team(request, kind: KindParam, code: CodeParam):
    territory = territory_or_404(kind, code)
    if not request.user.has_perm("territories.view_members", territory):
        raise HttpError(403, _("Réservé à l'équipe du territoire."))
    return [
        MemberOut(email=m.user.email, display_name=m.user.display_name, role=m.role)
        for m in selectors.team_of(territory)
    ]
