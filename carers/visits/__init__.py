"""Visits: home visits and assessment sessions, their invitations, reminders and diary."""
