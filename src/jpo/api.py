"""The REST API (django-ninja), assembled from each app's `api.py`.

Deny by default: every operation needs a signed-in session (with CSRF) unless it says `auth=None`.
Schema at /api/openapi.json, docs at /api/docs.

Every refused request answers 4xx with `{"detail": "...", "field": ...}`: the handlers below cover what
django-ninja or Django raise before or around an operation, and the schema documents those answers on
every operation (401/403 where a session is needed, 400/404/422 for parameters and bodies, 413 for bodies).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from jpo.applications.api import router as applications_router
from jpo.core.errors import DomainError
from jpo.desk.api import router as desk_router
from jpo.placement.api import router as placement_router
from jpo.projections.api import router as projections_router
from jpo.selection.api import corrections_router as selection_corrections_router
from jpo.selection.api import router as selection_router
from jpo.workforce.api import router as workforce_router

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "field": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
    "required": ["detail"],
}
_REFUSALS = {
    "400": "A value is out of range or the body cannot be read",
    "401": "Not signed in",
    "403": "Signed in without the role this needs",
    "404": "Nothing is found by that name or id",
    "413": "The request is larger than the limit",
    "422": "A parameter or field is missing or malformed",
}


class _API(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The generated schema, with the refusals every operation can answer (see the handlers below)."""
        schema = super().get_openapi_schema(**kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                codes = ["400", "422"] if operation.get("parameters") or operation.get("requestBody") else []
                codes += ["404"] if operation.get("parameters") else []
                codes += ["401", "403"] if operation.get("security") else []
                codes += ["413"] if operation.get("requestBody") else []
                # Declared responses may be keyed by int (django-ninja) or str: one key per code, or the
                # JSON would repeat a key and the docs page refuses the whole schema.
                responses = {str(code): value for code, value in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for code in codes:
                    responses.setdefault(
                        code,
                        {
                            "description": _REFUSALS[code],
                            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
                        },
                    )
        return schema


api = _API(
    title="jpo API",
    version="1",
    description="Japan's JPO programme: eligibility, applications, selection, placement, statistics.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/", applications_router)
api.add_router("/", workforce_router)
api.add_router("/", projections_router)
api.add_router("/", selection_router)
api.add_router("/", desk_router)
api.add_router("/", selection_corrections_router)
api.add_router("/", placement_router)

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _refusal(request: HttpRequest, status: int, detail: str, field: str | None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A parameter or body that does not fit the operation's schema: 422 naming the first field."""
    problems: list[tuple[str, str]] = []
    for error in exc.errors[:10]:
        where = [str(p) for p in error.get("loc", ()) if str(p) not in _LOCATIONS]
        message = "missing" if error.get("type") == "missing" else str(error.get("msg", "invalid"))
        problems.append((".".join(where), message))
    field = problems[0][0] if problems and problems[0][0] else None
    detail = "; ".join(f"{name}: {message}" if name else message for name, message in problems)
    return _refusal(request, 422, detail or "invalid request", field)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A service refused the action: its status, message, field and code, the same for every operation."""
    return api.create_response(request, exc.as_dict(), status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: Any) -> HttpResponse:
    return _refusal(request, 413, "body: larger than the request limit", "body")


@api.exception_handler(RawPostDataException)
def _form_body(request: HttpRequest, exc: Any) -> HttpResponse:
    """A form-encoded body sent to an operation that reads JSON (its stream was read as a form)."""
    return _refusal(request, 400, "body: expected JSON (Content-Type: application/json)", "body")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: Any) -> HttpResponse:
    """Malformed requests Django refuses (too many fields, a bad Host header, ...)."""
    return _refusal(request, 400, "the request was refused as malformed", None)
