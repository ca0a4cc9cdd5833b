// oidc-provider on 127.0.0.1 for integration tests. Env: PORT, AT_TTL (s), CLOCK_TOLERANCE (s),
// REDIRECT_URI. Prints "ready <port>" once listening.
import Provider from 'oidc-provider';

const PORT = Number(process.env.PORT || 3000);
const ISSUER = `http://127.0.0.1:${PORT}`;
const provider = new Provider(ISSUER, {
  clients: [{
    client_id: 'deluge-runtime', client_secret: 'test-secret',
    redirect_uris: [process.env.REDIRECT_URI || 'http://127.0.0.1:8765/callback'],
    response_types: ['code'], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  features: {
    devInteractions: { enabled: true }, revocation: { enabled: true },
    introspection: { enabled: true }, clientCredentials: { enabled: true },
  },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  ttl: {
    AccessToken: Number(process.env.AT_TTL || 30), ClientCredentials: Number(process.env.AT_TTL || 30),
    AuthorizationCode: 60, RefreshToken: 86400, Grant: 86400, Interaction: 600, Session: 86400,
  },
  rotateRefreshToken: true,
  clockTolerance: Number(process.env.CLOCK_TOLERANCE ?? 0),
  pkce: { required: () => false },
  cookies: { keys: ['cloudburst-test-cookie-key'] },
  findAccount: async (ctx, sub) => ({ accountId: sub, async claims() { return { sub }; } }),
});
provider.listen(PORT, '127.0.0.1', () => console.log(`ready ${PORT}`));
