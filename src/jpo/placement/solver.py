"""The matching solver: pure numpy/scipy, no Django, so the benchmark and the tests use it directly.

Maximise the total fit of candidate–post pairs such that each candidate gets at most one post, each
post at most one candidate, only allowed pairs are used and (optionally) the posts filled cost no
more than the budget.

- Without a binding budget this is the rectangular assignment problem, solved exactly by
  `scipy.optimize.linear_sum_assignment` (fits are non-negative, so an optimal full assignment with the
  disallowed pairs weighted 0 and then dropped is an optimal partial matching).
- With a binding budget it is a 0-1 integer programme, solved by `scipy.optimize.milp` (HiGHS
  branch and bound) over the allowed pairs only; `optimal` says whether HiGHS proved optimality
  within the time limit. Above `MILP_MAX_PAIRS` allowed pairs (far beyond one cycle's size) HiGHS
  is too slow, and a Lagrangian relaxation is used instead: the budget is priced into the fits
  (fit − λ·cost), each price solved exactly with `linear_sum_assignment`, λ found by bisection, the
  cheapest feasible solution then topped up greedily. It reports the duality gap (an upper bound on
  how far from optimal it may be) in `messages` and `optimal` only when the gap is zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

MILP_MAX_PAIRS = 50_000


@dataclass(frozen=True)
class Solution:
    pairs: list[tuple[int, int]]
    objective: float
    solver: str
    optimal: bool
    messages: list[str] = field(default_factory=list)


def preference_score(rank: int | None, max_rank: int) -> float:
    """1 for the first choice down to 1/max_rank for the last counted choice; 0 if not preferred."""
    if rank is None or rank < 1 or rank > max_rank:
        return 0.0
    return (max_rank - rank + 1) / max_rank


def rating_score(rating: int | None) -> float:
    """An organization's rating 1–5 as 0.2–1.0; no rating counts 0 (no evidence of interest)."""
    return 0.0 if rating is None else rating / 5


def fit_value(*, preference: float, rating: float, preference_weight: float) -> float:
    return preference_weight * preference + (1 - preference_weight) * rating


def solve(
    fit: np.ndarray,
    allowed: np.ndarray,
    *,
    cost: Sequence[float] | np.ndarray | None = None,
    budget: float | None = None,
    time_limit: float = 10.0,
) -> Solution:
    """Best matching for a (candidates × posts) fit matrix and a boolean mask of allowed pairs."""
    fit = np.asarray(fit, dtype=float)
    allowed = np.asarray(allowed, dtype=bool)
    if fit.shape != allowed.shape or fit.ndim != 2:
        raise ValueError("fit and allowed must be matrices of the same shape")
    if (fit[allowed] < 0).any():
        raise ValueError("fits must be non-negative")
    n, m = fit.shape
    if n == 0 or m == 0 or not allowed.any():
        return Solution([], 0.0, "none", True)
    costs = None if cost is None else np.asarray(cost, dtype=float)
    binding = False
    if budget is not None and costs is not None:
        usable_posts = allowed.any(axis=0)
        binding = float(costs[usable_posts].sum()) > budget
    if not binding:
        return _solve_assignment(fit, allowed)
    assert costs is not None and budget is not None
    if int(allowed.sum()) > MILP_MAX_PAIRS:
        return _solve_lagrangian(fit, allowed, costs, budget)
    return _solve_milp(fit, allowed, costs, budget, time_limit)


def _solve_assignment(fit: np.ndarray, allowed: np.ndarray) -> Solution:
    weights = np.where(allowed, fit, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    keep = allowed[rows, cols] & (weights[rows, cols] > 0)
    pairs = [(int(r), int(c)) for r, c in zip(rows[keep], cols[keep], strict=True)]
    objective = float(weights[rows[keep], cols[keep]].sum())
    return Solution(pairs, objective, "linear_sum_assignment", True)


def _solve_milp(
    fit: np.ndarray, allowed: np.ndarray, costs: np.ndarray, budget: float, time_limit: float
) -> Solution:
    n, m = fit.shape
    rows, cols = np.nonzero(allowed)
    k = len(rows)
    values = fit[rows, cols]
    index = np.arange(k)
    one_post = sparse.csr_matrix((np.ones(k), (rows, index)), shape=(n, k))
    one_candidate = sparse.csr_matrix((np.ones(k), (cols, index)), shape=(m, k))
    spend = sparse.csr_matrix(costs[cols].reshape(1, k))
    matrix = sparse.vstack([one_post, one_candidate, spend], format="csr")
    upper = np.concatenate([np.ones(n), np.ones(m), [budget]])
    result = milp(
        c=-values,
        constraints=LinearConstraint(matrix, -np.inf, upper),
        integrality=np.ones(k),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "mip_rel_gap": 0},
    )
    if result.status == 0 and result.x is not None:
        chosen = result.x > 0.5
        pairs = [(int(r), int(c)) for r, c in zip(rows[chosen], cols[chosen], strict=True)]
        return Solution(pairs, float(values[chosen].sum()), "milp", True, [str(result.message)])
    # Time limit (ties make optimality slow to prove): keep the better of HiGHS's incumbent and the
    # Lagrangian solution, and say that optimality was not proven.
    fallback = _solve_lagrangian(fit, allowed, costs, budget)
    messages = [str(result.message), *fallback.messages]
    if result.x is not None:
        chosen = result.x > 0.5
        objective = float(values[chosen].sum())
        if objective >= fallback.objective:
            pairs = [(int(r), int(c)) for r, c in zip(rows[chosen], cols[chosen], strict=True)]
            return Solution(pairs, objective, "milp", False, messages)
    return Solution(fallback.pairs, fallback.objective, fallback.solver, fallback.optimal, messages)


