/**
 * A pure TypeScript port of the Kubernetes HorizontalPodAutoscaler controller's replica computation,
 * Kubernetes v1.34 semantics (the EKS clusters run 1.34), one function per upstream function.
 *
 * Which upstream version each part follows:
 *   - The behavior functions (stabilization, scale events, rate limits, normalization) and defaulting: read at
 *     v1.28.0 for shared/reference/hpa-controller-algorithm.md; the reference (§10) compared them with post-1.33
 *     snapshots and found them unchanged (only min/max became Go built-ins), so they are v1.34's too.
 *       pkg/controller/podautoscaler/horizontal.go          (reconcileAutoscaler and the behavior functions)
 *       pkg/apis/autoscaling/v2/defaults.go                 (behavior defaulting)
 *       pkg/controller/podautoscaler/config/v1alpha1/defaults.go (controller flag defaults)
 *   - The replica calculator and its tolerance test: v1.33+ (KEP-4951), read through the code index at a post-1.33
 *     revision of pkg/controller/podautoscaler/replica_calculator.go (the one whose ReplicaCalculator no longer holds a
 *     tolerance): `Tolerances{scaleDown, scaleUp}` and `isWithin` at L47-L58,
 *     `return (1.0-t.scaleDown) <= usageRatio && usageRatio <= (1.0+t.scaleUp)` (L57); every former
 *     `math.Abs(1.0-usageRatio) <= c.tolerance` in GetResourceReplicas, calcPlainMetricReplicas,
 *     getUsageRatioReplicaCount and Get{Object,External}PerPodMetricReplicas now calls it. horizontal.go
 *     `tolerancesForHpa` gives both directions the `--horizontal-pod-autoscaler-tolerance` flag unless the
 *     `HPAConfigurableTolerance` gate is on, then `behavior.scale{Up,Down}.tolerance` overrides each;
 *     pkg/features/kube_features.go has the gate Alpha (default off) from 1.33 and Beta (on) only from 1.35, so on
 *     1.34 both tolerances are the flag's 0.1. The two tests differ exactly at a ratio of 1.1: in 1.28
 *     |1 - 1.1| = 0.10000000000000009 > 0.1 scaled up; in 1.34 1.1 <= 1 + 0.1 holds and the count stays.
 *   - metrics/utilization.go (GetResourceUtilizationRatio, GetMetricUsageRatio): unchanged since 1.28.
 *
 * Conventions of the port:
 *   - Times are seconds (any epoch). Go's `t.After(now - d)` becomes `t > now - d`, `t.Before(now - d)` becomes
 *     `t < now - d`; the strict comparisons are kept exactly, so an entry exactly on a cutoff behaves as upstream.
 *   - Metric values are milli-units (upstream `Quantity.MilliValue()`); CPU requests and usage are millicores.
 *   - Go int32/int64 integer division is `Math.trunc(a / b)`, `int32(float)` is `Math.trunc`, and float formulas keep
 *     upstream's operation order so IEEE double rounding matches Go's float64 (e.g. `start * (1 + v / 100)`).
 *   - Upstream mutates controller maps in place; every function here returns new arrays and never mutates inputs.
 *   - Upstream reads `time.Now()` several times per reconcile; here one `now` is passed down.
 *
 * Left out (not reached by the stacks' HPAs): post-1.33 master counts ready replicas for Object/External Value targets
 * from `scale.status.readyReplicas` instead of listing pods, and caps that count at MaxInt32; the `HPAScaleToZero`
 * handling of reconcileAutoscaler (alpha, off).
 */

// ---------------------------------------------------------------------------------------------------------------
// Constants (controller flag defaults, config/v1alpha1/defaults.go RecommendedDefaultHPAControllerConfiguration)
// ---------------------------------------------------------------------------------------------------------------

/** `--horizontal-pod-autoscaler-tolerance` default. */
export const HPA_TOLERANCE = 0.1;
/** `--horizontal-pod-autoscaler-sync-period` default: each HPA is reconciled about once per this many seconds. */
export const HPA_SYNC_PERIOD_SECONDS = 15;
/** `--horizontal-pod-autoscaler-downscale-stabilization` default (legacy window, and the nil scaleDown window). */
export const HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS = 300;
/** `--horizontal-pod-autoscaler-cpu-initialization-period` default. */
export const HPA_CPU_INITIALIZATION_PERIOD_SECONDS = 300;
/** `--horizontal-pod-autoscaler-initial-readiness-delay` default. */
export const HPA_INITIAL_READINESS_DELAY_SECONDS = 30;
/** horizontal.go `scaleUpLimitFactor` (legacy path, behavior == nil). Upstream's tests override it to 8. */
export const SCALE_UP_LIMIT_FACTOR = 2.0;
/** horizontal.go `scaleUpLimitMinimum` (legacy path, behavior == nil). */
export const SCALE_UP_LIMIT_MINIMUM = 4.0;

const MAX_INT32 = 2147483647;
const MIN_INT32 = -2147483648;

// ---------------------------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------------------------

export interface HPAScalingPolicy { type: "Pods" | "Percent"; value: number; periodSeconds: number }
export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  /** 1.33+ `tolerance` (a Quantity upstream): read only with the `HPAConfigurableTolerance` gate on. */
  tolerance?: number;
  selectPolicy?: "Max" | "Min" | "Disabled";
  policies?: HPAScalingPolicy[];
}
/** autoscaling/v2 `HorizontalPodAutoscalerBehavior`. */
export interface HPABehavior { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules }
export interface TimestampedRecommendation { recommendation: number; timestamp: number }
/** `replicaChange` is an absolute value (upstream: "absolute value, non-negative"). */
export interface TimestampedScaleEvent { replicaChange: number; timestamp: number; outdated?: boolean }

/** The controller flags the computation depends on (all in seconds). */
export interface HpaControllerConfig {
  /** `--horizontal-pod-autoscaler-tolerance`: both directions' tolerance unless the gate below is on. */
  readonly tolerance: number;
  /** The `HPAConfigurableTolerance` feature gate: off by default in 1.34 (Alpha since 1.33, Beta only in 1.35). */
  readonly configurableTolerance?: boolean;
  readonly downscaleStabilizationWindowSeconds: number;
  readonly cpuInitializationPeriodSeconds: number;
  readonly delayOfInitialReadinessStatusSeconds: number;
  /** Legacy-path scale-up cap factor (`scaleUpLimitFactor`). */
  readonly scaleUpLimitFactor: number;
}

