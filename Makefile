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
KEYRING_DEBS := dbus gnome-keyring libsecret-tools oathtool
# System sign-in against the real polkit (the root-only test starts polkitd and pkttyagent).
POLKIT_DEBS := polkitd
# Sync is tested through two real Syncthing instances on 127.0.0.1.
SYNC_DEBS := syncthing
# The end-to-end tests: a virtual display, the WebKit WebDriver, the X clipboard, an image viewer,
# gdbus (the tray menu is driven over D-Bus as a tray host drives it).
E2E_DEBS := xvfb xauth webkit2gtk-driver xclip imagemagick x11-utils xdotool libglib2.0-bin python3-dbusmock \
  openssl firefox-esr at-spi2-core python3-pyatspi
# Debian packages the QR bench needs to render its corpus.
BENCH_DEBS := chromium fonts-dejavu-core fonts-noto-cjk
TAURI_DRIVER_VERSION := 2.1.0
# The Tauri bundler (.deb and .rpm): npm's @tauri-apps/cli, which ships it prebuilt, pinned
# here and installed into target/tools (make tauri-cli). Not in ui/package.json: its lock file
# would have to list the prebuilt packages of every platform, and a registry that serves only
# this platform's (as this project's build machines have) makes `npm ci` refuse such a lock.
TAURI_CLI_VERSION := 2.12.4
TAURI := $(CURDIR)/target/tools/node_modules/.bin/tauri
# Everything the package test, the cross checks and the bench smoke need besides the app's own
# packages, so that `make test` installs all of them in one apt transaction.
CROSS_DEBS := gcc-mingw-w64-x86-64 clang wine wine64
TEST_DEBS := $(APP_DEBS) $(KEYRING_DEBS) $(POLKIT_DEBS) $(SYNC_DEBS) $(E2E_DEBS) $(BENCH_DEBS) $(CROSS_DEBS) \
  appstream python3-venv

# One cargo selection for everything `make test` builds in the debug profile: the whole workspace
# with the UI embedded as it ships (tauri/custom-protocol, what `tauri build` enables). Every
# step passes the same selection, so cargo resolves the same features each time and nothing
# compiles twice: the test binaries, the app and the CLI the end-to-end tests and the package
# test use, and the QR bench smoke's example all come from `make build`.
WS := --workspace --features tauri/custom-protocol
# Tests that need root (the full-disk test mounts a tmpfs; the polkit test adds a user and
# starts polkitd) run when make runs as root.
ROOT := $(shell [ "$$(id -u)" = 0 ] && echo 1)
NEXTEST_IGNORED := $(if $(ROOT),--run-ignored all)

.PHONY: run test check setup nextest debs test-debs ui-deps ui-build venv app build release lint \
  test-rust test-ui e2e-tools extension extension-deps \
  test-e2e flaky test-bench-smoke tauri-cli package package-debug test-package test-cross bench-app \
  bench bench-vault bench-qr corpus clean-corpus fuzz

setup:
	scripts/ensure-rust.sh
	scripts/ensure-node.sh

# cargo-nextest runs the Rust tests: one build of the whole workspace, filtered at run time, so
# the end-to-end crate's dependencies do not change the features the other tests are built with.
nextest: setup
	command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked

# Every Debian package any test needs, in one transaction (make test's first stage).
test-debs:
	scripts/ensure-debs.sh $(TEST_DEBS)

debs:
	scripts/ensure-debs.sh $(APP_DEBS) $(KEYRING_DEBS) $(SYNC_DEBS)

ui-deps: setup
	cd ui && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund; fi

# The UI is built again only when one of its sources changed: a new ui/dist (even an identical
# one) makes cargo rebuild the app, which embeds it. The generated files (icon index, TypeScript
# bindings: types only, nothing of them reaches the built page) are not sources here.
UI_SOURCES := $(shell find ui/src ui/scripts ui/index.html ui/package.json ui/package-lock.json \
  ui/svelte.config.js ui/tsconfig.json ui/vite.config.ts -type f \
  -not -path 'ui/src/lib/generated/*' -not -path 'ui/src/lib/bindings/*' 2>/dev/null)
ui/dist/index.html: $(UI_SOURCES) | ui-deps
	cd ui && npm run build

ui-build: ui-deps ui/dist/index.html

venv:
	scripts/ensure-venv.sh

