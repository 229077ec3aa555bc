/**
 * Behavior and stabilization, one function per upstream function: defaulting
 * (pkg/apis/autoscaling/v2/defaults.go), recommendations and their stabilization window, scale
 * events and the behavior's rate limits, and normalization (pkg/controller/podautoscaler/horizontal.go).
 * Which upstream version each part follows: docs/design/simulator.md "The HPA controller".
 */
import {
    HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
    HPABehavior,
    HPAScalingRules,
    MAX_INT32,
    MIN_INT32,
    SCALE_UP_LIMIT_FACTOR,
    SCALE_UP_LIMIT_MINIMUM,
    TimestampedRecommendation,
    TimestampedScaleEvent,
} from "./types";

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
        ...(from.tolerance !== undefined
            ? { tolerance: from.tolerance }
            : to.tolerance !== undefined
              ? { tolerance: to.tolerance }
              : {}),
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
    return {
        scaleUp: generateHPAScaleUpRules(behavior.scaleUp),
        scaleDown: generateHPAScaleDownRules(behavior.scaleDown),
    };
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
    return {
        ...behavior,
        scaleDown: { ...scaleDown, stabilizationWindowSeconds: Math.trunc(downscaleStabilizationWindowSeconds) },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Recommendations and stabilization (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Mirrors `recordInitialRecommendation`: an HPA seen for the first time (no stored slice, `undefined` here) gets
 * `{currentReplicas, now}`. An explicitly empty slice is kept as it is.
 */
export function recordInitialRecommendation(
    now: number,
    currentReplicas: number,
    recommendations: readonly TimestampedRecommendation[] | undefined,
): readonly TimestampedRecommendation[] {
    // A stored slice is returned as it is (read-only: the functions that record into it copy it first).
    return recommendations === undefined ? [{ recommendation: currentReplicas, timestamp: now }] : recommendations;
}

/**
 * Mirrors the legacy `stabilizeRecommendation` (behavior == nil): the max of the raw recommendation and every stored
 * one not older than the downscale window (inclusive: only `ts < now - window` is stale); the last stale entry is
 * overwritten with `{raw, now}`, otherwise it is appended.
 */
export function stabilizeRecommendation(
    now: number,
    prenormalizedDesiredReplicas: number,
    recommendations: readonly TimestampedRecommendation[],
    downscaleStabilizationWindowSeconds: number = HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
): { replicas: number; recommendations: TimestampedRecommendation[] } {
    let maxRecommendation = prenormalizedDesiredReplicas;
    let oldSampleIndex = -1;
    const cutoff = now - downscaleStabilizationWindowSeconds;
    for (let i = 0; i < recommendations.length; i++) {
        const rec = recommendations[i];
        if (rec.timestamp < cutoff) oldSampleIndex = i;
        else if (rec.recommendation > maxRecommendation) maxRecommendation = rec.recommendation;
    }
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
export function stabilizeRecommendationWithBehaviors(
    now: number,
    currentReplicas: number,
    desiredReplicas: number,
    scaleUpWindowSeconds: number,
    scaleDownWindowSeconds: number,
    recommendations: readonly TimestampedRecommendation[],
): { replicas: number; reason: string; recommendations: TimestampedRecommendation[] } {
    let oldSampleIndex = -1;
    let upRecommendation = desiredReplicas;
    const upCutoff = now - scaleUpWindowSeconds;
    let downRecommendation = desiredReplicas;
    const downCutoff = now - scaleDownWindowSeconds;
    // Indexed, as in stabilizeRecommendation: the HPA's most frequent loop (every 15 s, over up to a window of entries).
    for (let i = 0; i < recommendations.length; i++) {
        const rec = recommendations[i];
        if (rec.timestamp > upCutoff) upRecommendation = Math.min(rec.recommendation, upRecommendation);
        if (rec.timestamp > downCutoff) downRecommendation = Math.max(rec.recommendation, downRecommendation);
        if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldSampleIndex = i;
    }

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
export function getReplicasChangePerPeriod(
    now: number,
    periodSeconds: number,
    scaleEvents: readonly TimestampedScaleEvent[],
): number {
    const cutoff = now - periodSeconds;
    let replicas = 0;
    for (let i = 0; i < scaleEvents.length; i++) {
        if (scaleEvents[i].timestamp > cutoff) replicas += scaleEvents[i].replicaChange;
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
    now: number,
    scaleEvents: readonly TimestampedScaleEvent[],
    longestPolicyPeriod: number,
): TimestampedScaleEvent[] {
    const cutoff = now - longestPolicyPeriod;
    return scaleEvents.map((event) => (event.timestamp < cutoff ? { ...event, outdated: true } : { ...event }));
}

function storeInList(
    now: number,
    events: readonly TimestampedScaleEvent[],
    rules: HPAScalingRules,
    replicaChange: number,
): TimestampedScaleEvent[] {
    const marked = markScaleEventsOutdated(now, events, getLongestPolicyPeriod(rules));
    let oldSampleIndex = -1;
    marked.forEach((event, i) => {
        if (event.outdated) oldSampleIndex = i;
    });
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
    now: number,
    behavior: HPABehavior | undefined,
    prevReplicas: number,
    newReplicas: number,
    scaleUpEvents: readonly TimestampedScaleEvent[],
    scaleDownEvents: readonly TimestampedScaleEvent[],
): { scaleUpEvents: TimestampedScaleEvent[]; scaleDownEvents: TimestampedScaleEvent[] } {
    if (behavior === undefined)
        return { scaleUpEvents: scaleUpEvents.slice(), scaleDownEvents: scaleDownEvents.slice() };
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
export function calculateScaleUpLimitWithScalingRules(
    now: number,
    currentReplicas: number,
    scaleUpEvents: readonly TimestampedScaleEvent[],
    scaleDownEvents: readonly TimestampedScaleEvent[],
    scalingRules: HPAScalingRules,
): number {
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
export function calculateScaleDownLimitWithBehaviors(
    now: number,
    currentReplicas: number,
    scaleUpEvents: readonly TimestampedScaleEvent[],
    scaleDownEvents: readonly TimestampedScaleEvent[],
    scalingRules: HPAScalingRules,
): number {
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
export function convertDesiredReplicasWithBehaviorRate(
    now: number,
    args: {
        currentReplicas: number;
        desiredReplicas: number;
        minReplicas: number;
        maxReplicas: number;
        scaleUp: HPAScalingRules;
        scaleDown: HPAScalingRules;
        scaleUpEvents: TimestampedScaleEvent[];
        scaleDownEvents: TimestampedScaleEvent[];
    },
): { replicas: number; reason: string } {
    if (args.desiredReplicas > args.currentReplicas) {
        let scaleUpLimit = calculateScaleUpLimitWithScalingRules(
            now,
            args.currentReplicas,
            args.scaleUpEvents,
            args.scaleDownEvents,
            args.scaleUp,
        );
        if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
        let maximumAllowedReplicas = args.maxReplicas;
        let possibleLimitingReason: string;
        if (maximumAllowedReplicas > scaleUpLimit) {
            maximumAllowedReplicas = scaleUpLimit;
            possibleLimitingReason = "ScaleUpLimit";
        } else {
            possibleLimitingReason = "TooManyReplicas";
        }
        if (args.desiredReplicas > maximumAllowedReplicas)
            return { replicas: maximumAllowedReplicas, reason: possibleLimitingReason };
    } else if (args.desiredReplicas < args.currentReplicas) {
        let scaleDownLimit = calculateScaleDownLimitWithBehaviors(
            now,
            args.currentReplicas,
            args.scaleUpEvents,
            args.scaleDownEvents,
            args.scaleDown,
        );
        if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
        let minimumAllowedReplicas = args.minReplicas;
        let possibleLimitingReason: string;
        if (minimumAllowedReplicas < scaleDownLimit) {
            minimumAllowedReplicas = scaleDownLimit;
            possibleLimitingReason = "ScaleDownLimit";
        } else {
            possibleLimitingReason = "TooFewReplicas";
        }
        if (args.desiredReplicas < minimumAllowedReplicas)
            return { replicas: minimumAllowedReplicas, reason: possibleLimitingReason };
    }
    return { replicas: args.desiredReplicas, reason: "DesiredWithinRange" };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalization (horizontal.go)
// ---------------------------------------------------------------------------------------------------------------

/** Mirrors `calculateScaleUpLimit` (legacy): `int32(max(factor * current, 4))`. */
export function calculateScaleUpLimit(
    currentReplicas: number,
    scaleUpLimitFactor: number = SCALE_UP_LIMIT_FACTOR,
): number {
    return Math.trunc(Math.max(scaleUpLimitFactor * currentReplicas, SCALE_UP_LIMIT_MINIMUM));
}

/**
 * Mirrors `convertDesiredReplicasWithRules` (legacy): below minReplicas -> min (`TooFewReplicas`, checked first
 * whatever the direction); above `min(maxReplicas, scale-up limit)` -> that bound (`TooManyReplicas` when max is
 * the tighter or equal bound, else `ScaleUpLimit`); else `DesiredWithinRange`. No scale-down rate limit.
 */
export function convertDesiredReplicasWithRules(
    currentReplicas: number,
    desiredReplicas: number,
    hpaMinReplicas: number,
    hpaMaxReplicas: number,
    scaleUpLimitFactor: number = SCALE_UP_LIMIT_FACTOR,
): { replicas: number; reason: string } {
    const scaleUpLimit = calculateScaleUpLimit(currentReplicas, scaleUpLimitFactor);
    const [maximumAllowedReplicas, possibleLimitingCondition] =
        hpaMaxReplicas > scaleUpLimit ? [scaleUpLimit, "ScaleUpLimit"] : [hpaMaxReplicas, "TooManyReplicas"];
    if (desiredReplicas < hpaMinReplicas) return { replicas: hpaMinReplicas, reason: "TooFewReplicas" };
    if (desiredReplicas > maximumAllowedReplicas)
        return { replicas: maximumAllowedReplicas, reason: possibleLimitingCondition };
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
export function normalizeDesiredReplicas(
    now: number,
    args: {
        currentReplicas: number;
        desiredReplicas: number;
        minReplicas: number;
        maxReplicas: number;
        recommendations: readonly TimestampedRecommendation[];
        downscaleStabilizationWindowSeconds?: number;
        scaleUpLimitFactor?: number;
    },
): NormalizationResult {
    const stabilized = stabilizeRecommendation(
        now,
        args.desiredReplicas,
        args.recommendations,
        args.downscaleStabilizationWindowSeconds ?? HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
    );
    const ableToScaleReason = stabilized.replicas !== args.desiredReplicas ? "ScaleDownStabilized" : "ReadyForNewScale";
    const converted = convertDesiredReplicasWithRules(
        args.currentReplicas,
        stabilized.replicas,
        args.minReplicas,
        args.maxReplicas,
        args.scaleUpLimitFactor,
    );
    return {
        replicas: converted.replicas,
        ableToScaleReason,
        reason: converted.reason,
        recommendations: stabilized.recommendations,
    };
}

/**
 * Mirrors `normalizeDesiredReplicasWithBehaviors`: `maybeInitScaleDownStabilizationWindow`, then
 * `stabilizeRecommendationWithBehaviors` on the raw count, then `convertDesiredReplicasWithBehaviorRate` on the
 * stabilized count. `behavior` must already be defaulted (`setDefaultsHorizontalPodAutoscalerBehavior`).
 */
export function normalizeDesiredReplicasWithBehaviors(
    now: number,
    args: {
        currentReplicas: number;
        desiredReplicas: number;
        minReplicas: number;
        maxReplicas: number;
        behavior: HPABehavior;
        recommendations: readonly TimestampedRecommendation[];
        scaleUpEvents: TimestampedScaleEvent[];
        scaleDownEvents: TimestampedScaleEvent[];
        downscaleStabilizationWindowSeconds?: number;
    },
): NormalizationResult {
    const behavior = maybeInitScaleDownStabilizationWindow(
        args.behavior,
        args.downscaleStabilizationWindowSeconds ?? HPA_DOWNSCALE_STABILIZATION_WINDOW_SECONDS,
    );
    const scaleUp = behavior.scaleUp ?? generateHPAScaleUpRules();
    const scaleDown = behavior.scaleDown ?? generateHPAScaleDownRules();
    const stabilized = stabilizeRecommendationWithBehaviors(
        now,
        args.currentReplicas,
        args.desiredReplicas,
        scaleUp.stabilizationWindowSeconds ?? 0,
        scaleDown.stabilizationWindowSeconds ?? 0,
        args.recommendations,
    );
    const ableToScaleReason = stabilized.replicas !== args.desiredReplicas ? stabilized.reason : "ReadyForNewScale";
    const limited = convertDesiredReplicasWithBehaviorRate(now, {
        currentReplicas: args.currentReplicas,
        desiredReplicas: stabilized.replicas,
        minReplicas: args.minReplicas,
        maxReplicas: args.maxReplicas,
        scaleUp,
        scaleDown,
        scaleUpEvents: args.scaleUpEvents,
        scaleDownEvents: args.scaleDownEvents,
    });
    return {
        replicas: limited.replicas,
        ableToScaleReason,
        reason: limited.reason,
        recommendations: stabilized.recommendations,
    };
}
