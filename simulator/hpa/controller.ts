/**
 * The controller's reconcile: metric specs and observations, computeReplicasForMetric(s), and
 * reconcileAutoscaler (pkg/controller/podautoscaler/horizontal.go).
 * Which upstream version each part follows: docs/design/simulator.md "The HPA controller".
 */
import {
    DEFAULT_HPA_CONTROLLER_CONFIG,
    HPABehavior,
    HpaControllerConfig,
    MetricComputationError,
    TimestampedRecommendation,
    TimestampedScaleEvent,
} from "./types";
import {
    normalizeDesiredReplicas,
    normalizeDesiredReplicasWithBehaviors,
    recordInitialRecommendation,
    setDefaultsHorizontalPodAutoscalerBehavior,
    storeScaleEvent,
} from "./behavior";
import {
    calcPlainMetricReplicas,
    getPerPodMetricReplicas,
    getResourceReplicas,
    getUsageRatioReplicaCount,
    PodInfo,
    PodMetricsInfo,
    ReplicaCalculatorConfig,
    tolerancesForHpa,
} from "./replica-calculator";

// ---------------------------------------------------------------------------------------------------------------
// Metric specs, observations and computeReplicasForMetrics (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/** A Resource or ContainerResource metric: Utilization (percent of request) or AverageValue (milli-units per pod). */
export interface HpaResourceMetricSpec {
    readonly type: "Resource" | "ContainerResource";
    readonly name: string;
    readonly target:
        | { readonly type: "Utilization"; readonly averageUtilization: number }
        | { readonly type: "AverageValue"; readonly averageValue: number };
}
/** A Pods metric: AverageValue only (milli-units per pod). */
export interface HpaPodsMetricSpec {
    readonly type: "Pods";
    readonly name: string;
    readonly target: { readonly type: "AverageValue"; readonly averageValue: number };
}
/** An Object or External metric: Value (total) or AverageValue (per pod), milli-units. */
export interface HpaObjectMetricSpec {
    readonly type: "Object" | "External";
    readonly name: string;
    readonly target:
        | { readonly type: "Value"; readonly value: number }
        | { readonly type: "AverageValue"; readonly averageValue: number };
}
/** autoscaling/v2 MetricSpec, reduced to what the computation reads. */
export type HpaMetricSpec = HpaResourceMetricSpec | HpaPodsMetricSpec | HpaObjectMetricSpec;

/**
 * What the metrics APIs returned for one metric spec. Resource/Pods metrics: the selected pods and their samples.
 * Object/External metrics: the value (for External, the sum of the returned series) and the selected pods (read for
 * the ready count of Value targets). `{ error }` stands for a failed fetch. The controller reads an observation
 * during the reconcile it is passed to and keeps none of it: the simulator rewrites its samples at the next sync
 * (simulator/pod-samples.ts), so an observation kept past its reconcile would change under the keeper.
 */
export type MetricObservation =
    | { readonly pods: readonly PodInfo[]; readonly samples: PodMetricsInfo }
    | { readonly value: number; readonly pods: readonly PodInfo[] }
    | { readonly error: string };

/**
 * Mirrors `computeReplicasForMetric` for one spec: the proposal from the matching replica-calculator function.
 * Throws `MetricComputationError` where upstream returns an error.
 */
export function computeReplicasForMetric(
    now: number,
    calc: ReplicaCalculatorConfig,
    spec: HpaMetricSpec,
    observation: MetricObservation,
    specReplicas: number,
    statusReplicas: number,
): number {
    if ("error" in observation) throw new MetricComputationError(observation.error);
    switch (spec.type) {
        case "Object":
        case "External":
            return objectMetricReplicas(calc, spec, observation, specReplicas, statusReplicas);
        case "Pods":
            if (!("samples" in observation))
                throw new MetricComputationError(`Pods metric ${spec.name} needs pod samples`);
            return calcPlainMetricReplicas(
                now,
                calc,
                observation.samples,
                specReplicas,
                spec.target.averageValue,
                observation.pods,
                "",
            ).replicaCount;
        default:
            return resourceMetricReplicas(now, calc, spec, observation, specReplicas);
    }
}

function objectMetricReplicas(
    calc: ReplicaCalculatorConfig,
    spec: HpaObjectMetricSpec,
    observation: MetricObservation,
    specReplicas: number,
    statusReplicas: number,
): number {
    if (!("value" in observation))
        throw new MetricComputationError(`${spec.type} metric ${spec.name} needs a value observation`);
    if (spec.target.type === "Value") {
        return getUsageRatioReplicaCount(calc, specReplicas, observation.value / spec.target.value, observation.pods);
    }
    return getPerPodMetricReplicas(calc, statusReplicas, spec.target.averageValue, observation.value).replicaCount;
}

