"""Applicants' accounts: the people a household invites to apply (joint applicants and the
other adults who live there), their sign-in by emailed one-time code and their sessions.
Separate from staff accounts: an applicant is never ``current_user``."""
