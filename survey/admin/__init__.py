"""User administration in the web (admins)."""
