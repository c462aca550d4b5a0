/**
 * The dashboard's own paths that others redirect to. Apart from the site
 * configuration's schema so that the app's first chunk can know them without it.
 */

/** The app's path that receives the authorization response (registered as the client's redirect URI). */
export const SIGN_IN_CALLBACK_PATH = '/auth/callback';

/** The app's page Fanvue redirects to after the agency approves a connection (a redirect URI of the Fanvue app). */
export const FANVUE_CALLBACK_PATH = '/connect/fanvue/callback';
