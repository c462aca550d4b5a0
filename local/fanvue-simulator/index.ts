/** The Fanvue simulator: a local HTTP server speaking the Fanvue contract, with fault knobs. */

export type { ConnectionSpec } from './auth';
export type { MalformKind, StormSpec } from './faults';
export type { EarningsOrder, FanvueSimulatorOptions } from './options';
export { createFanvueSimulator, type FanvueSimulator, type LiveSpec } from './simulator';
export type { RouteKind, SimulatorStats } from './stats';
export { signWebhook, type WebhookTarget } from './webhooks';
