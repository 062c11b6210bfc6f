"""Shared guards for what comes in and what goes out, used by every app instead of per-site fixes.

- `numbers`: finite numbers in range, database ids from forms and query strings.
- `jsonio`: JSON with size, depth and number limits (the API and the CLI).
- `text`: NUL characters refused in text.
- `urls`: links others click are `https:` only.
- `cells`: spreadsheet cells that never become formulas (every CSV and XLSX export).
- `downloads`: download names chosen by the system, with safe headers.
- `mail`: officer-editable templates compiled in a sandbox.
"""
