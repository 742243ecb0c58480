#!/usr/bin/env bash
# Builds pgvector 0.8.0 from Debian's own source tarball (trixie's pgvector_0.8.0.orig.tar.gz; Debian 12 has no
# pgvector package) and installs it into the system's PostgreSQL 15, so that `CREATE EXTENSION vector` works on
# the native servers the PostgreSQL suites start (src/store/postgres/postgres-cluster.fixture.ts).
# The tarball is kept in ~/.cache/alambique/pgvector/0.8.0/ and checked against the sha256 pinned below (from
# trixie's Sources index): a mismatch is refused, never built. Nothing is done when vector.control (0.8.0) and
# vector.so are already installed. Never committed, never shipped: a test and bench dependency only.
#   Usage: .ci/build-pgvector.sh   (root, or a user with sudo for apt-get and `make install`)
set -euo pipefail
VERSION=0.8.0
SHA256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0
URL="http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_${VERSION}.orig.tar.gz"
PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
CONTROL=/usr/share/postgresql/$PG_MAJOR/extension/vector.control
LIBRARY=/usr/lib/postgresql/$PG_MAJOR/lib/vector.so
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ -f "$LIBRARY" ] && grep -q "default_version = '$VERSION'" "$CONTROL" 2>/dev/null; then
  echo "build-pgvector: pgvector $VERSION already installed in PostgreSQL $PG_MAJOR" >&2
  exit 0
fi
START=$(date +%s)
# PGXS (the extension build system) comes with the server's headers; the compiler with build-essential.
NEED=()
# (pg_config alone is no sign of them: postgresql-client-15 ships it too.)
if [ ! -f "/usr/include/postgresql/$PG_MAJOR/server/postgres.h" ] \
  || [ ! -f "/usr/lib/postgresql/$PG_MAJOR/lib/pgxs/src/makefiles/pgxs.mk" ]; then
  NEED+=("postgresql-server-dev-$PG_MAJOR")
fi
if ! command -v gcc >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then NEED+=(build-essential); fi
if [ ${#NEED[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${NEED[@]}" >/dev/null
fi
CACHE_ROOT=${ALAMBIQUE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/alambique}
DIR="$CACHE_ROOT/pgvector/$VERSION"
TARBALL="$DIR/pgvector_${VERSION}.orig.tar.gz"
mkdir -p "$DIR"
if [ ! -f "$TARBALL" ]; then
  curl -fsSL --retry 3 -o "$TARBALL.part" "$URL"
  mv "$TARBALL.part" "$TARBALL"
fi
ACTUAL=$(sha256sum "$TARBALL" | awk '{ print $1 }')
if [ "$ACTUAL" != "$SHA256" ]; then
  # Kept aside for inspection rather than deleted, and never reused: the next run downloads afresh.
  mv "$TARBALL" "$TARBALL.rejected"
  echo "build-pgvector: $TARBALL (from $URL) has sha256 $ACTUAL, expected $SHA256; refusing to build it" >&2
  echo "  (moved to $TARBALL.rejected; check the mirror, or update the pin from Debian's Sources index)" >&2
  exit 1
fi
SRC="$DIR/src"
rm -rf "$SRC"
mkdir -p "$SRC"
tar -xzf "$TARBALL" -C "$SRC" --strip-components=1
# pgvector's default OPTFLAGS is -march=native: right here, because the build runs on the machine that uses it.
make -C "$SRC" -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >&2
$SUDO make -C "$SRC" -s install PG_CONFIG="$PG_CONFIG" >&2
if ! grep -q "default_version = '$VERSION'" "$CONTROL"; then
  echo "build-pgvector: installed, but $CONTROL does not name version $VERSION" >&2
  exit 1
fi
echo "build-pgvector: built and installed pgvector $VERSION in $(( $(date +%s) - START )) s" >&2
