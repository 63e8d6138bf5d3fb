"""Performance benchmark for the staff pages: ``python -m bench`` (or ``make bench``).

Seeds a throwaway database (SQLite in a temporary directory, or PostgreSQL with
``--database-url``) with a large synthetic agency, then times the pipeline board, case pages,
my work and the enquiries inbox through the Flask test client, counting SQL per request.
"""
