from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "territoires.accounts"
    verbose_name = "Comptes"

    def ready(self):
        from territoires.accounts import personal_data
        from territoires.accounts.models import Membership, User
        from territoires.core import history

        personal_data.register()
        # Roles granted, changed or removed, under the territory concerned; of accounts,
        # only what gives rights (their names and addresses stay out of the trail).
        history.track(Membership, territory_of=lambda item: item.territory_id, personal=True)
        history.track(
            User,
            include=["is_active", "is_staff", "is_superuser", "is_facilitator", "is_curator"],
            personal=True,
        )
