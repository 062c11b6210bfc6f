from django.urls import path

from jpo.applications import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("cycles/<int:fiscal_year>/start/", views.application_start, name="start"),
    path("applications/<int:pk>/", views.application_status, name="status"),
    path("applications/<int:pk>/submit/", views.application_submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/<slug:step>/", views.application_step, name="step"),
    path("applications/<int:pk>/<slug:step>/autosave/", views.application_autosave, name="autosave"),
    path("documents/<uuid:public_id>/", views.document_download, name="document"),
    path("my-data.json", views.my_data, name="my_data"),
    path("officer/duplicates/", views.officer_duplicates, name="officer_duplicates"),
    path(
        "officer/duplicates/<int:pk>/resolve/",
        views.officer_duplicate_resolve,
        name="officer_duplicate_resolve",
    ),
    path("ministry/endorsements/", views.ministry_endorsements, name="ministry_endorsements"),
    path(
        "ministry/endorsements/<int:pk>/",
        views.ministry_endorsement_detail,
        name="ministry_endorsement_detail",
    ),
    path("officer/needs-review/", views.officer_needs_review, name="officer_needs_review"),
    path(
        "officer/needs-review/<int:pk>/reviewed/", views.officer_check_reviewed, name="officer_check_reviewed"
    ),
]
