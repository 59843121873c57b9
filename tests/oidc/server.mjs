// A real OpenID Connect provider for tests/test_oidc.py (node-oidc-provider): authorization-code flow with PKCE,
// RS256 ID tokens, userinfo, end-session. Only for the tests; never in production.
//
// Environment: PORT, ISSUER (http://127.0.0.1:PORT), REDIRECT_URI and POST_LOGOUT_REDIRECT_URI of the one client
// (comma-separated: one app behind two ports, as in a hand run of two gunicorn servers),
// CLIENT_ID, CLIENT_SECRET, and USERS: a JSON file {"username": {"name": ..., "email": ..., "groups": [...]}} read
// at every login, so a test can change a user's groups between two logins.
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER;
const users = () => JSON.parse(readFileSync(process.env.USERS, "utf8"));

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: process.env.REDIRECT_URI.split(","),
      post_logout_redirect_uris: process.env.POST_LOGOUT_REDIRECT_URI.split(","),
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    profile: ["name", "given_name", "family_name", "preferred_username"],
    email: ["email"],
    groups: ["groups"],
  },
  // The groups go in the ID token, as Entra ID sends them.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, sub) {
    const user = users()[sub];
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          preferred_username: sub,
          name: user.name,
          given_name: user.given_name,
          family_name: user.family_name,
          email: user.email,
          groups: user.groups,
        };
      },
    };
  },
  // Every login grants what was asked: the dev consent screen is for people.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile groups");
    grant.addOIDCClaims(["groups"]);
    await grant.save();
    return grant;
  },
});
provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider på ${issuer}`));
