# Sourced by the scripts that need root (Debian packages, UDP port 547, network namespaces): when not run as root,
# run the calling script again through sudo, keeping CI (a skipped root-only test fails the run there).
if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "$(basename "$0"): needs root; run it as root (sudo is not installed)" >&2
        exit 1
    fi
    exec sudo --preserve-env=CI -- bash "$(realpath "$0")" "$@"
fi
