# shellcheck shell=bash
# Shared set-up for tools/launch, tools/test and tools/screenshot: sourced, not run.
#
# playground_setup makes sure that
#   * Qt's Debian libraries are installed (checked with dpkg-query, apt-get only if missing);
#   * $PLAYGROUND_VENV (default: .venv in the checkout) exists;
#   * the pinned dependencies and the project itself are installed in it.
# A stamp file in the venv holds a hash of pyproject.toml + constraints.txt, so
# an unchanged checkout skips pip entirely and starts in well under a second.
#
# Environment overrides:
#   PLAYGROUND_VENV    where the virtual environment lives (default: <repo>/.venv)
#   PLAYGROUND_PYTHON  interpreter that creates it (default: python3)

PLAYGROUND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PLAYGROUND_VENV="${PLAYGROUND_VENV:-$PLAYGROUND_ROOT/.venv}"
PLAYGROUND_PYTHON="${PLAYGROUND_PYTHON:-python3}"
PLAYGROUND_CONSTRAINTS="$PLAYGROUND_ROOT/constraints.txt"
# Bump to force every existing .venv through pip once more.
PLAYGROUND_STAMP_VERSION=1

# What PySide6's Qt needs from the system even on the offscreen platform.
QT_DEBIAN_LIBS=(libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3)
# What Qt's xcb platform plugin adds on an X11 display (xvfb-run included).
QT_XCB_DEBIAN_LIBS=(libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0)

# What the tests add: a virtual X display, on which the start-up paint is checked
# (tests/ui/test_startup_paint.py fails, not skips, without it).
XVFB_DEBIAN_PACKAGES=(xvfb xdotool)  # xdotool: keys on the display (test_startup_paint)

say() { printf '%s\n' "$*" >&2; }

# _deb_installed PKG: true when PKG (or its Debian 13 "t64" rename) is installed.
_deb_installed() {
    local pkg
    for pkg in "$1" "${1}t64"; do
        [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == "install ok installed" ]] && return 0
    done
    return 1
}

# ensure_debian_libs PKG...: apt-get install the packages not yet installed.
ensure_debian_libs() {
    # Not Debian-like: the libraries are the user's business (macOS, Windows, Fedora...).
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local pkg missing=()
    for pkg in "$@"; do
        _deb_installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0

    local sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            say "error: these Debian packages are needed, and installing them needs root:"
            say "  apt-get install -y --no-install-recommends ${missing[*]}"
            return 1
        fi
    fi
    say "Installing Debian packages: ${missing[*]}…"
    # apt's chatter is kept out of the way and shown only when something fails.
    local log
    log="$(mktemp)"
    if ! { "${sudo[@]}" apt-get update -qq &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        say "error: apt-get could not install: ${missing[*]}"
        return 1
    fi
    rm -f "$log"
}

# _deps_hash: what the stamp records; changes whenever the pinned set may change.
_deps_hash() {
    {
        echo "stamp $PLAYGROUND_STAMP_VERSION"
        cat "$PLAYGROUND_ROOT/pyproject.toml" "$PLAYGROUND_CONSTRAINTS"
    } | sha256sum | cut -d' ' -f1
}

# _create_venv: a fresh virtual environment at $PLAYGROUND_VENV.
_create_venv() {
    if ! command -v "$PLAYGROUND_PYTHON" >/dev/null 2>&1; then
        say "error: '$PLAYGROUND_PYTHON' not found; install Python 3.11+ or set PLAYGROUND_PYTHON."
        return 1
    fi
    if ! "$PLAYGROUND_PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        say "error: $("$PLAYGROUND_PYTHON" --version 2>&1) is too old; Python 3.11+ is needed."
        return 1
    fi
    # Never wipe a folder that is not a venv (PLAYGROUND_VENV may point anywhere).
    if [[ -e "$PLAYGROUND_VENV" && ! -f "$PLAYGROUND_VENV/pyvenv.cfg" ]]; then
        say "error: $PLAYGROUND_VENV exists but is not a virtual environment; move it away."
        return 1
    fi
    "$PLAYGROUND_PYTHON" -m venv --clear "$PLAYGROUND_VENV"
}

# ensure_venv: create the venv if missing or broken, and pip install when the
# stamp is stale. Skips pip entirely when nothing changed.
ensure_venv() {
    local py="$PLAYGROUND_VENV/bin/python" stamp="$PLAYGROUND_VENV/.playground-deps" want label
    want="$(_deps_hash)"
    label="${PLAYGROUND_VENV#"$PLAYGROUND_ROOT/"}"
    if ! "$py" -c '' >/dev/null 2>&1; then
        say "Setting up $label (first run, ~1 min)…"
        _create_venv || return 1
    elif [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then
        return 0
    else
        say "pyproject.toml or constraints.txt changed: updating $label…"
    fi
    # A half-finished install must not leave a valid stamp behind.
    rm -f "$stamp"
    say "Installing pinned dependencies and the project…"
    "$py" -m pip install -qq --progress-bar off --disable-pip-version-check \
        -c "$PLAYGROUND_CONSTRAINTS" -e "${PLAYGROUND_ROOT}[test]"
    printf '%s\n' "$want" >"$stamp"
    say "Set-up done."
}

# playground_setup: everything a script needs before it runs Python.
playground_setup() {
    ensure_debian_libs "${QT_DEBIAN_LIBS[@]}"
    ensure_venv
}

# playground_test_setup: playground_setup plus what the tests need beyond it: Qt's xcb
# libraries and Xvfb, for the start-up paint test on a virtual X display.
playground_test_setup() {
    playground_setup
    ensure_debian_libs "${QT_XCB_DEBIAN_LIBS[@]}" "${XVFB_DEBIAN_PACKAGES[@]}"
}
