#!/usr/bin/env bash
# Back up the database DATABASE_URL names — pg_dump -Fc for PostgreSQL, SQLite's online backup
# for the embedded database — into BACKUP_DIR (default: instance/backups), keeping the newest
# BACKUP_KEEP (default: 14). Run it from cron or a systemd timer with the app's environment
# (DATABASE_URL, XINSHENG_ENV, SECRET_KEY); see docs/backup.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
exec "${FLASK:-$root/.venv/bin/flask}" --app run backup create \
  --dir "${BACKUP_DIR:-$root/instance/backups}" --keep "${BACKUP_KEEP:-14}"
