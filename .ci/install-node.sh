#!/usr/bin/env bash
# .ci/install-node.sh VERSION - installs an official Node.js build from the npm registry's
# `node-linux-<arch>` packages (the same binaries as nodejs.org, published as npm packages) into
# ${FLOE_NODE_DIR:-/opt/floe-node}/VERSION and prints the folder holding its `node` binary.
# The npm registry is the one place this CI can download from besides Debian's apt, and Debian
# bookworm ships Node 18; this is how CI tests the Node versions package.json `engines` promises.
set -euo pipefail
version="$1"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-node: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
root="${FLOE_NODE_DIR:-/opt/floe-node}/$version"
if [ ! -x "$root/bin/node" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null)
  mkdir -p "$root"
  tar -xzf "$work"/node-linux-"$arch"-"$version".tgz -C "$root" --strip-components=1 package/bin/node package/LICENSE
fi
actual=$("$root/bin/node" --version)
[ "$actual" = "v$version" ] || { echo "install-node: $root/bin/node is $actual, not v$version" >&2; exit 1; }
echo "$root/bin"
