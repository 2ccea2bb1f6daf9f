/**
 * Watches the stack's services once they are up: a service that exits unexpectedly is started
 * again after a back-off (1 s, 2 s, 4 s … capped), one that keeps dying within seconds of
 * starting is given up while the rest keeps running. Its state lives in
 * <data dir>/supervisor.json, which `npm run status` reads.
 *
 * The process that owns the supervisor owns the services: `npm start` in the foreground, the
 * background stack process (scripts/stack-process.mjs) for the test stack.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	canConnect,
	httpOk,
	isAlive,
	logTail,
	readPids,
	stopAll,
	writePids,
} from './processes.mjs';

/** Restart timing; a service that ran at least `stableMs` counts as healthy again. */
export const RESTART_POLICY = {
	firstDelayMs: 1000,
	maxDelayMs: 30_000,
	stableMs: 10_000,
	/** Quick deaths in a row after which the service is given up. */
	maxQuickExits: 5,
	/** How long a restarted service may take to answer its health check. */
	healthTimeoutMs: 60_000,
};

export function supervisorFile( dataDir ) {
	return path.join( dataDir, 'supervisor.json' );
}

export function readSupervisorState( dataDir ) {
	try {
		return JSON.parse(
			fs.readFileSync( supervisorFile( dataDir ), 'utf8' )
		);
	} catch {
		return undefined;
	}
}

/**
 * Whether the recorded supervisor still runs. A state file left by a killed supervisor may
 * name a pid the system has since given to another program, which must not be signalled.
 *
 * @param {Object} [state] From readSupervisorState().
 * @return {boolean} True when that pid is alive and is one of the stack's supervisors.
 */
export function supervisorRunning( state ) {
	return Boolean(
		state?.pid &&
		isAlive( state.pid ) &&
		processStartTime( state.pid ) === state.processStartTime
	);
}

/** When a process started, in clock ticks since boot (Linux); undefined elsewhere. */
function processStartTime( pid ) {
	try {
		const stat = fs.readFileSync( `/proc/${ pid }/stat`, 'utf8' );
		return stat.slice( stat.lastIndexOf( ')' ) + 2 ).split( ' ' )[ 19 ];
	} catch {
		return undefined;
	}
}

/** The wait before the n-th restart in a row (n from 1). */
export function restartDelayMs( quickExits, policy = RESTART_POLICY ) {
	return Math.min(
		policy.firstDelayMs * 2 ** Math.max( 0, quickExits - 1 ),
		policy.maxDelayMs
	);
}

/** "exit code 1" or "signal SIGKILL". */
export function describeExit( { code, signal } ) {
	return signal ? `signal ${ signal }` : `exit code ${ code }`;
}

export function formatDuration( ms ) {
	const total = Math.max( 0, Math.round( ms / 1000 ) );
	const units = [
		[ 'd', 86400 ],
		[ 'h', 3600 ],
		[ 'm', 60 ],
	];
	for ( const [ unit, size ] of units ) {
		if ( total >= size ) {
			const rest = total % size;
			const next = units.find( ( [ , s ] ) => s < size );
			return next && rest >= next[ 1 ]
				? `${ Math.floor( total / size ) }${ unit } ${ Math.floor( rest / next[ 1 ] ) }${ next[ 0 ] }`
				: `${ Math.floor( total / size ) }${ unit }`;
		}
	}
	return `${ total }s`;
}

/** A structured (JSON) log line by its message and error, any other line as it is. */
function readable( line ) {
	try {
		const entry = JSON.parse( line );
		if ( typeof entry?.msg === 'string' ) {
			return entry.err?.message
				? `${ entry.msg }: ${ entry.err.message }`
				: entry.msg;
		}
	} catch {}
	return line;
}

/** The last few log lines squeezed onto one terminal line. */
export function logLine( logFile, lines = 3 ) {
	return logTail( logFile, lines )
		.split( '\n' )
		.map( ( line ) => readable( line.trim() ).slice( 0, 160 ) )
		.filter( Boolean )
		.join( ' ⏎ ' );
}

/**
 * Whether a service answers: `{url, status?}` for HTTP (any answer below 500, or exactly
 * `status`), `{port, host}` for a TCP listener.
 *
 * @param {Object} health
 * @return {Promise<boolean>} True when it answers.
 */
