/**
 * Shapes of the `k8or-orbit/v1` answers the console reads (docs/architecture.md).
 */

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

export type EnvironmentStatus =
	'none' | 'deploying' | 'deployed' | 'failed' | 'deleted' | 'transferred';

export interface ImageFacts {
	repository?: string;
	tag?: string;
	digest?: string;
	configDigest?: string;
	size?: number;
	os?: string;
	architecture?: string;
	ports?: string[];
	layers?: number;
	uploadedBy?: string;
	uploadedAt?: string;
}

export interface ScanSummary {
	status: ScanStatus;
	counts?: Partial< Record< Severity, number > >;
	scannedAt?: string;
	scanner?: string;
	scannerVersion?: string;
	reportKey?: string;
}

export interface EnvironmentState {
	status: EnvironmentStatus;
	revision?: number;
	deployedAt?: string;
	replicas?: number;
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
	description: string;
	link: string;
	status: string;
	categories: AppCategory[];
	image: ImageFacts;
	scan: ScanSummary;
	environments: Record< string, EnvironmentState >;
	deleted: DeletedState;
	modified: string;
}

export interface Environment {
	name: string;
	label: string;
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

export interface DeployInputs {
	replicas: number;
	containerPort: number | null;
	resources: { requests: ResourceAmounts; limits: ResourceAmounts };
	env: EnvVar[];
}

export interface AppDetailsInput {
	name: string;
	title: string;
	description: string;
	category: string;
	environment?: string;
	deployInputs: DeployInputs;
}

export interface Finding {
	id: string;
	package: string;
	installed: string;
	fixed?: string;
	severity: Uppercase< Severity > | Severity;
	title?: string;
	target?: string;
}

export interface GateResult {
	environment: string;
	allowed: boolean;
	reasons: string[];
}

export interface ScanReport {
	summary: ScanSummary;
	findings: Finding[];
	gates: GateResult[];
}

export interface LiveCredentials {
	websocketUrl: string;
	user: string;
	password: string;
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

export interface CurrentUser {
	id: number;
	name: string;
	capabilities: Partial< Record< OrbitCapability | string, boolean > >;
}
