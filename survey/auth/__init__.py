"""Accounts: login/logout, role checks, the ``flask users`` commands."""
