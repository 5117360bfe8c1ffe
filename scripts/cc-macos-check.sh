#!/bin/sh
# The C compiler for `cargo check --target x86_64-apple-darwin` on Linux, where there is no
# macOS SDK: dependencies' build scripts compile C (SQLite, Objective-C helpers) that needs
# Apple's headers. A check only type-checks Rust and links nothing, so each C source is compiled
# as an empty Mach-O object; every other call goes to clang as it is. This checks Ninsho's Rust
# for macOS; it does not check or build any C for it.
out=""; compile=0; prev=""
for a in "$@"; do
  [ "$prev" = "-o" ] && out=$a
  [ "$a" = "-c" ] && compile=1
  prev=$a
done
if [ "$compile" = 1 ] && [ -n "$out" ]; then
  exec clang --target=x86_64-apple-macosx -c -x c /dev/null -o "$out"
fi
exec clang "$@"
