# racesync: one image, three roles (web | worker | all). Node 24 LTS.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# The runtime image holds the compiled service (dist/), production dependencies and the migrations.
FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
RUN groupadd --system racesync && useradd --system --gid racesync --home /app racesync \
    && mkdir -p /app/.data && chown racesync:racesync /app/.data
COPY --from=build --chown=racesync:racesync /app/node_modules ./node_modules
COPY --from=build --chown=racesync:racesync /app/dist ./dist
COPY --from=build --chown=racesync:racesync /app/drizzle ./drizzle
COPY --from=build --chown=racesync:racesync /app/package.json ./
# Without DATABASE_URL the embedded Postgres keeps its data here: mount a volume on it.
VOLUME /app/.data
USER racesync
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The subscription script and migrations run from the same image:
#   docker run --rm --env-file .env --entrypoint node racesync dist/cli/subscription.js create
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--role", "all"]
