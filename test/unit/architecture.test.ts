import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies point one way: handlers -> domain <- adapters. The domain imports
 * nothing from adapters/ or handlers/, and no AWS package (directly, or through a
 * shared/ module it imports).
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

describe('the domain depends on nothing outside it', () => {
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

  it('every handler factory is named make<Name>Handler', () => {
    const factories = files
      .filter((f) => relative(ROOT, f.file).startsWith('handlers/'))
      .flatMap((f) => [...f.source.matchAll(/export (?:async )?function (make\w*)\s*\(/g)].map((m) => m[1]));
    expect(factories.length).toBeGreaterThanOrEqual(5);
    expect(factories.filter((name) => !/^make[A-Z]\w*Handler$/.test(name ?? ''))).toEqual([]);
  });
});
