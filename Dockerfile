# syntax=docker/dockerfile:1
# manifold container image: build with the full toolchain, run on a slim Node LTS with the
# bundle alone (no node_modules, no package manager), as a non-root user.
#   docker build -t manifold .
#   docker run --rm -v "$PWD:/work" -w /work manifold publish --from-spec manifest.yml

# The base, pinned by digest (the multi-platform index of node:24-bookworm-slim on Docker Hub), so
# a rebuild of the same commit gets the same base; bump it on purpose (Renovate/Dependabot do).
# To build on a newer Node, or where Docker Hub is mirrored: --build-arg NODE_IMAGE=….
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d

FROM ${NODE_IMAGE} AS build
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

# The runtime file system: the base with the credential helper for the clouds CI runs in (so
# `credHelpers` in a mounted docker config work: docker-credential-ecr-login for Amazon ECR,
# Debian's package), minus what the bundle never needs at run time: the package managers the base
# ships (npm, npx, corepack, yarn), node's headers and docs, apt's lists, caches and logs.
FROM ${NODE_IMAGE} AS slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends amazon-ecr-credential-helper ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /var/log/apt \
      /var/log/dpkg.log /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
      /usr/local/include/node /usr/local/share/doc/node /root/.npm /tmp/*

# One layer of that file system: what was removed is gone from the image, not hidden under a
# whiteout above the base's layers.
FROM scratch AS runtime
COPY --from=slim / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
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
