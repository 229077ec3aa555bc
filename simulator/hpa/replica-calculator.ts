/**
 * The replica calculator, one function per upstream function: pod grouping (ready, unready,
 * missing, ignored), tolerances, usage ratios and the replica counts they give
 * (pkg/controller/podautoscaler/replica_calculator.go, metrics/utilization.go).
 * Which upstream version each part follows: docs/design/simulator.md "The HPA controller".
 */
import { HPABehavior, HpaControllerConfig, MetricComputationError } from "./types";

// ---------------------------------------------------------------------------------------------------------------
// Replica calculator (replica_calculator.go, metrics/utilization.go)
// ---------------------------------------------------------------------------------------------------------------

/** The pod fields the replica calculator reads. */
export interface PodInfo {
    readonly name: string;
    /** Default `Running`. */
    readonly phase?: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
    /** `deletionTimestamp != nil`. */
    readonly deleting?: boolean;
    /** Status of the Ready condition; `undefined` means the pod has no Ready condition. */
    readonly ready?: boolean;
    /** Ready condition `lastTransitionTime`, seconds. */
    readonly readyLastTransitionTime?: number;
    /** `status.startTime`, seconds; `undefined` means nil. */
    readonly startTime?: number;
    /** Sum of the containers' requests for the metric's resource, milli-units; `undefined` = a container lacks one. */
    readonly request?: number;
}

/** One pod's sample (`metricsclient.PodMetric`): value in milli-units, timestamp and window in seconds. */
export interface PodMetric {
    readonly value: number;
    readonly timestamp?: number;
    readonly window?: number;
}
/** Samples keyed by pod name (`metricsclient.PodMetricsInfo`). */
export type PodMetricsInfo = ReadonlyMap<string, PodMetric>;

/** replica_calculator.go `Tolerances` (1.33+): the scale-down and scale-up tolerances of one HPA. */
export interface Tolerances {
    readonly scaleDown: number;
    readonly scaleUp: number;
}

/** Mirrors `Tolerances.isWithin` (1.33+): `(1 - scaleDown) <= ratio <= (1 + scaleUp)` keeps the count. */
export function isWithin(tolerances: Tolerances, usageRatio: number): boolean {
    return 1.0 - tolerances.scaleDown <= usageRatio && usageRatio <= 1.0 + tolerances.scaleUp;
}

/**
 * Mirrors `HorizontalController.tolerancesForHpa`: the controller flag for both directions, each overridden by
 * `behavior.scale{Up,Down}.tolerance` only while the `HPAConfigurableTolerance` gate is on.
 */
export function tolerancesForHpa(
    behavior: HPABehavior | undefined,
    config: Pick<HpaControllerConfig, "tolerance" | "configurableTolerance">,
): Tolerances {
    const tolerances = { scaleDown: config.tolerance, scaleUp: config.tolerance };
    if (config.configurableTolerance !== true || behavior === undefined) return tolerances;
    return {
        scaleDown: behavior.scaleDown?.tolerance ?? tolerances.scaleDown,
        scaleUp: behavior.scaleUp?.tolerance ?? tolerances.scaleUp,
    };
}

/** The calculator's settings (`ReplicaCalculator` fields). */
export interface ReplicaCalculatorConfig {
    /** Upstream passes these per call (1.33+: `Tolerances` from `tolerancesForHpa`); here with the other settings. */
    readonly tolerances: Tolerances;
    readonly cpuInitializationPeriodSeconds: number;
    readonly delayOfInitialReadinessStatusSeconds: number;
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z) in Unix seconds: what an unset timestamp compares as upstream. */
export const GO_ZERO_TIME_SECONDS = -62135596800;

export interface GroupedPods {
    readonly readyPodCount: number;
    readonly unreadyPods: ReadonlySet<string>;
    readonly missingPods: ReadonlySet<string>;
    readonly ignoredPods: ReadonlySet<string>;
}

/** The empty group, shared: GroupedPods' sets are read-only. */
const NO_PODS: ReadonlySet<string> = new Set();

/**
 * Mirrors `groupPods`: deleting or Failed pods are ignored, Pending pods unready, pods without a sample missing;
 * for CPU only, pods in their initialization period that are unready or whose sample predates one metric window
 * after the last readiness transition, and pods that are unready and never became ready, are unready.
 */