/** Production defaults of the kube-controller-manager flags. */
export const DEFAULT_HPA_CONTROLLER_CONFIG: HpaControllerConfig = {
  tolerance: HPA_TOLERANCE,
  downscaleStabilizationWindowSeconds: HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
  cpuInitializationPeriodSeconds: HPA_CPU_INITIALIZATION_PERIOD_SECONDS,
  delayOfInitialReadinessStatusSeconds: HPA_INITIAL_READINESS_DELAY_SECONDS,
  scaleUpLimitFactor: SCALE_UP_LIMIT_FACTOR,
};

/** The error path of the replica calculator (upstream returns `error`; callers here catch this one class). */
export class MetricComputationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetricComputationError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Behavior defaulting (pkg/apis/autoscaling/v2/defaults.go)
// ---------------------------------------------------------------------------------------------------------------

function defaultHPAScaleUpRules(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
  };
}

function defaultHPAScaleDownRules(): HPAScalingRules {
  // stabilizationWindowSeconds stays unset: the controller fills it from its flag (maybeInitScaleDownStabilizationWindow).
  return { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };
}

/** Mirrors `copyHPAScalingRules`: copies every set field of `from` over `to` (a user policy list replaces the default). */
function copyHPAScalingRules(from: HPAScalingRules | undefined, to: HPAScalingRules): HPAScalingRules {
  if (from === undefined) return to;
  return {
    stabilizationWindowSeconds: from.stabilizationWindowSeconds ?? to.stabilizationWindowSeconds,
    // 1.33+ copies Tolerance too; only set keys are written, so rules without one compare equal to 1.28's.
    ...(from.tolerance !== undefined ? { tolerance: from.tolerance } : to.tolerance !== undefined ? { tolerance: to.tolerance } : {}),
    selectPolicy: from.selectPolicy ?? to.selectPolicy,
    policies: from.policies ?? to.policies,
  };
}

/** Mirrors `GenerateHPAScaleUpRules`: window 0, Max, [Pods 4/15 s, Percent 100/15 s] for unset fields. */
export function generateHPAScaleUpRules(scalingRules?: HPAScalingRules): HPAScalingRules {
  return copyHPAScalingRules(scalingRules, defaultHPAScaleUpRules());
}

/** Mirrors `GenerateHPAScaleDownRules`: Max, [Percent 100/15 s]; the window is left unset as upstream does. */
export function generateHPAScaleDownRules(scalingRules?: HPAScalingRules): HPAScalingRules {
  return copyHPAScalingRules(scalingRules, defaultHPAScaleDownRules());
}

/**
 * Mirrors `SetDefaults_HorizontalPodAutoscalerBehavior`: fills both directions only when a behavior is set;
 * `undefined` (no `behavior` in the spec) stays `undefined` and selects the legacy path.
 */
export function setDefaultsHorizontalPodAutoscalerBehavior(behavior?: HPABehavior): HPABehavior | undefined {
  if (behavior === undefined) return undefined;
  return { scaleUp: generateHPAScaleUpRules(behavior.scaleUp), scaleDown: generateHPAScaleDownRules(behavior.scaleDown) };
}

/**
 * Mirrors `HorizontalController.maybeInitScaleDownStabilizationWindow`: an unset scaleDown window takes the
 * `--horizontal-pod-autoscaler-downscale-stabilization` value (300 s by default).
 */
export function maybeInitScaleDownStabilizationWindow(
  behavior: HPABehavior,
  downscaleStabilizationWindowSeconds: number = HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
): HPABehavior {
  const scaleDown = behavior.scaleDown;
  if (scaleDown === undefined || scaleDown.stabilizationWindowSeconds !== undefined) return behavior;
  return { ...behavior, scaleDown: { ...scaleDown, stabilizationWindowSeconds: Math.trunc(downscaleStabilizationWindowSeconds) } };
}

// ---------------------------------------------------------------------------------------------------------------
// Recommendations and stabilization (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Mirrors `recordInitialRecommendation`: an HPA seen for the first time (no stored slice, `undefined` here) gets
 * `{currentReplicas, now}`. An explicitly empty slice is kept as it is.
 */
export function recordInitialRecommendation(
  now: number, currentReplicas: number, recommendations: TimestampedRecommendation[] | undefined,
): TimestampedRecommendation[] {
  return recommendations === undefined ? [{ recommendation: currentReplicas, timestamp: now }] : recommendations.slice();
}

/**
 * Mirrors the legacy `stabilizeRecommendation` (behavior == nil): the max of the raw recommendation and every stored
 * one not older than the downscale window (inclusive: only `ts < now - window` is stale); the last stale entry is
 * overwritten with `{raw, now}`, otherwise it is appended.
 */
export function stabilizeRecommendation(
  now: number, prenormalizedDesiredReplicas: number, recommendations: TimestampedRecommendation[],
  downscaleStabilizationWindowSeconds: number = HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
): { replicas: number; recommendations: TimestampedRecommendation[] } {
  let maxRecommendation = prenormalizedDesiredReplicas;
  let oldSampleIndex = -1;
  const cutoff = now - downscaleStabilizationWindowSeconds;
  recommendations.forEach((rec, i) => {
    if (rec.timestamp < cutoff) oldSampleIndex = i;
    else if (rec.recommendation > maxRecommendation) maxRecommendation = rec.recommendation;
  });
  const next = recommendations.slice();
  const entry = { recommendation: prenormalizedDesiredReplicas, timestamp: now };
  if (oldSampleIndex >= 0) next[oldSampleIndex] = entry;
  else next.push(entry);
  return { replicas: maxRecommendation, recommendations: next };
}

