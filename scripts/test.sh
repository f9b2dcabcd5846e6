#!/usr/bin/env bash
# Every test: format, lint, type-check, unit, production build, integration (against the build), e2e (Chromium).
# Run through `npm test`, so Node 24 from the project's devDependency is first on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== node $(node --version)"
bash scripts/ensure-system-deps.sh curl redis
echo "== format";      npm run --silent format:check
echo "== lint";        npm run --silent lint
echo "== type-check";  npm run --silent typecheck
echo "== unit";        npm run --silent test:unit
echo "== build";       npm run --silent build
echo "== integration"; npm run --silent test:integration
echo "== e2e";         npm run --silent test:e2e