export function groupPods(
    now: number,
    pods: readonly PodInfo[],
    metrics: PodMetricsInfo,
    resource: string,
    cpuInitializationPeriodSeconds: number,
    delayOfInitialReadinessStatusSeconds: number,
): GroupedPods {
    // Each set is made at its first pod: in most syncs every pod is ready and has a sample.
    let unreadyPods: Set<string> | undefined;
    let missingPods: Set<string> | undefined;
    let ignoredPods: Set<string> | undefined;
    let readyPodCount = 0;
    // Indexed: `for...of` over the frozen lists a simulation passes allocated an iterator result per pod.
    for (let i = 0; i < pods.length; i++) {
        const pod = pods[i];
        const phase = pod.phase ?? "Running";
        if (pod.deleting === true || phase === "Failed") {
            (ignoredPods ??= new Set()).add(pod.name);
            continue;
        }
        if (phase === "Pending") {
            (unreadyPods ??= new Set()).add(pod.name);
            continue;
        }
        const metric = metrics.get(pod.name);
        if (metric === undefined) {
            (missingPods ??= new Set()).add(pod.name);
            continue;
        }
        if (resource === "cpu") {
            let unready: boolean;
            if (pod.ready === undefined || pod.startTime === undefined) {
                unready = true;
            } else {
                const lastTransition = pod.readyLastTransitionTime ?? GO_ZERO_TIME_SECONDS;
                if (pod.startTime + cpuInitializationPeriodSeconds > now) {
                    unready =
                        pod.ready === false ||
                        (metric.timestamp ?? GO_ZERO_TIME_SECONDS) < lastTransition + (metric.window ?? 0);
                } else {
                    unready =
                        pod.ready === false && pod.startTime + delayOfInitialReadinessStatusSeconds > lastTransition;
                }
            }
            if (unready) {
                (unreadyPods ??= new Set()).add(pod.name);
                continue;
            }
        }
        readyPodCount++;
    }
    return {
        readyPodCount,
        unreadyPods: unreadyPods ?? NO_PODS,
        missingPods: missingPods ?? NO_PODS,
        ignoredPods: ignoredPods ?? NO_PODS,
    };
}

/** Mirrors `calculatePodRequests`: a pod without a request for the resource is an error. */
export function calculatePodRequests(pods: readonly PodInfo[], resource: string): Map<string, number> {
    const requests = new Map<string, number>();
    for (const pod of pods) {
        if (pod.request === undefined)
            throw new MetricComputationError(`missing request for ${resource} in a container of Pod ${pod.name}`);
        requests.set(pod.name, pod.request);
    }
    return requests;
}

/**
 * calculatePodRequests' answers for frozen pod lists of frozen pods, which cannot change: a simulation
 * passes the same list at every sync until a pod comes, goes or changes phase, so the map is built
 * once per list, not once per sync.
 */
const frozenPodRequests = new WeakMap<
    readonly PodInfo[],
    { readonly resource: string; readonly requests: ReadonlyMap<string, number> }
>();

function podRequests(pods: readonly PodInfo[], resource: string): ReadonlyMap<string, number> {
    const known = frozenPodRequests.get(pods);
    if (known !== undefined && known.resource === resource) return known.requests;
    const requests = calculatePodRequests(pods, resource);
    // Checked only before a list is kept: what was frozen stays frozen. One resource per list, the
    // last asked (a simulation's list serves one metric).
    if (known !== undefined || (Object.isFrozen(pods) && pods.every(Object.isFrozen)))
        frozenPodRequests.set(pods, { resource, requests });
    return requests;
}

/**
 * Mirrors `metrics.GetResourceUtilizationRatio`: integer utilization `(Σusage * 100) / Σrequest` over samples whose
 * pod has a request, its ratio to the target, and the integer raw average.
 */
export function getResourceUtilizationRatio(
    metrics: PodMetricsInfo,
    requests: ReadonlyMap<string, number>,
    targetUtilization: number,
): { utilizationRatio: number; currentUtilization: number; rawAverageValue: number } {
    let metricsTotal = 0;
    let requestsTotal = 0;
    let numEntries = 0;
    // forEach, not `for (const [name, metric] of metrics)`: the entries iterator allocates a pair per
    // sample (on a Map, and on the simulator's PodSamples, simulator/pod-samples.ts, whose iterators
    // are generators).
    metrics.forEach((metric, podName) => {
        const request = requests.get(podName);
        if (request === undefined) return;
        metricsTotal += metric.value;
        requestsTotal += request;
        numEntries++;
    });
    if (requestsTotal === 0) throw new MetricComputationError("no metrics returned matched known pods");
    const currentUtilization = Math.trunc((metricsTotal * 100) / requestsTotal);
    return {
        utilizationRatio: currentUtilization / targetUtilization,
        currentUtilization,
        rawAverageValue: Math.trunc(metricsTotal / numEntries),
    };
}

/** Mirrors `metrics.GetMetricUsageRatio`: integer average `Σvalue / n` and its ratio to the target. */
export function getMetricUsageRatio(
    metrics: PodMetricsInfo,
    targetUsage: number,
): { usageRatio: number; currentUsage: number } {
    let metricsTotal = 0;
    metrics.forEach((metric) => {
        metricsTotal += metric.value;
    });
    const currentUsage = Math.trunc(metricsTotal / metrics.size);
    return { usageRatio: currentUsage / targetUsage, currentUsage };
}