export async function healthAnswers( health ) {
	try {
		if ( health.url ) {
			return await httpOk( health.url, ( status ) =>
				health.status ? status === health.status : status < 500
			);
		}
		return await canConnect( health.port, health.host );
	} catch {
		return false;
	}
}

export class Supervisor {
	/**
	 * @param {Object}   options
	 * @param {string}   options.dataDir
	 * @param {Function} [options.report] Receives one line per crash, restart and give-up.
	 * @param {Object}   [options.policy] Overrides of RESTART_POLICY.
	 */
	constructor( { dataDir, report = () => {}, policy = {} } ) {
		this.dataDir = dataDir;
		this.report = report;
		this.policy = { ...RESTART_POLICY, ...policy };
		this.services = new Map();
		this.supervising = false;
		this.stopping = false;
		this.startedAt = Date.now();
	}

	/**
	 * Starts a long-running service in its own process group, its output appended to
	 * <data dir>/logs/<name>.log.
	 *
	 * @param {Object}   spec
	 * @param {string}   spec.name    Key in pids.json and the log's name.
	 * @param {string}   spec.command
	 * @param {string[]} spec.args
	 * @param {Object}   [spec.env]
	 * @param {string}   [spec.cwd]
	 * @param {Object}   spec.health  How `npm run status` and restarts tell it answers.
	 * @return {{name: string, pid: number, logFile: string, exited: () => boolean}} The service.
	 */
	start( spec ) {
		const logDir = path.join( this.dataDir, 'logs' );
		fs.mkdirSync( logDir, { recursive: true, mode: 0o700 } );
		const service = {
			spec,
			logFile: path.join( logDir, `${ spec.name }.log` ),
			restarts: 0,
			quickExits: 0,
			state: 'running',
			exited: () => service.state !== 'running',
		};
		this.services.set( spec.name, service );
		this.spawn( service );
		return service;
	}

	/** From now on, an exit is a crash to recover from rather than a failed start. */
	supervise() {
		this.supervising = true;
		this.writeState();
	}

	spawn( service ) {
		const { spec } = service;
		// Logs carry tokens and links (mail.log, debug logs): readable by the owner only.
		const log = fs.openSync( service.logFile, 'a', 0o600 );
		fs.fchmodSync( log, 0o600 );
		const child = spawn( spec.command, spec.args, {
			cwd: spec.cwd,
			env: spec.env ?? process.env,
			detached: true,
			stdio: [ 'ignore', log, log ],
		} );
		fs.closeSync( log );
		service.child = child;
		service.pid = child.pid;
		service.startedAt = Date.now();
		service.state = 'running';
		child.on( 'error', ( error ) =>
			this.exited( service, child, { code: error.code, signal: null } )
		);
		child.on( 'exit', ( code, signal ) =>
			this.exited( service, child, { code, signal } )
		);
		if ( child.pid ) {
			writePids( this.dataDir, {
				...readPids( this.dataDir ),
				[ spec.name ]: child.pid,
			} );
		}
		this.writeState();
	}

	exited( service, child, exit ) {
		if ( service.child !== child || service.state !== 'running' ) {
			return;
		}
		const { name } = service.spec;
		const ranMs = Date.now() - service.startedAt;
		service.lastExit = { ...exit, at: new Date().toISOString() };
		// Processes a service forked (PHP's workers) would keep its port: end the whole group.
		if ( child.pid ) {
			try {
				process.kill( -child.pid, 'SIGKILL' );
			} catch {}
		}
		if ( this.stopping || ! this.supervising ) {
			service.state = 'exited';
			this.writeState();
			return;
		}
		service.quickExits =
			ranMs < this.policy.stableMs ? service.quickExits + 1 : 1;
		const how = `${ name } exited with ${ describeExit( exit ) } after ${ formatDuration( ranMs ) }`;
		const tail = logLine( service.logFile );
		if ( service.quickExits > this.policy.maxQuickExits ) {
			service.state = 'given-up';
			this.writeState();
			this.report(
				`${ how }; it died ${ service.quickExits } times in a row within seconds of starting: giving up on ${ name }; ` +
					`the other services keep running. Its log (${ service.logFile }) ends: ${ tail }`,
				{ service: name, kind: 'given-up' }
			);
			return;
		}
		const delayMs = restartDelayMs( service.quickExits, this.policy );
		service.state = 'restarting';
		this.writeState();
		this.report(
			`${ how }; restarting it in ${ formatDuration( delayMs ) } (restart ${ service.restarts + 1 }). Its log ends: ${ tail }`,
			{ service: name, kind: 'restarting' }
		);
		service.timer = setTimeout( () => this.restart( service ), delayMs );
	}

