"""The REST API (django-ninja), assembled from each app's `api.py`.

Deny by default: every operation needs a signed-in session (with CSRF) unless it says `auth=None`.
Schema at /api/openapi.json, docs at /api/docs.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

from jpo.applications.api import router as applications_router
from jpo.workforce.api import router as workforce_router

api = NinjaAPI(
    title="jpo API",
    version="1",
    description="Japan's JPO programme: eligibility, applications, selection, placement, statistics.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/", applications_router)
api.add_router("/", workforce_router)
