"""Named read queries of accounts and teams."""

from territoires.accounts.models import Membership


def team_of(territory):
    """The memberships of a territory's team, by address."""
    return (
        Membership.objects.filter(territory=territory)
        .select_related("user")
        .order_by("user__email")
    )