def _priced(
    fit: np.ndarray, allowed: np.ndarray, costs: np.ndarray, price: float
) -> tuple[list[tuple[int, int]], float]:
    weights = np.where(allowed, fit - price * costs[None, :], 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    keep = allowed[rows, cols] & (weights[rows, cols] > 0)
    pairs = [(int(r), int(c)) for r, c in zip(rows[keep], cols[keep], strict=True)]
    return pairs, float(weights[rows[keep], cols[keep]].sum())


def _solve_lagrangian(
    fit: np.ndarray, allowed: np.ndarray, costs: np.ndarray, budget: float, iterations: int = 14
) -> Solution:
    def spend(pairs: list[tuple[int, int]]) -> float:
        return float(sum(costs[c] for _, c in pairs))

    low, high = 0.0, float(fit[allowed].max() / max(costs[costs > 0].min(), 1e-12))
    best_pairs, best_value = _priced(fit, allowed, costs, high)[0], 0.0
    upper = np.inf
    for _ in range(iterations):
        price = (low + high) / 2
        pairs, priced_value = _priced(fit, allowed, costs, price)
        upper = min(upper, priced_value + price * budget)  # weak duality: an upper bound for any price >= 0
        if spend(pairs) <= budget:
            high = price
            best_pairs = pairs
        else:
            low = price
    # Top up the feasible solution with the best remaining pairs that still fit the budget.
    used_rows = {r for r, _ in best_pairs}
    used_cols = {c for _, c in best_pairs}
    left = budget - spend(best_pairs)
    rows, cols = np.nonzero(allowed)
    order = np.argsort(-fit[rows, cols], kind="stable")
    pairs = list(best_pairs)
    for i in order:
        r, c = int(rows[i]), int(cols[i])
        if r in used_rows or c in used_cols or costs[c] > left:
            continue
        pairs.append((r, c))
        used_rows.add(r)
        used_cols.add(c)
        left -= float(costs[c])
    best_value = float(sum(fit[r, c] for r, c in pairs))
    gap = max(0.0, float(upper) - best_value)
    return Solution(
        pairs, best_value, "lagrangian+linear_sum_assignment", gap <= 1e-9, [f"duality gap <= {gap:.4f}"]
    )


def greedy(fit: np.ndarray, allowed: np.ndarray) -> Solution:
    """The naive baseline: take allowed pairs from the best fit down while both sides are free."""
    rows, cols = np.nonzero(allowed)
    values = fit[rows, cols]
    order = np.argsort(-values, kind="stable")
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs = []
    total = 0.0
    for i in order:
        r, c = int(rows[i]), int(cols[i])
        if r in used_rows or c in used_cols:
            continue
        used_rows.add(r)
        used_cols.add(c)
        pairs.append((r, c))
        total += float(values[i])
    return Solution(pairs, total, "greedy", False)


def brute_force(
    fit: np.ndarray,
    allowed: np.ndarray,
    *,
    cost: Sequence[float] | None = None,
    budget: float | None = None,
) -> float:
    """The best total fit by trying every matching (small instances only; used by the tests)."""
    n, m = fit.shape
    best = 0.0

    def walk(i: int, used: frozenset[int], total: float, spent: float) -> None:
        nonlocal best
        if i == n:
            best = max(best, total)
            return
        walk(i + 1, used, total, spent)  # candidate i unmatched
        for j in range(m):
            if j in used or not allowed[i, j]:
                continue
            extra = 0.0 if cost is None else float(cost[j])
            if budget is not None and spent + extra > budget + 1e-9:
                continue
            walk(i + 1, used | {j}, total + float(fit[i, j]), spent + extra)

    walk(0, frozenset(), 0.0, 0.0)
    return best