/**
 * Mirrors `stabilizeRecommendationWithBehaviors`: clamps the current count between the lowest recommendation of the
 * scale-up window and the highest of the scale-down window (both including the raw one; windows are strict:
 * `ts > now - w`). Records the raw recommendation over the last entry older than both windows, else appends.
 * The reason is `ScaleUpStabilized` when `desired >= current`, else `ScaleDownStabilized`.
 */
export function stabilizeRecommendationWithBehaviors(now: number, currentReplicas: number, desiredReplicas: number,
  scaleUpWindowSeconds: number, scaleDownWindowSeconds: number,
  recommendations: TimestampedRecommendation[])
  : { replicas: number; reason: string; recommendations: TimestampedRecommendation[] } {
  let oldSampleIndex = -1;
  let upRecommendation = desiredReplicas;
  const upCutoff = now - scaleUpWindowSeconds;
  let downRecommendation = desiredReplicas;
  const downCutoff = now - scaleDownWindowSeconds;
  recommendations.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) upRecommendation = Math.min(rec.recommendation, upRecommendation);
    if (rec.timestamp > downCutoff) downRecommendation = Math.max(rec.recommendation, downRecommendation);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldSampleIndex = i;
  });

  let recommendation = currentReplicas;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;

  const next = recommendations.slice();
  const entry = { recommendation: desiredReplicas, timestamp: now };
  if (oldSampleIndex >= 0) next[oldSampleIndex] = entry;
  else next.push(entry);

  const reason = desiredReplicas >= currentReplicas ? "ScaleUpStabilized" : "ScaleDownStabilized";
  return { replicas: recommendation, reason, recommendations: next };
}

// ---------------------------------------------------------------------------------------------------------------
// Scale events and rate limits (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/** Mirrors `getReplicasChangePerPeriod`: the sum of `replicaChange` of events strictly newer than `now - period`. */
export function getReplicasChangePerPeriod(now: number, periodSeconds: number, scaleEvents: readonly TimestampedScaleEvent[]): number {
  const cutoff = now - periodSeconds;
  let replicas = 0;
  for (const rec of scaleEvents) {
    if (rec.timestamp > cutoff) replicas += rec.replicaChange;
  }
  return replicas;
}

/** Mirrors `getLongestPolicyPeriod`. */
export function getLongestPolicyPeriod(scalingRules: HPAScalingRules): number {
  let longestPolicyPeriod = 0;
  for (const policy of scalingRules.policies ?? []) {
    if (policy.periodSeconds > longestPolicyPeriod) longestPolicyPeriod = policy.periodSeconds;
  }
  return longestPolicyPeriod;
}

/** Mirrors `markScaleEventsOutdated`: events older than the period get the sticky `outdated` flag (new array). */
export function markScaleEventsOutdated(
  now: number, scaleEvents: readonly TimestampedScaleEvent[], longestPolicyPeriod: number,
): TimestampedScaleEvent[] {
  const cutoff = now - longestPolicyPeriod;
  return scaleEvents.map((event) => (event.timestamp < cutoff ? { ...event, outdated: true } : { ...event }));
}

function storeInList(now: number, events: readonly TimestampedScaleEvent[], rules: HPAScalingRules, replicaChange: number)
  : TimestampedScaleEvent[] {
  const marked = markScaleEventsOutdated(now, events, getLongestPolicyPeriod(rules));
  let oldSampleIndex = -1;
  marked.forEach((event, i) => { if (event.outdated) oldSampleIndex = i; });
  const newEvent: TimestampedScaleEvent = { replicaChange, timestamp: now, outdated: false };
  if (oldSampleIndex >= 0) marked[oldSampleIndex] = newEvent;
  else marked.push(newEvent);
  return marked;
}

/**
 * Mirrors `storeScaleEvent`: nothing is stored without a behavior; otherwise the direction's events older than its
 * longest policy period are marked outdated, and the new `{|new - prev|, now}` event overwrites the last outdated
 * one or is appended. Upstream dereferences `behavior.ScaleUp/ScaleDown`, which defaulting guarantees; unset rules
 * here are treated as having no policies.
 */
export function storeScaleEvent(
  now: number, behavior: HPABehavior | undefined, prevReplicas: number, newReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[], scaleDownEvents: readonly TimestampedScaleEvent[],
): { scaleUpEvents: TimestampedScaleEvent[]; scaleDownEvents: TimestampedScaleEvent[] } {
  if (behavior === undefined) return { scaleUpEvents: scaleUpEvents.slice(), scaleDownEvents: scaleDownEvents.slice() };
  if (newReplicas > prevReplicas) {
    return {
      scaleUpEvents: storeInList(now, scaleUpEvents, behavior.scaleUp ?? {}, newReplicas - prevReplicas),
      scaleDownEvents: scaleDownEvents.slice(),
    };
  }
  return {
    scaleUpEvents: scaleUpEvents.slice(),
    scaleDownEvents: storeInList(now, scaleDownEvents, behavior.scaleDown ?? {}, prevReplicas - newReplicas),
  };
}

/**
 * Mirrors `calculateScaleUpLimitWithScalingRules`: per policy, the replica count at the start of its period
 * (`current - added + deleted`, both event lists) plus `value` pods or `ceil(start * (1 + value/100))`;
 * `Max` takes the largest proposal, `Min` the smallest, `Disabled` returns the current count.
 */
export function calculateScaleUpLimitWithScalingRules(now: number, currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[], scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules): number {
  const selectPolicy = scalingRules.selectPolicy ?? "Max";
  if (selectPolicy === "Disabled") return currentReplicas;
  let result = selectPolicy === "Min" ? MAX_INT32 : MIN_INT32;
  const selectPolicyFn = selectPolicy === "Min" ? Math.min : Math.max;
  let proposed = 0;
  for (const policy of scalingRules.policies ?? []) {
    const replicasAddedInCurrentPeriod = getReplicasChangePerPeriod(now, policy.periodSeconds, scaleUpEvents);
    const replicasDeletedInCurrentPeriod = getReplicasChangePerPeriod(now, policy.periodSeconds, scaleDownEvents);
    const periodStartReplicas = currentReplicas - replicasAddedInCurrentPeriod + replicasDeletedInCurrentPeriod;
    if (policy.type === "Pods") proposed = periodStartReplicas + policy.value;
    else if (policy.type === "Percent") proposed = Math.ceil(periodStartReplicas * (1 + policy.value / 100));
    result = selectPolicyFn(result, proposed);
  }
  return result;
}

