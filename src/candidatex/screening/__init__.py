"""Screening interviews in the hiring pipeline: sent by a job's recruiter, taken by the candidate after an
AI notice and consent, reviewed and decided by a person, audited by job and date range."""
