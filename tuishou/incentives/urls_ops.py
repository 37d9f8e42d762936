"""Operations' plan pages, included at ``/ops/plans/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.incentives import views_ops, views_studio

app_name = "ops-plans"
PORTAL = {"portal": "ops"}

urlpatterns = [
    path("", views_ops.home, name="home"),
    path("drafts/<int:version_id>/", views_studio.editor, PORTAL, name="editor"),
    path("drafts/<int:version_id>/check/", views_studio.check, PORTAL, name="check"),
    path("drafts/<int:version_id>/simulate/", views_studio.simulate, PORTAL, name="simulate"),
    path("drafts/<int:version_id>/backtest/", views_studio.backtest, PORTAL, name="backtest"),
    path("drafts/<int:version_id>/propose/", views_studio.propose, PORTAL, name="propose"),
    path("drafts/<int:version_id>/publish/", views_studio.publish, PORTAL, name="publish"),
    path("drafts/<int:version_id>/send-back/", views_studio.send_back, PORTAL, name="send-back"),
    path("studies/<int:study_id>/", views_studio.study, PORTAL, name="study"),
]