function resourceMetricReplicas(
    now: number,
    calc: ReplicaCalculatorConfig,
    spec: HpaResourceMetricSpec,
    observation: MetricObservation,
    specReplicas: number,
): number {
    if (!("samples" in observation))
        throw new MetricComputationError(`${spec.type} metric ${spec.name} needs pod samples`);
    if (spec.target.type === "AverageValue") {
        return calcPlainMetricReplicas(
            now,
            calc,
            observation.samples,
            specReplicas,
            spec.target.averageValue,
            observation.pods,
            spec.name,
        ).replicaCount;
    }
    return getResourceReplicas(
        now,
        calc,
        specReplicas,
        spec.target.averageUtilization,
        spec.name,
        observation.pods,
        observation.samples,
    ).replicaCount;
}

/** A per-metric proposal as `computeReplicasForMetrics` consumes it. */
export type MetricProposal =
    | { readonly replicas: number; readonly metric: string }
    | { readonly error: string; readonly reason: string };

/** The ScalingActive reason upstream sets when a metric of this type fails (`getUnableComputeReplicaCountCondition`). */
export function failedMetricReason(spec: HpaMetricSpec): string {
    return `FailedGet${spec.type}Metric`;
}

/**
 * Mirrors the combining part of `computeReplicasForMetrics`: the largest valid proposal (upstream also replaces a
 * running maximum of 0). If every metric failed, or some failed and the maximum is below the spec replicas
 * (never scale down on partial data), returns `replicas: -1` with the first error. With no metrics at all
 * upstream returns -1 and no error (the API server's defaulting always adds a CPU metric).
 */
export function computeReplicasForMetrics(
    specReplicas: number,
    proposals: readonly MetricProposal[],
): { replicas: number; metric: string; error?: string; invalidReason?: string } {
    let replicas = 0;
    let metric = "";
    let invalidMetricsCount = 0;
    let firstError: string | undefined;
    let invalidReason: string | undefined;
    for (const proposal of proposals) {
        if ("error" in proposal) {
            if (invalidMetricsCount <= 0) {
                firstError = proposal.error;
                invalidReason = proposal.reason;
            }
            invalidMetricsCount++;
            continue;
        }
        if (replicas === 0 || proposal.replicas > replicas) {
            replicas = proposal.replicas;
            metric = proposal.metric;
        }
    }
    const error =
        firstError === undefined
            ? undefined
            : `invalid metrics (${invalidMetricsCount} invalid out of ${proposals.length}), first error is: ${firstError}`;
    if (invalidMetricsCount >= proposals.length || (invalidMetricsCount > 0 && replicas < specReplicas)) {
        return invalidReason === undefined
            ? { replicas: -1, metric: "", error }
            : { replicas: -1, metric: "", error, invalidReason };
    }
    return error === undefined ? { replicas, metric } : { replicas, metric, error };
}

// ---------------------------------------------------------------------------------------------------------------
// One reconcile (reconcileAutoscaler)
// ---------------------------------------------------------------------------------------------------------------

/** The HPA spec fields the controller reads. `behavior: undefined` selects the legacy path. */
export interface HpaSpec {
    /** Default 1. */
    readonly minReplicas?: number;
    readonly maxReplicas: number;
    readonly metrics: readonly HpaMetricSpec[];
    readonly behavior?: HPABehavior;
}

/**
 * The controller's in-memory state for one HPA. `recommendations: undefined` means "never reconciled" (no map
 * entry upstream), which seeds `{currentReplicas, now}` on the next reconcile.
 */
export interface HpaState {
    /** Read-only: a reconcile that records a recommendation returns a new array, and may share an unchanged one. */
    readonly recommendations?: readonly TimestampedRecommendation[];
    readonly scaleUpEvents: TimestampedScaleEvent[];
    readonly scaleDownEvents: TimestampedScaleEvent[];
}

/** A fresh state, as after an HPA is created or kube-controller-manager restarts. */
export function newHpaState(): HpaState {
    return { recommendations: undefined, scaleUpEvents: [], scaleDownEvents: [] };
}

/** What the target's scale subresource and the metrics APIs report at this reconcile. */
export interface HpaObservation {
    /** `scale.spec.replicas`. */
    readonly currentReplicas: number;
    /** `scale.status.replicas` (used by AverageValue Object/External targets); default `currentReplicas`. */
    readonly statusReplicas?: number;
    /** One observation per `spec.metrics` entry, same order. */
    readonly metrics: readonly MetricObservation[];
}

