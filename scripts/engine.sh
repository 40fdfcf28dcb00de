#!/usr/bin/env bash
# Gives the engine tests a real Pulumi CLI and a Node.js language host.
#
#   bash scripts/engine.sh            # find or build; prints the bin folder last
#   bash scripts/engine.sh --rebuild  # build again even if the cache has it
#
# Order: a `pulumi` on PATH at least as new as the pinned version with its
# pulumi-language-nodejs beside it (what users have), then the cache, then a
# build with `go build` from the Go module proxy. The cache lives outside the
# work tree, keyed by version, so a machine builds once:
#   ${ADO_ENGINE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/ado-integrations/engine}
#
# The bin folder holds pulumi, pulumi-language-nodejs and the dynamic-provider
# host script that @pulumi/pulumi ships, so the CLI finds its plugins next to
# itself. Progress goes to stderr; stdout's only line is the bin folder.
#
# The language host: Pulumi's own (module
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is refused
# by the Go module proxy for every version (403), so the one built here is the
# project's, scripts/engine/nodejs-host (see its header for what it covers).
set -euo pipefail

# The CLI matches the project's @pulumi/pulumi (package.json: ~3.248.0).
PULUMI_VERSION=3.248.0

root=$(cd "$(dirname "$0")/.." && pwd)
cache_root=${ADO_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ado-integrations/engine}
key="pulumi-v${PULUMI_VERSION}-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"
bin="$cache_root/$key/bin"
rebuild=false
[ "${1:-}" = "--rebuild" ] && rebuild=true

say() { echo "engine: $*" >&2; }
fail() {
  say "FAILED: $*"
  exit 1
}
started=$SECONDS

# True when version $1 >= $2 (dotted numbers).
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

provider_host="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$provider_host" ] || fail "$provider_host not found: run npm ci first"

# 1. A CLI the user installed.
if ! $rebuild && [ -z "${ADO_ENGINE_IGNORE_PATH:-}" ] && command -v pulumi >/dev/null 2>&1; then
  found=$(command -v pulumi)
  have=$(pulumi version 2>/dev/null | sed 's/^v//' || true)
  if [ -n "$have" ] && version_at_least "$have" "$PULUMI_VERSION" && [ -x "$(dirname "$found")/pulumi-language-nodejs" ]; then
    say "using pulumi $have from PATH ($found)"
    dirname "$found"
    exit 0
  fi
  say "pulumi on PATH is ${have:-of unknown version}; need >= $PULUMI_VERSION with pulumi-language-nodejs beside it: not used"
fi

command -v go >/dev/null 2>&1 || fail "go is not installed: the engine is built with go build from the Go module proxy"
export GOTOOLCHAIN=local CGO_ENABLED=0
mkdir -p "$bin"
flags=(-trimpath -tags osusergo,grpcnotrace)

# 2. The CLI, from the cache or built. pkg/v3 replaces the clipboard module,
# so `go install pkg@version` refuses it; a wrapper module outside the work
# tree carries that replace and pins pkg and sdk to one version.
if ! $rebuild && [ -x "$bin/pulumi" ]; then
  say "using cached pulumi v$PULUMI_VERSION ($bin)"
else
  work="$cache_root/$key/cli-module"
  rm -rf "$work" "$bin/pulumi"
  mkdir -p "$work"
  cat >"$work/go.mod" <<EOF
module ado-integrations/engine/cli

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_VERSION
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
  cat >"$work/tools.go" <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
  say "building pulumi v$PULUMI_VERSION from the Go module proxy (the first build takes minutes)"
  step=$SECONDS
  (cd "$work" && GOFLAGS=-mod=mod go mod tidy >"$work/resolve.log" 2>&1) \
    || fail "resolving github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION from the Go module proxy: $(grep -m1 -E 'error|refused|403|404|not available' "$work/resolve.log" || tail -n1 "$work/resolve.log") (log: $work/resolve.log)"
  say "resolved the CLI's modules in $((SECONDS - step)) s"
  step=$SECONDS
  (cd "$work" && GOFLAGS=-mod=mod go build "${flags[@]}" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$bin/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >"$work/build.log" 2>&1) \
    || fail "go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi: $(tail -n1 "$work/build.log") (log: $work/build.log)"
  mv "$bin/pulumi.partial" "$bin/pulumi"
  say "built pulumi in $((SECONDS - step)) s"
fi

# 3. The language host, rebuilt whenever its source changes (seconds once the
# CLI's modules are cached).
host_src="$root/scripts/engine/nodejs-host"
host_sum=$(cat "$host_src/main.go" "$host_src/go.mod" "$host_src/go.sum" | sha256sum | cut -c1-16)
if ! $rebuild && [ -x "$bin/pulumi-language-nodejs" ] && [ "$(cat "$bin/pulumi-language-nodejs.source" 2>/dev/null)" = "$host_sum" ]; then
  say "using cached pulumi-language-nodejs ($host_sum)"
else
  step=$SECONDS
  (cd "$host_src" && GOFLAGS=-mod=readonly go build "${flags[@]}" -ldflags "-s -w -X main.version=$PULUMI_VERSION" \
    -o "$bin/pulumi-language-nodejs.partial" . >"$cache_root/$key/host-build.log" 2>&1) \
    || fail "go build scripts/engine/nodejs-host: $(tail -n1 "$cache_root/$key/host-build.log") (log: $cache_root/$key/host-build.log)"
  mv "$bin/pulumi-language-nodejs.partial" "$bin/pulumi-language-nodejs"
  echo "$host_sum" >"$bin/pulumi-language-nodejs.source"
  say "built pulumi-language-nodejs in $((SECONDS - step)) s"
fi

# 4. The dynamic-provider host, from this checkout's @pulumi/pulumi.
ln -sfn "$provider_host" "$bin/pulumi-resource-pulumi-nodejs"
say "ready in $((SECONDS - started)) s: $("$bin/pulumi" version)"
echo "$bin"