/**
 * `metrics` less the ignored and unready pods (upstream `removeMetricsForPods` deletes them from the map it
 * was given). The caller's map is not changed: a new map when there are pods to remove, else `metrics` itself,
 * as the fast path only reads it (a copy per sync would be the calculator's largest cost in a long simulation).
 */
function withoutPods(metrics: PodMetricsInfo, grouped: GroupedPods): PodMetricsInfo {
    if (grouped.ignoredPods.size === 0 && grouped.unreadyPods.size === 0) return metrics;
    const result = new Map(metrics);
    for (const pod of grouped.ignoredPods) result.delete(pod);
    for (const pod of grouped.unreadyPods) result.delete(pod);
    return result;
}

/** The slow path shared by both calculators: direction-flip and tolerance checks on the recomputed ratio. */
function slowPathReplicas(
    currentReplicas: number,
    usageRatio: number,
    newUsageRatio: number,
    samples: number,
    tolerances: Tolerances,
): number {
    if (
        isWithin(tolerances, newUsageRatio) ||
        (usageRatio < 1.0 && newUsageRatio > 1.0) ||
        (usageRatio > 1.0 && newUsageRatio < 1.0)
    ) {
        return currentReplicas;
    }
    const newReplicas = Math.ceil(newUsageRatio * samples);
    if (
        (newUsageRatio < 1.0 && newReplicas > currentReplicas) ||
        (newUsageRatio > 1.0 && newReplicas < currentReplicas)
    ) {
        return currentReplicas;
    }
    return newReplicas;
}

/**
 * Mirrors `ReplicaCalculator.GetResourceReplicas` (Resource/ContainerResource metric, Utilization target).
 * Fast path: `ceil(ratio * readyPods)` unless `|1 - ratio| <= tolerance`. With missing pods, or unready pods on a
 * scale-up, missing pods count as `max(100, target)`% (scale-down) or 0 (scale-up), unready pods as 0, and the
 * recomputed ratio must not flip direction. For ContainerResource, pass the container's requests and usage.
 */
