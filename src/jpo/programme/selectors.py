"""Reads of the programme app for its pages: cycles with their tracks, loaded in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from jpo.programme.models import Cycle, Organization, Track


def cycles_for_officer() -> QuerySet[Cycle]:
    """Every cycle, newest first, with its tracks, their organizations and its number of applications."""
    return (
        Cycle.objects.annotate(application_count=Count("applications", distinct=True))
        .prefetch_related(
            Prefetch(
                "tracks",
                queryset=Track.objects.order_by("kind").prefetch_related(
                    Prefetch("organizations", queryset=Organization.objects.order_by("code"))
                ),
            )
        )
        .order_by("-fiscal_year")
    )


def cycle_get(fiscal_year: int) -> Cycle:
    """One cycle with its tracks and their organizations (404 if there is none)."""
    cycle = cycles_for_officer().filter(fiscal_year=fiscal_year).first()
    if cycle is None:
        raise Http404
    return cycle


def organizations_with_agreements() -> QuerySet[Organization]:
    return Organization.objects.prefetch_related("agreements").order_by("code")
