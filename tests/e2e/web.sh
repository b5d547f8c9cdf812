#!/usr/bin/env bash
# The web apps' tests for CTest.
#   web.sh check WEB_DIR           tsc --noEmit, ESLint and Vitest
#   web.sh e2e WEB_DIR OUT_DIR     build the apps into OUT_DIR/dist and run the browser story (e2e/story.mjs) with
#                                  screenshots in OUT_DIR/e2e-artifacts; needs ONTON_BIN and the ton_emulator fixture
# On a fresh clone the node modules are installed first with `npm ci` from the committed package-lock.json.
set -euo pipefail

action=${1:?usage: web.sh check|e2e WEB_DIR [OUT_DIR]}
web=${2:?missing WEB_DIR}
cd "$web"
command -v node >/dev/null || { echo "node is not installed (scripts/deps.sh)" >&2; exit 1; }
# The check and the e2e test may start together: one npm ci at a time.
(
    flock 9
    if [ ! -d node_modules/.bin ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        echo "installing the web apps' node modules (npm ci in $web)"
        npm ci --no-audit --no-fund
    fi
) 9>/tmp/onton-web-npm.lock

case "$action" in
check)
    # The API's types come from docs/openapi.yaml on every check, so a drift between the document and the
    # schemas that parse its answers fails tsc (src/lib/openapi.ts).
    npm run --silent gen:api >/dev/null
    npx tsc --noEmit
    npx eslint .
    npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "prettier: run npm run format in web/" >&2; exit 1; }
    npx vitest run
    ;;
e2e)
    out=${3:?missing OUT_DIR}
    mkdir -p "$out"
    rm -rf "$out/e2e-artifacts"  # only this run's screenshots
    npm run --silent gen:api >/dev/null
    npx vite build --outDir "$out/dist" --emptyOutDir --logLevel warn
    ONTON_WEB_DIR="$out/dist" ONTON_E2E_ARTIFACTS="$out/e2e-artifacts" node e2e/story.mjs
    ;;
*)
    echo "unknown action $action" >&2
    exit 2
    ;;
esac
