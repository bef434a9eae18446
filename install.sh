#!/bin/sh
# Installs the SmallCode binary for this machine (Linux or macOS, x64 or arm64) from the
# project's GitHub releases into ~/.smallcode/bin, after checking its SHA-256 checksum, and puts
# that folder on PATH. Windows: install.ps1. Without a prebuilt binary: npm install -g smallcode.
#
#   curl -fsSL https://github.com/smallcode-dev/smallcode/releases/latest/download/install.sh | sh
#
# Variables (all optional):
#   SMALLCODE_VERSION         a release such as 0.2.0 (default: the latest)
#   SMALLCODE_INSTALL_BASE_URL  where the binaries and their .sha256 files are (default: the release)
#   SMALLCODE_INSTALL_DIR     default ~/.smallcode (the binary goes to its bin/)
#   SMALLCODE_NO_MODIFY_PATH  1: change no shell start-up file, only say what to add
set -eu

REPO="smallcode-dev/smallcode"
VERSION="${SMALLCODE_VERSION:-latest}"
if [ -n "${SMALLCODE_INSTALL_BASE_URL:-}" ]; then
  BASE_URL="${SMALLCODE_INSTALL_BASE_URL%/}"
elif [ "$VERSION" = latest ]; then
  BASE_URL="https://github.com/$REPO/releases/latest/download"
else
  BASE_URL="https://github.com/$REPO/releases/download/v${VERSION#v}"
fi
INSTALL_DIR="${SMALLCODE_INSTALL_DIR:-$HOME/.smallcode}"
BIN_DIR="$INSTALL_DIR/bin"

fail() {
  printf 'smallcode install: %s\n' "$*" >&2
  exit 1
}
say() {
  printf '%s\n' "$*"
}

# ── Which binary ─────────────────────────────────────────────────────────────
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT)
    fail "on Windows run install.ps1 in PowerShell: irm https://github.com/$REPO/releases/latest/download/install.ps1 | iex" ;;
  *) fail "no prebuilt binary for $(uname -s); install with npm instead (Node.js 20.19 or later): npm install -g smallcode" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "no prebuilt binary for $(uname -m) processors; install with npm instead (Node.js 20.19 or later): npm install -g smallcode" ;;
esac
# A shell under Rosetta reports x86_64 on Apple silicon: the native binary is the better one.
if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n hw.optional.arm64 2>/dev/null || true)" = 1 ]; then
  arch=arm64
fi
ASSET="smallcode-$os-$arch"

# ── Download and verify ──────────────────────────────────────────────────────
download() { # url file
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    fail "neither curl nor wget is installed; install one of them and run this again"
  fi
}
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    fail "no SHA-256 tool (sha256sum, shasum or openssl) to check the download with"
  fi
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/smallcode-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

say "Downloading $BASE_URL/$ASSET"
download "$BASE_URL/$ASSET" "$tmp/$ASSET" || fail "could not download $BASE_URL/$ASSET; nothing was installed"
download "$BASE_URL/$ASSET.sha256" "$tmp/$ASSET.sha256" || fail "could not download the checksum $BASE_URL/$ASSET.sha256; nothing was installed"

# The checksum file is sha256sum's format: the hex digest, then the file name (maybe after '*').
expected="$(tr -d '\r' <"$tmp/$ASSET.sha256" | awk 'NR == 1 { print tolower($1) }')"
case "$expected" in
  *[!0-9a-f]* | '') fail "$ASSET.sha256 holds no SHA-256 digest; nothing was installed" ;;
esac
[ "${#expected}" -eq 64 ] || fail "$ASSET.sha256 holds no SHA-256 digest; nothing was installed"
actual="$(sha256_of "$tmp/$ASSET")"
[ "$actual" = "$expected" ] || fail "checksum mismatch for $ASSET (expected $expected, got $actual): the download is damaged or not the release; nothing was installed"

# ── Install ──────────────────────────────────────────────────────────────────
mkdir -p "$BIN_DIR"
chmod 755 "$tmp/$ASSET"
mv -f "$tmp/$ASSET" "$BIN_DIR/smallcode"
if version="$("$BIN_DIR/smallcode" --version 2>/dev/null)"; then
  say "Installed $version to $BIN_DIR/smallcode"
else
  say "Installed $BIN_DIR/smallcode, but it does not run here (try: $BIN_DIR/smallcode --version)"
fi

# ── PATH ─────────────────────────────────────────────────────────────────────
case ":$PATH:" in
  *":$BIN_DIR:"*)
    say "$BIN_DIR is on your PATH already: run smallcode"
    exit 0
    ;;
esac
# Written with $HOME when the folder is under it, so the line survives a renamed home.
case "$BIN_DIR" in
  "$HOME"/*) shown_dir="\$HOME${BIN_DIR#"$HOME"}" ;;
  *) shown_dir="$BIN_DIR" ;;
esac
case "$(basename "${SHELL:-sh}")" in
  zsh) rc="${ZDOTDIR:-$HOME}/.zshrc"; line="export PATH=\"$shown_dir:\$PATH\"" ;;
  bash)
    if [ "$os" = darwin ]; then rc="$HOME/.bash_profile"; else rc="$HOME/.bashrc"; fi
    line="export PATH=\"$shown_dir:\$PATH\"" ;;
  fish) rc="$HOME/.config/fish/conf.d/smallcode.fish"; line="fish_add_path \"$shown_dir\"" ;;
  *) rc="$HOME/.profile"; line="export PATH=\"$shown_dir:\$PATH\"" ;;
esac
if [ "${SMALLCODE_NO_MODIFY_PATH:-}" = 1 ]; then
  say "To put smallcode on your PATH, add this line to $rc:"
  say "  $line"
elif [ -f "$rc" ] && grep -qxF "$line" "$rc"; then
  say "$rc puts $BIN_DIR on PATH already; open a new terminal to use smallcode"
else
  mkdir -p "$(dirname "$rc")"
  printf '\n# SmallCode (added by its install.sh)\n%s\n' "$line" >>"$rc"
  say "Added $BIN_DIR to your PATH: appended to $rc the line"
  say "  $line"
  say "Open a new terminal, or run that line here, to use smallcode."
fi
