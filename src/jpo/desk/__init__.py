"""The officer's desk: reads across the domains about applications and the people behind them.

- `selectors.applications_list`: every application, filtered, searched and sorted (the list page, its
  exports and the API share it).
- `selectors.applicant_whole`: one person across cycles, from the profile to the dispatch.
- `dossier.application_dossier_pdf`: the PDF dossier of one application (cover sheet, eligibility,
  scores, then the uploaded documents themselves).

Nothing here writes, except the record of who read personal data
(`jpo.applications.services.personal_data_read`).
"""
