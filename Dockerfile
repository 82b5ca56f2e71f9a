# The tracker's image (deploy/k8s/tracker.yaml, deploy/compose/compose.yaml).
# Build: docker build -t comms-tracker:0.1.0 .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only; libsql's prebuilt binary comes from its npm package.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Where the manifests put the read model (a cache of the store, owned by the service's user).
RUN mkdir -p /var/lib/comms-tracker && chown node:node /var/lib/comms-tracker
USER node
EXPOSE 3000 5000
CMD ["node", "dist/apps/tracker/main.js"]
