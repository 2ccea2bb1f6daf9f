import { describe, expect, it } from 'vitest';

import { CONTRACT } from '@k8or-orbit/contract';

import { clusterStatusJob } from '../../src/jobs/cluster-status.js';
import { deployJob } from '../../src/jobs/deploy.js';
import { scanJob } from '../../src/jobs/scan.js';
import { uploadJob } from '../../src/jobs/upload.js';

describe( 'the bridge’s jobs follow docs/contract.json', () => {
	it.each( [
		[ 'upload', uploadJob ],
		[ 'scan', scanJob ],
		[ 'deploy', deployJob ],
		[ 'cluster-status', clusterStatusJob ],
	] as const )(
		'%s: the same steps in the same order, each emitting the same events, and the same failure event',
		( kind, job ) => {
			expect( job.kind ).toBe( kind );
			expect(
				job.steps.map( ( step ) => ( {
					name: step.name,
					events: [ ...step.emits ],
				} ) )
			).toEqual(
				CONTRACT.jobs[ kind ].steps.map( ( step ) => ( {
					name: step.name,
					events: [ ...step.events ],
				} ) )
			);
			expect( job.failureEvent ).toBe(
				CONTRACT.jobs[ kind ].failureEvent
			);
		}
	);
} );
