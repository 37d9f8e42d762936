from django.apps import AppConfig


class SandboxesConfig(AppConfig):
    name = "tuishou.sandboxes"
    label = "sandboxes"
    verbose_name = "Sandboxes (沙箱)"

    def ready(self) -> None:
        from tuishou.sandboxes import checks  # noqa: F401 (registers the system check)
