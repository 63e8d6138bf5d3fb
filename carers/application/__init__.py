"""The application to foster (or the kinship carer assessment) as the household fills it in:
a GOV.UK task list of short question pages, saved as they go, declared and submitted; the
submission feeds the case, the checks ledger, the referees and the report."""