/**
 * Mirrors `calculateScaleDownLimitWithBehaviors`: per policy, `start - value` pods or `trunc(start * (1 - value/100))`
 * (truncation, may go negative); `Max` (biggest change) takes the smallest count, `Min` the largest,
 * `Disabled` returns the current count.
 */
export function calculateScaleDownLimitWithBehaviors(now: number, currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[], scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules): number {
  const selectPolicy = scalingRules.selectPolicy ?? "Max";
  if (selectPolicy === "Disabled") return currentReplicas;
  let result = selectPolicy === "Min" ? MIN_INT32 : MAX_INT32;
  const selectPolicyFn = selectPolicy === "Min" ? Math.max : Math.min;
  let proposed = 0;
  for (const policy of scalingRules.policies ?? []) {
    const replicasAddedInCurrentPeriod = getReplicasChangePerPeriod(now, policy.periodSeconds, scaleUpEvents);
    const replicasDeletedInCurrentPeriod = getReplicasChangePerPeriod(now, policy.periodSeconds, scaleDownEvents);
    const periodStartReplicas = currentReplicas - replicasAddedInCurrentPeriod + replicasDeletedInCurrentPeriod;
    if (policy.type === "Pods") proposed = periodStartReplicas - policy.value;
    else if (policy.type === "Percent") proposed = Math.trunc(periodStartReplicas * (1 - policy.value / 100));
    result = selectPolicyFn(result, proposed);
  }
  return result;
}

/**
 * Mirrors `convertDesiredReplicasWithBehaviorRate`: on a scale-up the limit (never below current) and maxReplicas
 * cap the count (`ScaleUpLimit`, or `TooManyReplicas` when max is the tighter or equal bound); on a scale-down the
 * limit (never above current) and minReplicas floor it (`ScaleDownLimit` / `TooFewReplicas`); otherwise
 * `DesiredWithinRange`.
 */
