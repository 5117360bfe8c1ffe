# Ninsho — the two commands that matter on a fresh Debian/Ubuntu machine:
#   make run    set up what is missing, build, and start the app
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
# Building the app: WebKitGTK and friends for Tauri, PipeWire/clang/GBM for screen capture.
APP_DEBS := build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev libayatana-appindicator3-dev \
  librsvg2-dev libxdo-dev libpipewire-0.3-dev libclang-dev clang libxcb1-dev libxcb-randr0-dev \
  libdbus-1-dev libegl-dev libgbm-dev libwayland-dev
# A real Secret Service for the keychain tests (each test starts its own private session).
KEYRING_DEBS := dbus gnome-keyring libsecret-tools
# Sync is tested through two real Syncthing instances on 127.0.0.1.
SYNC_DEBS := syncthing
# The end-to-end tests: a virtual display, the WebKit WebDriver, the X clipboard, an image viewer,
# gdbus (the tray menu is driven over D-Bus as a tray host drives it).
E2E_DEBS := xvfb xauth webkit2gtk-driver xclip imagemagick x11-utils xdotool libglib2.0-bin
# Debian packages the QR bench needs to render its corpus.
BENCH_DEBS := chromium fonts-dejavu-core fonts-noto-cjk
TAURI_DRIVER_VERSION := 2.1.0
# The Tauri bundler (.deb and .rpm), pinned.
TAURI_CLI_VERSION := 2.12.4

.PHONY: run test check setup debs ui-deps ui-build app lint test-rust test-ui test-e2e test-bench-smoke \
  package test-package test-cross bench-app \
  bench bench-vault bench-qr corpus clean-corpus fuzz

setup:
	scripts/ensure-rust.sh
	scripts/ensure-node.sh

debs:
	scripts/ensure-debs.sh $(APP_DEBS) $(KEYRING_DEBS) $(SYNC_DEBS)

ui-deps: setup
	cd ui && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund; fi

ui-build: ui-deps
	cd ui && npm run build

app: debs ui-build
	cargo build -p ninsho -p ninsho-cli

run: app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display: Ninsho is a desktop app. Run 'make run' from a desktop session."; exit 1; fi
	./target/debug/ninsho

