"""Selection pages, by role: officer (MOFA), reviewer / interviewer, organization focal point, applicant."""
