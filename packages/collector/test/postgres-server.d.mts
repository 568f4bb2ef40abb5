export declare const PG_BIN: string;
export declare function postgresAvailable(): boolean;
export declare function startPostgres(): Promise<{ url: string; stop(): Promise<void> }>;
export declare function freshDatabase(serverUrl: string): Promise<string>;