export interface HpaReconcileResult {
    /** The replica count after this reconcile (equals `currentReplicas` when not rescaling). */
    readonly desiredReplicas: number;
    readonly rescale: boolean;
    /**
     * The ScalingLimited reason when metrics were evaluated (e.g. `DesiredWithinRange`, `ScaleUpLimit`), else
     * `ScalingDisabled`, `FailedComputeMetricsReplicas`, or upstream's rescale reason for the min/max jumps.
     */
    readonly reason: string;
    /** Condition reasons as upstream sets them (`AbleToScale`, `ScalingActive`, `ScalingLimited`). */
    readonly conditions: {
        readonly ableToScale: string;
        readonly scalingActive?: string;
        readonly scalingLimited?: string;
    };
    readonly state: HpaState;
    readonly error?: string;
}

/** What a reconcile derives from the spec and the controller flags alone, the same at every sync. */
interface PreparedSpec {
    /** `spec.behavior` as the API server defaults it (`undefined`: the legacy path). */
    readonly behavior: HPABehavior | undefined;
    readonly calc: ReplicaCalculatorConfig;
    /** Each metric's name in the reconcile's result (`<type> <name>`). */
    readonly metricNames: readonly string[];
}

/**
 * One entry per spec, for the last controller config it was reconciled with (recomputed when another
 * config is passed, so alternating two configs recomputes each time): a simulation reconciles the
 * same spec with one config at every sync, so each is prepared once. Specs are read-only (HpaSpec's fields are readonly); a spec changed in place
 * would be stale here.
 */
const preparedSpecs = new WeakMap<HpaSpec, { readonly config: HpaControllerConfig; readonly prepared: PreparedSpec }>();

function prepare(spec: HpaSpec, config: HpaControllerConfig): PreparedSpec {
    const known = preparedSpecs.get(spec);
    if (known !== undefined && known.config === config) return known.prepared;
    const prepared: PreparedSpec = {
        behavior: setDefaultsHorizontalPodAutoscalerBehavior(spec.behavior),
        calc: { ...config, tolerances: tolerancesForHpa(spec.behavior, config) },
        metricNames: spec.metrics.map((metricSpec) => `${metricSpec.type} ${metricSpec.name}`),
    };
    preparedSpecs.set(spec, { config, prepared });
    return prepared;
}

/** What a reconcile decided, before the rescale is applied. */
interface Decision {
    readonly desiredReplicas: number;
    readonly reason: string;
    readonly conditions: {
        readonly ableToScale: string;
        readonly scalingActive?: string;
        readonly scalingLimited?: string;
    };
    /** The recommendations the next state holds: the seeded ones, or normalization's. */
    readonly recommendations: HpaState["recommendations"];
    readonly error?: string;
}

/**
 * Mirrors `reconcileAutoscaler` after the scale has been read, one step every sync period (15 s):
 * 1. seed the first-sight recommendation; `current == 0 && min != 0` disables scaling;
 * 2. `current > max` -> max and `current < min` -> min, without metrics, stabilization or rate limits;
 * 3. otherwise the max metric proposal (computeReplicasForMetrics), then `normalizeDesiredReplicas`
 *    (no behavior) or `normalizeDesiredReplicasWithBehaviors`;
 * 4. a rescale stores a scale event (behavior only).
 * The scale update is assumed to succeed. `spec.behavior` is defaulted here as the API server would
 * have done on admission.
 */
export function reconcile(
    now: number,
    spec: HpaSpec,
    state: HpaState,
    observed: HpaObservation,
    config: HpaControllerConfig = DEFAULT_HPA_CONTROLLER_CONFIG,
): HpaReconcileResult {
    const prepared = prepare(spec, config);
    const currentReplicas = observed.currentReplicas;
    const recommendations = recordInitialRecommendation(now, currentReplicas, state.recommendations);
    const minReplicas = spec.minReplicas ?? 1;
    if (currentReplicas === 0 && minReplicas !== 0) {
        return {
            desiredReplicas: currentReplicas,
            rescale: false,
            reason: "ScalingDisabled",
            conditions: { ableToScale: "SucceededGetScale", scalingActive: "ScalingDisabled" },
            state: { ...state, recommendations },
        };
    }
    const outside = outOfRange(currentReplicas, minReplicas, spec.maxReplicas);
    if (outside !== undefined) {
        const decision = { ...outside, conditions: { ableToScale: "SucceededGetScale" }, recommendations };
        return applyDecision(now, state, prepared.behavior, currentReplicas, decision);
    }
    const computed = computeReplicasForMetrics(currentReplicas, metricProposals(now, spec, prepared, observed));
    if (computed.error !== undefined && computed.replicas === -1) {
        return {
            desiredReplicas: currentReplicas,
            rescale: false,
            reason: "FailedComputeMetricsReplicas",
            conditions: { ableToScale: "SucceededGetScale", scalingActive: computed.invalidReason },
            state: { ...state, recommendations },
            error: computed.error,
        };
    }
    const decision = normalize(now, spec, state, prepared, config, currentReplicas, computed, recommendations);
    return applyDecision(now, state, prepared.behavior, currentReplicas, decision);
}

