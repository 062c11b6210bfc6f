from django.urls import path

from jpo.placement import views

app_name = "placement"

urlpatterns = [
    path("", views.index, name="index"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("candidates/", views.candidate_list, name="candidate_list"),
    path("matching/", views.matching, name="matching"),
    path("matching/<int:pk>/", views.match_run, name="match_run"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/<int:pk>/letter/", views.offer_letter, name="offer_letter"),
    path("offers/<int:pk>/letter.pdf", views.offer_letter_download, name="offer_letter_pdf"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/respond/", views.offer_respond, name="offer_respond"),
    path("offers/<int:pk>/reserve/", views.offer_reserve, name="offer_reserve"),
    path("offers/<int:offer_pk>/dispatch/", views.dispatch_new, name="dispatch_new"),
    path("dispatches/", views.dispatch_list, name="dispatch_list"),
    path("dispatches/<int:pk>/", views.dispatch_detail, name="dispatch_detail"),
    path("secondments/", views.secondment_list, name="secondment_list"),
    path("secondments/<int:pk>/", views.secondment_detail, name="secondment_detail"),
    path("reminders/", views.reminder_list, name="reminder_list"),
    path("budget/", views.budget, name="budget"),
    path("retention/", views.retention, name="retention"),
    path("alumni/", views.alumni, name="alumni"),
    path("organizations/", views.organization_list, name="organization_list"),
]
