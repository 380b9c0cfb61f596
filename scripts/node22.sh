# Sourced by the other scripts: puts Node >= 22.12 first on PATH.
# The machines ship Node 20; the npm registry ships Node itself, so when the
# machine's node is older, node@22 is installed into $HOME/.node22 (once).
peakguard_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}
if ! peakguard_node_ok; then
  export PATH="$HOME/.node22/bin:$PATH"
  if ! peakguard_node_ok; then
    echo "peakguard: installing Node 22 from the npm registry into $HOME/.node22 …" >&2
    npm install -g --prefix "$HOME/.node22" node@22 >&2
  fi
  peakguard_node_ok || { echo "peakguard: Node >= 22.12 is required and could not be installed" >&2; return 1 2>/dev/null || exit 1; }
fi
echo "peakguard: node $(node --version) at $(command -v node)" >&2
