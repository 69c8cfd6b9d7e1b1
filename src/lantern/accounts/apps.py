from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lantern.accounts"
    label = "accounts"

    def ready(self) -> None:
        from lantern.accounts.actors import service_actor_for
        from lantern.core import system

        system.register_factory(service_actor_for)
