from django.apps import AppConfig


class SandboxesConfig(AppConfig):
    name = "tuishou.sandboxes"
    label = "sandboxes"
    verbose_name = "Sandboxes (沙箱)"
