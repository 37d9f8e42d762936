"""URL map: the back office, the API and its documents, health."""

from django.conf import settings
from django.contrib import admin
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.urls import include, path
from django.views.static import serve

from tuishou.api import api
from tuishou.sandboxes.checks import SANDBOX

admin.site.site_header = "推手 Tuishou · 运营后台"
admin.site.site_title = "推手 Tuishou"
admin.site.index_title = "Back office"


def health(request):
    return JsonResponse({"status": "ok"})


def media(request, path):
    """Uploaded files, from where the file storage writes them (not MEDIA_ROOT as read when this module was
    imported: tests move it)."""
    return serve(request, path, document_root=default_storage.location)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", health),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch, remembered in a cookie
    path("account/", include("tuishou.accounts.urls")),
    path("centre/messages/", include("tuishou.notifications.urls")),  # the message centre
    path("me/", include("tuishou.accounts.urls_me")),
    path("jobs/", include("tuishou.core.urls")),  # background jobs' progress and files (tuishou.core.jobs)
    # The desks (desk.html): the merchant portal, the agency portal and operations.
    path("ops/announcements/", include("tuishou.notifications.urls_desk")),
    path("agency/announcements/", include("tuishou.notifications.urls_desk")),
    path("ops/leaderboards/", include("tuishou.community.urls_desk")),
    path("agency/leaderboards/", include("tuishou.community.urls_desk")),
    path("", include("tuishou.orders.urls")),  # plain pages: /checkout/, /orders/
    # Micro-stores and share links at short URLs: /s/<code>, /m/<code>, /p/<code>.
    path("", include("tuishou.stores.urls")),
    path("", include("tuishou.catalog.urls")),  # the storefront: /, /c/<category>/, /search/, /goods/<id>/
    # The promoter centre (推广中心): each app's pages under /centre/.
    path("centre/", include("tuishou.network.urls_centre")),
    path("centre/", include("tuishou.stores.urls_centre")),
    path("centre/", include("tuishou.settlement.urls_centre")),
    path("centre/", include("tuishou.wallets.urls_centre")),
    path("centre/", include("tuishou.community.urls_centre")),
    # Uploaded and generated images (product pictures); behind a CDN or object store in production.
    path("media/<path:path>", media),
]
if settings.TUISHOU_PAYMENT_GATEWAY == SANDBOX:  # the sandbox gateway's pay page, only while it takes payments
    urlpatterns.append(path("sandbox-pay/", include("tuishou.payments.urls")))
