# convosim as a service container: the simulator on port 4010, for the other containers of a CI job.
# Build: docker build -t convosim .   Run: docker run -p 4010:4010 convosim   (docs/guides/ci.md)

# Stage 1: compile the TypeScript sources to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Stage 2: the runtime, as an installed package has it: dist/, bin/, fixtures/ and production dependencies.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin ./bin
COPY fixtures ./fixtures
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4010
# Ready means the admin API answers; `convosim wait` sends $CONVOSIM_ADMIN_TOKEN when it is set.
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "bin/convosim.js", "wait", "--url", "http://127.0.0.1:4010", "--timeout", "3s"]
# Other containers reach it by name, so it binds every interface. Set CONVOSIM_ADMIN_TOKEN to require a token on
# /__admin (needed when clients use a host name such as http://convosim:4010; see docs/guides/ci.md).
CMD ["node", "bin/convosim.js", "serve", "--host", "0.0.0.0", "--port", "4010", "--db", "memory", "--allow-remote-admin"]
