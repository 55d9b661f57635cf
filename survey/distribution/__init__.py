"""Distribution and data out: invitations, complaint cases, exports."""
