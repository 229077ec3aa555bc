/**
 * What the tests of simulator/hpa/ share: upstream's test helpers and clock, and the sources of the
 * Kubernetes HPA controller's own test tables they transcribe as data (expected values are
 * upstream's literals, never this port's output). Which revision each table comes from, [H], [D],
 * [R] and [R34] below: docs/design/simulator.md "The HPA tests' upstream tables".
 */
import type { HPAScalingRules, PodInfo, PodMetric, TimestampedScaleEvent } from "../../simulator/hpa";
import { PodSamples } from "../../simulator/pod-samples";

export const NOW = 1_700_000_000;
export const MINUTE = 60;

/** `samples` as simulator/run.ts's observe gives them: a PodSamples over `pods` (it holds listed pods' samples only). */
export function podSamplesOf(pods: readonly PodInfo[], samples: ReadonlyMap<string, PodMetric>): PodSamples {
    const index = new Map(pods.map((pod, i) => [pod.name, i]));
    const result = new PodSamples(pods, index);
    for (const [name, metric] of samples) result.put(index.get(name)!, metric.value, metric.timestamp, metric.window);
    return result;
}

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
