# syntax=docker/dockerfile:1
# Node 20 reached end of life in April 2026: the image runs on Node 22 LTS (the code supports 20.19+, 22, 24).
# No Dockerfile linter runs on it (hadolint is not packaged for Debian): test/deploy/dockerfile.spec.ts
# checks the rules this file must keep.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# re2 and better-sqlite3 build native code when no prebuilt binary is reachable.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The bridge only (`npm run build` also builds the simulator). Its output still holds what
# `npm run demo` needs and production never loads: demo.ts and demo-runner.ts, and the simulator
# and test helpers they import. Removed, so the image holds no fake PlaceOS and no demo entry
# point; the test proves main.ts imports none of it. Then the devDependencies go.
RUN npx nest build bridge \
 && rm -r dist/apps/bridge/apps/bridge/src/demo.js dist/apps/bridge/apps/bridge/src/demo.js.map \
      dist/apps/bridge/apps/bridge/src/demo-runner.js dist/apps/bridge/apps/bridge/src/demo-runner.js.map \
      dist/apps/bridge/libs/placeos-sim dist/apps/bridge/libs/testing \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production
# No V8 flags: memory is designed, not capped. Node sizes V8's heap limit from the container's
# memory limit (cgroup), and the bridge logs both at start-up; size the limit from the README.
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/apps/bridge ./dist/apps/bridge
COPY package.json ./
# The rules database lives here unless RULES_DB points elsewhere (mount a volume).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Node runs as PID 1 directly (not through npm) so SIGTERM reaches the graceful shutdown.
CMD ["node", "dist/apps/bridge/apps/bridge/src/main.js"]