	async restart( service ) {
		if ( this.stopping ) {
			return;
		}
		service.restarts++;
		this.spawn( service );
		const child = service.child;
		const deadline = Date.now() + this.policy.healthTimeoutMs;
		while ( Date.now() < deadline && service.child === child ) {
			if ( service.state !== 'running' || this.stopping ) {
				return;
			}
			if ( await healthAnswers( service.spec.health ) ) {
				this.report(
					`${ service.spec.name } is back (pid ${ child.pid }, ${ formatDuration(
						Date.now() - service.startedAt
					) } after its restart)`,
					{ service: service.spec.name, kind: 'back' }
				);
				return;
			}
			await sleep( 200 );
		}
		if (
			! this.stopping &&
			service.child === child &&
			service.state === 'running'
		) {
			this.report(
				`${ service.spec.name } runs again (pid ${ child.pid }) but has not answered within ${ formatDuration(
					this.policy.healthTimeoutMs
				) }; its log: ${ service.logFile }`,
				{ service: service.spec.name, kind: 'no-answer' }
			);
		}
	}

	/** Stops every service (no restarts from here on) and removes the state file. */
	async stop( graceMs ) {
		this.stopping = true;
		for ( const service of this.services.values() ) {
			clearTimeout( service.timer );
		}
		const stopped = await stopAll( this.dataDir, graceMs );
		fs.rmSync( supervisorFile( this.dataDir ), { force: true } );
		return stopped;
	}

	writeState() {
		if ( this.stopping ) {
			return;
		}
		const state = {
			pid: process.pid,
			processStartTime: processStartTime( process.pid ),
			startedAt: new Date( this.startedAt ).toISOString(),
			supervising: this.supervising,
			services: Object.fromEntries(
				[ ...this.services.values() ].map( ( service ) => [
					service.spec.name,
					{
						pid: service.pid,
						state: service.state,
						startedAt: new Date( service.startedAt ).toISOString(),
						restarts: service.restarts,
						lastExit: service.lastExit,
						health: service.spec.health,
						logFile: service.logFile,
					},
				] )
			),
		};
		const file = supervisorFile( this.dataDir );
		fs.mkdirSync( this.dataDir, { recursive: true } );
		// Written whole and renamed: a reader never sees half a file.
		fs.writeFileSync( `${ file }.tmp`, JSON.stringify( state, null, 2 ) );
		fs.renameSync( `${ file }.tmp`, file );
	}
}

/**
 * Stops a stack from any process: the supervisor first (so that it restarts nothing), then
 * whatever is left in pids.json.
 *
 * @param {string} dataDir
 * @param {number} [graceMs]
 * @return {Promise<string[]>} Names of the services that were running.
 */
export async function stopStack( dataDir, graceMs = 7000 ) {
	const state = readSupervisorState( dataDir );
	const running = Object.entries( readPids( dataDir ) )
		.filter( ( [ , pid ] ) => isAlive( pid ) )
		.map( ( [ name ] ) => name );
	if ( state?.pid !== process.pid && supervisorRunning( state ) ) {
		try {
			process.kill( state.pid, 'SIGTERM' );
		} catch {}
		const deadline = Date.now() + graceMs + 3000;
		while ( Date.now() < deadline && isAlive( state.pid ) ) {
			await sleep( 100 );
		}
		if ( isAlive( state.pid ) ) {
			try {
				process.kill( state.pid, 'SIGKILL' );
			} catch {}
		}
	}
	await stopAll( dataDir, graceMs );
	fs.rmSync( supervisorFile( dataDir ), { force: true } );
	return running;
}