app: debs ui-build
	cargo build -p ninsho -p ninsho-cli

# The debug build make test uses for everything: test binaries, the app, the CLI, the examples.
build: debs ui-build
	cargo build $(WS) --lib --bins --tests --examples

run: app
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display: Ninsho is a desktop app. Run 'make run' from a desktop session."; exit 1; fi
	./target/debug/ninsho

# The .deb and .rpm, release profile, with /usr/bin/ninsho and /usr/bin/ninsho-cli, written to
# target/release/bundle/{deb,rpm}/. One cargo invocation builds the app, the CLI and the empty
# window `make bench-app` compares against, with the flags `tauri build` uses
# (tauri/custom-protocol embeds the built UI), so the package and `make bench-app` share one
# build; the Tauri bundler then packs it (`tauri bundle`, npm's prebuilt @tauri-apps/cli).
RELEASE_PKGS := -p ninsho -p ninsho-cli -p ninsho-empty-window --features tauri/custom-protocol
tauri-cli: setup
	$(TAURI) --version 2>/dev/null | grep -qx 'tauri-cli $(TAURI_CLI_VERSION)' || \
	  npm install --no-save --no-package-lock --no-audit --no-fund --prefix target/tools \
	    '@tauri-apps/cli@$(TAURI_CLI_VERSION)'

release: debs ui-build
	cargo build --release $(RELEASE_PKGS)

