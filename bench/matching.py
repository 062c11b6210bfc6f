"""Benchmark: the placement matching solver on 5,000 candidates by 1,000 posts (target: under 5 s).

Synthetic instance (no real people): 1,000 posts spread over 60 organizations; each candidate names 3
organizations in order (the FY2025 maximum, jpo.policy `max_organizations`) and each named organization
rates the candidate 1-5. Fit = 0.5 x preference score + 0.5 x rating score, exactly as in the app
(jpo.placement.solver). A pair is allowed only where the candidate named the post's organization.

Figures printed:
  build        building the fit matrix with numpy
  solve        `solver.solve` without a budget: scipy linear_sum_assignment, exact (the target figure)
  greedy       the naive baseline measured in the same run (best pair first); ratio solve/greedy, and
               the total fit of each (greedy's is never higher)
  budgeted     `solver.solve` with a binding budget (80% of the posts' total cost): above 50,000 allowed
               pairs this is the Lagrangian relaxation; its duality gap bounds the distance to the optimum

  .venv/bin/python bench/matching.py            # 5,000 x 1,000
  .venv/bin/python bench/matching.py --smoke    # 300 x 60, a few seconds, asserts the invariants
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from jpo.placement import solver  # noqa: E402

TARGET_S = 5.0


def instance(candidates: int, posts: int, organizations: int, seed: int = 2025):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    post_org = rng.integers(0, organizations, size=posts)
    named = np.stack([rng.choice(organizations, 3, replace=False) for _ in range(candidates)])
    ratings = rng.integers(1, 6, size=(candidates, organizations))
    cost = rng.integers(12_000_000, 20_000_000, size=posts).astype(float)  # synthetic, illustrative only
    return post_org, named, ratings, cost


def build(post_org, named, ratings):  # type: ignore[no-untyped-def]
    n, m = named.shape[0], post_org.shape[0]
    preference = np.zeros((n, m))
    for rank in range(3):
        preference[named[:, rank][:, None] == post_org[None, :]] = solver.preference_score(rank + 1, 3)
    allowed = preference > 0
    fit = np.where(allowed, 0.5 * preference + 0.5 * ratings[:, post_org] / 5, 0.0)
    return fit, allowed


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="small instance, quick")
    parser.add_argument("--candidates", type=int, default=5000)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--no-budget", action="store_true", help="skip the budgeted run")
    args = parser.parse_args()
    n, m = (300, 60) if args.smoke else (args.candidates, args.posts)
    organizations = 10 if args.smoke else 60
    post_org, named, ratings, cost = instance(n, m, organizations)
    (fit, allowed), build_s = timed(build, post_org, named, ratings)
    exact, solve_s = timed(solver.solve, fit, allowed)
    naive, greedy_s = timed(solver.greedy, fit, allowed)
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(f"instance: {n} candidates x {m} posts, {int(allowed.sum())} allowed pairs")
    print(f"build     {build_s:8.3f} s")
    print(
        f"solve     {solve_s:8.3f} s  ({exact.solver}, {len(exact.pairs)} pairs, total fit {exact.objective:.3f})"
        f"  target < {TARGET_S:.0f} s: {'met' if solve_s < TARGET_S else 'MISSED'}"
    )
    print(f"greedy    {greedy_s:8.3f} s  ({len(naive.pairs)} pairs, total fit {naive.objective:.3f})")
    print(
        f"ratio     solve/greedy time {solve_s / greedy_s:.2f}x; greedy reaches {naive.objective / exact.objective:.4%} of the optimum"
    )
    assert naive.objective <= exact.objective + 1e-6
    if not args.no_budget:
        budget = float(cost[allowed.any(axis=0)].sum()) * 0.8
        budgeted, budget_s = timed(
            solver.solve, fit, allowed, cost=cost, budget=budget, time_limit=2.0 if args.smoke else 10.0
        )
        spent = sum(cost[j] for _, j in budgeted.pairs)
        print(
            f"budgeted  {budget_s:8.3f} s  ({budgeted.solver}, {len(budgeted.pairs)} pairs, total fit "
            f"{budgeted.objective:.3f}, {'; '.join(budgeted.messages)}, within budget: {spent <= budget})"
        )
        assert spent <= budget + 1e-6
    return 0 if (args.smoke or solve_s < TARGET_S) else 1


if __name__ == "__main__":
    raise SystemExit(main())
