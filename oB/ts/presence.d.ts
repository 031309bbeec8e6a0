import type { Redis } from "ioredis";
import type { ManifestContract } from "./_manifest.js";
/** The sorted set of live instances: instance id -> expiry (Unix ms). */
export declare const SERVICES_KEY: string;
/** Seconds a stored schema outlives the last service running it. */
export declare const SCHEMA_TTL: number;
/** The key of an instance's record. */
export declare function serviceKey(instance: string): string;
/** The key of the schema files behind a contract fingerprint. */
export declare function schemaKey(fingerprint: string): string;
type FileEntry = ManifestContract & {
    readonly file: string;
};
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
/**
 * Announces this service in Redis: a record refreshed every `intervalMs` and gone
 * `ttlSeconds` after the last heartbeat. `start()` announces at once (a Redis that
 * cannot be reached fails the start); a later failed heartbeat is reported to
 * `onError` and retried at the next interval, never stopping the service.
 */
export declare class Presence {
    #private;
    readonly service: string;
    readonly instance: string;
    constructor(redis: Redis, options: PresenceOptions);
    /** Report this consumer's drift counts (its `drift` map) in the record. */
    watch(consumer: Drifting): this;
    /** The record as stored in Redis. */
    record(): PresenceRecord;
    /** The schema files behind a contract's fingerprint, as stored in Redis. */
    bundle(entry: FileEntry): Promise<string>;
    /** One heartbeat: the record, its expiry, and any schema Redis lacks. */
    beat(): Promise<void>;
    /** Announce now, then every `intervalMs`; the timer never keeps Node alive. */
    start(): Promise<this>;
    /** Stop the heartbeat and withdraw the record. */
    stop(): Promise<void>;
}
export {};
