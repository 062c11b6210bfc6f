from django.urls import path

from jpo.selection.views import officer, others, people, releases

app_name = "selection"

urlpatterns = [
    # Programme officer
    path("", officer.officer_home, name="officer_home"),
    path("cycles/<int:fy>/", officer.cycle_dashboard, name="cycle"),
    path("cycles/<int:fy>/screening/", officer.screening_list, name="screening"),
    path("cycles/<int:fy>/screening/run/", officer.screening_run, name="screening_run"),
    path("runs/<int:pk>/progress/", officer.run_progress, name="run_progress"),
    path("applications/<int:pk>/screening/", officer.screening_detail, name="screening_detail"),
    path("applications/<int:pk>/screening/apply/", officer.screening_apply_one, name="screening_apply_one"),
    path("criteria/<int:pk>/override/", officer.criterion_override, name="criterion_override"),
    path("cycles/<int:fy>/rubric/", officer.rubric_edit, name="rubric"),
    path("cycles/<int:fy>/conflicts/", officer.conflicts, name="conflicts"),
    path("cycles/<int:fy>/reviews/", officer.reviews_overview, name="reviews"),
    path("cycles/<int:fy>/reviews/assign/", officer.reviews_assign, name="reviews_assign"),
    path("cycles/<int:fy>/ranking/", officer.ranking, name="ranking"),
    path("cycles/<int:fy>/stage-two/", officer.stage_two, name="stage_two"),
    path("cycles/<int:fy>/stage-two/invite/", officer.stage_two_invite, name="stage_two_invite"),
    path("cycles/<int:fy>/stage-two/forward/", officer.forward_all, name="forward_all"),
    path("cycles/<int:fy>/stage-two/slots/", officer.slot_create, name="slot_create"),
    path("slots/<int:pk>/panel/", officer.slot_panel, name="slot_panel"),
    path("slots/<int:pk>/move/", officer.slot_move, name="slot_move"),
    path("slots/<int:pk>/cancel/", officer.slot_cancel, name="slot_cancel"),
    path("applications/<int:pk>/forward/", officer.forward_one, name="forward_one"),
    path("interviews/<int:pk>/written-task/", officer.written_task, name="written_task"),
    path("cycles/<int:fy>/final/", officer.final, name="final"),
    path("applications/<int:pk>/decide/", officer.final_decide, name="final_decide"),
    path("applications/<int:pk>/record/", officer.application_record, name="application_record"),
    path("people/", people.people, name="people"),
    path("invitations/<int:pk>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("cycles/<int:fy>/results/", releases.results, name="results"),
    path("cycles/<int:fy>/results/release/", releases.release_schedule, name="release_schedule"),
    path("releases/<int:pk>/", releases.release_detail, name="release_detail"),
    path("releases/<int:pk>/progress/", releases.release_progress, name="release_progress"),
    path("releases/<int:pk>/cancel/", releases.release_cancel, name="release_cancel"),
    path("cycles/<int:fy>/templates/", officer.templates, name="templates"),
    path(
        "cycles/<int:fy>/templates/<slug:status>/<slug:language>/",
        officer.template_edit,
        name="template_edit",
    ),
    path("cycles/<int:fy>/notifications/", officer.notifications, name="notifications"),
    path("notifications/<int:pk>/resend/", officer.notification_resend, name="notification_resend"),
    path("cycles/<int:fy>/funnel/", officer.funnel, name="funnel"),
    path("cycles/<int:fy>/funnel.<str:fmt>", officer.funnel_export, name="funnel_export"),
    # Reviewer / interviewer
    path("reviews/", others.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", others.review, name="review"),
    path("reviews/<int:pk>/conflict/", others.review_conflict, name="review_conflict"),
    path("reviews/<int:pk>/documents/<slug:kind>/", others.review_document, name="review_document"),
    path("interviews/", others.my_interviews, name="my_interviews"),
    path("interviews/<int:pk>/", others.interview_score, name="interview_score"),
    path("interviews/<int:pk>/calendar.ics", others.interview_calendar, name="interview_calendar"),
    # Organization focal point
    path("organization/", others.focal_candidates, name="focal_candidates"),
    path("organization/<int:pk>/", others.focal_candidate, name="focal_candidate"),
    # Applicant
    path("my/", others.my_stage_two, name="my_stage_two"),
    path("my/<int:pk>/slot/", others.slot_confirm, name="slot_confirm"),
]
