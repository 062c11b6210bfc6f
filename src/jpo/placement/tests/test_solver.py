"""The solver against brute force on small random instances, with and without a binding budget."""

from __future__ import annotations

import numpy as np
import pytest

from jpo.placement import solver


def _instance(seed: int, n: int, m: int):
    rng = np.random.default_rng(seed)
    allowed = rng.random((n, m)) < 0.6
    fit = np.where(allowed, rng.random((n, m)), 0.0)
    cost = rng.integers(5, 15, size=m).astype(float)
    return fit, allowed, cost


@pytest.mark.parametrize("seed", range(25))
def test_assignment_is_optimal_against_brute_force(seed: int) -> None:
    fit, allowed, _cost = _instance(seed, n=5, m=4)
    result = solver.solve(fit, allowed)
    assert result.solver in ("linear_sum_assignment", "none")
    assert result.optimal
    assert result.objective == pytest.approx(solver.brute_force(fit, allowed))
    assert len({i for i, _ in result.pairs}) == len(result.pairs)
    assert len({j for _, j in result.pairs}) == len(result.pairs)
    assert all(allowed[i, j] for i, j in result.pairs)


@pytest.mark.parametrize("seed", range(25))
def test_budgeted_milp_is_optimal_against_brute_force(seed: int) -> None:
    fit, allowed, cost = _instance(seed, n=5, m=5)
    budget = float(cost.sum()) * 0.5
    result = solver.solve(fit, allowed, cost=cost, budget=budget)
    assert result.solver == "milp"
    assert result.optimal
    assert sum(cost[j] for _, j in result.pairs) <= budget + 1e-9
    assert result.objective == pytest.approx(solver.brute_force(fit, allowed, cost=cost, budget=budget))


def test_budget_that_does_not_bind_uses_the_assignment_solver() -> None:
    fit, allowed, cost = _instance(3, n=4, m=3)
    result = solver.solve(fit, allowed, cost=cost, budget=float(cost.sum()))
    assert result.solver == "linear_sum_assignment"


def test_lagrangian_stays_within_budget_and_reports_its_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solver, "MILP_MAX_PAIRS", 0)
    fit, allowed, cost = _instance(7, n=6, m=5)
    budget = float(cost.sum()) * 0.5
    result = solver.solve(fit, allowed, cost=cost, budget=budget)
    assert result.solver.startswith("lagrangian")
    assert sum(cost[j] for _, j in result.pairs) <= budget
    best = solver.brute_force(fit, allowed, cost=cost, budget=budget)
    gap = float(result.messages[0].split("<=")[1])
    assert result.objective <= best + 1e-9
    assert best - result.objective <= gap + 1e-9


def test_greedy_can_be_worse_than_the_optimum() -> None:
    fit = np.array([[1.0, 0.9], [0.8, 0.0]])
    allowed = fit > 0
    assert solver.greedy(fit, allowed).objective == pytest.approx(1.0)
    assert solver.solve(fit, allowed).objective == pytest.approx(1.7)


def test_disallowed_pairs_are_never_used_and_shapes_are_checked() -> None:
    fit = np.array([[0.5, 0.9]])
    allowed = np.array([[True, False]])
    assert solver.solve(fit, allowed).pairs == [(0, 0)]
    with pytest.raises(ValueError):
        solver.solve(fit, np.array([[True]]))


def test_scores() -> None:
    assert solver.preference_score(1, 3) == 1
    assert solver.preference_score(3, 3) == pytest.approx(1 / 3)
    assert solver.preference_score(None, 3) == 0
    assert solver.preference_score(4, 3) == 0
    assert solver.rating_score(5) == 1 and solver.rating_score(None) == 0
