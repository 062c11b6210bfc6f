"""The rule-set document of `jpo rules show` and `jpo rules load`: parsing (with every problem named)
and printing as YAML or JSON. No database access here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from jpo import policy
from jpo.programme.rules.errors import RuleSetError


def parse_rule_set_document(data: Any) -> tuple[int, dict[str, dict[str, Any]]]:
    """(fiscal year, {name: entry}) from a document; RuleSetError naming every problem. `status` is
    ignored; every parameter the policy knows must be given, and no other."""
    if not isinstance(data, Mapping):
        raise RuleSetError("expected a mapping with cycle and parameters", problems={})
    unexpected = sorted(set(map(str, data)) - {"cycle", "status", "parameters"})
    if unexpected:
        raise RuleSetError(f"unexpected keys: {', '.join(unexpected)} (expected cycle, status, parameters)")
    try:
        fiscal_year = policy.parse_cycle(str(data.get("cycle") or ""), known=False)
    except ValueError as error:
        raise RuleSetError(f"cycle: {error}") from None
    parameters = data.get("parameters")
    if not isinstance(parameters, Mapping):
        raise RuleSetError("parameters: expected a mapping of parameter names")
    problems: dict[str, list[str]] = {}
    known = set(policy.parameter_names())
    for name in sorted(set(map(str, parameters)) - known):
        problems[name] = [f"{name}: not a parameter the policy knows"]
    for name in sorted(known - set(map(str, parameters))):
        problems[name] = [f"{name}: missing (every parameter must be given; use value: unknown)"]
    entries: dict[str, dict[str, Any]] = {}
    for name, raw in parameters.items():
        name = str(name)
        if name not in known:
            continue
        if not isinstance(raw, Mapping) or "value" not in raw:
            problems[name] = [f"{name}: expected a mapping with value, source and note"]
            continue
        entry = policy.normalize_entry(raw)
        found = policy.validate_entry(name, entry, fiscal_year=fiscal_year)
        if found:
            problems[name] = found
        entries[name] = entry
    if problems:
        missing = sorted(known - set(map(str, parameters)))
        lines = [p for name, ps in problems.items() if name not in missing for p in ps]
        if missing:
            lines.append(f"missing: {', '.join(missing)} (every parameter must be given; use value: unknown)")
        raise RuleSetError("; ".join(lines), problems=problems)
    return fiscal_year, dict(sorted(entries.items()))


def dump_rule_set_document(document: Mapping[str, Any], fmt: str = "yaml") -> str:
    """The document as YAML (the files' style) or JSON; both load back with `jpo rules load`."""
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False, width=110)
