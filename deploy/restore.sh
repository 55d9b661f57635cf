#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database DATABASE_URL names, replacing
# what it holds. Stop the web server and the job worker first; for PostgreSQL the database must
# exist (createdb). Asks before replacing anything unless --yes follows the file; see
# docs/backup.md.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 BACKUP_FILE [--yes]" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
backup="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
cd "$root"
exec "${FLASK:-$root/.venv/bin/flask}" --app run backup restore "$backup" "$@"
