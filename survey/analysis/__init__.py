"""Analysis runs: commands and pages."""
