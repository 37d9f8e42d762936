"""The agency portal's plan pages, included at ``/agency/plan/`` by ``tuishou.urls``."""

from django.urls import path

from tuishou.incentives import views_agency, views_studio

app_name = "agency-plan"
PORTAL = {"portal": "agency"}

urlpatterns = [
    path("", views_agency.home, name="home"),
    path("drafts/<int:version_id>/", views_studio.editor, PORTAL, name="editor"),
    path("drafts/<int:version_id>/check/", views_studio.check, PORTAL, name="check"),
    path("drafts/<int:version_id>/simulate/", views_studio.simulate, PORTAL, name="simulate"),
    path("drafts/<int:version_id>/backtest/", views_studio.backtest, PORTAL, name="backtest"),
    path("drafts/<int:version_id>/propose/", views_studio.propose, PORTAL, name="propose"),
    path("studies/<int:study_id>/", views_studio.study, PORTAL, name="study"),
]