export function convertDesiredReplicasWithBehaviorRate(now: number, args: {
  currentReplicas: number;
  desiredReplicas: number; minReplicas: number; maxReplicas: number;
  scaleUp: HPAScalingRules; scaleDown: HPAScalingRules;
  scaleUpEvents: TimestampedScaleEvent[];
  scaleDownEvents: TimestampedScaleEvent[];
}): { replicas: number; reason: string } {
  if (args.desiredReplicas > args.currentReplicas) {
    let scaleUpLimit = calculateScaleUpLimitWithScalingRules(
      now, args.currentReplicas, args.scaleUpEvents, args.scaleDownEvents, args.scaleUp);
    if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
    let maximumAllowedReplicas = args.maxReplicas;
    let possibleLimitingReason: string;
    if (maximumAllowedReplicas > scaleUpLimit) {
      maximumAllowedReplicas = scaleUpLimit;
      possibleLimitingReason = "ScaleUpLimit";
    } else {
      possibleLimitingReason = "TooManyReplicas";
    }
    if (args.desiredReplicas > maximumAllowedReplicas) return { replicas: maximumAllowedReplicas, reason: possibleLimitingReason };
  } else if (args.desiredReplicas < args.currentReplicas) {
    let scaleDownLimit = calculateScaleDownLimitWithBehaviors(
      now, args.currentReplicas, args.scaleUpEvents, args.scaleDownEvents, args.scaleDown);
    if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
    let minimumAllowedReplicas = args.minReplicas;
    let possibleLimitingReason: string;
    if (minimumAllowedReplicas < scaleDownLimit) {
      minimumAllowedReplicas = scaleDownLimit;
      possibleLimitingReason = "ScaleDownLimit";
    } else {
      possibleLimitingReason = "TooFewReplicas";
    }
    if (args.desiredReplicas < minimumAllowedReplicas) return { replicas: minimumAllowedReplicas, reason: possibleLimitingReason };
  }
  return { replicas: args.desiredReplicas, reason: "DesiredWithinRange" };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalization (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/** Mirrors `calculateScaleUpLimit` (legacy): `int32(max(factor * current, 4))`. */
export function calculateScaleUpLimit(currentReplicas: number, scaleUpLimitFactor: number = SCALE_UP_LIMIT_FACTOR): number {
  return Math.trunc(Math.max(scaleUpLimitFactor * currentReplicas, SCALE_UP_LIMIT_MINIMUM));
}

/**
 * Mirrors `convertDesiredReplicasWithRules` (legacy): below minReplicas -> min (`TooFewReplicas`, checked first
 * whatever the direction); above `min(maxReplicas, scale-up limit)` -> that bound (`TooManyReplicas` when max is
 * the tighter or equal bound, else `ScaleUpLimit`); else `DesiredWithinRange`. No scale-down rate limit.
 */
export function convertDesiredReplicasWithRules(currentReplicas: number, desiredReplicas: number,
  hpaMinReplicas: number, hpaMaxReplicas: number, scaleUpLimitFactor: number = SCALE_UP_LIMIT_FACTOR)
  : { replicas: number; reason: string } {
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas, scaleUpLimitFactor);
  const [maximumAllowedReplicas, possibleLimitingCondition] = hpaMaxReplicas > scaleUpLimit
    ? [scaleUpLimit, "ScaleUpLimit"] : [hpaMaxReplicas, "TooManyReplicas"];
  if (desiredReplicas < hpaMinReplicas) return { replicas: hpaMinReplicas, reason: "TooFewReplicas" };
  if (desiredReplicas > maximumAllowedReplicas) return { replicas: maximumAllowedReplicas, reason: possibleLimitingCondition };
  return { replicas: desiredReplicas, reason: "DesiredWithinRange" };
}

/** Result of a normalization: final count, the AbleToScale and ScalingLimited condition reasons, new history. */
export interface NormalizationResult {
  readonly replicas: number;
  /** `ReadyForNewScale`, `ScaleUpStabilized` or `ScaleDownStabilized`. */
  readonly ableToScaleReason: string;
  /** The ScalingLimited reason, e.g. `DesiredWithinRange`, `ScaleUpLimit`, `TooManyReplicas`. */
  readonly reason: string;
  readonly recommendations: TimestampedRecommendation[];
}

/**
 * Mirrors `normalizeDesiredReplicas` (behavior == nil): legacy stabilization over the downscale window, then
 * `convertDesiredReplicasWithRules` with the `max(2 * current, 4)` scale-up cap.
 */
export function normalizeDesiredReplicas(now: number, args: {
  currentReplicas: number; desiredReplicas: number; minReplicas: number; maxReplicas: number;
  recommendations: TimestampedRecommendation[];
  downscaleStabilizationWindowSeconds?: number; scaleUpLimitFactor?: number;
}): NormalizationResult {
  const stabilized = stabilizeRecommendation(
    now, args.desiredReplicas, args.recommendations,
    args.downscaleStabilizationWindowSeconds ?? HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS);
  const ableToScaleReason = stabilized.replicas !== args.desiredReplicas ? "ScaleDownStabilized" : "ReadyForNewScale";
  const converted = convertDesiredReplicasWithRules(
    args.currentReplicas, stabilized.replicas, args.minReplicas, args.maxReplicas, args.scaleUpLimitFactor);
  return { replicas: converted.replicas, ableToScaleReason, reason: converted.reason, recommendations: stabilized.recommendations };
}

/**
 * Mirrors `normalizeDesiredReplicasWithBehaviors`: `maybeInitScaleDownStabilizationWindow`, then
 * `stabilizeRecommendationWithBehaviors` on the raw count, then `convertDesiredReplicasWithBehaviorRate` on the
 * stabilized count. `behavior` must already be defaulted (`setDefaultsHorizontalPodAutoscalerBehavior`).
 */
export function normalizeDesiredReplicasWithBehaviors(now: number, args: {
  currentReplicas: number; desiredReplicas: number; minReplicas: number; maxReplicas: number;
  behavior: HPABehavior;
  recommendations: TimestampedRecommendation[];
  scaleUpEvents: TimestampedScaleEvent[]; scaleDownEvents: TimestampedScaleEvent[];
  downscaleStabilizationWindowSeconds?: number;
}): NormalizationResult {
  const behavior = maybeInitScaleDownStabilizationWindow(
    args.behavior, args.downscaleStabilizationWindowSeconds ?? HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS);
  const scaleUp = behavior.scaleUp ?? generateHPAScaleUpRules();
  const scaleDown = behavior.scaleDown ?? generateHPAScaleDownRules();
  const stabilized = stabilizeRecommendationWithBehaviors(now, args.currentReplicas, args.desiredReplicas,
    scaleUp.stabilizationWindowSeconds ?? 0, scaleDown.stabilizationWindowSeconds ?? 0, args.recommendations);
  const ableToScaleReason = stabilized.replicas !== args.desiredReplicas ? stabilized.reason : "ReadyForNewScale";
  const limited = convertDesiredReplicasWithBehaviorRate(now, {
    currentReplicas: args.currentReplicas, desiredReplicas: stabilized.replicas,
    minReplicas: args.minReplicas, maxReplicas: args.maxReplicas, scaleUp, scaleDown,
    scaleUpEvents: args.scaleUpEvents, scaleDownEvents: args.scaleDownEvents,
  });
  return { replicas: limited.replicas, ableToScaleReason, reason: limited.reason, recommendations: stabilized.recommendations };
}

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
export interface PodMetric { readonly value: number; readonly timestamp?: number; readonly window?: number }
/** Samples keyed by pod name (`metricsclient.PodMetricsInfo`). */
export type PodMetricsInfo = ReadonlyMap<string, PodMetric>;

/** replica_calculator.go `Tolerances` (1.33+): the scale-down and scale-up tolerances of one HPA. */
export interface Tolerances { readonly scaleDown: number; readonly scaleUp: number }

/** Mirrors `Tolerances.isWithin` (1.33+): `(1 - scaleDown) <= ratio <= (1 + scaleUp)` keeps the count. */
export function isWithin(tolerances: Tolerances, usageRatio: number): boolean {
  return (1.0 - tolerances.scaleDown) <= usageRatio && usageRatio <= (1.0 + tolerances.scaleUp);
}

/**
 * Mirrors `HorizontalController.tolerancesForHpa`: the controller flag for both directions, each overridden by
 * `behavior.scale{Up,Down}.tolerance` only while the `HPAConfigurableTolerance` gate is on.
 */
export function tolerancesForHpa(behavior: HPABehavior | undefined, config: Pick<HpaControllerConfig, "tolerance" | "configurableTolerance">)
  : Tolerances {
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

/**
 * Mirrors `groupPods`: deleting or Failed pods are ignored, Pending pods unready, pods without a sample missing;
 * for CPU only, pods in their initialization period that are unready or whose sample predates one metric window
 * after the last readiness transition, and pods that are unready and never became ready, are unready.
 */
export function groupPods(now: number, pods: readonly PodInfo[], metrics: PodMetricsInfo, resource: string,
  cpuInitializationPeriodSeconds: number, delayOfInitialReadinessStatusSeconds: number): GroupedPods {
  const unreadyPods = new Set<string>();
  const missingPods = new Set<string>();
  const ignoredPods = new Set<string>();
  let readyPodCount = 0;
  for (const pod of pods) {
    const phase = pod.phase ?? "Running";
    if (pod.deleting === true || phase === "Failed") { ignoredPods.add(pod.name); continue; }
    if (phase === "Pending") { unreadyPods.add(pod.name); continue; }
    const metric = metrics.get(pod.name);
    if (metric === undefined) { missingPods.add(pod.name); continue; }
    if (resource === "cpu") {
      let unready: boolean;
      if (pod.ready === undefined || pod.startTime === undefined) {
        unready = true;
      } else {
        const lastTransition = pod.readyLastTransitionTime ?? GO_ZERO_TIME_SECONDS;
        if (pod.startTime + cpuInitializationPeriodSeconds > now) {
          unready = pod.ready === false
            || (metric.timestamp ?? GO_ZERO_TIME_SECONDS) < lastTransition + (metric.window ?? 0);
        } else {
          unready = pod.ready === false && pod.startTime + delayOfInitialReadinessStatusSeconds > lastTransition;
        }
      }
      if (unready) { unreadyPods.add(pod.name); continue; }
    }
    readyPodCount++;
  }
  return { readyPodCount, unreadyPods, missingPods, ignoredPods };
}

/** Mirrors `calculatePodRequests`: a pod without a request for the resource is an error. */
export function calculatePodRequests(pods: readonly PodInfo[], resource: string): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    if (pod.request === undefined) throw new MetricComputationError(`missing request for ${resource} in a container of Pod ${pod.name}`);
    requests.set(pod.name, pod.request);
  }
  return requests;
}

