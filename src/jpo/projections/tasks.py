"""No background tasks: a projection of 10,000 paths takes well under a second (see bench/projection.py)."""
