"""Administration: the agency settings page and the audit-trail pages."""
