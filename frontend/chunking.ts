/** What the bundler's chunking hooks can ask about a module (a subset of Rolldown's `ChunkingContext`). */
export interface ChunkingContext {
  getModuleInfo(id: string): { isEntry: boolean; importers: readonly string[] } | null;
}

const answers = new WeakMap<ChunkingContext, Map<string, boolean>>();

/**
 * True when a chain of static imports leads from an entry to `id`, so the first paint needs it.
 * A module that only pages loaded on demand reach (React.lazy, `import()`) is not initial: it stays
 * in those pages' chunks. Walks `id`'s static importers breadth-first (cycles are fine), caching
 * each answer for the chunking pass that `ctx` belongs to.
 */
export function isInitial(id: string, ctx: ChunkingContext): boolean {
  const cache = answers.get(ctx) ?? new Map<string, boolean>();
  answers.set(ctx, cache);
  const known = cache.get(id);
  if (known !== undefined) return known;
  const seen = new Set([id]);
  const queue = [id];
  let initial = false;
  for (let i = 0; i < queue.length && !initial; i++) {
    const at = queue[i] ?? '';
    const info = ctx.getModuleInfo(at);
    initial = cache.get(at) === true || info?.isEntry === true;
    for (const by of info?.importers ?? []) {
      if (!seen.has(by)) {
        seen.add(by);
        queue.push(by);
      }
    }
  }
  cache.set(id, initial);
  return initial;
}
