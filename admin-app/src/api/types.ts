/**
 * Shapes of the `k8or-orbit/v1` answers the console reads (docs/architecture.md);
 * the shapes the parts share come from docs/contract.json.
 */

/**
 * External dependencies
 */
import type {
	Event,
	Policy,
	ScanResult,
	Severity,
	Verdict,
} from '@k8or-orbit/contract';

/**
 * Internal dependencies
 */
import type { EnvironmentState } from '../../../ui/src/deploy/types';

/** Per-environment state is shared with the deploy dialog and the blocks. */
export type {
	EnvironmentState,
	EnvironmentStatus,
} from '../../../ui/src/deploy/types';

export { SEVERITIES } from '@k8or-orbit/contract';
export type {
	Actor,
	BlockingFinding,
	EventOutcome,
	Severity,
	SeverityLimit,
	Verdict,
} from '@k8or-orbit/contract';

/** "none" before the first scan, then the contract's ScanResult status. */
export type ScanStatus = 'none' | ScanResult[ 'status' ];

export interface ImageFacts {
	repository?: string;
	tag?: string;
	manifestDigest?: string;
	configDigest?: string;
	size?: number;
	os?: string;
	architecture?: string;
	/** As in the image config, e.g. "8080/tcp". */
	exposedPorts?: string[];
	layerCount?: number;
	/** The label of the version this image is (the app's newest). */
	version?: string;
	uploadedBy?: { id: number; login: string };
	uploadedAt?: string;
}

/** One uploaded version of an app (`GET /apps/{id}/versions`, newest first). */
export interface AppVersion {
	label: string;
	manifestDigest?: string;
	configDigest?: string;
	archiveDigest?: string;
	size?: number;
	environment?: string;
	/** For users with orbit_read_jobs only. */
	uploadedBy?: { id: number; login: string };
	uploadedAt?: string;
	scan?: ScanSummary;
}

/** The app's latest scan (`k8or_orbit_scan`): the contract's ScanResult, or none yet. */
export type ScanSummary = Omit< ScanResult, 'status' > & {
	status?: ScanStatus;
};

export interface DeletedState {
	deleted: boolean;
	environment?: string;
	at?: string;
}

export interface AppCategory {
	id: number;
	name: string;
	slug: string;
}

export interface OrbitApp {
	id: number;
	name: string;
	title: string;
	excerpt: string;
	link: string;
	status: string;
	categories: AppCategory[];
	image: ImageFacts;
	scan: ScanSummary;
	/** The bridge's verdict per environment (`k8or_orbit_verdicts`). */
	verdicts: Partial< Record< string, Verdict > >;
	environments: Record< string, EnvironmentState >;
	deleted: DeletedState;
	modified: string;
}

export interface Environment {
	name: string;
	order: number;
	canDeploy: boolean;
	/** The environment's policy; its exemptions are only on the settings screen. */
	policy: Omit< Policy, 'exemptions' >;
}

/** A job event (docs/contract.json, Event). */
export type OrbitEvent = Event;

export interface EventPage {
	items: OrbitEvent[];
	nextCursor: string | null;
}

/** Job events WordPress refused, kept by the bridge until delivered again (GET /dead-letters). */
export interface DeadLetter {
	letterId: string;
	jobId: string;
	appName: string;
	environment?: string | null;
	events: OrbitEvent[];
	/** WordPress's HTTP status and answer at the latest refusal. */
	httpStatus: number;
	answer: string;
	status: 'refused' | 'delivered';
	refusals?: number;
	refusedAt?: string;
	deliveredAt?: string;
}

export interface DeadLetterDelivery {
	letter: DeadLetter;
	applied?: number;
	duplicates?: number;
}

/** A step as the console shows it: the job's own state, refined by the step's events. */
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/** A step as the job reports it: a step that emits no event (nothing to do) still ends `done`. */
export interface JobStep {
	name: string;
	status: 'pending' | 'running' | 'done';
}

export interface Job {
	jobId: string;
	kind: string;
	appName: string;
	environment?: string;
	status: 'queued' | 'running' | 'succeeded' | 'failed';
	steps: JobStep[];
}

export interface PartUrl {
	partNumber: number;
	url: string;
}

export interface UploadedPart {
	partNumber: number;
	etag: string;
	size: number;
}

/** The answer of POST /uploads. */
export interface UploadSession {
	uploadId: string;
	key: string;
	partSize: number;
	partCount: number;
	parts: PartUrl[];
	expiresAt: string;
}

/** The answer of GET /uploads/{id}: what is already there, and fresh URLs for the rest. */
export interface UploadState {
	uploadId: string;
	size: number;
	partSize: number;
	/** "open" while parts may still be sent. */
	status?: string;
	/** False when the storage cannot list parts; uploadedParts is then empty. */
	partsListed?: boolean;
	uploadedParts: UploadedPart[];
	parts: PartUrl[];
}

export interface EnvVar {
	name: string;
	value: string;
}

export interface ResourceAmounts {
	cpu: string;
	memory: string;
}

/** What the form edits; sent as DeployInputsPayload. */
export interface DeployInputs {
	replicas: number;
	containerPort: number | null;
	resources: { requests: ResourceAmounts; limits: ResourceAmounts };
	env: EnvVar[];
}

/** Deploy inputs as stored on the app (k8or_orbit_deploy_inputs). */
export interface DeployInputsPayload {
	replicas: number;
	containerPort?: number;
	resources: { requests: ResourceAmounts; limits: ResourceAmounts };
	env: Record< string, string >;
}

export interface AppDetailsInput {
	name: string;
	title: string;
	description: string;
	category: string;
	/** Where the image is stored first (the first environment). */
	environment: string;
	deployInputs: DeployInputsPayload;
}

/** A finding as the console uses it (see normaliseScanReport). */
export interface Finding {
	id: string;
	package: string;
	installed: string;
	/** Empty when no fix is available. */
	fixedIn: string;
	severity: Severity;
	title: string;
	target: string;
}

/** The latest scan as GET /apps/{id}/scan relays it from the bridge. */
export interface RawScanReport {
	summary: Partial< ScanResult >;
	findings: Array< {
		id: string;
		pkg: string;
		installedVersion: string;
		fixedVersion?: string;
		severity: string;
		title?: string;
		target?: string;
	} >;
}

export interface ScanReport {
	/** "scanned", or "unavailable" with the reason and no counts. */
	status: ScanStatus;
	reason?: string;
	scanner?: string;
	scannedAt?: string;
	/** Only for a finished scan: zeros would read as a clean image. */
	counts?: Record< Severity, number >;
	findings: Finding[];
}

/** A user's own NATS credentials: a user JWT and its NKey seed, for one subject, for minutes. */
export interface LiveCredentials {
	websocketUrl: string;
	jwt: string;
	seed: string;
	/** ISO time after which NATS refuses them. */
	expiresAt: string;
	subject: string;
}

export type OrbitCapability =
	| 'orbit_read_jobs'
	| 'orbit_upload'
	| 'orbit_scan'
	| 'orbit_deploy_dev'
	| 'orbit_deploy_test'
	| 'orbit_deploy_prod'
	| 'orbit_transfer'
	| 'orbit_delete'
	| 'orbit_restore'
	| 'orbit_manage_settings';

/** What the plugin's console page hands the script (window.k8orOrbitAdmin). */
export interface BootData {
	user: { id: number; login: string };
	capabilities: Partial< Record< OrbitCapability | string, boolean > >;
	environments: string[];
}
