# syntax=docker/dockerfile:1
# Node 20 reached end of life in April 2026: the image runs on Node 22 LTS (the code supports 20.19+, 22, 24).
FROM node:22-bookworm-slim AS build
WORKDIR /app
# re2 and better-sqlite3 build native code when no prebuilt binary is reachable.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
# Heap cap sized for ~100,000 bound keys (live heap ~80 MB there; bench:bridge peak RSS 233–242 MB).
# Without a cap V8 lets the heap grow to several times the live set. The live heap grows about in
# proportion to the bound keys; give V8 about twice it (e.g. 384 for 200,000 keys).
ENV NODE_OPTIONS=--max-old-space-size=192
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The rules database lives here unless RULES_DB points elsewhere (mount a volume).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Node runs as PID 1 directly (not through npm) so SIGTERM reaches the graceful shutdown.
CMD ["node", "dist/apps/bridge/apps/bridge/src/main.js"]