/**
 * Mirrors `metrics.GetResourceUtilizationRatio`: integer utilization `(Σusage * 100) / Σrequest` over samples whose
 * pod has a request, its ratio to the target, and the integer raw average.
 */
export function getResourceUtilizationRatio(metrics: PodMetricsInfo, requests: ReadonlyMap<string, number>,
  targetUtilization: number): { utilizationRatio: number; currentUtilization: number; rawAverageValue: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let numEntries = 0;
  for (const [podName, metric] of metrics) {
    const request = requests.get(podName);
    if (request === undefined) continue;
    metricsTotal += metric.value;
    requestsTotal += request;
    numEntries++;
  }
  if (requestsTotal === 0) throw new MetricComputationError("no metrics returned matched known pods");
  const currentUtilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return {
    utilizationRatio: currentUtilization / targetUtilization,
    currentUtilization,
    rawAverageValue: Math.trunc(metricsTotal / numEntries),
  };
}

/** Mirrors `metrics.GetMetricUsageRatio`: integer average `Σvalue / n` and its ratio to the target. */
export function getMetricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { usageRatio: number; currentUsage: number } {
  let metricsTotal = 0;
  for (const metric of metrics.values()) metricsTotal += metric.value;
  const currentUsage = Math.trunc(metricsTotal / metrics.size);
  return { usageRatio: currentUsage / targetUsage, currentUsage };
}

function withoutPods(metrics: PodMetricsInfo, ...podSets: ReadonlySet<string>[]): Map<string, PodMetric> {
  const result = new Map(metrics);
  for (const pods of podSets) for (const pod of pods) result.delete(pod);
  return result;
}

/** The slow path shared by both calculators: direction-flip and tolerance checks on the recomputed ratio. */
function slowPathReplicas(currentReplicas: number, usageRatio: number, newUsageRatio: number, samples: number,
  tolerances: Tolerances): number {
  if (isWithin(tolerances, newUsageRatio) || (usageRatio < 1.0 && newUsageRatio > 1.0)
    || (usageRatio > 1.0 && newUsageRatio < 1.0)) {
    return currentReplicas;
  }
  const newReplicas = Math.ceil(newUsageRatio * samples);
  if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
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
export function getResourceReplicas(now: number, calc: ReplicaCalculatorConfig, currentReplicas: number,
  targetUtilization: number, resource: string, pods: readonly PodInfo[], podMetrics: PodMetricsInfo)
  : { replicaCount: number; utilization: number; rawUtilization: number } {
  if (podMetrics.size === 0) {
    // metrics.GetResourceMetric fails on an empty list before the calculator runs.
    throw new MetricComputationError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  }
  if (pods.length === 0) throw new MetricComputationError("no pods returned by selector while calculating replica count");
  const grouped = groupPods(now, pods, podMetrics, resource,
    calc.cpuInitializationPeriodSeconds, calc.delayOfInitialReadinessStatusSeconds);
  const metrics = withoutPods(podMetrics, grouped.ignoredPods, grouped.unreadyPods);
  if (metrics.size === 0) throw new MetricComputationError("did not receive metrics for targeted pods (pods might be unready)");
  const requests = calculatePodRequests(pods, resource);
  const { utilizationRatio: usageRatio, currentUtilization: utilization, rawAverageValue: rawUtilization } =
    getResourceUtilizationRatio(metrics, requests, targetUtilization);

  const scaleUpWithUnready = grouped.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && grouped.missingPods.size === 0) {
    if (isWithin(calc.tolerances, usageRatio)) return { replicaCount: currentReplicas, utilization, rawUtilization };
    return { replicaCount: Math.ceil(usageRatio * grouped.readyPodCount), utilization, rawUtilization };
  }
  if (grouped.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      const fallbackUtilization = Math.max(100, targetUtilization);
      for (const podName of grouped.missingPods) {
        metrics.set(podName, { value: Math.trunc(((requests.get(podName) ?? 0) * fallbackUtilization) / 100) });
      }
    } else if (usageRatio > 1.0) {
      for (const podName of grouped.missingPods) metrics.set(podName, { value: 0 });
    }
  }
  if (scaleUpWithUnready) {
    for (const podName of grouped.unreadyPods) metrics.set(podName, { value: 0 });
  }
  const newUsageRatio = getResourceUtilizationRatio(metrics, requests, targetUtilization).utilizationRatio;
  return {
    replicaCount: slowPathReplicas(currentReplicas, usageRatio, newUsageRatio, metrics.size, calc.tolerances),
    utilization,
    rawUtilization,
  };
}

/**
 * Mirrors `ReplicaCalculator.calcPlainMetricReplicas` (Pods metrics, and Resource metrics with an AverageValue
 * target via `GetRawResourceReplicas`): like `getResourceReplicas` on the integer average, with missing pods
 * counted as exactly the target on a scale-down. `resource` is "" for Pods metrics (no CPU readiness rules).
 */
