"""A pytest plugin loaded first (`-p jpo.testenv` in pyproject.toml): the tests run with JPO_ENV=test.

The settings default to production, so the test environment must be stated before pytest-django reads
the settings; subprocesses started by tests inherit it.
"""

import os

os.environ.setdefault("JPO_ENV", "test")
