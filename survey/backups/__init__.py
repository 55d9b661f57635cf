"""Backups of the application database: ``pg_dump -Fc`` / ``pg_restore`` for PostgreSQL, the
sqlite3 online backup API for the embedded SQLite (dumps.py); ``flask backup create|restore``
(cli.py). The procedure is in docs/backup.md."""
