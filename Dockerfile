# Switchboard: the bridge, Node 24, Debian's Chromium for WhatsApp, running as a non-root user.
# The build steps are the CI script's (.ci/run), so what CI tests is what ships;
# test/deploy/dockerfile.test.ts keeps them in step. Walk-through: docs/admin/docker.md.

FROM node:24-bookworm-slim AS build
WORKDIR /src
# As in .ci/run: whatsapp-web.js pulls puppeteer, whose own browser download cannot be used.
ENV PUPPETEER_SKIP_DOWNLOAD=true
COPY . .
# As in .ci/run: the versions package-lock.json pins (see there why not `npm ci`). The
# `prepare` script compiles to dist/ (tsc -p tsconfig.build.json, the build step of scripts/test.sh).
RUN npm install --no-audit --no-fund --loglevel=error
RUN npm prune --omit=dev --no-audit --no-fund --loglevel=error

FROM node:24-bookworm-slim
# Chromium from Debian, as scripts/ensure-chromium.sh installs it for CI; WhatsApp sessions use it.
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates \
  && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin switchboard \
  && mkdir -p /data && chown switchboard /data
WORKDIR /app
ENV NODE_ENV=production PUPPETEER_SKIP_DOWNLOAD=true
# What the bridge reads at run time: compiled code, the CLI, SQL migrations and the web page.
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/src/store/migrations ./src/store/migrations
COPY --from=build /src/src/web ./src/web
COPY --from=build /src/config.sample.yaml ./
USER switchboard
VOLUME ["/data"]
# 29300: appservice + provisioning API and page; 29301: metrics, /health, /ready.
EXPOSE 29300 29301
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:29300/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node flags: src/cli/node-flags.ts.
ENTRYPOINT ["node", "--v8-pool-size=1", "/app/bin/switchboard.js"]
CMD ["start", "--config", "/data/config.yaml", "--registration", "/data/registration.yaml"]
