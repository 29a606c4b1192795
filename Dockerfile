# Hearth's headless server (`hearth serve`) as a container image. Used by compose.yaml; checked
# without Docker by build/container.test.ts (wiring) and build/container-smoke.test.ts (this CMD
# and ENV run under Node), and with Docker by .github/workflows/container.yml.
#
#   docker build -t hearth .
#   docker run -d -p 3000:3000 -e WEBUI_SECRET_KEY=… -v hearth:/data hearth

# ---- build: compile the native module, build the app, keep production dependencies only ----------
FROM node:20-bookworm-slim AS build

# better-sqlite3 is a native addon: its install script takes a prebuilt binary for this Node when
# one can be downloaded, else compiles it with node-gyp, which needs Python, make and a C++ compiler.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# `serve` never starts Electron: never download its binary (it is a devDependency, pruned below).
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1

# Dependencies first, so the layer is reused until the lockfile changes. --ignore-scripts: the
# package's own "prepare" would build the app before its sources are here, and no install script
# but better-sqlite3's is needed (esbuild finds its platform binary without its postinstall).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

# out/main/cli.js (the `hearth` command), out/main/import-worker.js and out/renderer (the UI).
COPY . .
RUN npm run build

# Drop devDependencies (Electron, electron-builder, Vite, React… are bundled or build-time only)
# and better-sqlite3's build leftovers; the compiled build/Release/better_sqlite3.node stays.
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && (cd node_modules/better-sqlite3 && rm -rf deps src build/deps build/Release/obj build/Release/obj.target \
      build/Release/.deps build/Release/sqlite3.a build/Release/test_extension.node) \
 && test ! -e node_modules/electron \
 && node -e "require('better-sqlite3')(':memory:').close()"

# ---- runtime: Node, the built app and its production dependencies; no compilers, no npm cache ---
FROM node:20-bookworm-slim

# HEARTH_DATA_DIR: hearth.db, attachments, images, logs and backups, all in the /data volume.
# OPEN_WEBUI_PORT: the port serve listens on (its default; the HEALTHCHECK reads the same variable).
ENV NODE_ENV=production \
    HEARTH_DATA_DIR=/data \
    OPEN_WEBUI_PORT=3000

WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/out/main ./out/main
COPY --from=build /app/out/renderer ./out/renderer
COPY --from=build /app/electron/serve/hearth.cjs ./electron/serve/hearth.cjs

# The `hearth` command on PATH, as package.json's "bin" (so `docker compose exec hearth hearth doctor`
# works too), executable even when built from a Windows checkout. A user of its own, not root, with
# a fixed high UID that matches no account on the host and no home (nothing but Hearth's files lands
# in /data); /data is created owner-only (0700) and owned by it, so a new named volume starts so.
RUN chmod 0755 /app/electron/serve/hearth.cjs \
 && ln -s /app/electron/serve/hearth.cjs /usr/local/bin/hearth \
 && groupadd --system --gid 10001 hearth \
 && useradd --system --uid 10001 --gid hearth --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin hearth \
 && mkdir -m 0700 /data \
 && chown hearth:hearth /data
USER hearth
VOLUME /data

EXPOSE 3000

# /healthz needs no token. Node's own fetch: the slim image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.OPEN_WEBUI_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Listen on every interface of the container. serve refuses to start on a non-loopback address
# without WEBUI_SECRET_KEY (and then every request needs the token derived from it): set it with
# -e or in compose's .env. Node handles SIGTERM itself, so `docker stop` stops Hearth cleanly.
CMD ["hearth", "serve", "--host", "0.0.0.0"]
