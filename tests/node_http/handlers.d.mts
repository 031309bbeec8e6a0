// Types of handlers.mjs for the TypeScript tests.
export declare const KNOWN_ORDER: string;
export declare const BROKEN_ORDER: string;
