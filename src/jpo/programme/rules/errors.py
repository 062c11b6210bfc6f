"""The one error of rule-set services, selectors and documents."""

from __future__ import annotations

from collections.abc import Mapping

from jpo.core.errors import DomainError


class RuleSetError(DomainError, ValueError):
    """A rule-set operation refused; the message is one line naming what is wrong.

    `problems`: {parameter name: [message]} for invalid values; `unknown`: criterion parameters left
    unknown (publishing needs confirm_unknown).
    """

    code = "rule_set.invalid"

    def __init__(
        self,
        message: str,
        *,
        problems: Mapping[str, list[str]] | None = None,
        unknown: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.problems = {k: list(v) for k, v in (problems or {}).items()}
        self.unknown = list(unknown or [])
