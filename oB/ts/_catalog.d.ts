/** A contract on a stream, with who produces and who consumes it. */
export interface CatalogMessage {
    readonly contract: string;
    readonly producers: readonly ("python" | "node")[];
    readonly consumers: readonly ("python" | "node")[];
}
export interface CatalogStream {
    readonly description: string;
    readonly messages: readonly CatalogMessage[];
}
export interface CatalogOperation {
    readonly description?: string;
    readonly method: string;
    readonly path: string;
    readonly server: "python" | "node";
    readonly clients?: readonly ("python" | "node")[];
    readonly request?: {
        readonly contract: string;
    };
    readonly responses: {
        readonly [status: string]: {
            readonly contract: string;
        };
    };
}
export interface Catalog {
    readonly streams: {
        readonly [name: string]: CatalogStream;
    };
    readonly operations: {
        readonly [operationId: string]: CatalogOperation;
    };
}
/** The catalogue the package was generated with, or null when there was none. */
export declare const CATALOG: Catalog | null;
