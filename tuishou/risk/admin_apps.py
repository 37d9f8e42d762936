"""The back office's app config: Django's admin with the audited site (``tuishou.risk.admin_site``) as its default,
so that every model registered with ``admin.site`` — by any app — is audited and guarded in one place."""

from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    default_site = "tuishou.risk.admin_site.AuditedAdminSite"
