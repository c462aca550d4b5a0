import { describe, expect, it } from 'vitest';
import { type ChunkingContext, isInitial } from '../../frontend/chunking';

/** A module graph as the bundler describes it: static importers only (dynamic `import()` is no edge here). */
function graph(edges: Record<string, string[]>, entries: string[]): ChunkingContext {
  return {
    getModuleInfo: (id) =>
      id in edges || entries.includes(id) ? { isEntry: entries.includes(id), importers: edges[id] ?? [] } : null,
  };
}

describe('which modules the first paint needs (the entry chunk)', () => {
  // main -> App -> Dashboard -> api; App lazily loads ModelPage, which imports api and SyncHistory.
  const ctx = graph(
    {
      App: ['main'],
      Dashboard: ['App'],
      api: ['Dashboard', 'ModelPage'],
      ModelPage: [],
      SyncHistory: ['ModelPage'],
      // A cycle that hangs off the entry, and one that hangs off a lazy page only.
      cycleA: ['cycleB', 'Dashboard'],
      cycleB: ['cycleA'],
      lazyA: ['lazyB', 'ModelPage'],
      lazyB: ['lazyA'],
    },
    ['main'],
  );

  it('counts the entry and whatever it reaches by static imports, also through cycles', () => {
    for (const id of ['main', 'App', 'Dashboard', 'api', 'cycleA', 'cycleB']) expect(isInitial(id, ctx), id).toBe(true);
  });

  it('leaves to a lazy page what only it reaches, however the graph loops', () => {
    for (const id of ['ModelPage', 'SyncHistory', 'lazyA', 'lazyB']) expect(isInitial(id, ctx), id).toBe(false);
    expect(isInitial('unknown-module', ctx)).toBe(false);
  });

  it('gives the same answers when asked in another order (the cache holds exact answers only)', () => {
    const fresh = graph({ b: ['a'], a: ['b', 'root'], c: ['b'] }, ['root']);
    expect(isInitial('c', fresh)).toBe(true);
    expect(isInitial('a', fresh)).toBe(true);
    const lazy = graph({ b: ['a'], a: ['b'], c: ['b'] }, ['root']);
    expect(isInitial('a', lazy)).toBe(false);
    expect(isInitial('c', lazy)).toBe(false);
  });
});
