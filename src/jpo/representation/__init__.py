"""UN Secretariat representation: the system of desirable ranges and each Member State's status.

The design (DESIGN.md §3) places desirable ranges in the workforce domain; they live in this app of their
own because the census was being built in `jpo.workforce` at the same time. Moving them there later is a
matter of moving modules: the calculator (`calculator.py`) is pure Python and the models stand alone.

Modules: `calculator` (the formula and its dated parameters, `parameters.yaml`; no Django import),
`models` (Member States, scales of assessments, populations, staff counts, published status counts),
`validation` (CSV reading shared by imports and the `jpo ranges` command), `services` (imports, and
`representation_load_reference_data` for the demo loader), `selectors` (the status table), `charts`,
`forms`, `views`, `exports`.
"""
