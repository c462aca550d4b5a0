import { ConfigError } from './errors';
import * as z from './zod';

/**
 * Parses `process.env` (or a given record) with a zod schema once, at cold
 * start. A missing or malformed variable fails with a message naming it.
 * Takes any zod 4 schema (`zod/mini` or classic).
 */
export function parseEnv<S extends z.core.$ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    throw new ConfigError(`invalid environment:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Table names, shared by every handler. */
export const TablesEnv = z.object({
  TRANSACTIONS_TABLE: z.string().check(z.minLength(1)),
  CONTROL_TABLE: z.string().check(z.minLength(1)),
  TOTALS_TABLE: z.string().check(z.minLength(1)),
});
