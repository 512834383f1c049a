#!/usr/bin/env bash
# Checks the Windows code path of the walker on Linux: Debian's rustc 1.63 with its Windows
# std (the only Windows std this machine can install) builds src-rs/sys with a small driver,
# and Wine runs it against trees it makes itself. Needs (Debian):
#   apt-get install rustc libstd-rust-dev-windows gcc-mingw-w64-x86-64 wine64
# The real Windows build and the whole suite run in the release workflow's Windows jobs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/dirsize-wine-check}"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
# Debian's cargo goes with its rustc; the toolchain's cargo fetches the sources for it (and
# writes a lock file the older cargo cannot read, so that goes).
vendor="$CARGO_TARGET_DIR/vendor"
cargo vendor --quiet --manifest-path "$here/Cargo.toml" "$vendor" > /dev/null
rm -f "$here/Cargo.lock"
RUSTC=/usr/bin/rustc /usr/bin/cargo build --quiet --offline --manifest-path "$here/Cargo.toml" \
  --target x86_64-pc-windows-gnu \
  --config "source.crates-io.replace-with='vendored'" \
  --config "source.vendored.directory='$vendor'"
rm -f "$here/Cargo.lock"
export WINEDEBUG=-all WINEPREFIX="${WINEPREFIX:-/tmp/dirsize-wine-prefix}"
exec wine "$CARGO_TARGET_DIR/x86_64-pc-windows-gnu/debug/wine-check.exe" "$@"
