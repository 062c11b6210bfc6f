from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from jpo.accounts import views as accounts_views
from jpo.accounts.access import public
from jpo.api import api
from jpo.programme import urls as programme_urls
from jpo.selection import rule_urls as selection_rule_urls
from jpo.web import views as web_views

admin.site.site_header = "jpo"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("favicon.ico", web_views.favicon, name="favicon"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("jpo.applications.signup_urls")),
    path("accounts/", include("jpo.accounts.urls")),
    path("portal/", include("jpo.applications.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("representation/", include("jpo.representation.urls")),
    path("workforce/", include("jpo.workforce.urls")),
    path("projections/", include("jpo.projections.urls")),
    path("placement/", include("jpo.placement.urls")),
    path("selection/", include("jpo.selection.urls")),
    path("desk/", include("jpo.desk.urls")),
    # The rules pages that need the selection live there but keep the programme's URLs and names.
    path(
        "programme/",
        include((selection_rule_urls.urlpatterns + programme_urls.urlpatterns, programme_urls.app_name)),
    ),
    path("calls/", include("jpo.programme.public_urls")),
    path("", include("jpo.web.urls")),
]

handler403 = "jpo.web.views.handler403"
handler404 = "jpo.web.views.handler404"
handler500 = "jpo.web.views.handler500"
