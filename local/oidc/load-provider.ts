import { stripVTControlCharacters } from 'node:util';
import type { Provider } from 'oidc-provider';

/** The one line oidc-provider prints when it is imported on Node 20 (it asks for 22 LTS or later). */
export const UNSUPPORTED_RUNTIME_WARNING =
  'oidc-provider WARNING: Unsupported runtime. Use Node.js v22.x LTS, or a later LTS release.';

/** True only for `console.warn`'s arguments when they are that line (coloured when stderr is a terminal). */
export function isUnsupportedRuntimeWarning(args: readonly unknown[]): boolean {
  return (
    args.length === 1 &&
    typeof args[0] === 'string' &&
    stripVTControlCharacters(args[0]) === UNSUPPORTED_RUNTIME_WARNING
  );
}

let loading: Promise<typeof Provider> | undefined;

/**
 * Imports oidc-provider without its "Unsupported runtime" line, the way `quietSdkNodeNotice`
 * quiets the AWS SDK's Node notice: it is about the developer's Node 20, not the product (the
 * local issuer only stands in for Cognito), and has no switch of its own. Only that exact line,
 * printed while the module loads, is left out; every other warning passes through.
 */
export function loadOidcProvider(): Promise<typeof Provider> {
  // Once per process: a second wrapper taken while the first is in place could outlive it.
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!isUnsupportedRuntimeWarning(args)) warn.apply(console, args);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
