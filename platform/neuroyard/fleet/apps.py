from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "neuroyard.fleet"
