#!/usr/bin/env bash
# System parts the runner tests need, installed and started idempotently (fast when already there):
# Docker Engine (docker.io) with dockerd running, mmdebstrap and the local engine base image,
# PostgreSQL with the test role and database, Chromium for the dashboard's browser tests. Run as root before `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[install-system] $*"; }

missing=()
command -v dockerd > /dev/null || missing+=(docker.io)
command -v mmdebstrap > /dev/null || missing+=(mmdebstrap)
ls /usr/lib/postgresql/*/bin/postgres > /dev/null 2>&1 || missing+=(postgresql)
command -v chromium > /dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi

# Docker daemon
if ! docker info > /dev/null 2>&1; then
  log "starting dockerd"
  nohup dockerd > /var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info > /dev/null 2>&1 && break
    sleep 0.5
  done
  docker info > /dev/null 2>&1 || { tail -20 /var/log/dockerd.log >&2; echo "dockerd did not start" >&2; exit 1; }
fi

# PostgreSQL: the newest installed major version's cluster, started, with the test role and database.
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  pg_createcluster "$version" main > /dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting PostgreSQL $version"
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" > /dev/null 2>&1 && break
  sleep 0.5
done
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
if [ "$(psql_admin "select 1 from pg_roles where rolname='workbench'")" != "1" ]; then
  psql_admin "create role workbench login password 'workbench'"
fi
if [ "$(psql_admin "select 1 from pg_database where datname='workbench_test'")" != "1" ]; then
  psql_admin "create database workbench_test owner workbench"
fi

# The engine image's base (no registry here): built once, reused by tag. The engine image itself is
# built from the current sources by the test session (layer-cached).
bash scripts/build-base-image.sh

log "ready: docker $(docker version --format '{{.Server.Version}}'), PostgreSQL $version, $(chromium --version), base image present"
