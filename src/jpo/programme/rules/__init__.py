"""Rule sets per cycle: the officer's rules of a year, stored in the database and handed to `jpo.policy`
as data (an `Overlay`). The policy YAML files stay the cited history of past years; a published rule
set is what governs its cycle.

Models (`jpo.programme.models`)
    RuleSet(cycle, status draft|published|superseded, based_on, created_at/by, published_at/by,
            unknown_confirmed: [parameter names the officer confirmed go to review])
        at most one draft and one published per cycle; publishing supersedes the published one (kept).
        Status changes go through `RULE_SET_TRANSITIONS` only. History: django-simple-history + audit.
    RuleSetParameter(rule_set, name, value JSON in the YAML files' format, exceptions, candidates,
            uncertain, source_label, source_url, note); one row per parameter the policy knows.

Entries: one parameter as a mapping in the YAML files' format, as `jpo.policy.Overlay` takes it:
    {"value": ..., "source": {"label": ..., "url": ...}, "note": ..., "exceptions": {ORG: date},
     "candidates": [date, ...], "uncertain": true}   (empty parts omitted; see `jpo.policy.overlay`)

Services (`jpo.programme.rules.services`; keyword arguments; atomic; audited; raise RuleSetError)
    rule_set_create_for_cycle(*, cycle, actor) -> RuleSet (draft)
        starts from this cycle's published rule set, else the YAML history if the policy knows the
        cycle, else the newest published rule set of an earlier cycle, else the YAML history carried
        forward. RuleSetError if the cycle already has a draft.
    rule_set_update_parameter(*, rule_set, name, value, source_label="", source_url="", note="",
            actor, reason=None, exceptions=None, candidates=None, uncertain=None) -> RuleSetParameter
        drafts only; validated with `jpo.policy.validate_entry` (RuleSetError.problems names it);
        `exceptions`/`candidates`/`uncertain` None keeps the current ones (candidates are dropped when
        the value becomes known); once the cycle's application window has opened a reason is required.
    rule_set_publish(*, rule_set, actor, confirm_unknown=False) -> RuleSet
        refuses an invalid rule set, and one that leaves a criterion's parameter unknown unless
        confirm_unknown (RuleSetError.unknown lists them); supersedes the published one.
    rule_set_load(*, data, actor) -> RuleSet (draft)
        data: {"cycle": "FY2027", "parameters": {name: entry}} (the `jpo rules show` format; "status"
        ignored); creates the Cycle if it does not exist; creates or replaces the cycle's draft.
        Every parameter must be given; nothing is written when anything is wrong.
    RuleSetError(message, problems={name: [message]}, unknown=[name])

Selectors (`jpo.programme.rules.selectors`)
    effective_rules(cycle) -> Overlay | None
        cycle: a Cycle, "FY2027" or 2027. The published rule set as an overlay (with the Cycle's
        application window, JST dates), or None: then `evaluate` uses the YAML history, and raises
        UnknownCycleError for a cycle the YAML does not know. Every evaluation (screening, the
        portal's self-check and submission, the API, the CLI) passes it: evaluate(p, code, rules=...).
    published_rule_set(cycle), draft_rule_set(cycle) -> RuleSet | None (parameters prefetched)
    rule_set_entries(rule_set) -> {name: entry}
    rule_set_document(cycle, *, draft=None) -> {"cycle", "status": draft|published|history,
        "parameters": {name: entry}}; the newest (draft, else published, else the YAML history);
        RuleSetError when there is none.
    rule_set_diff(rule_set) -> [ParameterDiff(name, entry, previous, changed)] against the previous
        fiscal year's rules (its published rule set, else its YAML history); `previous_label` says which.
    previous_year_rules(fiscal_year) -> (label, {name: entry})

Documents (`jpo.programme.rules.documents`): parse_rule_set_document(data) -> (fiscal_year, entries),
dump_rule_set_document(document, fmt="yaml"|"json") -> str. CLI: `jpo rules show|load|publish`.
"""
