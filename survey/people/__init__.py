"""People: one customer reference across questionnaires — see it, export it, erase it (admins)."""
