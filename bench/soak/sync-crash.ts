import type { SyncDeps } from '../../lambdas/domain/sync';

/** The injected death of a sync process (a Lambda killed between pages): not a HeartbeatError, nothing handles it. */
export class SyncCrash extends Error {
  constructor(modelId: string) {
    super(`sync of ${modelId} crashed between pages (injected)`);
    this.name = 'SyncCrash';
  }
}

/**
 * Sync dependencies that die after the `afterPuts`-th durably written page, before
 * anything about that page is recorded: from then on every DynamoDB effect of the run
 * throws, so the lease stays held, no checkpoint or finish is written, and the rows of
 * that page are stored without their cursor, exactly what a killed process leaves.
 */
export function crashingSyncDeps(deps: SyncDeps, modelId: string, afterPuts: number): SyncDeps {
  let puts = 0;
  let dead = false;
  const alive = () => {
    if (dead) throw new SyncCrash(modelId);
  };
  return {
    ...deps,
    transactions: {
      async put(rows) {
        alive();
        await deps.transactions.put(rows);
        puts += 1;
        if (puts >= afterPuts) {
          dead = true;
          throw new SyncCrash(modelId);
        }
      },
    },
    models: {
      ...deps.models,
      acquireLease: async (...args) => {
        alive();
        return deps.models.acquireLease(...args);
      },
      checkpoint: async (...args) => {
        alive();
        return deps.models.checkpoint(...args);
      },
      finish: async (...args) => {
        alive();
        return deps.models.finish(...args);
      },
    },
  };
}
