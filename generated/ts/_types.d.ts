/** One contract: a schema file's root type, or a top-level `$defs` entry. */
export interface ManifestContract {
    readonly contract: string;
    readonly name: string;
    readonly module: string;
    readonly type: string | null;
    readonly version: number | null;
    readonly fingerprint: string;
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
    /**
     * Per schema file, the other files its $refs name directly (sorted); the files a
     * contract reaches are the closure of its file (`_reach.ts`).
     */
    readonly references: {
        readonly [file: string]: readonly string[];
    };
}