# The .deb and .rpm, release profile, with /usr/bin/ninsho and /usr/bin/ninsho-cli, written to
# target/release/bundle/{deb,rpm}/.
# tauri-cli is a build tool that packs files: built at opt-level 1 it installs in less time and
# bundles as fast (the compression it calls is in C).
# QUICK=1 (what make test uses) builds the same release without whole-program LTO and with 16
# codegen units: the package's files, dependencies and entries are the same, the binaries a
# little larger, and a clean build takes minutes less on 2 cores.
QUICK_RELEASE := $(if $(QUICK),CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16)
package: debs ui-build
	cargo tauri --version 2>/dev/null | grep -qx 'tauri-cli $(TAURI_CLI_VERSION)' || \
	  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install tauri-cli --version '=$(TAURI_CLI_VERSION)' --locked
	$(QUICK_RELEASE) cargo build --release -p ninsho-cli
	cd src-tauri && $(QUICK_RELEASE) cargo tauri build --bundles deb,rpm
	@ls -l target/release/ninsho target/release/ninsho-cli target/release/bundle/deb/*.deb \
	  target/release/bundle/rpm/*.rpm

# Idle CPU and memory of the release build, window visible and in the tray, against an empty
# Tauri window built the same way (bench/empty-window), in one run: scripts/measure-idle.py.
# `tauri/custom-protocol` embeds the built UI, as `cargo tauri build` does: the same flags make
# the same binary, so make package and make bench-app share one build.
RELEASE_FEATURES := tauri/custom-protocol
bench-app: debs ui-build
	scripts/ensure-debs.sh xvfb xauth xdotool python3-dbus python3-gi
	cargo build --release -p ninsho -p ninsho-empty-window --features $(RELEASE_FEATURES)
	cargo build --release -p ninsho-cli
	env -u DISPLAY dbus-run-session -- scripts/with-keyring.sh \
	  xvfb-run -a -s "-screen 0 1280x800x24" python3 scripts/measure-idle.py

# Installs the .deb on this machine, starts it under Xvfb, removes it. It installs a package,
# so it needs root; otherwise it says it did not run.
test-package:
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "NOT RUN: test-package installs the .deb; run make test as root to include it"; \
	else \
	  $(MAKE) package QUICK=$(QUICK) && scripts/ensure-debs.sh $(E2E_DEBS) appstream && \
	  scripts/test-package.sh; \
	fi

# Windows and macOS from this machine: the workspace type-checks for both, and ninsho-cli.exe
# (mingw-w64) runs under wine with the Linux results (scripts/test-cross.sh).
CROSS_DEBS := gcc-mingw-w64-x86-64 clang wine wine64
test-cross: setup ui-build
	scripts/ensure-debs.sh $(CROSS_DEBS)
	scripts/test-cross.sh

test: setup debs ui-build lint test-rust test-ui test-e2e test-bench-smoke test-cross
	$(MAKE) test-package QUICK=1
	@echo "make test: all passed"

# The quick loop while working: formatting, lints of the crates that need no system package,
# and core's tests. Installs nothing.
check:
	cargo fmt --all --check
	cargo clippy -p ninsho-core -p ninsho-cli --all-targets --quiet -- -D warnings
	cargo test -p ninsho-core

# Formatting, lints, the UI's type check, and TypeScript bindings that match the Rust types.
lint: debs ui-build
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cd ui && npm run check
	git diff --exit-code --stat -- ui/src/lib/bindings || \
	  (echo "ui/src/lib/bindings is out of date: run 'cargo test -p ninsho' and commit the result"; exit 1)

# Tests marked ignored need root (the full-disk test mounts a tmpfs); as root they run too.
# The end-to-end crate runs in its own environment (test-e2e).
# The interop tests check exports with independent Python implementations (NINSHO_PYTHON).
test-rust: debs ui-build
	scripts/ensure-venv.sh
	if [ "$$(id -u)" = 0 ]; then \
	  NINSHO_PYTHON=$(abspath $(PY)) cargo test --workspace --exclude ninsho-e2e -- --include-ignored; \
	else \
	  NINSHO_PYTHON=$(abspath $(PY)) cargo test --workspace --exclude ninsho-e2e; \
	  echo "NOT RUN: tests that need root (full disk on a tmpfs); run make test as root to include them"; \
	fi
	git diff --exit-code --stat -- ui/src/lib/bindings || \
	  (echo "ui/src/lib/bindings changed: the Rust IPC types changed; commit the regenerated bindings"; exit 1)

test-ui: ui-deps
	cd ui && npm test

# The built app in a real WebKitGTK window under Xvfb, with a real Secret Service.
# WebKitWebDriver's screenshot never returns while WebKit draws on the CPU (Ninsho's default,
# src-tauri/src/main.rs), so these run composited; test-package and bench-app run the default.
test-e2e: app
	scripts/ensure-debs.sh $(E2E_DEBS)
	command -v tauri-driver >/dev/null || cargo install tauri-driver --version '=$(TAURI_DRIVER_VERSION)' --locked
	cargo build --tests -p ninsho-e2e
	env -u DISPLAY WEBKIT_DISABLE_COMPOSITING_MODE=0 dbus-run-session -- scripts/with-keyring.sh \
	  xvfb-run -a -s "-screen 0 1280x800x24" \
	  cargo test -p ninsho-e2e -- --test-threads=1

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
	cargo bench -p ninsho-core --bench codes --bench scan

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

# Fuzzing with libFuzzer (cargo-fuzz), FUZZ_SECONDS per target. The QR locator: any grey image,
# and images built of finder patterns, alignment-like squares, stripes and module noise. The
# parsers of what strangers send: otpauth URIs, Google's migration exports, and each importer
# family (JSON, XML preferences, Java serialization, SQLite, ZIP), seeded with the shared
# importer vectors when they are there. The stable toolchain builds the instrumented targets
# with RUSTC_BOOTSTRAP=1. Crashes are saved in core/fuzz/artifacts.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= locate_shapes locate_pixels otpauth_uri migration import_json import_xml \
  import_javaser import_sqlite import_zip
# The shared vectors, where the tests look for them (NINSHO_VECTORS, or shared/ beside the repo).
FUZZ_VECTORS := $(wildcard $(or $(NINSHO_VECTORS),$(CURDIR)/../shared/vectors)/aegis-importers)
fuzz: setup
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd core && for target in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$target fuzz/seeds/$$target; \
	  case $$target in import_*) seeds="$(firstword $(FUZZ_VECTORS))";; *) seeds="";; esac; \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run -O $$target fuzz/corpus/$$target fuzz/seeds/$$target $$seeds -- \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=200000 -print_final_stats=1 || exit 1; \
	done
