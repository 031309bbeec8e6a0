// Live presence: a running service announces the contracts it was built from, so
// `contracts drift --redis URL` can list every live service and every contract two of
// them run in different versions. The keys and the record are those of the Python side
// (runtime.presence, docs/wire.md). Works with an ioredis 5 client; ioredis itself is
// never imported at run time.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { MANIFEST } from "./_manifest.js";
import { reachedFiles } from "./_reach.js";
const PREFIX = "contracts:{presence}";
/** The sorted set of live instances: instance id -> expiry (Unix ms). */
export const SERVICES_KEY = `${PREFIX}:services`;
/** Seconds a stored schema outlives the last service running it. */
export const SCHEMA_TTL = 7 * 24 * 3600;
const RECORD_VERSION = 1;
/** The key of an instance's record. */
export function serviceKey(instance) {
    return `${PREFIX}:service:${instance}`;
}
/** The key of the schema files behind a contract fingerprint. */
export function schemaKey(fingerprint) {
    return `${PREFIX}:schema:${fingerprint}`;
}
// By schema file: a $defs entry shares its file's fingerprint and files.
const FILES = [];
for (const c of MANIFEST.contracts) {
    const file = c.contract.split("#")[0];
    if (!FILES.some((f) => f.file === file))
        FILES.push({ ...c, file });
}
function now() {
    return new Date().toISOString();
}
/** `${type}@${version}:${fingerprint}` (a Consumer's drift key) -> its parts. */
function driftEntry(key, count) {
    const at = key.lastIndexOf("@");
    const colon = key.indexOf(":", at);
    return {
        type: key.slice(0, at),
        version: Number(key.slice(at + 1, colon)),
        fingerprint: key.slice(colon + 1),
        count,
    };
}
function compareText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function check(results) {
    for (const [error] of results ?? [])
        if (error)
            throw error;
    return results ?? [];
}
/**
 * Announces this service in Redis: a record refreshed every `intervalMs` and gone
 * `ttlSeconds` after the last heartbeat. `start()` announces at once (a Redis that
 * cannot be reached fails the start); a later failed heartbeat is reported to
 * `onError` and retried at the next interval, never stopping the service.
 */
export class Presence {
    service;
    instance;
    #redis;
    #ttlMs;
    #intervalMs;
    #timer = null;
    #consumers = [];
    #onError;
    #started = now();
    constructor(redis, options) {
        if (typeof options?.service !== "string" || options.service === "") {
            throw new TypeError("options.service is required");
        }
        const ttlSeconds = options.ttlSeconds ?? 30;
        if (!(ttlSeconds > 0))
            throw new RangeError("ttlSeconds must be positive");
        this.#redis = redis;
        this.service = options.service;
        this.#ttlMs = Math.round(ttlSeconds * 1000);
        this.#intervalMs = options.intervalMs ?? Math.round(this.#ttlMs / 3);
        if (!(this.#intervalMs > 0 && this.#intervalMs < this.#ttlMs)) {
            throw new RangeError("intervalMs must be positive and below the ttl");
        }
        this.instance =
            options.instance ??
                `${this.service}/${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
        this.#onError =
            options.onError ??
                ((error) => {
                    console.warn(`presence heartbeat of ${this.service} failed: ${error}`);
                });
    }
    /** Report this consumer's drift counts (its `drift` map) in the record. */
    watch(consumer) {
        this.#consumers.push(consumer);
        return this;
    }
    /** The record as stored in Redis. */
    record() {
        const drift = new Map();
        for (const consumer of this.#consumers) {
            for (const [key, count] of consumer.drift)
                drift.set(key, (drift.get(key) ?? 0) + count);
        }
        const contracts = {};
        for (const c of [...FILES].sort((a, b) => compareText(a.file, b.file))) {
            contracts[c.file] = c.fingerprint;
        }
        return {
            record: RECORD_VERSION,
            service: this.service,
            instance: this.instance,
            runtime: "node",
            package: MANIFEST.packages.npm,
            generator: MANIFEST.generator,
            fingerprint: MANIFEST.fingerprint,
            contracts,
            host: hostname(),
            pid: process.pid,
            started: this.#started,
            heartbeat: now(),
            ttl: this.#ttlMs / 1000,
            drift: [...drift]
                .sort(([a], [b]) => compareText(a, b))
                .map(([key, count]) => driftEntry(key, count)),
        };
    }
    /** The schema files behind a contract's fingerprint, as stored in Redis. */
    async bundle(entry) {
        const documents = {};
        for (const path of reachedFiles(entry.file) ?? [entry.file]) {
            const url = new URL(`./schemas/${path}`, import.meta.url);
            documents[path] = (await readFile(url, "utf8")).replace(/^\uFEFF/, "");
        }
        return JSON.stringify({
            contract: entry.file,
            documents,
            fingerprint: entry.fingerprint,
        });
    }
    /** One heartbeat: the record, its expiry, and any schema Redis lacks. */
    async beat() {
        const nowMs = Date.now();
        const pipe = this.#redis.pipeline();
        pipe.set(serviceKey(this.instance), JSON.stringify(this.record()), "PX", this.#ttlMs);
        pipe.zadd(SERVICES_KEY, nowMs + this.#ttlMs, this.instance);
        pipe.zremrangebyscore(SERVICES_KEY, "-inf", nowMs);
        const byKey = new Map(FILES.map((c) => [schemaKey(c.fingerprint), c]));
        const keys = [...byKey.keys()].sort(compareText);
        for (const key of keys)
            pipe.expire(key, SCHEMA_TTL);
        const results = check(await pipe.exec());
        const missing = keys.filter((_, i) => results[3 + i]?.[1] === 0);
        if (missing.length > 0) {
            const store = this.#redis.pipeline();
            for (const key of missing) {
                store.set(key, await this.bundle(byKey.get(key)), "EX", SCHEMA_TTL, "NX");
            }
            check(await store.exec());
        }
    }
    /** Announce now, then every `intervalMs`; the timer never keeps Node alive. */
    async start() {
        await this.beat();
        this.#timer = setInterval(() => {
            this.beat().catch((error) => this.#onError(error));
        }, this.#intervalMs);
        this.#timer.unref?.();
        return this;
    }
    /** Stop the heartbeat and withdraw the record. */
    async stop() {
        if (this.#timer !== null)
            clearInterval(this.#timer);
        this.#timer = null;
        try {
            await this.#redis
                .pipeline()
                .del(serviceKey(this.instance))
                .zrem(SERVICES_KEY, this.instance)
                .exec();
        }
        catch (error) {
            this.#onError(error);
        }
    }
}
