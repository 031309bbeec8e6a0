export declare const IDNA_UNICODE_VERSION: string;
export declare const UNICODE_VERSION: string;
export declare const IDNA_RUNS: string;
