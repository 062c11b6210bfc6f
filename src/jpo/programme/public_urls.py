"""Public pages (no login): calls for applications and the self-check."""

from django.urls import path

from jpo.programme.views import public

app_name = "calls"

urlpatterns = [
    path("", public.call_index, name="index"),
    path("<int:fy>/", public.call_detail, name="detail"),
    path("<int:fy>/self-check/", public.self_check, name="self_check"),
]
