from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lantern.people"
    label = "people"
