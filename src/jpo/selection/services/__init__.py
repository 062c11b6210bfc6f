"""Writes of the selection process, one module per stage. Every status change goes through
`decisions.application_decide` (which calls `jpo.applications.services.application_transition`)."""
