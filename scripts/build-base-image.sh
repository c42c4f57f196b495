#!/usr/bin/env bash
# Build the engine image's base without any container registry: a Debian root filesystem made
# with mmdebstrap (Python 3.11 with venv, nothing else), loaded into Docker with `docker import`.
#
#   scripts/build-base-image.sh [--tag TAG] [--suite SUITE] [--sources FILE] [--force]
#
# TAG defaults to lean-workbench/python-base:3.11. The Debian packages come from the apt
# sources of this machine (FILE, default /etc/apt/sources.list.d/debian.sources when present),
# so the script uses whatever mirror the host already uses. Without --force an existing image
# with that tag is kept, so calling this twice costs nothing.
set -euo pipefail

tag="lean-workbench/python-base:3.11"
suite="bookworm"
sources=""
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --suite) suite="$2"; shift 2 ;;
    --sources) sources="$2"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$force" = 0 ] && docker image inspect "$tag" > /dev/null 2>&1; then
  echo "base image $tag already present (use --force to rebuild)"
  exit 0
fi
if ! command -v mmdebstrap > /dev/null; then
  echo "mmdebstrap is not installed: apt-get install -y mmdebstrap" >&2
  exit 1
fi
if [ -z "$sources" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
  sources=/etc/apt/sources.list.d/debian.sources
fi

mirrors=()
if [ -n "$sources" ]; then
  mirrors=("$sources")
fi

started=$(date +%s)
# python3-venv brings ensurepip, so the engine image can make its own virtual environment; libstdc++6
# is what the manylinux wheels of numpy and pandas expect from the system.
# Documentation, man pages and locales are left out: the image only runs the engine.
mmdebstrap --variant=essential --mode=auto --quiet \
  --include=python3,python3-venv,libstdc++6 \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  "$suite" - "${mirrors[@]}" \
  | docker import \
      --change 'ENV LANG=C.UTF-8' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'LABEL org.lean-workbench.base="mmdebstrap" python_version="3.11"' \
      --change 'CMD ["python3"]' \
      --message "mmdebstrap $suite with python3 and python3-venv" \
      - "$tag" > /dev/null
echo "built base image $tag in $(( $(date +%s) - started )) s"
