// A Keycloak-like OpenID Connect provider for gatehouse's integration tests, built on the
// `oidc-provider` package (a certified OpenID Connect implementation).
//
// Serves the realm at http://127.0.0.1:<port>/realms/<realm> (discovery, JWKS, token endpoint).
// Tokens come from the provider's own token endpoint with the client_credentials grant and a
// resource indicator `urn:gatehouse:aud:<audience>`, which makes it issue an RFC 9068 JWT access
// token with `aud: <audience>` and Keycloak-style claims (groups as full paths, realm_access,
// resource_access, preferred_username).
//
// The realm also has the device authorization grant (RFC 8628) for the public client `kubectl`
// (what `gatehouse credential oidc` uses): ID tokens with `aud: kubectl` carry Keycloak-style
// user claims (preferred_username, email, groups as full paths, realm_access) of the realm's
// accounts, and refresh tokens are issued for `offline_access`. The verification and confirm
// pages are the provider's own (minimal HTML: a form with hidden inputs, xsrf included), so a
// test drives them like a browser would. Login and consent have no UI: the browser is taken to
// be already signed in to the realm as the account named by the cookie that
// GET /test/login?account=NAME sets, and the interaction is finished for it at once (login plus a
// Grant of the requested scopes). Without that cookie, or for a disabled account, the
// interaction ends with access_denied, which the device's next poll reports.
//
// Test-only endpoints outside the realm:
//   POST /test/rotate  — a new signing key becomes current; the old one stays published.
//   GET  /test/health  — 200 once listening.
//   GET  /test/login?account=NAME — the browser session of a signed-in realm user (a cookie).
// The key set is kept in --keys FILE (created when absent) so a restart keeps the keys.
//
// Usage: node server.js --port 0 --realm demo --keys /tmp/keys.json [--ready-file FILE]
//          [--id-token-ttl SECONDS] [--device-code-ttl SECONDS] [--device-poll-interval SECONDS]
// (defaults 3600, 600 and 5; the last two are Keycloak's). Prints "listening on <port>" once
// ready.
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
const idTokenTtl = positive('id-token-ttl', 3600);
const deviceCodeTtl = positive('device-code-ttl', 600);
const devicePollInterval = positive('device-poll-interval', 5);

function positive(name, fallback) {
  const value = Number(arg(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive number of seconds`);
    process.exit(2);
  }
  return value;
}

// The public client of kubectl's exec plugin (Keycloak: a public client with "OAuth 2.0 Device
// Authorization Grant" enabled).
const DEVICE_CLIENT = 'kubectl';
const LOGIN_COOKIE = 'gatehouse_test_login';
// Signs the provider's session and interaction cookies; one per process, so a provider rebuilt
// by /test/rotate still reads the cookies it set before.
const COOKIE_KEYS = [crypto.randomBytes(32).toString('hex')];

// Users of the realm, by username. `sub` is a fixed UUID as Keycloak's would be.
const ACCOUNTS = {
  'dev-user': {
    sub: '5f0c2a4e-7b1d-4c39-9a57-0d2f6e8b1c34',
    enabled: true,
    claims: {
      preferred_username: 'dev-user',
      name: 'Dev User',
      given_name: 'Dev',
      family_name: 'User',
      email: 'dev@example.test',
      email_verified: true,
      groups: ['/team-dev', '/team-demo'],
      realm_access: { roles: ['k8s-admin', 'offline_access'] },
    },
  },
  // Keycloak's "User enabled: off": the account exists but cannot sign in.
  'locked-user': {
    sub: '9d3b7e10-2f64-4a8c-b5e1-6c0a4f2d9e77',
    enabled: false,
    claims: { preferred_username: 'locked-user', groups: ['/team-dev'] },
  },
};

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

function findAccountBySub(sub) {
  return Object.values(ACCOUNTS).find((a) => a.sub === sub);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`
    + `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function buildProvider(issuer, keys) {
  const configuration = {
    clients: [
      ...Object.entries(CLIENTS).map(([id, c]) => ({
        client_id: id,
        client_secret: c.secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
      })),
      {
        client_id: DEVICE_CLIENT,
        client_name: 'kubectl',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        redirect_uris: [],
        response_types: [],
      },
    ],
    jwks: { keys },
    cookies: { keys: COOKIE_KEYS },
    findAccount: (ctx, sub) => {
      const account = findAccountBySub(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...account.claims }) };
    },
    // Keycloak puts the claims of its default client scopes (profile, email, roles, groups) in
    // every ID token, requested or not; oidc-provider has no default scopes, so they ride on
    // `openid` itself.
    claims: {
      openid: ['sub', 'preferred_username', 'email', 'email_verified', 'groups', 'realm_access'],
      profile: ['preferred_username', 'name', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
      roles: ['realm_access'],
    },
    // The user claims go into the ID token although an access token is issued too (Keycloak
    // does so; oidc-provider's default would keep them for the userinfo endpoint).
    conformIdTokenClaims: false,
    ttl: {
      AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL || 300,
      ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL || 300,
      DeviceCode: deviceCodeTtl,
      IdToken: idTokenTtl,
      RefreshToken: 30 * 24 * 3600,  // an offline token
      Interaction: 600,
      Session: 10 * 3600,
      Grant: 30 * 24 * 3600,
    },
    interactions: {
      // Below the realm, like the rest: the interaction cookie's path is this URL's.
      url: (ctx, interaction) => `${prefix}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      deviceFlow: {
        enabled: true,
        userCodeInputSource: (ctx, form, out, err) => {
          const message = err ? `<p id="error">${escapeHtml(err.name || 'error')}: `
            + `${escapeHtml(err.message || (out && out.error_description) || '')}</p>`
            : '<p>Enter the code displayed on your device</p>';
          ctx.body = page('Sign in to your device', `${message}${form}`
            + '<button type="submit" form="op.deviceInputForm">Continue</button>');
        },
        userCodeConfirmSource: (ctx, form, client, deviceInfo, userCode) => {
          const who = escapeHtml(client.clientName || client.clientId);
          ctx.body = page('Confirm device', `<p>${who} wants to sign in. Code: `
            + `<code id="user-code">${escapeHtml(userCode)}</code></p>${form}`
            + '<button type="submit" form="op.deviceConfirmForm">Continue</button>'
            + '<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort'
            + '</button>');
        },
        successSource: (ctx) => {
          ctx.body = page('Sign-in Success', '<p id="success">You can close this page.</p>');
        },
      },
      resourceIndicators: {
        enabled: true,
        // The confidential clients get JWT access tokens for the kubernetes API by default;
        // kubectl's sign-in is about its ID token and gets an opaque access token.
        defaultResource: (ctx, client) => (
          client && client.clientId === DEVICE_CLIENT ? undefined : 'urn:gatehouse:aud:kubernetes'),
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
  const built = new Provider(issuer, configuration);
  built.on('server_error', (ctx, err) => console.error('server_error', err));
  // RFC 8628 §3.2: the answer may say how often to poll (Keycloak's realm setting "OAuth 2.0
  // Device Polling Interval"); oidc-provider leaves it to the RFC's default of 5 s.
  built.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'device_authorization' && ctx.status === 200 && ctx.body) {
      ctx.body.interval = devicePollInterval;
    }
  });
  return built;
}

