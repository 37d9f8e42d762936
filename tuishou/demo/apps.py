from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tuishou.demo"
    label = "demo"
