import { HeartbeatError } from '../shared/errors';
import type { Creator } from './earnings';

/** A model is registered to another agency and the caller did not ask to move it. */
export class ModelOwnedByAnotherAgencyError extends HeartbeatError {
  readonly modelId: string;
  readonly ownerAgencyId: string;
  constructor(modelId: string, ownerAgencyId: string) {
    super('model_owned_by_another_agency', `model ${modelId} belongs to agency ${ownerAgencyId}`);
    this.modelId = modelId;
    this.ownerAgencyId = ownerAgencyId;
  }
}

/** Options of {@link ModelRegistry.register}. */
export interface RegisterOptions {
  /** Re-assign a model that belongs to another agency (otherwise that is refused). @default false */
  move?: boolean;
}

/** What registering a model needs (the control table's `register`). */
export interface ModelRegistry {
  /**
   * Creates or updates a model of `agencyId`; `movedFrom` names the agency it belonged to before.
   * @throws ModelOwnedByAnotherAgencyError when it belongs to another agency and `move` is not set.
   */
  register(
    model: {
      modelId: string;
      agencyId: string;
      displayName: string;
      creatorUuid: string;
      connectionId: string;
    },
    options?: RegisterOptions,
  ): Promise<{ movedFrom?: string }>;
}

export interface ConnectResult {
  agencyId: string;
  connectionId: string;
  models: { modelId: string; displayName: string; movedFrom?: string }[];
  /** Creators already registered to another agency, left where they are (pass `move` to take them over). */
  refused: { modelId: string; displayName: string; ownerAgencyId: string }[];
}

/**
 * Registers every creator an agency connection manages (`GET /creators`) as a
 * model of that agency, reading them through that connection. Idempotent:
 * running it again updates names and adds new creators; cursors and statuses
 * are kept. The model id is the creator's uuid (stable; handles can change).
 * A creator that is already another agency's model is refused, unless `move`.
 */
export async function connectAgency(
  creators: AsyncIterable<Creator>,
  registry: ModelRegistry,
  target: { agencyId: string; connectionId: string },
  options: RegisterOptions = {},
): Promise<ConnectResult> {
  const models: ConnectResult['models'] = [];
  const refused: ConnectResult['refused'] = [];
  for await (const creator of creators) {
    const model = {
      modelId: creator.uuid,
      agencyId: target.agencyId,
      displayName: creator.displayName,
      creatorUuid: creator.uuid,
      connectionId: target.connectionId,
    };
    try {
      const { movedFrom } = await registry.register(model, options);
      models.push({ modelId: model.modelId, displayName: model.displayName, ...(movedFrom && { movedFrom }) });
    } catch (err) {
      if (!(err instanceof ModelOwnedByAnotherAgencyError)) throw err;
      refused.push({ modelId: model.modelId, displayName: model.displayName, ownerAgencyId: err.ownerAgencyId });
    }
  }
  return { ...target, models, refused };
}
