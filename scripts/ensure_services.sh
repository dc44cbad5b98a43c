#!/usr/bin/env bash
# Starts PostgreSQL and Redis when they do not answer (they normally run already on these
# machines; a stopped one is started with the same command the machine uses).
set -uo pipefail
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! answers 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "== Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! answers 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "== Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
exit 0
