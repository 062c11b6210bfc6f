"""Building blocks every app may use that belong to no domain (bulk SQL, list pages, PDF fonts).

Below every domain app: imports nothing of jpo but `policy` and `safety` (see ARCHITECTURE.md)."""
