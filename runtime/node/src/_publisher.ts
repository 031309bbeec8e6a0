// Validated publishing on catalogue streams (re-exported by streams.ts).
import type { Redis } from "ioredis";
import { makeEnvelope, messageContract } from "./_envelope.js";
import { DEFAULT_LIMITS, checkLimits, contract } from "./_runtime.js";
import type { Limits } from "./_runtime.js";
import type { MessageType, Messages, WireEnvelope } from "./envelope.js";
import { Telemetry } from "./telemetry.js";
import {
  ENVELOPE_CONTRACT,
  ENVELOPE_FIELD,
  StreamNotInCatalog,
  VersionOf,
  carriedBy,
  envelopeContract,
  located,
  positive,
  streamKey,
} from "./_streams_common.js";

/** Per message options of {@link Publisher.publish}. */
export interface PublishOptions {
  /** Trim the stream to about this many entries (`XADD MAXLEN ~ n`). */
  maxLen?: number;
  trace?: WireEnvelope["trace"];
  correlationId?: string;
  /** The message id (default: a random UUID); not the Redis entry id. */
  id?: string;
  /** The envelope time (default: now). */
  time?: string;
}

export interface PublisherOptions {
  /** The producing service, e.g. `node/order-service`. */
  source: string;
  /** Default `MAXLEN ~` of every XADD; no trimming when absent. */
  maxLen?: number;
  /**
   * Size and nesting limits of the envelope text (default DEFAULT_LIMITS, as the
   * consumers'): a message they would refuse is refused here, before it is written.
   */
  limits?: Limits;
  /** Traces and metrics (default: the global OpenTelemetry providers, if any). */
  telemetry?: Telemetry;
}

/** One message of {@link Publisher.publishMany}; `type` narrows `version` and `data`. */
export type PublishItem = {
  [T in MessageType]: {
    [V in VersionOf<T>]: {
      type: T;
      version: V;
      data: Messages[T][V];
      options?: PublishOptions;
    };
  }[VersionOf<T>];
}[MessageType];

type XaddArgs = [key: string, ...rest: string[]];

/** `MAXLEN ~ n`, or nothing without a bound. */
const trimArgs = (maxLen: number | undefined): string[] =>
  maxLen === undefined ? [] : ["MAXLEN", "~", String(maxLen)];

/** Publishes validated envelopes on catalogue streams. */
export class Publisher {
  #redis: Redis;
  #source: string;
  #maxLen: number | undefined;
  #limits: Limits;
  #trim: string[];
  /** Per stream: its key and the contracts the catalogue allows on it. */
  #targets = new Map<string, { key: string; allowed: Set<string> | null }>();
  #telemetry: Telemetry;
  /** The contracts whose envelope this publisher has validated whole. */
  #checked = new Set<string>();
  /** The trace context last injected and validated in an envelope (one per batch). */
  #checkedTrace: WireEnvelope["trace"] | undefined;

  constructor(redis: Redis, options: PublisherOptions) {
    if (typeof options?.source !== "string") throw new TypeError("options.source is required");
    this.#redis = redis;
    this.#telemetry = options.telemetry ?? new Telemetry();
    this.#source = options.source;
    this.#maxLen = positive("maxLen", options.maxLen, undefined);
    this.#trim = trimArgs(this.#maxLen);
    this.#limits = options.limits ?? DEFAULT_LIMITS;
  }

