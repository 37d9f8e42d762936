"""URL map: the back office, the API and its documents, health."""

from django.conf import settings
from django.contrib import admin
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.static import serve

from tuishou.api import api
from tuishou.core import views as core_views
from tuishou.sandboxes.checks import SANDBOX

# In the reader's language (Chinese by default), like the app, model and field names (their verbose_name).
admin.site.site_header = gettext_lazy("Tuishou · back office")
admin.site.site_title = gettext_lazy("Tuishou back office")
admin.site.index_title = gettext_lazy("Back office")


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
    path("favicon.ico", core_views.favicon),  # the icon for pages that link none (the Django admin's)
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switch, remembered in a cookie
    path("account/", include("tuishou.accounts.urls")),
    path("centre/messages/", include("tuishou.notifications.urls")),  # the message centre
    path("me/", include("tuishou.accounts.urls_me")),
    path("jobs/", include("tuishou.core.urls")),  # background jobs' progress and files (tuishou.core.jobs)
    # The desks (desk.html): the merchant portal, the agency portal and operations.
    path("merchant/", include("tuishou.merchants.urls_merchant")),  # the overview and staff
    path("merchant/", include("tuishou.catalog.urls_merchant")),  # products, SKUs, stock, pictures
    path("ops/reviews/", include("tuishou.catalog.urls_ops")),  # the product review queue
    path("ops/inspections/", include("tuishou.community.urls_inspections_ops")),  # 验货: tasks, reports, reviews
    path("merchant/", include("tuishou.orders.urls_merchant")),  # orders to ship, after-sales
    path("ops/", include("tuishou.orders.urls_ops")),  # escalated after-sales (customer service)
    path("agency/", include("tuishou.network.urls_agency")),  # the agency portal: overview, promoters, growth
    path("ops/communities/", include("tuishou.network.urls_ops")),  # agencies opened and run by operators
    path("merchant/statements/", include("tuishou.settlement.urls_merchant")),
    path("merchant/payouts/", include("tuishou.wallets.urls_merchant")),
    path("ops/withdrawals/", include("tuishou.wallets.urls_ops")),
    path("ops/risk/", include("tuishou.risk.urls_ops")),  # risk flags (风控): the queue, decisions, rules
    path("ops/announcements/", include("tuishou.notifications.urls_desk")),
    path("agency/announcements/", include("tuishou.notifications.urls_desk")),
    path("ops/leaderboards/", include("tuishou.community.urls_desk")),
    path("ops/materials/rewards/", include("tuishou.community.urls_ops_rewards")),  # materials reward periods
    path("ops/materials/", include("tuishou.community.urls_ops_moderation")),  # 素材审核: reports, hide, restore
    path("agency/leaderboards/", include("tuishou.community.urls_desk")),
    path("ops/campaigns/", include("tuishou.campaigns.urls_ops")),  # 爆品 campaigns
    path("agency/campaigns/", include("tuishou.campaigns.urls_agency")),
    path("agency/plan/", include("tuishou.incentives.urls_agency")),  # the community's plan: drafts, studies
    path("ops/plans/", include("tuishou.incentives.urls_ops")),  # plans: proposals, drafts, studies, publishing
    path("ops/", include("tuishou.reports.urls_ops")),  # the dashboard and the income disclosure
    path("ops/", include("tuishou.network.urls_ops_promoters")),  # /ops/promoters/: freeze, rank by hand, invites
    path("ops/coupons/", include("tuishou.coupons.urls_ops")),  # coupon goods: feeds, order reports
    path("centre/coupons/", include("tuishou.coupons.urls_centre")),  # the coupon zone of the supply pool
    path("", include("tuishou.coupons.urls")),  # /c/<tracking code>/go: the coupon redirect (before /c/<category>/)
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
    path("centre/inspections/", include("tuishou.community.urls_inspections")),  # 验货: tasks, my reports
    # Uploaded and generated images (product pictures); behind a CDN or object store in production.
    path("media/<path:path>", media),
]
if settings.TUISHOU_PAYMENT_GATEWAY == SANDBOX:  # the sandbox gateway's pay page, only while it takes payments
    urlpatterns.append(path("sandbox-pay/", include("tuishou.payments.urls")))
if settings.TUISHOU_SMS_PROVIDER == SANDBOX:  # the SMS sandbox's messages (sign-up codes), only while it sends them
    urlpatterns.append(path("sandbox-sms/", include("tuishou.accounts.urls_sandbox")))

