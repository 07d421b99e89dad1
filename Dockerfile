# syntax=docker/dockerfile:1
# Multi-stage build of the arena game server: build with dev dependencies, ship production ones only.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY shared/package.json shared/
COPY client-sdk/package.json client-sdk/
COPY server/package.json server/
COPY loadtest/package.json loadtest/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY shared shared
COPY client-sdk client-sdk
COPY server server
COPY web web
COPY drizzle drizzle
RUN npx tsc -b shared client-sdk server \
 && npm run build -w web \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=2567 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/shared/package.json shared/
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/client-sdk/package.json client-sdk/
COPY --from=build /app/client-sdk/dist client-sdk/dist
COPY --from=build /app/server/package.json server/
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/loadtest/package.json loadtest/
# the browser client, served at /play
COPY --from=build /app/web/package.json web/
COPY --from=build /app/web/dist web/dist
COPY drizzle/migrations drizzle/migrations
# the node user owns only the data folder (embedded database, results journal)
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 2567
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||2567)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# a larger young generation: per-message garbage dies there instead of being promoted (see README, Tuning)
CMD ["node", "--max-semi-space-size=32", "server/dist/main.js"]
