/** Types of scripts/build.mjs, for the TypeScript that calls it (bench/startup.ts). */
export declare const EXTERNAL: string[];
export declare function isStale(outfile: string, extraInputs?: string[]): boolean;
export declare function bundle(entry: string, outfile: string): Promise<void>;
