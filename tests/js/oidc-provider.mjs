// A real OpenID Connect provider (the certified npm `oidc-provider`) for the sign-in tests
// (crates/web/tests/api/oidc.rs). Never shipped.
//
//   node oidc-provider.mjs <redirect_uri>...
//
// Listens on a free port of 127.0.0.1 and prints `issuer=http://127.0.0.1:PORT` once ready.
// Clients: `motcua` (secret `motcua-secret`) and `motcua-staff` (secret `motcua-staff-secret`),
// both allowed every redirect URI given. ID tokens are RS256, signed with a key made at start, and
// live OIDC_ID_TOKEN_TTL seconds (default 120).
//
// The login needs no browser: `GET /interaction/:uid` signs in the account named by the
// authorization request's `login_hint` (or `?account=`) at once, and consent is implied for
// these first-party clients. Accounts: any id; `sub` is the id, `cccd` carries it too, `email` is
// the id when it contains `@` (else `<id>@example.vn`), verified unless the id starts with
// `unverified`.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const redirectUris = process.argv.slice(2);
if (redirectUris.length === 0) {
  console.error('usage: node oidc-provider.mjs <redirect_uri>...');
  process.exit(2);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

function account(id) {
  const email = id.includes('@') ? id : `${id}@example.vn`;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        cccd: id,
        name: `Người dùng ${id}`,
        preferred_username: id,
        email,
        email_verified: !id.startsWith('unverified'),
      };
    },
  };
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const client = (id, secret) => ({
    client_id: id,
    client_secret: secret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  const provider = new Provider(issuer, {
    clients: [client('motcua', 'motcua-secret'), client('motcua-staff', 'motcua-staff-secret')],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomUUID()] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'cccd'],
      email: ['email', 'email_verified'],
    },
    // The scope's claims go in the ID token itself, as the application reads them from there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: {
      IdToken: Number(process.env.OIDC_ID_TOKEN_TTL || 120),
      AccessToken: 300,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    findAccount: (ctx, id) => account(id),
    // First-party clients: consent to what they ask is implied.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope);
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx, next) => {
    const m = ctx.method === 'GET' && ctx.path.match(/^\/interaction\/([^/]+)$/);
    if (!m) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const id = ctx.query.account || details.params.login_hint;
    if (!id) {
      ctx.status = 400;
      ctx.body = 'login_hint or ?account= names the account to sign in';
      return undefined;
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: String(id) } });
    ctx.status = 303;
    ctx.redirect(to);
    return undefined;
  });
  server.on('request', provider.callback());
  console.log(`issuer=${issuer}`);
});
