from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tuishou.catalog"
    label = "catalog"
