/** One contract: a schema file's root type, or a top-level `$defs` entry. */
export interface ManifestContract {
    readonly contract: string;
    readonly name: string;
    readonly module: string;
    readonly type: string | null;
    readonly version: number | null;
    readonly fingerprint: string;
    /** The schema files the contract reaches, itself included (sorted). */
    readonly documents: readonly string[];
    readonly full_check: readonly string[];
}
export interface Manifest {
    readonly generator: string;
    readonly fingerprint: string;
    readonly packages: {
        readonly python: string;
        readonly npm: string;
    };
    readonly contracts: readonly ManifestContract[];
}
