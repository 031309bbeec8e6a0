// The catalogue the package was generated with: this module declares its shape for
// the runtime; `contracts generate` writes the data into the package's `_catalog.js`.
export {};
