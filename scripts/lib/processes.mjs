/**
 * The stack's processes: each runs in its own process group with its output in a log file
 * (started by the Supervisor), recorded in <data dir>/pids.json so that any later command
 * can stop them all.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { StackError } from './console.mjs';

export function isAlive( pid ) {
	try {
		process.kill( pid, 0 );
		return true;
	} catch ( error ) {
		return error.code === 'EPERM';
	}
}

function pidFile( dataDir ) {
	return path.join( dataDir, 'pids.json' );
}

export function readPids( dataDir ) {
	try {
		return JSON.parse( fs.readFileSync( pidFile( dataDir ), 'utf8' ) );
	} catch {
		return {};
	}
}

export function writePids( dataDir, pids ) {
	fs.writeFileSync( pidFile( dataDir ), JSON.stringify( pids, null, 2 ) );
}

/** The last lines of a service's log, to explain why it failed. */
export function logTail( logFile, lines = 15 ) {
	try {
		return fs
			.readFileSync( logFile, 'utf8' )
			.trimEnd()
			.split( '\n' )
			.slice( -lines )
			.join( '\n' );
	} catch {
		return '(no log)';
	}
}

/**
 * Stops every recorded process group: SIGTERM, then SIGKILL for what is left after the grace period.
 *
 * @param {string} dataDir
 * @param {number} [graceMs]
 * @return {Promise<string[]>} Names of the services that were running.
 */
export async function stopAll( dataDir, graceMs = 7000 ) {
	const pids = readPids( dataDir );
	// Reverse start order: the bridge before what it depends on.
	const entries = Object.entries( pids ).reverse();
	const signal = ( pid, sig ) => {
		try {
			process.kill( -pid, sig );
		} catch {
			try {
				process.kill( pid, sig );
			} catch {}
		}
	};
	const groupAlive = ( pid ) => {
		try {
			process.kill( -pid, 0 );
			return true;
		} catch ( error ) {
			return error.code === 'EPERM';
		}
	};
	const running = entries.filter( ( [ , pid ] ) => groupAlive( pid ) );
	for ( const [ , pid ] of running ) {
		signal( pid, 'SIGTERM' );
	}
	const deadline = Date.now() + graceMs;
	while (
		Date.now() < deadline &&
		running.some( ( [ , pid ] ) => groupAlive( pid ) )
	) {
		await sleep( 100 );
	}
	for ( const [ , pid ] of running ) {
		if ( groupAlive( pid ) ) {
			signal( pid, 'SIGKILL' );
		}
	}
	fs.rmSync( pidFile( dataDir ), { force: true } );
	return running.map( ( [ name ] ) => name );
}

/** Whether something already listens on host:port. */
export function isPortTaken( port, host = '127.0.0.1' ) {
	return new Promise( ( resolve ) => {
		const server = net.createServer();
		server.once( 'error', () => resolve( true ) );
		server.listen( { port, host, exclusive: true }, () =>
			server.close( () => resolve( false ) )
		);
	} );
}

/**
 * Waits until a check passes, failing early when the service's process has exited.
 *
 * @param {Object}   options
 * @param {string}   options.label
 * @param {Function} options.check       Resolves truthy when ready.
 * @param {Object}   [options.service]   From Supervisor#start().
 * @param {number}   [options.timeoutMs]
 */
export async function waitUntil( {
	label,
	check,
	service,
	timeoutMs = 30000,
} ) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while ( Date.now() < deadline ) {
		if ( service?.exited() ) {
			throw new StackError(
				`${ label } exited while starting. Its log (${ service.logFile }) ends with:\n${ logTail(
					service.logFile
				) }`
			);
		}
		try {
			if ( await check() ) {
				return;
			}
		} catch ( error ) {
			lastError = error;
		}
		await sleep( 100 );
	}
	const tail = service
		? `\nIts log (${ service.logFile }) ends with:\n${ logTail( service.logFile ) }`
		: '';
	throw new StackError(
		`${ label } did not become ready within ${ timeoutMs / 1000 } s${
			lastError ? ` (${ lastError.message })` : ''
		}.${ tail }`
	);
}

export function canConnect( port, host = '127.0.0.1' ) {
	return new Promise( ( resolve ) => {
		const socket = net.connect( { port, host } );
		socket.once( 'connect', () => {
			socket.destroy();
			resolve( true );
		} );
		socket.once( 'error', () => resolve( false ) );
	} );
}

export async function httpOk( url, accept = ( status ) => status < 500 ) {
	const response = await fetch( url, {
		signal: AbortSignal.timeout( 2000 ),
	} );
	await response.arrayBuffer();
	return accept( response.status );
}

/**
 * Starts a Node program of the stack's (s3rver, dynalite, the git server) on its port with
 * its data folder, and waits until `readyUrl` answers.
 *
 * @param {Object}   options
 * @param {Object}   options.config     From resolveConfig().
 * @param {Object}   options.supervisor The Supervisor that runs it.
 * @param {string}   options.name       Service name (pids.json, log file, port key).
 * @param {string}   options.label      For messages.
 * @param {string}   options.script     The program's file.
 * @param {string[]} options.args       Arguments after --host and --port.
 * @param {string}   options.readyUrl   Answers below 500 when the service is up.
 * @param {Function} [options.accept]   Which HTTP statuses mean ready.
 * @return {Promise<string>} The service's base URL.
 */
export async function startNodeService( {
	config,
	supervisor,
	name,
	label,
	script,
	args,
	readyUrl,
	accept,
} ) {
	const ready = {
		url: readyUrl ?? `http://${ config.host }:${ config.ports[ name ] }`,
	};
	const service = supervisor.start( {
		name,
		health: ready,
		command: process.execPath,
		args: [
			script,
			'--host',
			config.host,
			'--port',
			String( config.ports[ name ] ),
			...args,
		],
	} );
	const url = `http://${ config.host }:${ config.ports[ name ] }`;
	await waitUntil( {
		label,
		service,
		check: () => httpOk( ready.url, accept ),
	} );
	return url;
}
