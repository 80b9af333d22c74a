// A Keycloak-like OpenID Connect provider for gatehouse's integration tests, built on the
// `oidc-provider` package (a certified OpenID Connect implementation).
//
// Serves the realm at http://127.0.0.1:<port>/realms/<realm> (discovery, JWKS, token endpoint).
// Tokens come from the provider's own token endpoint with the client_credentials grant and a
// resource indicator `urn:gatehouse:aud:<audience>`, which makes it issue an RFC 9068 JWT access
// token with `aud: <audience>` and Keycloak-style claims (groups as full paths, realm_access,
// resource_access, preferred_username).
//
// Test-only endpoints outside the realm:
//   POST /test/rotate  — a new signing key becomes current; the old one stays published.
//   GET  /test/health  — 200 once listening.
// The key set is kept in --keys FILE (created when absent) so a restart keeps the keys.
//
// Usage: node server.js --port 0 --realm demo --keys /tmp/keys.json [--ready-file FILE]
// Prints "listening on <port>" once ready.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '0'));
const realm = arg('realm', 'demo');
const keysFile = arg('keys', '');
const readyFile = arg('ready-file', '');
const prefix = `/realms/${realm}`;

// Clients of the realm and the identity each one's tokens carry.
const CLIENTS = {
  'kube-dev': {
    secret: 'dev-secret',
    claims: {
      preferred_username: 'dev-user',
      email: 'dev@example.test',
      email_verified: true,
      groups: ['/team-dev', '/team-demo'],
      realm_access: { roles: ['k8s-admin', 'offline_access'] },
      resource_access: { kubernetes: { roles: ['edit'] } },
    },
  },
  'kube-viewer': {
    secret: 'viewer-secret',
    claims: {
      preferred_username: 'viewer',
      groups: ['/org/team-demo'],
      realm_access: { roles: ['viewer'] },
    },
  },
};

function newKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: crypto.randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

function loadKeys() {
  if (keysFile && fs.existsSync(keysFile)) return JSON.parse(fs.readFileSync(keysFile, 'utf8')).keys;
  const keys = [newKey()];
  saveKeys(keys);
  return keys;
}

function saveKeys(keys) {
  if (keysFile) fs.writeFileSync(keysFile, JSON.stringify({ keys }), { mode: 0o600 });
}

function buildProvider(issuer, keys) {
  const configuration = {
    clients: Object.entries(CLIENTS).map(([id, c]) => ({
      client_id: id,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    })),
    jwks: { keys },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:gatehouse:aud:kubernetes',
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => {
          const match = /^urn:gatehouse:aud:([A-Za-z0-9._-]+)$/.exec(resource);
          if (!match) throw new Error('unknown resource');
          return {
            scope: 'openid profile email groups',
            audience: match[1],
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    extraTokenClaims: (ctx, token) => {
      const client = CLIENTS[token.clientId];
      return client ? client.claims : {};
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  return provider;
}

let keys = loadKeys();
let handler = null;
let issuer = '';

const server = http.createServer((req, res) => {
  if (req.url === '/test/health') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.url === '/test/rotate' && req.method === 'POST') {
    keys = [newKey(), ...keys];  // the first RS256 key signs; old ones stay published
    saveKeys(keys);
    handler = buildProvider(issuer, keys).callback();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kid: keys[0].kid }));
    return;
  }
  if (req.url === prefix || req.url.startsWith(`${prefix}/`)) {
    // Mounted below the realm path like Keycloak: oidc-provider derives its mount path from
    // originalUrl versus url.
    req.originalUrl = req.url;
    req.url = req.url.substring(prefix.length) || '/';
    handler(req, res);
    return;
  }
  res.writeHead(404).end('not found');
});

server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  issuer = `http://127.0.0.1:${actual}${prefix}`;
  handler = buildProvider(issuer, keys).callback();
  if (readyFile) fs.writeFileSync(readyFile, String(actual));
  console.log(`listening on ${actual}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
