# The k8or Orbit rest-bridge. Build from the repository root:
#   docker build -f docker/wp-env/rest-bridge.Dockerfile -t orbit-rest-bridge .

ARG TRIVY_VERSION=0.58.1

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY contract/package.json contract/
COPY rest-bridge/package.json rest-bridge/
COPY blocks/package.json blocks/
COPY admin-app/package.json admin-app/
RUN npm ci --workspace rest-bridge --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY contract contract
COPY rest-bridge rest-bridge
RUN npx tsc --build rest-bridge

FROM aquasec/trivy:${TRIVY_VERSION} AS trivy

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY contract/package.json contract/
COPY rest-bridge/package.json rest-bridge/
COPY blocks/package.json blocks/
COPY admin-app/package.json admin-app/
RUN npm ci --omit=dev --workspace rest-bridge --ignore-scripts --no-audit --no-fund \
	&& npm cache clean --force
COPY --from=build /app/contract/dist contract/dist
COPY --from=build /app/rest-bridge/dist rest-bridge/dist
COPY rest-bridge/bin rest-bridge/bin
# The secret rule WordPress and the bridge share (published example values, minimum length).
COPY plugin/k8or-orbit/shared plugin/k8or-orbit/shared
# Scans run the real Trivy CLI (ORBIT_TRIVY_PATH); its database goes to TRIVY_CACHE_DIR.
COPY --from=trivy /usr/local/bin/trivy /usr/local/bin/trivy
WORKDIR /app/rest-bridge
# The node user of the base image, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
ENV ORBIT_BRIDGE_HOST=0.0.0.0
EXPOSE 8787
CMD [ "node", "dist/server.js" ]
