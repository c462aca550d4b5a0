import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { type UserDirectory, UserExistsError } from '../../domain/access';

/**
 * Members' sign-in accounts in a Cognito user pool. An invitation is
 * AdminCreateUser with the agency and role as custom attributes: Cognito
 * e-mails a temporary password and the managed login asks for a new one at
 * first sign-in. Removal signs the user out everywhere and deletes them.
 */
export function cognitoDirectory(client: CognitoIdentityProviderClient, userPoolId: string): UserDirectory {
  /** The pool uses e-mail as the username alias; the `sub` is what tokens carry. */
  async function usernameOf(sub: string): Promise<string | undefined> {
    const out = await client.send(
      new ListUsersCommand({ UserPoolId: userPoolId, Filter: `sub = "${sub.replace(/"/g, '')}"`, Limit: 1 }),
    );
    return out.Users?.[0]?.Username;
  }
  return {
    async invite({ email, agencyId, role }) {
      try {
        const out = await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            DesiredDeliveryMediums: ['EMAIL'],
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'custom:agency', Value: agencyId },
              { Name: 'custom:role', Value: role },
            ],
          }),
        );
        const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
        if (!sub) throw new Error('Cognito created a user without a sub');
        return { userId: sub };
      } catch (err) {
        if (err instanceof UsernameExistsException) throw new UserExistsError({ cause: err });
        throw err;
      }
    },
    async remove(userId) {
      const username = await usernameOf(userId);
      if (!username) return;
      try {
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }));
        await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
      } catch (err) {
        if (!(err instanceof UserNotFoundException)) throw err;
      }
    },
  };
}
