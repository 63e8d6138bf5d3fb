"""Documents the team asks a household for, and the files applicants upload."""
