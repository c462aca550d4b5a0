import * as z from 'zod/mini';

/**
 * The dashboard's runtime configuration, served as `/config.json` next to the
 * app (a file in the site bucket in AWS, written at deploy from the user pool;
 * the local server locally). Nothing secret: a public app client has no secret.
 * Only the browser parses it, and says in its own words when it does not fit,
 * so it needs none of zod's message locales (`zod/mini`, not `../shared/zod`).
 */
export const SiteConfigSchema = z.object({
  auth: z.object({
    /** The tokens' `iss`. */
    issuer: z.string().check(z.url()),
    /** The public app client (PKCE, no secret). */
    clientId: z.string().check(z.minLength(1)),
    authorizationEndpoint: z.string().check(z.url()),
    tokenEndpoint: z.string().check(z.url()),
    /** Where "Sign out" goes; `style` says which parameters it takes (OpenID Connect's, or Cognito's `/logout`). */
    logout: z.object({ endpoint: z.string().check(z.url()), style: z.enum(['oidc', 'cognito']) }),
    /** @default 'openid email profile' */
    scope: z._default(z.string(), 'openid email profile'),
  }),
});
export type SiteConfig = z.infer<typeof SiteConfigSchema>;

export { FANVUE_CALLBACK_PATH, SIGN_IN_CALLBACK_PATH } from './site-paths';
