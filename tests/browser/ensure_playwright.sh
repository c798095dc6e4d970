# ensure_playwright.sh NAME: sourced by the browser tests. Makes sure
# playwright-core can be loaded from tests/browser (npm ci when it cannot),
# or exits 77 (skipped, never passed) when the npm registry cannot be
# reached. The browser tests run in parallel: one npm ci at a time (flock),
# and "installed" means loadable, not "a directory exists" (a failed or
# running npm ci leaves a partial node_modules behind).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
loadable() { (cd "$here" && node -e "require.resolve('playwright-core')" 2>/dev/null); }
if ! loadable; then
  exec 9>"${TMPDIR:-/tmp}/mmpath-npm-ci.lock"
  flock 9
  if ! loadable; then
    # playwright-core comes from the npm registry. When the registry cannot
    # be reached (no network, or a proxy certificate this machine does not
    # trust) the test is reported as skipped (77), never as passed.
    if ! (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts >"$here/npm-ci.log" 2>&1) ||
      ! loadable; then
      echo "$1: SKIPPED: npm could not install playwright-core:" >&2
      tail -3 "$here/npm-ci.log" >&2
      exit 77
    fi
  fi
  exec 9>&-
fi
