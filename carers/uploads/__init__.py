"""Documents the team asks a household for (identity, proof of address and the rest), and
the files the household's applicants upload in answer: checked by their content, stored
outside the web root under random names, and served only through access-checked routes.
(Not to be confused with carers.documents, which renders the service's own PDFs.)"""