package: release tauri-cli extension
	cd src-tauri && $(TAURI) bundle --bundles deb,rpm
	@ls -l target/release/ninsho target/release/ninsho-cli target/release/bundle/deb/*.deb \
	  target/release/bundle/rpm/*.rpm

# The same package from make test's debug build (`make build`), written to
# target/debug/bundle/: what make test installs and removes. The files, dependencies, desktop
# entry, icons and metadata are the release package's; only the binaries are the debug ones.
package-debug: build tauri-cli extension
	cd src-tauri && $(TAURI) bundle --debug --bundles deb,rpm --config ../packaging/tauri.debug.conf.json
	@ls -l target/debug/bundle/deb/*.deb target/debug/bundle/rpm/*.rpm

# Idle CPU and memory of the release build, window visible and in the tray, against an empty
# Tauri window built the same way (bench/empty-window), in one run: scripts/measure-idle.py.
# The release build is make package's (make release).
bench-app: release
	scripts/ensure-debs.sh xvfb xauth xdotool python3-dbus python3-gi
	env -u DISPLAY dbus-run-session -- scripts/with-keyring.sh \
	  xvfb-run -a -s "-screen 0 1280x800x24" python3 scripts/measure-idle.py

# Installs the .deb of make test's build on this machine, starts it under Xvfb, removes it. It
# installs a package, so it needs root; otherwise it says it did not run. PACKAGE=release tests
# the release package (make package) instead.
PACKAGE ?= debug
test-package:
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "NOT RUN: test-package installs the .deb; run make test as root to include it"; \
	else \
	  $(MAKE) $(if $(filter release,$(PACKAGE)),package,package-debug) && \
	  scripts/ensure-debs.sh $(E2E_DEBS) appstream && \
	  scripts/test-package.sh target/$(PACKAGE)/bundle/deb; \
	fi

# Windows and macOS from this machine: the workspace type-checks for both, and ninsho-cli.exe
# (mingw-w64) runs under wine with the Linux results (scripts/test-cross.sh).
test-cross: setup build
	scripts/ensure-debs.sh $(CROSS_DEBS)
	scripts/test-cross.sh

# Every test, stage by stage, each timed; the table of stage times closes the output, also when
# a stage fails (scripts/test-stages.sh).
test:
	scripts/test-stages.sh

# The quick loop while working: formatting, lints of the crates that need no system package,
# and core's tests. Installs nothing.
check:
	cargo fmt --all --check
	cargo clippy -p ninsho-core -p ninsho-cli --all-targets --quiet -- -D warnings
	cargo test -p ninsho-core

# Formatting, lints, the UI's type check, and TypeScript bindings that match the Rust types.
# Clippy gets make build's selection: after make build it reuses the build scripts and proc
# macros that build compiled. The desktop shell's modules must not import each other in a circle
# (scripts/import-graph.py prints the graph).
lint: debs ui-build
	cargo fmt --all --check
	cargo clippy $(WS) --all-targets --quiet -- -D warnings
	cd ui && npm run check
	python3 scripts/import-graph.py src-tauri/src --check
	git diff --exit-code --stat -- ui/src/lib/bindings || \
	  (echo "ui/src/lib/bindings is out of date: run 'cargo test -p ninsho' and commit the result"; exit 1)

# Every Rust test but the end-to-end ones, from make build's binaries. Tests marked ignored need
# root (the full-disk test mounts a tmpfs); as root they run too.
# The interop tests check exports with independent Python implementations (NINSHO_PYTHON).
test-rust: build nextest
	scripts/ensure-venv.sh
	NINSHO_PYTHON=$(abspath $(PY)) cargo nextest run $(WS) -E 'not package(ninsho-e2e)' \
	  $(NEXTEST_IGNORED) --no-fail-fast
	cargo test $(WS) --doc
	@[ -n "$(ROOT)" ] || echo "NOT RUN: tests that need root (full disk on a tmpfs, system sign-in with polkit); run make test as root to include them"
	git diff --exit-code --stat -- ui/src/lib/bindings || \
	  (echo "ui/src/lib/bindings changed: the Rust IPC types changed; commit the regenerated bindings"; exit 1)

test-ui: ui-deps extension-deps
	cd ui && npm test
	cd extension && npm run check && npm test

# The browser extension (extension/): its own npm packages, and the build for Chromium-family
# browsers and Firefox (dist/chromium, dist/firefox, and the .zip/.xpi for the stores).
extension-deps: setup
	cd extension && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund; fi

extension: extension-deps
	cd extension && npm run build

# The built app (make build's target/debug/ninsho) in a real WebKitGTK window under Xvfb, with a
# real Secret Service, one test at a time. E2E=NAME runs the tests whose names contain NAME.
# WebKitWebDriver's screenshot never returns while WebKit draws on the CPU (Ninsho's default,
# src-tauri/src/main.rs), so these run composited; test-package and bench-app run the default.
E2E_FILTER = -E 'package(ninsho-e2e)$(if $(E2E), and test(/$(E2E)/))'
E2E_ENV = env -u DISPLAY WEBKIT_DISABLE_COMPOSITING_MODE=0 dbus-run-session -- scripts/with-keyring.sh \
  xvfb-run -a -s "-screen 0 1280x800x24"
e2e-tools: nextest
	scripts/ensure-debs.sh $(E2E_DEBS)
	command -v tauri-driver >/dev/null || cargo install tauri-driver --version '=$(TAURI_DRIVER_VERSION)' --locked

test-e2e: build e2e-tools extension
	$(E2E_ENV) cargo nextest run $(WS) $(E2E_FILTER) --test-threads 1 --no-fail-fast
	tests/atspi/run.sh

# Repeats end-to-end tests to find flaky ones: N runs (default 5) of the tests whose names
# contain E2E (default: all), each run reported; fails if any run failed.
N ?= 5
flaky: build e2e-tools extension
	@failed=0; for i in $$(seq 1 $(N)); do \
	  if $(E2E_ENV) cargo nextest run $(WS) $(E2E_FILTER) --test-threads 1 --no-fail-fast \
	      --hide-progress-bar --final-status-level fail > target/flaky-$$i.log 2>&1; \
	  then echo "run $$i: passed ($$(grep -o '[0-9]* tests run: [0-9]* passed' target/flaky-$$i.log))"; \
	  else failed=1; echo "run $$i: FAILED (target/flaky-$$i.log)"; grep -E '^\s+(FAIL|SIGSEGV|SIGABRT|TIMEOUT)' target/flaky-$$i.log || true; fi; \
	done; exit $$failed

# The QR bench scripts themselves, on a small corpus: they must run, and Ninsho must report no
# false positive and no wrong payload on it.
# It uses make build's qr_corpus example (the bench itself builds a release one).
test-bench-smoke: build
	scripts/ensure-debs.sh $(BENCH_DEBS)
	scripts/ensure-venv.sh
	rm -rf target/qr-smoke
	$(PY) bench/qr/generate.py --out target/qr-smoke --scale 0.06 --seed 7
	$(PY) bench/qr/run.py --corpus target/qr-smoke --repeats 1 --decoders ninsho,zxing-cpp --check \
	  --exe target/debug/examples/qr_corpus

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
  import_javaser import_sqlite import_zip sync_files
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
