"""The applicant's own place beyond the application: their progress, their details, withdrawing,
and their information."""
