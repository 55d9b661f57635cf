"""The response inbox (designers and analysts): browse, read, flag and delete responses."""
