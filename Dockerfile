# syntax=docker/dockerfile:1
# manifold container image: build with the full toolchain, run on a slim Node LTS with
# production dependencies only, as a non-root user.
#   docker build -t manifold .
#   docker run --rm -v "$PWD:/work" -w /work manifold publish --from-spec manifest.yml

ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.cli.json ./
COPY src ./src
COPY schemas ./schemas
COPY scripts/compile-schema.ts scripts/bundle.ts ./scripts/
RUN npx tsc -p tsconfig.cli.json \
 && node dist/scripts/compile-schema.js \
 && node dist/scripts/bundle.js

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# Credential helpers for the clouds CI runs in, so `credHelpers` in a mounted docker config work:
# docker-credential-ecr-login (Amazon ECR). Debian's package, no build tools.
RUN apt-get update \
 && apt-get install -y --no-install-recommends amazon-ecr-credential-helper ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOME=/home/node \
    DOCKER_CONFIG=/home/node/.docker
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/dist/cli ./dist/cli
COPY --from=build /src/schemas ./schemas
RUN chmod 0755 /app/dist/cli/bin.js \
 && ln -s /app/dist/cli/bin.js /usr/local/bin/manifold
USER node
WORKDIR /work
ENTRYPOINT ["manifold"]
CMD ["--help"]
