from django.urls import path

from jpo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("verify/", views.verify_sent, name="verify_sent"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
