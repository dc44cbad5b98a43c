#!/usr/bin/env bash
# Sets up everything Sakot needs on a fresh machine; idempotent (a second run takes seconds).
#   system packages -> main venv (.venv, Python 3.11+) -> Rasa venv (.venv-rasa, Python 3.10)
#   -> database schema -> base encoder -> classifier -> Rasa dialogue model
# Each step is skipped when a stamp says its inputs have not changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STAMPS="$ROOT/.stamps"
mkdir -p "$STAMPS" var models
export RASA_TELEMETRY_ENABLED=false
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The CPU build of torch lies on these machines' disk; never let pip reach for a CUDA build.
if [ -d /opt/wheels ]; then export PIP_FIND_LINKS="/opt/wheels ${PIP_FIND_LINKS:-}"; fi

step() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
fresh() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp() { echo "$2" > "$STAMPS/$1"; }
# pip prints a warning for every package missing from the machine's local file indexes; hide
# that noise, keep everything else, and keep pip's exit status (pipefail).
pip_q() { "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; }

# --- this machine's secrets (once; never overwritten) ----------------------------------
# Without configuration Sakot runs as production and refuses placeholder secrets, so local
# runs get strong random ones in the git-ignored var/secrets.env.
scripts/local_secrets.sh

# --- system packages -------------------------------------------------------------------
APT_PACKAGES=(chromium chromium-driver fonts-thai-tlwg)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "Installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- interpreters ----------------------------------------------------------------------
find_python() {  # find_python 3.11 -> path of an interpreter of that minor version
  local want="$1" cand root
  for cand in "python$want" python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" 2>/dev/null; then
      command -v "$cand"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
    for cand in $(ls -d "$root"/versions/"$want".* 2>/dev/null | sort -V -r); do
      [ -x "$cand/bin/python$want" ] && { echo "$cand/bin/python$want"; return 0; }
    done
  fi
  return 1
}

# --- main environment ------------------------------------------------------------------
MAIN_KEY="$(hash_of requirements/main.lock pyproject.toml)"
if ! fresh main-venv "$MAIN_KEY" || [ ! -x .venv/bin/python ]; then
  step "Main environment (.venv)"
  if [ ! -x .venv/bin/python ]; then
    PY311="$(find_python 3.11 || find_python 3.12 || true)"
    [ -n "$PY311" ] || { echo "Python 3.11+ not found: install python3.11 (apt or pyenv)"; exit 1; }
    note "creating with $PY311"
    "$PY311" -m venv .venv
  fi
  note "installing pinned packages (first time: a few minutes; torch is the local CPU wheel)"
  pip_q .venv/bin/pip install -q torch==2.13.0
  pip_q .venv/bin/pip install -q -r requirements/main.lock
  pip_q .venv/bin/pip install -q --no-deps -e .
  stamp main-venv "$MAIN_KEY"
fi

# --- Rasa environment ------------------------------------------------------------------
RASA_KEY="$(hash_of requirements/rasa.lock)"
if ! fresh rasa-venv "$RASA_KEY" || [ ! -x .venv-rasa/bin/rasa ]; then
  step "Rasa environment (.venv-rasa, rasa 3.6.21 on Python 3.10)"
  if [ ! -x .venv-rasa/bin/python ]; then
    PY310="$(find_python 3.10 || true)"
    if [ -z "$PY310" ]; then
      echo "Python 3.10 not found (Rasa 3.6 supports 3.8-3.10)."
      echo "Install it, e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10-venv', then rerun."
      exit 1
    fi
    note "creating with $PY310"
    "$PY310" -m venv .venv-rasa
  fi
  note "installing pinned Rasa packages (first time: a few minutes)"
  pip_q .venv-rasa/bin/pip install -q -r requirements/rasa.lock
  stamp rasa-venv "$RASA_KEY"
fi

# --- database --------------------------------------------------------------------------
step "Database schema"
.venv/bin/sakot migrate

# --- models ----------------------------------------------------------------------------
if .venv/bin/sakot models --help >/dev/null 2>&1; then
  step "Models: base encoder, classifier, n-gram scam-type model (cached by input hash; first time up to ~15 min)"
  .venv/bin/sakot models build
fi
if [ -f dialogue/domain.yml ]; then
  step "Dialogue model (Rasa; retrained only when dialogue/ changes)"
  .venv/bin/python -m tooling.dialogue_model
fi

step "Setup complete"
