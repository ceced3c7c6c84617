from django.apps import AppConfig


class SpecsConfig(AppConfig):
    name = "neuroyard.specs"
