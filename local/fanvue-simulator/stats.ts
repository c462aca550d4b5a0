/** Kinds of request the simulator counts. */
export type RouteKind = 'token' | 'creators' | 'creatorEarnings' | 'ownEarnings' | 'unknown';

/** Request counts since start or the last reset. */
export interface SimulatorStats {
  total: number;
  byRoute: Record<RouteKind, number>;
  /** Requests per creator, for `/creators/{uuid}/*` and the owner of `/insights/*`. */
  byCreator: Record<string, number>;
  byStatus: Record<string, number>;
}

function empty(): SimulatorStats {
  return {
    total: 0,
    byRoute: { token: 0, creators: 0, creatorEarnings: 0, ownEarnings: 0, unknown: 0 },
    byCreator: {},
    byStatus: {},
  };
}

/** Counts every request by route kind, creator and response status. */
export class StatsRecorder {
  private stats = empty();

  /** Records one answered request. */
  record(kind: RouteKind, status: number, creatorUuid?: string): void {
    this.stats.total++;
    this.stats.byRoute[kind]++;
    if (creatorUuid) this.stats.byCreator[creatorUuid] = (this.stats.byCreator[creatorUuid] ?? 0) + 1;
    this.stats.byStatus[String(status)] = (this.stats.byStatus[String(status)] ?? 0) + 1;
  }

  /** A copy of the counts. */
  snapshot(): SimulatorStats {
    return structuredClone(this.stats);
  }

  /** Starts counting from zero. */
  reset(): void {
    this.stats = empty();
  }
}
