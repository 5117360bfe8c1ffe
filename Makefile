# Ninsho — the two commands that matter on a fresh Debian/Ubuntu machine:
#   make run    set up what is missing, then run Ninsho
#   make test   set up what is missing, then run every test
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

# The shared conformance vectors live next to the checkout (../shared/vectors). A clone made
# elsewhere finds them next to the repository it was cloned from.
NINSHO_VECTORS ?= $(firstword $(wildcard $(CURDIR)/../shared/vectors) \
  $(wildcard $(shell git config --get remote.origin.url 2>/dev/null)/../shared/vectors))
ifneq ($(NINSHO_VECTORS),)
export NINSHO_VECTORS
endif

VENV := .venv
PY := $(VENV)/bin/python
# Debian packages the QR bench needs to render its corpus.
BENCH_DEBS := chromium fonts-dejavu-core fonts-noto-cjk
# A real Secret Service for the keychain tests (each test starts its own private session).
KEYRING_DEBS := dbus gnome-keyring libsecret-tools

.PHONY: run test setup lint test-rust test-bench-smoke bench bench-vault bench-qr corpus clean-corpus

setup:
	scripts/ensure-rust.sh

run: setup
	cargo build --quiet -p ninsho-cli
	@echo "== ninsho-cli scan docs/sample-setup-page.png"
	./target/debug/ninsho-cli scan docs/sample-setup-page.png
	@echo "== ninsho-cli code (current code of the sample's account)"
	./target/debug/ninsho-cli scan --raw docs/sample-setup-page.png | head -n1 | ./target/debug/ninsho-cli code -

test: setup lint test-rust test-bench-smoke
	@echo "make test: all passed"

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings

# Tests marked ignored need root (the full-disk test mounts a tmpfs); as root they run too.
test-rust:
	scripts/ensure-debs.sh $(KEYRING_DEBS)
	if [ "$$(id -u)" = 0 ]; then \
	  cargo test --workspace -- --include-ignored; \
	else \
	  cargo test --workspace; \
	  echo "NOT RUN: tests that need root (full disk on a tmpfs); run make test as root to include them"; \
	fi

# The QR bench scripts themselves, on a small corpus: they must run, and Ninsho must report no
# false positive and no wrong payload on it.
test-bench-smoke:
	scripts/ensure-debs.sh $(BENCH_DEBS)
	scripts/ensure-venv.sh
	rm -rf target/qr-smoke
	$(PY) bench/qr/generate.py --out target/qr-smoke --scale 0.06 --seed 7
	$(PY) bench/qr/run.py --corpus target/qr-smoke --repeats 1 --decoders ninsho,zxing-cpp --check

# Measurements, not tests.
bench: setup
	cargo bench -p ninsho-core --bench codes

# Opening a 1,000-account vault on a real (throwaway) Secret Service.
bench-vault: setup
	scripts/ensure-debs.sh $(KEYRING_DEBS)
	env -u DISPLAY dbus-run-session -- scripts/with-keyring.sh cargo bench -p ninsho-core --bench vault

corpus:
	scripts/ensure-debs.sh $(BENCH_DEBS)
	scripts/ensure-venv.sh
	test -f bench/qr/corpus/manifest.json || $(PY) bench/qr/generate.py --out bench/qr/corpus

bench-qr: corpus
	$(PY) bench/qr/run.py --corpus bench/qr/corpus --failures

clean-corpus:
	rm -rf bench/qr/corpus
