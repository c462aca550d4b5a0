/**
 * The API's edge contract, shared by the CDK constructs, the API handler and the local server.
 */

/** Header CloudFront adds to every `/api/*` origin request; its value is the origin secret. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
