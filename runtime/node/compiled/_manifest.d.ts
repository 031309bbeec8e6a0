import type { Manifest } from "./_types.js";
export type { Manifest, ManifestContract } from "./_types.js";
/** The fingerprint of the whole contract set this package was built from. */
export declare const FINGERPRINT: string;
/** What the package was generated from (the same data as manifest.json). */
export declare const MANIFEST: Manifest;
