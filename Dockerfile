# syntax=docker/dockerfile:1
# One image, two roles: the API (default command) and the worker (see docker-compose.yml).

# --- build: install everything, compile TypeScript, then drop dev dependencies ---------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain only for the rare platform where better-sqlite3 / onnxruntime have no prebuilt binary.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# .npmrc (copied here) tells onnxruntime-node to skip its CUDA download.
COPY . .
# `npm ci` runs `prepare`, which is `npm run build` (tsc + tsc-alias into dist/).
RUN npm ci && npm prune --omit=dev

# --- runtime: compiled code, production node_modules, model files; runs as non-root -----------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/models ./models
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
