// Live presence (copied verbatim by `contracts generate`); docs/wire.md.
import type { Redis } from "ioredis";

/** The sorted set of live instances: instance id -> expiry (Unix ms). */
export declare const SERVICES_KEY: string;
/** Seconds a stored schema outlives the last service running it. */
export declare const SCHEMA_TTL: number;
/** The key of an instance's record. */
export declare function serviceKey(instance: string): string;
/** The key of the schema files behind a contract fingerprint. */
export declare function schemaKey(fingerprint: string): string;

export interface PresenceOptions {
  /** The service name, e.g. `order-service`; shared by its instances. */
  service: string;
  /** Seconds the record outlives the last heartbeat (default 30). */
  ttlSeconds?: number;
  /** Milliseconds between heartbeats (default a third of the ttl). */
  intervalMs?: number;
  /** This instance's id (default `service/host/pid/random`). */
  instance?: string;
  /** Called when a heartbeat fails (default: console.warn); the next one retries. */
  onError?: (error: unknown) => void;
}

/** A drift count: messages of a type that arrived with another fingerprint. */
export interface DriftCount {
  type: string;
  version: number;
  fingerprint: string;
  count: number;
}

/** What a live instance stores in Redis (the Python side writes the same). */
export interface PresenceRecord {
  record: 1;
  service: string;
  instance: string;
  runtime: "node" | "python";
  package: string;
  generator: string;
  /** The fingerprint of the whole contract set. */
  fingerprint: string;
  /** Schema file -> contract fingerprint. */
  contracts: Record<string, string>;
  host: string;
  pid: number;
  started: string;
  heartbeat: string;
  ttl: number;
  drift: DriftCount[];
}

/** Something with a Consumer's `drift` map. */
export interface Drifting {
  readonly drift: ReadonlyMap<string, number>;
}

/** Announces this service and the fingerprints of its contracts in Redis. */
export declare class Presence {
  constructor(redis: Redis, options: PresenceOptions);
  readonly service: string;
  readonly instance: string;
  /** Report this consumer's drift counts in the record. */
  watch(consumer: Drifting): this;
  record(): PresenceRecord;
  /** One heartbeat: the record, its expiry, and any schema Redis lacks. */
  beat(): Promise<void>;
  /** Announce now, then every `intervalMs` (the timer does not keep Node alive). */
  start(): Promise<this>;
  /** Stop the heartbeat and withdraw the record. */
  stop(): Promise<void>;
}
