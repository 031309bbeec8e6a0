// The bundled schemas, as the generated package's `_schemas.js` holds them: this
// module declares their shape for the runtime; `contracts generate` writes the data.
export {};
