from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "lantern.synth"
    label = "synth"
