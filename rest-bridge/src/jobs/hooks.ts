/**
 * Points where the process embedding the engine may wait before a step runs
 * or an event is recorded (the integration tests use them to land a kill
 * inside a step). None by default.
 */
export interface JobHooks {
	beforeStep?: ( jobId: string, step: string ) => Promise< void >;
	beforeEvent?: ( jobId: string, event: string ) => Promise< void >;
}
