/* Generated from docs/contract.json by `npm run contract`. Do not edit. */
/* eslint-disable */
// prettier-ignore
export const CONTRACT = {
	"$comment": "The one contract the bridge, the plugin, the console and the blocks read. Change a rule here, run `npm run contract`, and every part follows. See docs/architecture.md, \"Contract\".",
	"version": 1,
	"severities": {
		"$comment": "Most severe first. A finding whose severity is not listed counts as UNKNOWN.",
		"order": [
			"CRITICAL",
			"HIGH",
			"MEDIUM",
			"LOW",
			"UNKNOWN"
		],
		"limits": [
			"NONE",
			"LOW",
			"MEDIUM",
			"HIGH",
			"CRITICAL"
		],
		"unknownCountsAsDefault": "CRITICAL"
	},
	"patterns": {
		"appName": "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
		"environmentName": "^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$",
		"jobId": "^[A-Za-z0-9._:-]{1,128}$",
		"eventName": "^[a-z0-9-]{1,64}$",
		"vulnerabilityId": "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
		"date": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
		"archiveFilename": "^[A-Za-z0-9][A-Za-z0-9._-]{0,250}\\.tar$",
		"versionLabel": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
		"deadLetterId": "^[0-9]{13}-[A-Za-z0-9._:-]{1,128}-[0-9]{1,10}$"
	},
	"limits": {
		"titleLength": 200,
		"descriptionLength": 20000,
		"categoryLength": 100,
		"filenameLength": 255,
		"archiveExtensions": [
			".tar"
		],
		"etagLength": 200,
		"archiveBytesDefault": 4294967296,
		"uploadParts": 10000,
		"uploadAbandonedAfterSeconds": 86400,
		"loginLength": 60,
		"stepNameLength": 64,
		"eventMessageLength": 4000,
		"eventsPerCallback": 500,
		"exemptionReasonLength": 1000,
		"exemptionsPerPolicy": 1000,
		"blockingFindingsPerVerdict": 100,
		"verdictMessageLength": 2000,
		"environments": 10,
		"deployInputs": {
			"replicasMin": 1,
			"replicasMax": 20,
			"containerPortMin": 1,
			"containerPortMax": 65535,
			"envVars": 50,
			"envNamePattern": "^[A-Za-z_][A-Za-z0-9_]{0,127}$",
			"envNameLength": 128,
			"envValueLength": 4096,
			"cpuPattern": "^([0-9]+m|[0-9]+(\\.[0-9]{1,3})?)$",
			"memoryPattern": "^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$",
			"quantityLength": 32,
			"commandArgs": 64,
			"commandArgLength": 1024,
			"bytes": 65536
		},
		"deadLetters": {
			"$comment": "Callbacks WordPress refused, kept by the bridge: how many a listing returns, how much of WordPress's answer is kept.",
			"listed": 100,
			"answerLength": 2000
		}
	},
	"jobs": {
		"$comment": "Per job kind: its steps in order, the events each step emits in order (each at most once per job), the event that ends it well and the one that ends it in failure. transfer, delete and restore are added here when they are built. A rollback runs the deploy job (see rollback).",
		"upload": {
			"steps": [
				{
					"name": "receive",
					"events": [
						"upload-initiated",
						"image-received"
					]
				},
				{
					"name": "store-temporary",
					"events": [
						"temporary-image-stored"
					]
				},
				{
					"name": "validate",
					"events": [
						"image-validation-started",
						"image-validated"
					]
				},
				{
					"name": "scan",
					"events": [
						"image-scan-started",
						"image-scanned"
					]
				},
				{
					"name": "store-image",
					"events": [
						"image-stored"
					]
				},
				{
					"name": "save-metadata",
					"events": [
						"user-data-saved",
						"image-metadata-saved",
						"user-input-saved"
					]
				},
				{
					"name": "kustomize",
					"events": [
						"kustomization-started",
						"kustomization-completed"
					]
				},
				{
					"name": "publish",
					"events": [
						"database-update-started",
						"database-updated"
					]
				},
				{
					"name": "finish",
					"events": [
						"upload-completed"
					]
				}
			],
			"completedEvent": "upload-completed",
			"failureEvent": "upload-failed"
		},
		"scan": {
			"steps": [
				{
					"name": "locate",
					"events": [
						"scan-requested"
					]
				},
				{
					"name": "scan",
					"events": [
						"image-scan-started",
						"image-scanned"
					]
				},
				{
					"name": "publish",
					"events": [
						"database-update-started",
						"database-updated"
					]
				},
				{
					"name": "finish",
					"events": [
						"scan-completed"
					]
				}
			],
			"completedEvent": "scan-completed",
			"failureEvent": "scan-failed"
		},
		"deploy": {
			"steps": [
				{
					"name": "receive",
					"events": [
						"deployment-initiated",
						"deployment-detail-received"
					]
				},
				{
					"name": "gate",
					"events": [
						"policy-checked"
					]
				},
				{
					"name": "retrieve-image",
					"events": [
						"image-retrieval-started",
						"image-retrieved"
					]
				},
				{
					"name": "push-image",
					"events": [
						"image-push-started",
						"image-pushed"
					]
				},
				{
					"name": "render",
					"events": [
						"manifest-retrieval-started",
						"manifest-retrieved"
					]
				},
				{
					"name": "commit",
					"events": [
						"manifest-push-started",
						"manifest-pushed"
					]
				},
				{
					"name": "deploy-list",
					"events": [
						"deploy-list-update-started",
						"deploy-list-updated"
					]
				},
				{
					"name": "cluster",
					"events": [
						"argo-cd-sync-started",
						"argo-cd-sync-completed",
						"kubernetes-manifests-applied",
						"rollout-started",
						"deployed"
					]
				},
				{
					"name": "publish",
					"events": [
						"deployment-status-updated"
					]
				},
				{
					"name": "finish",
					"events": [
						"deployment-completed"
					]
				}
			],
			"completedEvent": "deployment-completed",
			"failureEvent": "deployment-failed"
		},
		"cluster-status": {
			"steps": [
				{
					"name": "observe",
					"events": [
						"deployment-notification-received",
						"deployment-status-read"
					]
				},
				{
					"name": "publish",
					"events": [
						"deployment-status-updated"
					]
				},
				{
					"name": "finish",
					"events": [
						"cluster-status-completed"
					]
				}
			],
			"completedEvent": "cluster-status-completed",
			"failureEvent": "deployment-status-failed"
		}
	},
	"rollback": {
		"$comment": "A rollback (POST /apps/{id}/rollbacks {environment, revision}) redeploys an earlier committed revision of an app in an environment through the deploy job (jobs.deploy, no events of its own; deployment-initiated carries data.rollbackOf): a new revision with the chosen one's image by digest, its inputs and so its manifests, recorded with rolledBackFrom. The environment's state carries rolledBackTo (shown as \"rolled back to revision N\") until the next deploy replaces that state. refusals: the HTTP 409 answers, code → message, with {app}, {environment}, {revision}, {version} and {jobId} filled in.",
		"refusals": {
			"orbit_rollback_unknown_revision": "{app} has no committed revision {revision} in {environment} to roll back to; choose one from the revision list.",
			"orbit_rollback_current_revision": "Revision {revision} is the one {app} runs in {environment} now; choose an earlier revision.",
			"orbit_rollback_image_missing": "The image of revision {revision} of {app} (version {version}) is no longer stored, so it cannot be rolled back to.",
			"orbit_deploy_running": "A deploy of {app} to {environment} is running (job {jobId}); wait for it to finish."
		}
	},
	"schemas": {
		"$comment": "JSON Schema (draft 2020-12 subset WordPress's rest_validate_value_from_schema understands once $ref is inlined). {\"$ref\": \"#/limits/…\"} and \"#/patterns/…\" are not used: values are written out and checked against the sections above by the contract test.",
		"$defs": {
			"Severity": {
				"type": "string",
				"enum": [
					"CRITICAL",
					"HIGH",
					"MEDIUM",
					"LOW",
					"UNKNOWN"
				]
			},
			"SeverityLimit": {
				"type": "string",
				"enum": [
					"NONE",
					"LOW",
					"MEDIUM",
					"HIGH",
					"CRITICAL"
				]
			},
			"Actor": {
				"type": "object",
				"required": [
					"id",
					"login"
				],
				"additionalProperties": false,
				"properties": {
					"id": {
						"type": "integer",
						"minimum": 0
					},
					"login": {
						"type": "string",
						"minLength": 1,
						"maxLength": 60
					}
				}
			},
			"EventOutcome": {
				"type": "string",
				"enum": [
					"started",
					"succeeded",
					"failed"
				]
			},
			"Event": {
				"type": "object",
				"required": [
					"jobId",
					"seq",
					"name",
					"step",
					"outcome",
					"appName",
					"environment",
					"actor",
					"time",
					"data"
				],
				"properties": {
					"jobId": {
						"type": "string",
						"pattern": "^[A-Za-z0-9._:-]{1,128}$"
					},
					"seq": {
						"type": "integer",
						"minimum": 1
					},
					"name": {
						"type": "string",
						"pattern": "^[a-z0-9-]{1,64}$"
					},
					"step": {
						"type": "string",
						"maxLength": 64
					},
					"outcome": {
						"$ref": "#/$defs/EventOutcome"
					},
					"appName": {
						"type": "string",
						"pattern": "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
					},
					"environment": {
						"type": "string",
						"pattern": "^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$"
					},
					"actor": {
						"$ref": "#/$defs/Actor"
					},
					"time": {
						"type": "string",
						"format": "date-time"
					},
					"message": {
						"type": "string",
						"maxLength": 4000
					},
					"data": {
						"type": "object"
					}
				}
			},
			"ScanCounts": {
				"type": "object",
				"additionalProperties": false,
				"properties": {
					"CRITICAL": {
						"type": "integer",
						"minimum": 0
					},
					"HIGH": {
						"type": "integer",
						"minimum": 0
					},
					"MEDIUM": {
						"type": "integer",
						"minimum": 0
					},
					"LOW": {
						"type": "integer",
						"minimum": 0
					},
					"UNKNOWN": {
						"type": "integer",
						"minimum": 0
					}
				}
			},
			"ScanResult": {
				"type": "object",
				"required": [
					"status"
				],
				"properties": {
					"status": {
						"type": "string",
						"enum": [
							"scanned",
							"unavailable"
						]
					},
					"reason": {
						"type": "string",
						"maxLength": 2000
					},
					"scanner": {
						"type": "string",
						"maxLength": 64
					},
					"counts": {
						"$ref": "#/$defs/ScanCounts"
					},
					"total": {
						"type": "integer",
						"minimum": 0
					},
					"fixable": {
						"type": "integer",
						"minimum": 0
					},
					"secrets": {
						"type": "integer",
						"minimum": 0
					},
					"reportLocation": {
						"type": "string",
						"maxLength": 1024
					},
					"scannedAt": {
						"type": "string",
						"format": "date-time"
					}
				}
			},
			"Exemption": {
				"type": "object",
				"required": [
					"id",
					"app",
					"reason",
					"by",
					"expires"
				],
				"additionalProperties": false,
				"properties": {
					"id": {
						"type": "string",
						"pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
					},
					"app": {
						"type": "string",
						"pattern": "^(\\*|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$"
					},
					"reason": {
						"type": "string",
						"minLength": 1,
						"maxLength": 1000
					},
					"by": {
						"type": "string",
						"minLength": 1,
						"maxLength": 60
					},
					"expires": {
						"type": "string",
						"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
					}
				}
			},
			"Policy": {
				"type": "object",
				"required": [
					"scanRequired",
					"maxSeverity"
				],
				"additionalProperties": false,
				"properties": {
					"scanRequired": {
						"type": "boolean"
					},
					"maxSeverity": {
						"$ref": "#/$defs/SeverityLimit"
					},
					"unknownSeverityAs": {
						"$ref": "#/$defs/Severity"
					},
					"exemptions": {
						"type": "array",
						"maxItems": 1000,
						"items": {
							"$ref": "#/$defs/Exemption"
						}
					}
				}
			},
			"Policies": {
				"type": "object",
				"maxProperties": 10,
				"additionalProperties": {
					"$ref": "#/$defs/Policy"
				}
			},
			"BlockingFinding": {
				"type": "object",
				"required": [
					"id",
					"pkg",
					"installedVersion",
					"severity"
				],
				"additionalProperties": false,
				"properties": {
					"id": {
						"type": "string",
						"maxLength": 128
					},
					"pkg": {
						"type": "string",
						"maxLength": 255
					},
					"installedVersion": {
						"type": "string",
						"maxLength": 255
					},
					"fixedVersion": {
						"type": "string",
						"maxLength": 255
					},
					"severity": {
						"$ref": "#/$defs/Severity"
					}
				}
			},
			"VerdictReason": {
				"type": "string",
				"enum": [
					"passed",
					"findings",
					"scan-unavailable",
					"scan-missing"
				]
			},
			"Verdict": {
				"type": "object",
				"required": [
					"environment",
					"allowed",
					"reason",
					"message",
					"blocking",
					"evaluatedAt"
				],
				"additionalProperties": false,
				"properties": {
					"environment": {
						"type": "string",
						"pattern": "^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$"
					},
					"allowed": {
						"type": "boolean"
					},
					"reason": {
						"$ref": "#/$defs/VerdictReason"
					},
					"message": {
						"type": "string",
						"maxLength": 2000
					},
					"blocking": {
						"type": "array",
						"maxItems": 100,
						"items": {
							"$ref": "#/$defs/BlockingFinding"
						}
					},
					"evaluatedAt": {
						"type": "string",
						"format": "date-time"
					}
				}
			},
			"Verdicts": {
				"type": "object",
				"maxProperties": 10,
				"additionalProperties": {
					"$ref": "#/$defs/Verdict"
				}
			},
			"WorkloadHealth": {
				"description": "An app's health in an environment as Orbit shows it: what the rollout or Argo CD reports (Argo CD's Suspended and Unknown read as Progressing; Missing: the workload is not there).",
				"type": "string",
				"enum": [
					"Healthy",
					"Progressing",
					"Degraded",
					"Missing"
				]
			},
			"DeployMode": {
				"description": "How an environment's commits reach its cluster: Argo CD syncs the GitOps folder (gitops), or the bridge applies the rendered objects itself (direct).",
				"type": "string",
				"enum": [
					"gitops",
					"direct"
				]
			}
		}
	}
} as const;

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNKNOWN";
export type SeverityLimit = "NONE" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
export type Actor = {
	id: number;
	login: string;
};
export type EventOutcome = "started" | "succeeded" | "failed";
export type Event = {
	jobId: string;
	seq: number;
	name: string;
	step: string;
	outcome: EventOutcome;
	appName: string;
	environment: string;
	actor: Actor;
	time: string;
	message?: string;
	data: Record< string, unknown >;
};
export type ScanCounts = {
	CRITICAL?: number;
	HIGH?: number;
	MEDIUM?: number;
	LOW?: number;
	UNKNOWN?: number;
};
export type ScanResult = {
	status: "scanned" | "unavailable";
	reason?: string;
	scanner?: string;
	counts?: ScanCounts;
	total?: number;
	fixable?: number;
	secrets?: number;
	reportLocation?: string;
	scannedAt?: string;
};
export type Exemption = {
	id: string;
	app: string;
	reason: string;
	by: string;
	expires: string;
};
export type Policy = {
	scanRequired: boolean;
	maxSeverity: SeverityLimit;
	unknownSeverityAs?: Severity;
	exemptions?: Array< Exemption >;
};
export type Policies = Record< string, Policy >;
export type BlockingFinding = {
	id: string;
	pkg: string;
	installedVersion: string;
	fixedVersion?: string;
	severity: Severity;
};
export type VerdictReason = "passed" | "findings" | "scan-unavailable" | "scan-missing";
export type Verdict = {
	environment: string;
	allowed: boolean;
	reason: VerdictReason;
	message: string;
	blocking: Array< BlockingFinding >;
	evaluatedAt: string;
};
export type Verdicts = Record< string, Verdict >;
export type WorkloadHealth = "Healthy" | "Progressing" | "Degraded" | "Missing";
export type DeployMode = "gitops" | "direct";
