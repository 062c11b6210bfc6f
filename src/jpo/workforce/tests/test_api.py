from __future__ import annotations

from typing import Any

import pytest

from jpo.workforce.services import workforce_load_reference_data


@pytest.mark.django_db
def test_series_and_targets_for_analysts(client: Any, analyst: Any) -> None:
    workforce_load_reference_data()
    client.force_login(analyst)
    series = client.get("/api/workforce/series").json()
    mofa = next(s for s in series if s["source"] == "mofa" and s["category"] == "professional_higher")
    assert mofa["total"][-1]["headcount"] == 979
    assert mofa["total"][-1]["reference_label"] == "end 2024"
    assert "nippon.com" in mofa["total"][-1]["citation"]
    assert 2023 in mofa["missing_years"]
    assert {s["source"] for s in series} >= {"mofa", "un_secretariat", "press", "ceb"}

    targets = client.get("/api/workforce/targets").json()
    main = next(t for t in targets if t["slug"] == "1000-by-2025")
    assert main["gap"] == 21 and main["latest"]["headcount"] == 979


@pytest.mark.django_db
def test_api_denies_others(client: Any, applicant: Any) -> None:
    assert client.get("/api/workforce/series").status_code == 401
    client.force_login(applicant)
    assert client.get("/api/workforce/series").status_code == 403
    assert client.get("/api/workforce/targets").status_code == 403
