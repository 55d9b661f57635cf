"""File jobs: exports and report PDFs made by the job worker, their pages and downloads."""
