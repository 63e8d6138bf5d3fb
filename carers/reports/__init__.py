"""The assessment report: Form F (mainstream) or Form C (kinship), written in the app."""
