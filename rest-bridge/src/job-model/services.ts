import type { RevisionStore } from '../adapters/dynamo-revisions.js';
import type { GitOpsRepository } from '../adapters/git.js';
import type { OciRegistry } from '../adapters/registry.js';
import type { GitOpsController } from '../adapters/argocd.js';
import type { ClusterClient } from '../adapters/cluster-client.js';
import type { ObjectStore } from '../adapters/object-store.js';
import type { ImageScanner } from '../adapters/trivy.js';
import type { BridgeConfig } from '../config.js';
import type { ResourceNames } from '../resources.js';

/** What the job steps work with. */
export interface JobServices {
	config: BridgeConfig;
	objects: ObjectStore;
	names: ResourceNames;
	scanner: ImageScanner;
	registry: OciRegistry;
	/** Undefined when no GitOps repository is configured. */
	gitops?: GitOpsRepository;
	revisions: RevisionStore;
	/** Each environment's cluster, for the direct mode (empty when none is configured). */
	cluster: ClusterClient;
	/** Each environment's Argo CD, for the GitOps mode (empty when none is configured). */
	argocd: GitOpsController;
}
