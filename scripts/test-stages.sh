#!/usr/bin/env bash
# `make test`: every stage in order, each one a make target, each one timed. The table of wall
# times closes the output (and target/test-stages.tsv keeps it), also when a stage fails, so a
# stage that grows is seen in every CI log.
#
# The order is the cheapest one, not the order of importance: one debug build (make build) comes
# first and every later stage reuses it, clippy included (it then reuses the build scripts and
# proc macros the build compiled).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
table=target/test-stages.tsv
: > "$table"
started=$(date +%s)
passed=0
failed=0

fmt() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

report() {
  local total=$(( $(date +%s) - started ))
  echo
  echo "== make test: stage times (wall clock)"
  printf '%-14s %8s  %s\n' stage "m:ss" result
  while IFS=$'\t' read -r name seconds result; do
    printf '%-14s %8s  %s\n' "$name" "$(fmt "$seconds")" "$result"
  done < "$table"
  printf '%-14s %8s\n' total "$(fmt "$total")"
  echo "stages: $passed passed, $failed failed"
}
trap report EXIT

stage() {
  local name=$1
  shift
  echo
  echo "=== stage $name: $*"
  local begun=$(date +%s) result=passed
  "$@" || result=FAILED
  printf '%s\t%d\t%s\n' "$name" $(( $(date +%s) - begun )) "$result" >> "$table"
  if [ "$result" = passed ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    exit 1
  fi
}

# What a bare machine lacks: Debian packages (one apt transaction), Rust components, Node and
# the UI's packages, the UI, the Python venv, cargo-nextest, tauri-driver, the Tauri bundler.
stage setup make --no-print-directory setup test-debs ui-build nextest e2e-tools venv tauri-cli
stage build make --no-print-directory build
stage lint make --no-print-directory lint
stage rust-tests make --no-print-directory test-rust
stage ui-tests make --no-print-directory test-ui
stage e2e make --no-print-directory test-e2e
stage bench-smoke make --no-print-directory test-bench-smoke
stage cross make --no-print-directory test-cross
stage package make --no-print-directory test-package
echo
echo "make test: all passed"