export function getResourceReplicas(
    now: number,
    calc: ReplicaCalculatorConfig,
    currentReplicas: number,
    targetUtilization: number,
    resource: string,
    pods: readonly PodInfo[],
    podMetrics: PodMetricsInfo,
): { replicaCount: number; utilization: number; rawUtilization: number } {
    if (podMetrics.size === 0) {
        // metrics.GetResourceMetric fails on an empty list before the calculator runs.
        throw new MetricComputationError(
            `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
        );
    }
    if (pods.length === 0)
        throw new MetricComputationError("no pods returned by selector while calculating replica count");
    const grouped = groupPods(
        now,
        pods,
        podMetrics,
        resource,
        calc.cpuInitializationPeriodSeconds,
        calc.delayOfInitialReadinessStatusSeconds,
    );
    const metrics = withoutPods(podMetrics, grouped);
    if (metrics.size === 0)
        throw new MetricComputationError("did not receive metrics for targeted pods (pods might be unready)");
    const requests = podRequests(pods, resource);
    const {
        utilizationRatio: usageRatio,
        currentUtilization: utilization,
        rawAverageValue: rawUtilization,
    } = getResourceUtilizationRatio(metrics, requests, targetUtilization);

    const scaleUpWithUnready = grouped.unreadyPods.size > 0 && usageRatio > 1.0;
    if (!scaleUpWithUnready && grouped.missingPods.size === 0) {
        if (isWithin(calc.tolerances, usageRatio))
            return { replicaCount: currentReplicas, utilization, rawUtilization };
        return { replicaCount: Math.ceil(usageRatio * grouped.readyPodCount), utilization, rawUtilization };
    }
    // The slow path fills in the missing and unready pods: on a copy, as the samples may be the caller's.
    const filled = new Map(metrics);
    if (grouped.missingPods.size > 0) {
        if (usageRatio < 1.0) {
            const fallbackUtilization = Math.max(100, targetUtilization);
            for (const podName of grouped.missingPods) {
                filled.set(podName, { value: Math.trunc(((requests.get(podName) ?? 0) * fallbackUtilization) / 100) });
            }
        } else if (usageRatio > 1.0) {
            for (const podName of grouped.missingPods) filled.set(podName, { value: 0 });
        }
    }
    if (scaleUpWithUnready) {
        for (const podName of grouped.unreadyPods) filled.set(podName, { value: 0 });
    }
    const newUsageRatio = getResourceUtilizationRatio(filled, requests, targetUtilization).utilizationRatio;
    return {
        replicaCount: slowPathReplicas(currentReplicas, usageRatio, newUsageRatio, filled.size, calc.tolerances),
        utilization,
        rawUtilization,
    };
}

/**
 * Mirrors `ReplicaCalculator.calcPlainMetricReplicas` (Pods metrics, and Resource metrics with an AverageValue
 * target via `GetRawResourceReplicas`): like `getResourceReplicas` on the integer average, with missing pods
 * counted as exactly the target on a scale-down. `resource` is "" for Pods metrics (no CPU readiness rules).
 */
export function calcPlainMetricReplicas(
    now: number,
    calc: ReplicaCalculatorConfig,
    podMetrics: PodMetricsInfo,
    currentReplicas: number,
    targetUsage: number,
    pods: readonly PodInfo[],
    resource: string,
): { replicaCount: number; usage: number } {
    if (podMetrics.size === 0) {
        // The resource and custom metrics clients fail on an empty list before the calculator runs.
        throw new MetricComputationError("no metrics returned from the metrics API");
    }
    if (pods.length === 0)
        throw new MetricComputationError("no pods returned by selector while calculating replica count");
    const grouped = groupPods(
        now,
        pods,
        podMetrics,
        resource,
        calc.cpuInitializationPeriodSeconds,
        calc.delayOfInitialReadinessStatusSeconds,
    );
    const metrics = withoutPods(podMetrics, grouped);
    if (metrics.size === 0)
        throw new MetricComputationError("did not receive metrics for targeted pods (pods might be unready)");
    const { usageRatio, currentUsage: usage } = getMetricUsageRatio(metrics, targetUsage);

    const scaleUpWithUnready = grouped.unreadyPods.size > 0 && usageRatio > 1.0;
    if (!scaleUpWithUnready && grouped.missingPods.size === 0) {
        if (isWithin(calc.tolerances, usageRatio)) return { replicaCount: currentReplicas, usage };
        return { replicaCount: Math.ceil(usageRatio * grouped.readyPodCount), usage };
    }
    // As in getResourceReplicas: filled in on a copy.
    const filled = new Map(metrics);
    if (grouped.missingPods.size > 0) {
        if (usageRatio < 1.0) {
            for (const podName of grouped.missingPods) filled.set(podName, { value: targetUsage });
        } else if (usageRatio > 1.0) {
            for (const podName of grouped.missingPods) filled.set(podName, { value: 0 });
        }
    }
    if (scaleUpWithUnready) {
        for (const podName of grouped.unreadyPods) filled.set(podName, { value: 0 });
    }
    const newUsageRatio = getMetricUsageRatio(filled, targetUsage).usageRatio;
    return {
        replicaCount: slowPathReplicas(currentReplicas, usageRatio, newUsageRatio, filled.size, calc.tolerances),
        usage,
    };
}

/** Mirrors `getReadyPodsCount`: pods that are Running with Ready=True; no pods is an error. */
export function getReadyPodsCount(pods: readonly PodInfo[]): number {
    if (pods.length === 0)
        throw new MetricComputationError("no pods returned by selector while calculating replica count");
    return pods.filter((pod) => (pod.phase ?? "Running") === "Running" && pod.ready === true).length;
}

/**
 * Mirrors `getUsageRatioReplicaCount` (Object and External metrics with a Value target): with `current != 0` the
 * tolerance check, else `ceil(ratio * readyPods)`; with `current == 0`, `ceil(ratio)` without tolerance.
 */
export function getUsageRatioReplicaCount(
    calc: ReplicaCalculatorConfig,
    currentReplicas: number,
    usageRatio: number,
    pods: readonly PodInfo[],
): number {
    if (currentReplicas !== 0) {
        if (isWithin(calc.tolerances, usageRatio)) return currentReplicas;
        return Math.ceil(usageRatio * getReadyPodsCount(pods));
    }
    return Math.ceil(usageRatio);
}

/**
 * Mirrors `GetObjectPerPodMetricReplicas` / `GetExternalPerPodMetricReplicas` (AverageValue target on an Object or
 * External metric): `ratio = value / (target * statusReplicas)`; outside tolerance `ceil(value / target)`, else
 * `statusReplicas`. `usage` is the per-pod average `ceil(value / statusReplicas)`.
 */
export function getPerPodMetricReplicas(
    calc: ReplicaCalculatorConfig,
    statusReplicas: number,
    targetAverageUsage: number,
    usage: number,
): { replicaCount: number; usage: number } {
    let replicaCount = statusReplicas;
    const usageRatio = usage / (targetAverageUsage * replicaCount);
    if (!isWithin(calc.tolerances, usageRatio)) replicaCount = Math.ceil(usage / targetAverageUsage);
    return { replicaCount, usage: Math.ceil(usage / statusReplicas) };
}
