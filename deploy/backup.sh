#!/bin/sh
# A daily backup of the district's database (docs/district.md, "Backups"): pg_dump's custom
# format (-Fc, compressed, restored with pg_restore), written beside the older ones, and the ones
# older than KEEP_DAYS deleted. From cron on the host, in the checkout, for example:
#   15 2 * * *  cd /srv/schoolbot && deploy/backup.sh >> deploy/backups/backup.log 2>&1
# Environment: BACKUP_DIR (deploy/backups), KEEP_DAYS (14), ENV_FILE (deploy/district.env);
# PG_DUMP replaces the dump command (default: pg_dump inside the compose's postgres service).
set -eu
cd "$(dirname "$0")/.."

BACKUP_DIR=${BACKUP_DIR:-deploy/backups}
KEEP_DAYS=${KEEP_DAYS:-14}
ENV_FILE=${ENV_FILE:-deploy/district.env}
PG_DUMP=${PG_DUMP:-docker compose --env-file $ENV_FILE exec -T postgres pg_dump -U schoolbot -d schoolbot}

umask 077  # pupils' personal data: readable by this user only
mkdir -p "$BACKUP_DIR"
file="$BACKUP_DIR/schoolbot-$(date +%Y-%m-%d-%H%M%S).dump"
# Written under a temporary name first, so that a failed dump never looks like a backup.
$PG_DUMP -Fc > "$file.partial"
mv "$file.partial" "$file"
find "$BACKUP_DIR" -name 'schoolbot-*.dump' -type f -mtime +"$KEEP_DAYS" -exec rm -f {} +
echo "backup: $file ($(wc -c < "$file") bytes)"
