import type { Creator } from '../adapters/fanvue/schema';

/** What registering a model needs (the control table's `register`). */
export interface ModelRegistry {
  register(model: {
    modelId: string;
    agencyId: string;
    displayName: string;
    creatorUuid: string;
    connectionId: string;
  }): Promise<void>;
}

export interface ConnectResult {
  agencyId: string;
  connectionId: string;
  models: { modelId: string; displayName: string }[];
}

/**
 * Registers every creator an agency connection manages (`GET /creators`) as a
 * model of that agency, reading them through that connection. Idempotent:
 * running it again updates names and adds new creators; cursors and statuses
 * are kept. The model id is the creator's uuid (stable; handles can change).
 */
export async function connectAgency(
  creators: AsyncIterable<Creator>,
  registry: ModelRegistry,
  target: { agencyId: string; connectionId: string },
): Promise<ConnectResult> {
  const models: ConnectResult['models'] = [];
  for await (const creator of creators) {
    const model = {
      modelId: creator.uuid,
      agencyId: target.agencyId,
      displayName: creator.displayName,
      creatorUuid: creator.uuid,
      connectionId: target.connectionId,
    };
    await registry.register(model);
    models.push({ modelId: model.modelId, displayName: model.displayName });
  }
  return { ...target, models };
}
