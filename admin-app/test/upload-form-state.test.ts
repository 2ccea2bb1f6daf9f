import { describe, expect, it } from 'vitest';

import type { ArchiveFacts } from '../src/upload/archive';
import {
	initialUploadForm,
	isUploadFormComplete,
	toPayload,
	uploadFormErrors,
	uploadFormReducer,
	type UploadFormAction,
	type UploadFormState,
} from '../src/upload/form-state';
import { MAX_ENV_VARS } from '../src/upload/validate';

const FACTS: ArchiveFacts = {
	format: 'docker-archive',
	reference: 'registry.example/team/status-board:1.2.0',
	os: 'linux',
	architecture: 'amd64',
	ports: [ '9090/udp', '8080/tcp' ],
	layers: 3,
};

function run(
	actions: UploadFormAction[],
	from: UploadFormState = initialUploadForm
): UploadFormState {
	return actions.reduce( uploadFormReducer, from );
}

const archive = ( name = 'status-board.tar' ) =>
	new File( [ 'x' ], name, { type: 'application/x-tar' } );

describe( 'the upload form reducer', () => {
	it( 'fills name, title and port from the archive once it is read', () => {
		const state = run( [
			{ type: 'file-chosen', file: archive() },
			{ type: 'file-read', facts: FACTS, unfinishedAppName: null },
		] );
		expect( state.name ).toBe( 'status-board' );
		expect( state.version ).toBe( '1.2.0' );
		expect( state.title ).toBe( 'status-board' );
		expect( state.inputs.containerPort ).toBe( 8080 );
		expect( state.resumable ).toBe( false );
		expect( isUploadFormComplete( state ) ).toBe( true );
	} );

	it( 'needs a valid version label: none from a "latest" tag, a bad one blocks the upload', () => {
		const untagged = run( [
			{ type: 'file-chosen', file: archive() },
			{
				type: 'file-read',
				facts: { ...FACTS, reference: 'example.test/board:latest' },
				unfinishedAppName: null,
			},
		] );
		expect( untagged.version ).toBe( '' );
		expect( uploadFormErrors( untagged ).version ).toMatch(
			/Enter a version label/
		);
		expect( isUploadFormComplete( untagged ) ).toBe( false );
		for ( const bad of [ '../1.0', '.1', '1/2', 'v'.repeat( 65 ) ] ) {
			const state = run(
				[ { type: 'field-changed', field: 'version', value: bad } ],
				untagged
			);
			expect( uploadFormErrors( state ).version, bad ).toMatch(
				/letters, digits, dots, dashes and underscores/
			);
			expect( isUploadFormComplete( state ) ).toBe( false );
		}
		const fixed = run(
			[ { type: 'field-changed', field: 'version', value: 'v0-0-02' } ],
			untagged
		);
		expect( uploadFormErrors( fixed ).version ).toBeNull();
		expect( isUploadFormComplete( fixed ) ).toBe( true );
	} );

	it( 'keeps what the user typed and offers to resume under the unfinished upload’s name', () => {
		const state = run( [
			{ type: 'field-changed', field: 'title', value: 'Status board' },
			{ type: 'port-changed', value: 3000 },
			{ type: 'file-chosen', file: archive() },
			{
				type: 'file-read',
				facts: FACTS,
				unfinishedAppName: 'board-from-yesterday',
				unfinishedVersion: '1.1.9',
			},
		] );
		expect( state.name ).toBe( 'board-from-yesterday' );
		expect( state.version ).toBe( '1.1.9' );
		expect( state.title ).toBe( 'Status board' );
		expect( state.inputs.containerPort ).toBe( 3000 );
		expect( state.resumable ).toBe( true );
	} );

	it( 'forgets the facts, error and resume offer of the previous file when another is chosen', () => {
		const read = run( [
			{ type: 'file-chosen', file: archive() },
			{ type: 'file-read', facts: FACTS, unfinishedAppName: 'old' },
		] );
		const unreadable = run(
			[
				{ type: 'file-chosen', file: archive( 'broken.tar' ) },
				{ type: 'file-unreadable', message: 'Not an image archive.' },
			],
			read
		);
		expect( unreadable.facts ).toBeNull();
		expect( unreadable.resumable ).toBe( false );
		expect( unreadable.fileError ).toBe( 'Not an image archive.' );
		expect( isUploadFormComplete( unreadable ) ).toBe( false );
	} );

	it( 'adds, edits and removes environment variables up to the limit', () => {
		let state = run( [
			{ type: 'variable-added' },
			{ type: 'variable-added' },
			{ type: 'variable-changed', index: 1, change: { name: 'MODE' } },
			{ type: 'variable-changed', index: 1, change: { value: 'fast' } },
			{ type: 'variable-removed', index: 0 },
		] );
		expect( state.inputs.env ).toEqual( [
			{ name: 'MODE', value: 'fast' },
		] );

		state = run(
			Array.from( { length: MAX_ENV_VARS + 3 }, () => ( {
				type: 'variable-added' as const,
			} ) )
		);
		expect( state.inputs.env ).toHaveLength( MAX_ENV_VARS );
	} );

	it( 'changes one resource amount and leaves the others', () => {
		const state = run( [
			{
				type: 'resource-changed',
				kind: 'limits',
				resource: 'memory',
				value: '1Gi',
			},
		] );
		expect( state.inputs.resources ).toEqual( {
			requests: { cpu: '100m', memory: '128Mi' },
			limits: { cpu: '500m', memory: '1Gi' },
		} );
	} );

	it( 'reports what keeps the form from being sent', () => {
		const state = run( [
			{ type: 'file-chosen', file: archive() },
			{ type: 'file-read', facts: FACTS, unfinishedAppName: null },
			{ type: 'field-changed', field: 'name', value: 'Not A Name' },
			{ type: 'replicas-changed', value: 0 },
		] );
		const errors = uploadFormErrors( state );
		expect( errors.name ).toBeTruthy();
		expect( errors.inputs.replicas ).toBeTruthy();
		expect( isUploadFormComplete( state ) ).toBe( false );
	} );

	it( 'checks deploy inputs as the deploy form does: a request above its limit, a variable set twice', () => {
		const state = run( [
			{
				type: 'resource-changed',
				kind: 'requests',
				resource: 'cpu',
				value: '2',
			},
			{
				type: 'resource-changed',
				kind: 'limits',
				resource: 'cpu',
				value: '500m',
			},
			{ type: 'variable-added' },
			{
				type: 'variable-changed',
				index: 0,
				change: { name: 'LOG_LEVEL', value: 'info' },
			},
			{ type: 'variable-added' },
			{
				type: 'variable-changed',
				index: 1,
				change: { name: 'LOG_LEVEL', value: 'debug' },
			},
		] );
		const { inputs } = uploadFormErrors( state );
		expect( inputs.cpu ).toBe(
			'CPU request: at most the CPU limit, as Kubernetes requires.'
		);
		expect( inputs.env ).toBe( 'LOG_LEVEL is set twice; keep one.' );
		expect( inputs.replicas ).toBeUndefined();
	} );

	it( 'sends environment variables as a map and leaves out an empty port', () => {
		const state = run( [
			{ type: 'variable-added' },
			{
				type: 'variable-changed',
				index: 0,
				change: { name: 'A', value: '1' },
			},
		] );
		expect( toPayload( state.inputs ) ).toEqual( {
			replicas: 1,
			resources: state.inputs.resources,
			env: { A: '1' },
		} );
	} );
} );
