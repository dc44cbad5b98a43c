#!/usr/bin/env bash
# Writes this machine's secrets for local runs (`make run`) once: var/secrets.env, mode 0600,
# git-ignored, never overwritten (delete it to get new ones). SAKOT_SECRETS_FILE moves it.
# Sakot's and the exchange's settings read it like a .env file (servicekit/secret_policy.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECRETS_FILE="${SAKOT_SECRETS_FILE-$ROOT/var/secrets.env}"
[ -n "$SECRETS_FILE" ] || exit 0          # an empty SAKOT_SECRETS_FILE turns the file off
[ -e "$SECRETS_FILE" ] && exit 0          # created before: kept as it is

token() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }  # 32 random bytes

printf '\n== Generating this machine'"'"'s secrets (%s, mode 0600)\n' "$SECRETS_FILE"
mkdir -p "$(dirname "$SECRETS_FILE")"
tmp="$(mktemp "$SECRETS_FILE.XXXXXX")"   # created with mode 0600
trap 'rm -f "$tmp"' EXIT
{
  echo "# Generated once by scripts/local_secrets.sh for local runs on this machine."
  echo "# Never commit it or copy it to a server: a deployment sets SAKOT_ENV=production and"
  echo "# its own secrets. Delete this file and rerun scripts/setup.sh to get new ones."
  echo "SAKOT_ENV=development"
  echo "SAKOT_SECRET_KEY=$(token)"
  echo "SAKOT_EXCHANGE_CALLBACK_SECRET=$(token)"
  echo "SAKOT_EXCHANGE_MASTER_SECRET=$(token)"
  echo "SAKOT_SIDECAR_TOKEN=$(token)"
  echo "# SAKOT_EXCHANGE_API_SECRET keeps its development default: the local exchange seeds"
  echo "# Sakot's key with it (exchange/seed.py, development only)."
} > "$tmp"
chmod 600 "$tmp"
# A hard link never replaces an existing file: if another setup won the race, keep its file.
ln "$tmp" "$SECRETS_FILE" 2>/dev/null || true