export function calcPlainMetricReplicas(now: number, calc: ReplicaCalculatorConfig, podMetrics: PodMetricsInfo,
  currentReplicas: number, targetUsage: number, pods: readonly PodInfo[], resource: string)
  : { replicaCount: number; usage: number } {
  if (podMetrics.size === 0) {
    // The resource and custom metrics clients fail on an empty list before the calculator runs.
    throw new MetricComputationError("no metrics returned from the metrics API");
  }
  if (pods.length === 0) throw new MetricComputationError("no pods returned by selector while calculating replica count");
  const grouped = groupPods(now, pods, podMetrics, resource,
    calc.cpuInitializationPeriodSeconds, calc.delayOfInitialReadinessStatusSeconds);
  const metrics = withoutPods(podMetrics, grouped.ignoredPods, grouped.unreadyPods);
  if (metrics.size === 0) throw new MetricComputationError("did not receive metrics for targeted pods (pods might be unready)");
  const { usageRatio, currentUsage: usage } = getMetricUsageRatio(metrics, targetUsage);

  const scaleUpWithUnready = grouped.unreadyPods.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && grouped.missingPods.size === 0) {
    if (isWithin(calc.tolerances, usageRatio)) return { replicaCount: currentReplicas, usage };
    return { replicaCount: Math.ceil(usageRatio * grouped.readyPodCount), usage };
  }
  if (grouped.missingPods.size > 0) {
    if (usageRatio < 1.0) {
      for (const podName of grouped.missingPods) metrics.set(podName, { value: targetUsage });
    } else if (usageRatio > 1.0) {
      for (const podName of grouped.missingPods) metrics.set(podName, { value: 0 });
    }
  }
  if (scaleUpWithUnready) {
    for (const podName of grouped.unreadyPods) metrics.set(podName, { value: 0 });
  }
  const newUsageRatio = getMetricUsageRatio(metrics, targetUsage).usageRatio;
  return { replicaCount: slowPathReplicas(currentReplicas, usageRatio, newUsageRatio, metrics.size, calc.tolerances), usage };
}

/** Mirrors `getReadyPodsCount`: pods that are Running with Ready=True; no pods is an error. */
export function getReadyPodsCount(pods: readonly PodInfo[]): number {
  if (pods.length === 0) throw new MetricComputationError("no pods returned by selector while calculating replica count");
  return pods.filter((pod) => (pod.phase ?? "Running") === "Running" && pod.ready === true).length;
}

/**
 * Mirrors `getUsageRatioReplicaCount` (Object and External metrics with a Value target): with `current != 0` the
 * tolerance check, else `ceil(ratio * readyPods)`; with `current == 0`, `ceil(ratio)` without tolerance.
 */
