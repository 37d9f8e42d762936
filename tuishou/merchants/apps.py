from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "tuishou.merchants"
    label = "merchants"
