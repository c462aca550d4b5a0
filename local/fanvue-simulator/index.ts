/** The Fanvue simulator: a local HTTP server speaking the Fanvue contract, with fault knobs. */
export { createFanvueSimulator, type FanvueSimulator, type LiveSpec } from './simulator';
export type { FanvueSimulatorOptions, EarningsOrder } from './options';
export type { ConnectionSpec } from './auth';
export type { MalformKind, StormSpec } from './faults';
export type { SimulatorStats, RouteKind } from './stats';
export { signWebhook, type WebhookTarget } from './webhooks';
