from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jpo.accounts.access import public
from jpo.web.selectors import home_summary


@public
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any database failure means unhealthy
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": database}, status=status)


@public
def home(request: HttpRequest) -> HttpResponse:
    context = home_summary(user=request.user) if request.user.is_authenticated else {}
    return render(request, "web/home.html", context)


@public
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html")
