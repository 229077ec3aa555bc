// What every add-on's Helm release shares: the release spec the pure builders return, the
// Release args it becomes, and the pod settings that keep add-ons from pinning their nodes.
import * as k8s from "@pulumi/kubernetes";

/** A Helm release as the program installs it: everything `helm upgrade --install` needs. */
export interface ReleaseSpec {
    /** The release name, always explicit: it prefixes the chart's object and service-account names. */
    readonly name: string;
    readonly chart: string;
    readonly repo: string;
    /** Pinned chart version: the tests' copies of the chart defaults are of this version. */
    readonly version: string;
    readonly namespace: string;
    readonly values: Record<string, unknown>;
    /** Helm's wait for the release's resources; default {@link RELEASE_DEFAULTS}.timeoutSeconds. */
    readonly timeoutSeconds?: number;
}

/** Where a chart comes from and where its release goes. */
export interface ChartRef {
    readonly release: string;
    readonly chart: string;
    readonly repo: string;
    readonly namespace: string;
}

/** A release of a chart, in a namespace that exists: kube-system, or one the program owns (monitoring-namespaces.ts). */
export function chartRelease(
    ref: ChartRef,
    version: string,
    values: Record<string, unknown>,
    timeoutSeconds?: number,
): ReleaseSpec {
    return {
        name: ref.release,
        chart: ref.chart,
        repo: ref.repo,
        version,
        namespace: ref.namespace,
        values,
        ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    };
}

export const RELEASE_DEFAULTS = {
    /** Helm's own default wait. */
    timeoutSeconds: 300,
} as const;

/**
 * The Release's args: wait for the pods to be ready (`skipAwait: false`), so whatever depends on
 * an add-on (the PodMonitors on the CRDs, the adapter on Prometheus) finds it working; roll a
 * failed install or upgrade back (`atomic`) and delete what it created (`cleanupOnFail`).
 */
export function releaseArgs(spec: ReleaseSpec): k8s.helm.v3.ReleaseArgs {
    return {
        name: spec.name,
        chart: spec.chart,
        version: spec.version,
        namespace: spec.namespace,
        // Helm creates no namespace: one it created would carry no Pod Security labels.
        createNamespace: false,
        repositoryOpts: { repo: spec.repo },
        values: spec.values,
        atomic: true,
        cleanupOnFail: true,
        skipAwait: false,
        timeout: spec.timeoutSeconds ?? RELEASE_DEFAULTS.timeoutSeconds,
    };
}

/**
 * The pod annotation that lets cluster-autoscaler remove a node although the pod has these local
 * (emptyDir) volumes, which `--skip-nodes-with-local-storage=true` otherwise treats as data to keep.
 * It must list every local volume of the pod (cluster-autoscaler FAQ).
 */
export const SAFE_TO_EVICT_LOCAL_VOLUMES = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";

/** `"false"` keeps cluster-autoscaler from ever evicting the pod (cluster-autoscaler-1.34.5 utils/drain `HasNotSafeToEvictAnnotation`). */
export const SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";

export function safeToEvictLocalVolumes(volumes: readonly string[]): Record<string, string> {
    return { [SAFE_TO_EVICT_LOCAL_VOLUMES]: volumes.join(",") };
}

/** Replicas on different nodes: a node drain or scale-down takes one at most. */
export function spreadOverNodes(podLabels: Readonly<Record<string, string>>) {
    return [
        {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { ...podLabels } },
            // Count only the current ReplicaSet's pods, so a rolling update is not blocked by the old ones.
            matchLabelKeys: ["pod-template-hash"],
        },
    ];
}
