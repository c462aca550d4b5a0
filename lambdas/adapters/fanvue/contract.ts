import * as z from '../../shared/zod';
import { FanvueContractError } from './errors';

/** Formats a zod issue path the way a reader writes it: `data[3].gross`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Parses a raw response body with `schema`. A non-JSON body or one that does
 * not match throws {@link FanvueContractError} whose message names the failing
 * field paths (`earnings page: data[3].gross: expected integer cents`), never
 * the values (a body may carry personal data).
 */
export function parseContract<S extends z.core.$ZodType>(schema: S, body: string, what: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new FanvueContractError(`${what}: response body is not JSON`, { cause: err });
  }
  const result = z.safeParse(schema, json);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const shown = issues.slice(0, 3).map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
  const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
  throw new FanvueContractError(`${what}: ${shown.join('; ')}${more}`);
}

/**
 * A short, safe rendering of an `{ "error": ... }` body for error messages:
 * only a plain short code-like string survives; anything else is dropped.
 */
export function safeErrorCode(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      const e = (parsed as { error: unknown }).error;
      if (typeof e === 'string' && /^[\w .:,'-]{1,80}$/.test(e)) return e;
    }
  } catch {
    // Not JSON: nothing safe to show.
  }
  return undefined;
}