/** Step 2: the jump to maxReplicas or minReplicas of a count outside them, else undefined. */
function outOfRange(
    currentReplicas: number,
    minReplicas: number,
    maxReplicas: number,
): { readonly desiredReplicas: number; readonly reason: string } | undefined {
    if (currentReplicas > maxReplicas)
        return { desiredReplicas: maxReplicas, reason: "Current number of replicas above Spec.MaxReplicas" };
    if (currentReplicas < minReplicas)
        return { desiredReplicas: minReplicas, reason: "Current number of replicas below Spec.MinReplicas" };
    return undefined;
}

/** Step 3's proposals: one per metric, or the error that metric's computation met. */
function metricProposals(
    now: number,
    spec: HpaSpec,
    prepared: PreparedSpec,
    observed: HpaObservation,
): MetricProposal[] {
    const currentReplicas = observed.currentReplicas;
    const statusReplicas = observed.statusReplicas ?? currentReplicas;
    const proposals: MetricProposal[] = [];
    for (let i = 0; i < spec.metrics.length; i++) {
        const metricSpec = spec.metrics[i];
        const observation = observed.metrics[i] ?? { error: `no observation for metric ${metricSpec.name}` };
        try {
            proposals.push({
                replicas: computeReplicasForMetric(
                    now,
                    prepared.calc,
                    metricSpec,
                    observation,
                    currentReplicas,
                    statusReplicas,
                ),
                metric: prepared.metricNames[i],
            });
        } catch (e) {
            if (!(e instanceof MetricComputationError)) throw e;
            proposals.push({ error: e.message, reason: failedMetricReason(metricSpec) });
        }
    }
    return proposals;
}

/** Step 3's normalization of the largest proposal: stabilization and rate limits. */
function normalize(
    now: number,
    spec: HpaSpec,
    state: HpaState,
    prepared: PreparedSpec,
    config: HpaControllerConfig,
    currentReplicas: number,
    computed: ReturnType<typeof computeReplicasForMetrics>,
    recommendations: readonly TimestampedRecommendation[],
): Decision {
    const behavior = prepared.behavior;
    const desiredReplicas = computed.replicas > 0 ? computed.replicas : 0;
    const minReplicas = spec.minReplicas ?? 1;
    // Two literals, not one spread into each: reconcile runs at every sync of every service.
    const normalized =
        behavior === undefined
            ? normalizeDesiredReplicas(now, {
                  currentReplicas,
                  desiredReplicas,
                  minReplicas,
                  maxReplicas: spec.maxReplicas,
                  recommendations,
                  downscaleStabilizationWindowSeconds: config.downscaleStabilizationWindowSeconds,
                  scaleUpLimitFactor: config.scaleUpLimitFactor,
              })
            : normalizeDesiredReplicasWithBehaviors(now, {
                  currentReplicas,
                  desiredReplicas,
                  minReplicas,
                  maxReplicas: spec.maxReplicas,
                  behavior,
                  recommendations,
                  scaleUpEvents: state.scaleUpEvents,
                  scaleDownEvents: state.scaleDownEvents,
                  downscaleStabilizationWindowSeconds: config.downscaleStabilizationWindowSeconds,
              });
    return {
        desiredReplicas: normalized.replicas,
        reason: normalized.reason,
        conditions: {
            ableToScale: normalized.ableToScaleReason,
            scalingActive: "ValidMetricFound",
            scalingLimited: normalized.reason,
        },
        recommendations: normalized.recommendations,
        error: computed.error,
    };
}

/** Step 4: the result of a decision; a rescale stores its scale event. */
function applyDecision(
    now: number,
    state: HpaState,
    behavior: HPABehavior | undefined,
    currentReplicas: number,
    decision: Decision,
): HpaReconcileResult {
    const { desiredReplicas, reason, error } = decision;
    let nextState: HpaState = {
        recommendations: decision.recommendations,
        scaleUpEvents: state.scaleUpEvents,
        scaleDownEvents: state.scaleDownEvents,
    };
    let conditions = decision.conditions;
    const rescale = desiredReplicas !== currentReplicas;
    if (rescale) {
        nextState = {
            ...nextState,
            ...storeScaleEvent(
                now,
                behavior,
                currentReplicas,
                desiredReplicas,
                nextState.scaleUpEvents,
                nextState.scaleDownEvents,
            ),
        };
        conditions = { ...conditions, ableToScale: "SucceededRescale" };
    }
    const result = { desiredReplicas, rescale, reason, conditions, state: nextState };
    return error === undefined ? result : { ...result, error };
}
