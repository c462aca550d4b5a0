import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { SIGN_IN_CALLBACK_PATH, type SiteConfig } from '../../lambdas/domain/site-config';

/** Name of the dashboard's app client (the export function finds the client's id by it). */
export const DASHBOARD_CLIENT_NAME = 'dashboard';

/** Options of {@link DashboardAuth}. */
export interface DashboardAuthProps {
  /** The dashboard's origin (`https://<distribution domain>`): the app client redirects only there. */
  readonly siteUrl: string;
  /**
   * Prefix of the managed login domain (`<prefix>.auth.<region>.amazoncognito.com`), unique per region.
   * @default 'heartbeat-<account id>'
   */
  readonly domainPrefix?: string;
}

/**
 * Sign-in for agency staff: a Cognito user pool (no self sign-up: owners
 * invite members; MFA with an authenticator app; Plus plan threat protection),
 * its managed login, and the dashboard's public app client (authorization code
 * flow, PKCE, no secret). Agency and role are custom attributes that land in
 * the ID token as `custom:agency` / `custom:role`; users cannot write them.
 */
export class DashboardAuth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  /** `iss` of the pool's tokens (the JWT authorizer's and the API's issuer). */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: DashboardAuthProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: 'revenue-heartbeat-staff',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        agency: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        role: new cognito.StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.domain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `heartbeat-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.client = this.userPool.addClient('Dashboard', {
      userPoolClientName: DASHBOARD_CLIENT_NAME,
      // A browser app cannot keep a secret: public client, authorization code + PKCE.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.siteUrl}${SIGN_IN_CALLBACK_PATH}`],
        logoutUrls: [`${props.siteUrl}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes('agency', 'role'),
      // Members may not change their own agency or role (only the API, as an owner's action, does).
      writeAttributes: new cognito.ClientAttributes(),
    });
    new cognito.CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.issuer = this.userPool.userPoolProviderUrl;
  }

  /** What the dashboard needs to sign in (`/config.json`); nothing in it is secret. */
  siteConfig(): SiteConfig {
    const base = this.domain.baseUrl();
    return {
      auth: {
        issuer: this.issuer,
        clientId: this.client.userPoolClientId,
        authorizationEndpoint: `${base}/oauth2/authorize`,
        tokenEndpoint: `${base}/oauth2/token`,
        logout: { endpoint: `${base}/logout`, style: 'cognito' },
        scope: 'openid email profile',
      },
    };
  }
}
