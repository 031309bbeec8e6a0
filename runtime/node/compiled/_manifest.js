// What the package was generated from: this module declares its shape for the
// runtime; `contracts generate` writes the package's `_manifest.js` and
// `_manifest.d.ts` (whose FINGERPRINT is the set's literal fingerprint).
export {};