export function getUsageRatioReplicaCount(calc: ReplicaCalculatorConfig, currentReplicas: number, usageRatio: number,
  pods: readonly PodInfo[]): number {
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
export function getPerPodMetricReplicas(calc: ReplicaCalculatorConfig, statusReplicas: number, targetAverageUsage: number,
  usage: number): { replicaCount: number; usage: number } {
  let replicaCount = statusReplicas;
  const usageRatio = usage / (targetAverageUsage * replicaCount);
  if (!isWithin(calc.tolerances, usageRatio)) replicaCount = Math.ceil(usage / targetAverageUsage);
  return { replicaCount, usage: Math.ceil(usage / statusReplicas) };
}

// ---------------------------------------------------------------------------------------------------------------
// Metric specs, observations and computeReplicasForMetrics (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/** A Resource or ContainerResource metric: Utilization (percent of request) or AverageValue (milli-units per pod). */
export interface HpaResourceMetricSpec {
  readonly type: "Resource" | "ContainerResource";
  readonly name: string;
  readonly target: { readonly type: "Utilization"; readonly averageUtilization: number }
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
  readonly target: { readonly type: "Value"; readonly value: number }
    | { readonly type: "AverageValue"; readonly averageValue: number };
}
/** autoscaling/v2 MetricSpec, reduced to what the computation reads. */
export type HpaMetricSpec = HpaResourceMetricSpec | HpaPodsMetricSpec | HpaObjectMetricSpec;

/**
 * What the metrics APIs returned for one metric spec. Resource/Pods metrics: the selected pods and their samples.
 * Object/External metrics: the value (for External, the sum of the returned series) and the selected pods (read for
 * the ready count of Value targets). `{ error }` stands for a failed fetch.
 */
export type MetricObservation =
  | { readonly pods: readonly PodInfo[]; readonly samples: PodMetricsInfo }
  | { readonly value: number; readonly pods: readonly PodInfo[] }
  | { readonly error: string };

/**
 * Mirrors `computeReplicasForMetric` for one spec: the proposal from the matching replica-calculator function.
 * Throws `MetricComputationError` where upstream returns an error.
 */
export function computeReplicasForMetric(now: number, calc: ReplicaCalculatorConfig, spec: HpaMetricSpec,
  observation: MetricObservation, specReplicas: number, statusReplicas: number): number {
  if ("error" in observation) throw new MetricComputationError(observation.error);
  switch (spec.type) {
    case "Object":
    case "External":
      return objectMetricReplicas(calc, spec, observation, specReplicas, statusReplicas);
    case "Pods":
      if (!("samples" in observation)) throw new MetricComputationError(`Pods metric ${spec.name} needs pod samples`);
      return calcPlainMetricReplicas(now, calc, observation.samples, specReplicas, spec.target.averageValue, observation.pods, "")
        .replicaCount;
    default:
      return resourceMetricReplicas(now, calc, spec, observation, specReplicas);
  }
}

function objectMetricReplicas(calc: ReplicaCalculatorConfig, spec: HpaObjectMetricSpec, observation: MetricObservation,
  specReplicas: number, statusReplicas: number): number {
  if (!("value" in observation)) throw new MetricComputationError(`${spec.type} metric ${spec.name} needs a value observation`);
  if (spec.target.type === "Value") {
    return getUsageRatioReplicaCount(calc, specReplicas, observation.value / spec.target.value, observation.pods);
  }
  return getPerPodMetricReplicas(calc, statusReplicas, spec.target.averageValue, observation.value).replicaCount;
}

function resourceMetricReplicas(now: number, calc: ReplicaCalculatorConfig, spec: HpaResourceMetricSpec,
  observation: MetricObservation, specReplicas: number): number {
  if (!("samples" in observation)) throw new MetricComputationError(`${spec.type} metric ${spec.name} needs pod samples`);
  if (spec.target.type === "AverageValue") {
    return calcPlainMetricReplicas(now, calc, observation.samples, specReplicas, spec.target.averageValue, observation.pods, spec.name)
      .replicaCount;
  }
  return getResourceReplicas(now, calc, specReplicas, spec.target.averageUtilization, spec.name, observation.pods, observation.samples)
    .replicaCount;
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
export function computeReplicasForMetrics(specReplicas: number, proposals: readonly MetricProposal[])
  : { replicas: number; metric: string; error?: string; invalidReason?: string } {
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
  const error = firstError === undefined ? undefined
    : `invalid metrics (${invalidMetricsCount} invalid out of ${proposals.length}), first error is: ${firstError}`;
  if (invalidMetricsCount >= proposals.length || (invalidMetricsCount > 0 && replicas < specReplicas)) {
    return invalidReason === undefined ? { replicas: -1, metric: "", error } : { replicas: -1, metric: "", error, invalidReason };
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
  readonly recommendations?: TimestampedRecommendation[];
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
  readonly conditions: { readonly ableToScale: string; readonly scalingActive?: string; readonly scalingLimited?: string };
  readonly state: HpaState;
  readonly error?: string;
}

/**
 * Mirrors `reconcileAutoscaler` after the scale has been read, one step every sync period (15 s):
 * seed the first-sight recommendation; `current == 0 && min != 0` disables scaling; `current > max` -> max and
 * `current < min` -> min without metrics, stabilization or rate limits; otherwise the max metric proposal,
 * then `normalizeDesiredReplicas` (no behavior) or `normalizeDesiredReplicasWithBehaviors`. A rescale stores a scale
 * event (behavior only). The scale update is assumed to succeed. `spec.behavior` is defaulted here as the API
 * server would have done on admission.
 */
export function reconcile(now: number, spec: HpaSpec, state: HpaState, observed: HpaObservation,
  config: HpaControllerConfig = DEFAULT_HPA_CONTROLLER_CONFIG): HpaReconcileResult {
  const behavior = setDefaultsHorizontalPodAutoscalerBehavior(spec.behavior);
  const currentReplicas = observed.currentReplicas;
  const statusReplicas = observed.statusReplicas ?? currentReplicas;
  const recommendations = recordInitialRecommendation(now, currentReplicas, state.recommendations);
  const minReplicas = spec.minReplicas ?? 1;
  let nextState: HpaState = { ...state, recommendations };

  if (currentReplicas === 0 && minReplicas !== 0) {
    return {
      desiredReplicas: currentReplicas, rescale: false, reason: "ScalingDisabled",
      conditions: { ableToScale: "SucceededGetScale", scalingActive: "ScalingDisabled" }, state: nextState,
    };
  }

  let desiredReplicas: number;
  let reason: string;
  let conditions: { ableToScale: string; scalingActive?: string; scalingLimited?: string };
  let error: string | undefined;
  if (currentReplicas > spec.maxReplicas) {
    desiredReplicas = spec.maxReplicas;
    reason = "Current number of replicas above Spec.MaxReplicas";
    conditions = { ableToScale: "SucceededGetScale" };
  } else if (currentReplicas < minReplicas) {
    desiredReplicas = minReplicas;
    reason = "Current number of replicas below Spec.MinReplicas";
    conditions = { ableToScale: "SucceededGetScale" };
  } else {
    const calc: ReplicaCalculatorConfig = { ...config, tolerances: tolerancesForHpa(spec.behavior, config) };
    const proposals: MetricProposal[] = spec.metrics.map((metricSpec, i) => {
      const observation = observed.metrics[i] ?? { error: `no observation for metric ${metricSpec.name}` };
      try {
        return { replicas: computeReplicasForMetric(now, calc, metricSpec, observation, currentReplicas, statusReplicas),
          metric: `${metricSpec.type} ${metricSpec.name}` };
      } catch (e) {
        if (e instanceof MetricComputationError) return { error: e.message, reason: failedMetricReason(metricSpec) };
        throw e;
      }
    });
    const computed = computeReplicasForMetrics(currentReplicas, proposals);
    if (computed.error !== undefined && computed.replicas === -1) {
      return {
        desiredReplicas: currentReplicas, rescale: false, reason: "FailedComputeMetricsReplicas",
        conditions: { ableToScale: "SucceededGetScale", scalingActive: computed.invalidReason }, state: nextState,
        error: computed.error,
      };
    }
    error = computed.error;
    const prenormalized = computed.replicas > 0 ? computed.replicas : 0;
    const normalized = behavior === undefined
      ? normalizeDesiredReplicas(now, {
        currentReplicas, desiredReplicas: prenormalized, minReplicas, maxReplicas: spec.maxReplicas, recommendations,
        downscaleStabilizationWindowSeconds: config.downscaleStabilizationWindowSeconds,
        scaleUpLimitFactor: config.scaleUpLimitFactor,
      })
      : normalizeDesiredReplicasWithBehaviors(now, {
        currentReplicas, desiredReplicas: prenormalized, minReplicas, maxReplicas: spec.maxReplicas, behavior,
        recommendations, scaleUpEvents: state.scaleUpEvents, scaleDownEvents: state.scaleDownEvents,
        downscaleStabilizationWindowSeconds: config.downscaleStabilizationWindowSeconds,
      });
    nextState = { ...nextState, recommendations: normalized.recommendations };
    desiredReplicas = normalized.replicas;
    reason = normalized.reason;
    conditions = { ableToScale: normalized.ableToScaleReason, scalingActive: "ValidMetricFound", scalingLimited: normalized.reason };
  }

  const rescale = desiredReplicas !== currentReplicas;
  if (rescale) {
    nextState = { ...nextState, ...storeScaleEvent(now, behavior, currentReplicas, desiredReplicas, nextState.scaleUpEvents, nextState.scaleDownEvents) };
    conditions = { ...conditions, ableToScale: "SucceededRescale" };
  } else {
    desiredReplicas = currentReplicas;
  }
  const result = { desiredReplicas, rescale, reason, conditions, state: nextState };
  return error === undefined ? result : { ...result, error };
}
