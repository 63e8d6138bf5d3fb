"""Backing up the whole database to one file, and restoring such a file into an empty
database: `flask backup PATH` and `flask restore PATH`."""
