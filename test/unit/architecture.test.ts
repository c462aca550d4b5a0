import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point one way: handlers -> domain <- adapters. The domain imports
 * nothing from adapters/ or handlers/, and no AWS package (directly, or through a
 * shared/ module it imports).
 *
 * Handlers speak in the domain's port types. A module under lambdas/handlers/
 * takes no type from lambdas/adapters/: no `import type` or `export type` from
 * it, no `type` specifier in an import from it, no type-level `import()` of it,
 * no name that the adapter module exports only as an interface or a type alias, no
 * namespace import of it (`* as x` would hide which names are types), and no
 * type derived from an adapter value (`typeof x` of a name imported from it).
 * Handlers may import adapter values (factories, functions, classes they
 * construct, errors they test with `instanceof`): that is how the composition
 * roots (`*-deps.ts`, `aws-deps.ts`, each default `handler`) wire the real parts.
 */
const ROOT = resolve(import.meta.dirname, '../../lambdas');
const AWS_PACKAGE = /^(@aws-sdk\/|@aws-lambda-powertools\/|aws-lambda$|aws-cdk-lib|@smithy\/|@middy\/)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file names: static imports and re-exports, `import type`, dynamic and type-level `import()`. */
function specifiersOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g];
  patterns.push(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g);
  for (const re of patterns) for (const m of source.matchAll(re)) if (m[1]) out.push(m[1]);
  return out;
}

/** A relative specifier as a path under lambdas/ (`domain/sync`), or the package name for a bare one. */
function target(file: string, spec: string): { kind: 'local'; path: string } | { kind: 'package'; name: string } {
  if (!spec.startsWith('.')) return { kind: 'package', name: spec };
  const abs = resolve(dirname(file), spec);
  return {
    kind: 'local',
    path: relative(ROOT, abs)
      .replace(/\\/g, '/')
      .replace(/\.(js|ts|tsx)$/, ''),
  };
}