  #target(stream: string): { key: string; allowed: Set<string> | null } {
    let target = this.#targets.get(stream);
    if (target === undefined) {
      target = { key: streamKey(stream), allowed: carriedBy(stream) };
      this.#targets.set(stream, target);
    }
    return target;
  }

  /** XADD arguments for one message; throws before anything is written. */
  #prepare(
    stream: string,
    type: string,
    version: number,
    data: unknown,
    options: PublishOptions = {},
    trace?: WireEnvelope["trace"],
  ): XaddArgs {
    const { key, allowed } = this.#target(stream);
    const entry = messageContract(type, version);
    if (allowed !== null && !allowed.has(entry.contract)) {
      throw new StreamNotInCatalog(stream, type, version, allowed);
    }
    const payload = contract(entry.contract).parse(data);
    const own = options.id === undefined && options.time === undefined &&
      options.correlationId === undefined && options.trace === undefined;
    const envelope = makeEnvelope(type, version, entry.fingerprint, payload, {
      source: this.#source,
      id: options.id,
      time: options.time,
      trace: options.trace ?? trace,
      correlationId: options.correlationId,
    });
    // The envelope is validated whole, as buildEnvelope does, unless every field of it
    // is one this publisher has validated before: the type's own fields and the source
    // (validated with its first message), the id and time the runtime made itself
    // (randomUUID, the clock), and the trace context it injected (validated with the
    // first message of its batch). Anything the caller gave is validated every time.
    const known = this.#checked.has(entry.contract);
    if (!own || !known || (trace !== undefined && trace !== this.#checkedTrace)) {
      envelopeContract.parse(envelope);
      this.#checked.add(entry.contract);
      if (own) this.#checkedTrace = trace;
    }
    const trim =
      options.maxLen === undefined ? this.#trim : trimArgs(positive("maxLen", options.maxLen, 0));
    const text = JSON.stringify(envelope);
    checkLimits(ENVELOPE_CONTRACT, text, this.#limits);
    return trim.length === 0
      ? [key, "*", ENVELOPE_FIELD, text]
      : [key, ...trim, "*", ENVELOPE_FIELD, text];
  }

  /**
   * Validates `data` (throws ContractViolation or UnknownMessage), checks the
   * catalogue allows the type on `stream` (throws StreamNotInCatalog), XADDs the
   * envelope and resolves to the Redis entry id.
   */
  async publish<T extends MessageType, V extends VersionOf<T>>(
    stream: string,
    type: T,
    version: V,
    data: Messages[T][V],
    options?: PublishOptions,
  ): Promise<string> {
    const tel = this.#telemetry;
    const span = tel.messaging(
      "send",
      stream,
      options?.id === undefined ? {} : { messageId: options.id },
    );
    try {
      let args: XaddArgs;
      try {
        const trace = tel.within(span, () => tel.inject());
        args = this.#prepare(stream, type, version, data, options, trace);
      } catch (error) {
        throw located(error, { stream });
      }
      const id = (await this.#redis.xadd(...args)) as string;
      tel.count("contracts.messages.published", { "messaging.destination.name": stream });
      return id;
    } catch (error) {
      Telemetry.fail(span, (error as Error)?.name ?? "Error");
      throw error;
    } finally {
      Telemetry.end(span);
    }
  }

  /** Validates every item first (nothing is written if one fails), then one pipeline. */
  async publishMany(stream: string, items: readonly PublishItem[]): Promise<string[]> {
    const tel = this.#telemetry;
    const span = tel.messaging("send", stream, { count: items.length });
    try {
      const trace = tel.within(span, () => tel.inject());
      const commands = items.map((item, index) => {
        try {
          return this.#prepare(stream, item.type, item.version, item.data, item.options, trace);
        } catch (error) {
          throw located(error, { stream, item: index });
        }
      });
      if (commands.length === 0) return [];
      const pipeline = this.#redis.pipeline();
      for (const args of commands) pipeline.xadd(...args);
      const results = (await pipeline.exec()) ?? [];
      const ids = results.map(([error, id]) => {
        if (error) throw error;
        return id as string;
      });
      tel.count(
        "contracts.messages.published",
        { "messaging.destination.name": stream },
        ids.length,
      );
      return ids;
    } catch (error) {
      Telemetry.fail(span, (error as Error)?.name ?? "Error");
      throw error;
    } finally {
      Telemetry.end(span);
    }
  }
}
