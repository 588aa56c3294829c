# racesync: one image, three roles (web | worker | all).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
RUN groupadd --system racesync && useradd --system --gid racesync --home /app racesync
COPY --from=build --chown=racesync:racesync /app/node_modules ./node_modules
COPY --from=build --chown=racesync:racesync /app/dist ./dist
COPY --from=build --chown=racesync:racesync /app/drizzle ./drizzle
COPY --from=build --chown=racesync:racesync /app/package.json /app/tsconfig.json ./
# `npm run subscription -- create|view|delete` runs from source with tsx (a runtime dependency).
COPY --from=build --chown=racesync:racesync /app/src ./src
COPY --from=build --chown=racesync:racesync /app/scripts ./scripts
# Without DATABASE_URL the embedded Postgres keeps its data here: mount a volume on it.
RUN mkdir -p /app/.data && chown racesync:racesync /app/.data
VOLUME /app/.data
USER racesync
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--role", "all"]
