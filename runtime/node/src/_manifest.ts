// What the package was generated from: this module declares its shape for the
// runtime; `contracts generate` writes the package's `_manifest.js` and
// `_manifest.d.ts` (whose FINGERPRINT is the set's literal fingerprint).

import type { Manifest } from "./_types.js";

export type { Manifest, ManifestContract } from "./_types.js";

/** The fingerprint of the whole contract set this package was built from. */
export declare const FINGERPRINT: string;

/** What the package was generated from (the same data as manifest.json). */
export declare const MANIFEST: Manifest;
