// The catalogue's operations, typed: this module declares the shape the runtime
// reads; `contracts generate` writes the package's `operations.d.ts` with each
// operation's parameters, request and responses.
export {};
