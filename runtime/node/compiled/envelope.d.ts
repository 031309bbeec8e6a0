import type { EnvelopeShape } from "./_envelope.js";
/** Every message type and major version, with its payload type. */
export type Messages = Record<string, Record<number, unknown>>;
export type MessageType = keyof Messages & string;
/** The envelope contract's type. */
export type WireEnvelope = EnvelopeShape;
