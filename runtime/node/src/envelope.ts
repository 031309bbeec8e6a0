// The envelope functions typed by message type and version: this module declares
// the shape the runtime reads; `contracts generate` writes the package's
// `envelope.js` (the functions of _envelope.ts over its envelope contract) and
// `envelope.d.ts` (every message type and version with its payload type).
import type { EnvelopeShape } from "./_envelope.js";

/** Every message type and major version, with its payload type. */
export type Messages = Record<string, Record<number, unknown>>;

export type MessageType = keyof Messages & string;

/** The envelope contract's type. */
export type WireEnvelope = EnvelopeShape;
