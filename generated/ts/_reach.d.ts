/** The files `file` reaches, itself included, or null when the manifest does not know it. */
export declare function reachedFiles(file: string): readonly string[] | null;
