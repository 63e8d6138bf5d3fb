"""Corrections to a person's details, kept with their history, and notes that a person
disputes a record (UK GDPR articles 16 and 21)."""
