"""`jpo demo`: real reference data, one login per role, and a clearly SYNTHETIC data set of people.

- `plan.build_plan(seed=..., scale=...)`: the synthetic data as pure, deterministic Python objects.
- `load.demo_load(...)`: writes reference data, logins and the plan to the database, idempotently.
- `logins.DEMO_LOGINS` / `logins.DEMO_PASSWORD`: the demo accounts printed by `jpo demo_logins`.
"""
