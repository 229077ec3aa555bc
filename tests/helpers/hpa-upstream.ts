/**
 * What the tests of simulator/hpa/ share: upstream's test helpers and clock, and the sources of the
 * Kubernetes HPA controller's own test tables they transcribe as data.
 *
 * Sources (expected values are upstream's literals, never this port's output):
 *   [H] kubernetes/kubernetes pkg/controller/podautoscaler/horizontal_test.go @ 003e86297d18a8538c9da3619871393f9703bf70,
 *       a post-1.28 revision (its NewHorizontalController takes a context) read through the code index; no v1.28.0 copy
 *       of this file was indexed. Its behavior tables still contain the `testThis` case that recent master removed,
 *       and a comparison with v1.28.0's file found them identical.
 *   [D] kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults_test.go @ 0a74a85ed8c08e0f0588ecc4a764883698a1b99e.
 *   [R] pkg/controller/podautoscaler/replica_calculator_test.go, a 1.27/1.28-era revision (GetResourceReplicas with
 *       ctx and container, makePodMetricLevels), found through the code index by content; the index gave no
 *       repository name for it.
 *
 *   [R34] replica_calculator_test.go at a post-1.33 revision (its calculator takes `tolerances Tolerances` per call),
 *       read through the code index; its TestReplicaCalcConfigurableTolerance* cases are the 1.33+ tolerance cases.
 *       The v1.28 cases above it are unchanged there (same names, levels and expectations).
 *
 * Go times are `time.Now()` offsets; here NOW is a fixed second count and offsets are converted to seconds.
 */
import type { HPAScalingRules, TimestampedScaleEvent } from "../../simulator/hpa";

export const NOW = 1_700_000_000;
export const MINUTE = 60;

/** [H] generateScalingRules: selectPolicy Max; a Pods policy if pods != 0, then a Percent policy if percent != 0. */
export function generateScalingRules(
    pods: number,
    podsPeriod: number,
    percent: number,
    percentPeriod: number,
    stabilizationWindow: number,
): HPAScalingRules {
    const policies: HPAScalingRules["policies"] = [];
    if (pods !== 0) policies.push({ type: "Pods", value: pods, periodSeconds: podsPeriod });
    if (percent !== 0) policies.push({ type: "Percent", value: percent, periodSeconds: percentPeriod });
    // Go leaves Policies nil when neither is set; GenerateHPAScale*Rules then keeps the default list.
    return {
        stabilizationWindowSeconds: stabilizationWindow,
        selectPolicy: "Max",
        policies: policies.length > 0 ? policies : undefined,
    };
}

/** [H] generateEventsUniformDistribution: event i at int(P - (P/n)(i+1) + (P/n)/2) seconds ago. */
export function generateEventsUniformDistribution(rawEvents: number[], periodSeconds: number): TimestampedScaleEvent[] {
    const segmentDuration = periodSeconds / rawEvents.length;
    return rawEvents.map((event, idx) => ({
        replicaChange: event,
        timestamp: NOW - Math.trunc(periodSeconds - segmentDuration * (idx + 1) + segmentDuration / 2),
    }));
}
