/**
 * Shapes of the `k8or-orbit/v1` answers the console reads (docs/architecture.md).
 */

/**
 * Internal dependencies
 */
import type { EnvironmentState } from '../../../ui/src/deploy/types';

/** Per-environment state is shared with the deploy dialog and the blocks. */
export type {
	EnvironmentState,
	EnvironmentStatus,
} from '../../../ui/src/deploy/types';

export const SEVERITIES = [
	'critical',
	'high',
	'medium',
	'low',
	'unknown',
] as const;
export type Severity = ( typeof SEVERITIES )[ number ];

export type ScanStatus =
	'none' | 'pending' | 'passed' | 'blocked' | 'failed' | 'unavailable';

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

export interface ScanSummary {
	status: ScanStatus;
	counts?: Partial< Record< Severity, number > >;
	scannedAt?: string;
	scanner?: string;
	scannerVersion?: string;
	message?: string;
}

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
	environments: Record< string, EnvironmentState >;
	deleted: DeletedState;
	modified: string;
}

/** Highest severity an environment lets through ("none": no finding at all). */
export type MaxSeverity = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface Environment {
	name: string;
	order: number;
	canDeploy: boolean;
	policy: { scanRequired: boolean; maxSeverity: MaxSeverity };
}

export interface Actor {
	id: number;
	login: string;
}

export type EventOutcome = 'started' | 'succeeded' | 'failed';

export interface OrbitEvent {
	jobId: string;
	seq: number;
	name: string;
	step: string;
	outcome: EventOutcome;
	appName: string;
	environment?: string;
	actor?: Actor;
	time: string;
	message?: string;
	data?: Record< string, unknown >;
}

export interface EventPage {
	items: OrbitEvent[];
	nextCursor: string | null;
}

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed';

export interface JobStep {
	name: string;
	status: StepStatus;
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
	summary: {
		status?: string;
		reason?: string;
		scanner?: string;
		scannedAt?: string;
		summary?: {
			counts?: Record< string, number >;
			total?: number;
			fixable?: number;
		};
	};
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
	/** "scanned" or "unavailable" (with reason). */
	status: string;
	reason?: string;
	scanner?: string;
	scannedAt?: string;
	counts: Record< Severity, number >;
	findings: Finding[];
}

export interface GateResult {
	environment: string;
	allowed: boolean;
	reasons: string[];
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