function cookieValue(req, name) {
  for (const part of (req.headers.cookie || '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

// The login and consent steps of a browser that is already signed in to the realm: finished at
// once for the account of the browser's session, with a Grant of what the client asked for.
async function finishInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const username = cookieValue(req, LOGIN_COOKIE);
  const account = username && Object.hasOwn(ACCOUNTS, username) ? ACCOUNTS[username] : undefined;
  let result;
  if (!account) {
    result = { error: 'access_denied', error_description: 'no user is signed in to the realm' };
  } else if (!account.enabled) {
    result = { error: 'access_denied', error_description: 'the account is disabled' };
  } else {
    const { params, grantId } = details;
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    const grant = existing && existing.accountId === account.sub ? existing
      : new provider.Grant({ accountId: account.sub, clientId: params.client_id });
    if (params.scope) grant.addOIDCScope(params.scope);
    result = { login: { accountId: account.sub }, consent: { grantId: await grant.save() } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

let keys = loadKeys();
let provider = null;
let handler = null;
let issuer = '';

function useProvider(built) {
  provider = built;
  handler = built.callback();
}

const server = http.createServer((req, res) => {
  if (req.url === '/test/health') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.url === '/test/rotate' && req.method === 'POST') {
    keys = [newKey(), ...keys];  // the first RS256 key signs; old ones stay published
    saveKeys(keys);
    useProvider(buildProvider(issuer, keys));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kid: keys[0].kid }));
    return;
  }
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/test/login' && req.method === 'GET') {
    const account = url.searchParams.get('account') || '';
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'set-cookie': `${LOGIN_COOKIE}=${encodeURIComponent(account)}; Path=/; HttpOnly`,
    });
    res.end(page('Signed in', `<p>${escapeHtml(account)}</p>`));
    return;
  }
  if (url.pathname.startsWith(`${prefix}/interaction/`) && req.method === 'GET') {
    finishInteraction(req, res).catch((err) => {
      // A stale or foreign interaction cookie: the provider's own error names it.
      if (res.headersSent) return;
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Sign-in failed', `<p id="error">${escapeHtml(err.name)}: `
        + `${escapeHtml(err.error_description || err.message)}</p>`));
    });
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
  useProvider(buildProvider(issuer, keys));
  if (readyFile) fs.writeFileSync(readyFile, String(actual));
  console.log(`listening on ${actual}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