function fileOf(path: string): string | undefined {
  for (const candidate of [`${path}.ts`, `${path}.tsx`, `${path}/index.ts`]) {
    try {
      readFileSync(join(ROOT, candidate));
      return join(ROOT, candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** Violations of the domain's dependency rule across the files given. */
function domainViolations(files: { file: string; source: string }[]): string[] {
  const bySource = new Map(files.map((f) => [f.file, f.source]));
  const read = (file: string) => bySource.get(file) ?? readFileSync(file, 'utf8');
  const violations: string[] = [];
  for (const { file, source } of files) {
    const from = relative(ROOT, file).replace(/\\/g, '/');
    if (!from.startsWith('domain/')) continue;
    // Follow shared/ modules the domain imports: an AWS package reached through them counts too.
    const queue: { file: string; source: string; via: string[] }[] = [{ file, source, via: [] }];
    const visited = new Set<string>();
    while (queue.length > 0) {
      const cur = queue.shift();
      if (!cur || visited.has(cur.file)) continue;
      visited.add(cur.file);
      for (const spec of specifiersOf(cur.source)) {
        const t = target(cur.file, spec);
        const chain = [from, ...cur.via].join(' -> ');
        if (t.kind === 'package') {
          if (AWS_PACKAGE.test(t.name)) violations.push(`${chain} imports ${t.name}`);
          continue;
        }
        if (t.path.startsWith('adapters/') || t.path.startsWith('handlers/'))
          violations.push(`${chain} imports ${t.path}`);
        else if (t.path.startsWith('shared/')) {
          const next = fileOf(t.path);
          if (next) queue.push({ file: next, source: read(next), via: [...cur.via, t.path] });
        } else if (!t.path.startsWith('domain/')) violations.push(`${chain} imports ${t.path} (outside lambdas/)`);
      }
    }
  }
  return violations;
}

/** One import or re-export statement: where from, whether the whole clause is type-only, and its names. */
interface ImportClause {
  spec: string;
  typeOnly: boolean;
  names: { name: string; local: string; typeOnly: boolean }[];
  namespace?: string;
}

/** Import and re-export statements of a source, with their names (default, named, namespace). */
function importClausesOf(source: string): ImportClause[] {
  const out: ImportClause[] = [];
  const statement = /\b(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(statement)) {
    const clause = m[3] ?? '';
    const spec = m[4] ?? '';
    const entry: ImportClause = { spec, typeOnly: Boolean(m[2]), names: [] };
    const ns = /\*\s+as\s+(\w+)/.exec(clause);
    if (ns?.[1]) entry.namespace = ns[1];
    const braces = /\{([^}]*)\}/.exec(clause);
    for (const part of braces?.[1]?.split(',') ?? []) {
      const p = /^\s*(type\s+)?(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (p?.[2]) entry.names.push({ name: p[2], local: p[3] ?? p[2], typeOnly: Boolean(p[1]) });
    }
    const def = m[1] === 'import' ? /^\s*(\w+)\s*(?:,|$)/.exec(clause.replace(/^type\s+/, '')) : null;
    if (def?.[1]) entry.names.push({ name: 'default', local: def[1], typeOnly: false });
    out.push(entry);
  }
  return out;
}

/**
 * Names a module exports as types only: `export interface X`, `export type X =`, `export type { X }`,
 * `export { type X }`, less the names it also exports as values (a zod schema and its inferred type).
 */
function exportedTypeNames(source: string): Set<string> {
  const values = new Set(
    [
      ...source.matchAll(
        /\bexport\s+(?:declare\s+)?(?:const|let|var|function\*?|async\s+function\*?|class|abstract\s+class|enum)\s+(\w+)/g,
      ),
    ].map((m) => m[1]),
  );
  const names = new Set<string>();
  for (const m of source.matchAll(/\bexport\s+(?:declare\s+)?(?:interface|type)\s+(\w+)/g)) if (m[1]) names.add(m[1]);
  for (const c of importClausesOf(source).filter((c) => c.spec && c.names.length > 0))
    for (const n of c.names) if (c.typeOnly || n.typeOnly) names.add(n.local);
  for (const m of source.matchAll(/\bexport\s+(type\s+)?\{([^}]*)\}\s*;/g))
    for (const part of m[2]?.split(',') ?? []) {
      const p = /^\s*(type\s+)?(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (p?.[2] && (m[1] || p[1])) names.add(p[3] ?? p[2]);
    }
  return new Set([...names].filter((n) => !values.has(n)));
}

/** Violations of the handlers' rule (no type from adapters/) across the files given. */
function handlerTypeViolations(files: { file: string; source: string }[]): string[] {
  const bySource = new Map(files.map((f) => [f.file, f.source]));
  const violations: string[] = [];
  for (const { file, source } of files) {
    const from = relative(ROOT, file).replace(/\\/g, '/');
    if (!from.startsWith('handlers/')) continue;
    const fromAdapters = (spec: string) => {
      const t = target(file, spec);
      return t.kind === 'local' && t.path.startsWith('adapters/') ? t.path : undefined;
    };
    for (const m of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)\s*\./g)) {
      const path = m[1] && fromAdapters(m[1]);
      if (path) violations.push(`${from} takes a type-level import() of ${path}`);
    }
    for (const clause of importClausesOf(source)) {
      const path = fromAdapters(clause.spec);
      if (!path) continue;
      if (clause.namespace) violations.push(`${from} imports ${path} as a namespace (${clause.namespace})`);
      const given = [...bySource.keys()].find((f) => f === join(ROOT, `${path}.ts`));
      const adapterFile = given ?? fileOf(path);
      const adapterSource = adapterFile ? (bySource.get(adapterFile) ?? readFileSync(adapterFile, 'utf8')) : '';
      const typeNames = exportedTypeNames(adapterSource);
      for (const n of clause.names) {
        if (clause.typeOnly || n.typeOnly || typeNames.has(n.name))
          violations.push(`${from} takes the type ${n.name} from ${path}`);
        else if (new RegExp(`\\btypeof\\s+${n.local}\\b`).test(source))
          violations.push(`${from} derives a type from ${path}'s ${n.name} (typeof)`);
      }
    }
  }
  return violations;
}

describe('dependencies point one way: handlers -> domain <- adapters', () => {
  const files = sourceFiles(ROOT).map((file) => ({ file, source: readFileSync(file, 'utf8') }));

  it('reads every import form (static, type-only, re-export, dynamic, type-level import())', () => {
    const specs = specifiersOf(
      [
        "import { a } from './a';",
        "import type { B } from '../adapters/b';",
        "export { c } from './c';",
        "export * from '../handlers/d';",
        "import './side-effect';",
        "const e = await import('./e');",
        "type F = import('../adapters/f').F;",
        "import {\n  g,\n  h,\n} from '@aws-sdk/client-dynamodb';",
      ].join('\n'),
    );
    expect(specs.sort()).toEqual(
      [
        './a',
        '../adapters/b',
        './c',
        '../handlers/d',
        './side-effect',
        './e',
        '../adapters/f',
        '@aws-sdk/client-dynamodb',
      ].sort(),
    );
  });

  it('flags a domain module that imports adapters/, handlers/ or an AWS package, also through shared/', () => {
    const fake = (path: string, source: string) => ({ file: join(ROOT, path), source });
    const found = domainViolations([
      fake('domain/x.ts', "import type { EarningRow } from '../adapters/fanvue/schema';"),
      fake('domain/y.ts', "import { makeSyncHandler } from '../handlers/sync-handler';"),
      fake('domain/z.ts', "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';"),
      fake('domain/w.ts', "import { logger } from '../shared/logger';"),
      fake('handlers/ok.ts', "import { dynamoModelStore } from '../adapters/dynamo/model-store';"),
    ]);
    expect(found).toEqual([
      'domain/x.ts imports adapters/fanvue/schema',
      'domain/y.ts imports handlers/sync-handler',
      'domain/z.ts imports @aws-sdk/client-dynamodb',
      'domain/w.ts -> shared/logger imports @aws-lambda-powertools/logger',
    ]);
  });

  it('no module under lambdas/domain imports adapters/, handlers/ or AWS', () => {
    expect(files.filter((f) => f.file.includes('/domain/')).length).toBeGreaterThan(10);
    expect(domainViolations(files)).toEqual([]);
  });

  it('flags a handler that takes a type from adapters/ in any form', () => {
    const fake = (path: string, source: string) => ({ file: join(ROOT, path), source });
    const found = handlerTypeViolations([
      fake('handlers/a.ts', "import type { TtlCache } from '../adapters/secret-cache';"),
      fake(
        'handlers/api/b.ts',
        "import { rotatingSecrets, type RotatingSecretsOptions } from '../../adapters/secret-cache';",
      ),
      // No `type` keyword, but the adapter exports the name as an interface.
      fake(
        'adapters/fake.ts',
        'export interface FakePort {}\nexport const Env = z.object({});\nexport type Env = z.infer<typeof Env>;',
      ),
      fake('handlers/c.ts', "import { Env, FakePort } from '../adapters/fake';"),
      fake('handlers/d.ts', "let x: import('../adapters/invoke').Whatever;"),
      fake(
        'handlers/e.ts',
        "import { jwtVerifier } from '../adapters/auth/jwt-verifier';\ntype V = ReturnType<typeof jwtVerifier>;",
      ),
      fake('handlers/f.ts', "import * as sink from '../adapters/dynamo/transaction-sink';"),
      fake('handlers/g.ts', "export type { CountMetrics } from '../adapters/metrics';"),
      // Allowed: adapter values, and types from the domain.
      fake(
        'handlers/ok.ts',
        "import { powertoolsMetrics } from '../adapters/metrics';\nimport type { CountMetrics } from '../domain/ports';",
      ),
      // The rule is about handlers: adapters and local tools may name adapter types.
      fake('adapters/ok.ts', "import type { TtlCache } from './secret-cache';"),
    ]);
    expect(found).toEqual([
      'handlers/a.ts takes the type TtlCache from adapters/secret-cache',
      'handlers/api/b.ts takes the type RotatingSecretsOptions from adapters/secret-cache',
      'handlers/c.ts takes the type FakePort from adapters/fake',
      'handlers/d.ts takes a type-level import() of adapters/invoke',
      "handlers/e.ts derives a type from adapters/auth/jwt-verifier's jwtVerifier (typeof)",
      'handlers/f.ts imports adapters/dynamo/transaction-sink as a namespace (sink)',
      'handlers/g.ts takes the type CountMetrics from adapters/metrics',
    ]);
  });

  it('no module under lambdas/handlers takes a type from adapters/ (port types come from the domain)', () => {
    const handlers = files.filter((f) => relative(ROOT, f.file).startsWith('handlers/'));
    expect(handlers.length).toBeGreaterThan(10);
    // The check does read real imports from adapters: it would have something to judge.
    expect(handlers.some((f) => importClausesOf(f.source).some((c) => c.spec.includes('/adapters/')))).toBe(true);
    expect(handlerTypeViolations(files)).toEqual([]);
  });

  it('every handler factory is named make<Name>Handler', () => {
    const factories = files
      .filter((f) => relative(ROOT, f.file).startsWith('handlers/'))
      .flatMap((f) => [...f.source.matchAll(/export (?:async )?function (make\w*)\s*\(/g)].map((m) => m[1]));
    expect(factories.length).toBeGreaterThanOrEqual(5);
    expect(factories.filter((name) => !/^make[A-Z]\w*Handler$/.test(name ?? ''))).toEqual([]);
  });
});
