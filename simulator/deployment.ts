/**
 * The Deployment controller's rolling update, reduced to the replica counts of the old and the new
 * ReplicaSet: how many pods each should have at a step. Pure functions; simulator/run.ts creates
 * and deletes the pods (through the ResourceQuota) to match. Follows Kubernetes 1.34's
 * pkg/controller/deployment function by function: docs/design/simulator.md "The Deployment
 * controller".
 */
import { IntOrPercent, scaleIntOrPercent } from "../quantity";

/** apps/v1 defaults.go: a rolling update's maxUnavailable when the Deployment leaves it out. */
export const DEFAULT_MAX_UNAVAILABLE: IntOrPercent = "25%";

/** Mirrors `ResolveFenceposts`. */
export function resolveFenceposts(
    maxSurge: IntOrPercent,
    maxUnavailable: IntOrPercent,
    desired: number,
): { surge: number; unavailable: number } {
    const surge = scaleIntOrPercent(maxSurge, desired, true);
    const unavailable = scaleIntOrPercent(maxUnavailable, desired, false);
    return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** What one rolling-update step sees: spec replicas of the RSs, and the available pods of each. */
export interface RolloutCounts {
    /** The Deployment's spec.replicas (the HPA's count). */
    readonly replicas: number;
    readonly oldReplicas: number;
    readonly newReplicas: number;
    readonly oldAvailable: number;
    readonly newAvailable: number;
}

/**
 * One `rolloutRolling` pass: the RSs' new spec replicas. As upstream, a pass that scales the new RS
 * up returns before the old ones are looked at; the next pass (the next step) scales them down.
 */
export function rolloutStep(
    counts: RolloutCounts,
    maxSurge: IntOrPercent,
    maxUnavailable: IntOrPercent = DEFAULT_MAX_UNAVAILABLE,
): { oldReplicas: number; newReplicas: number } {
    const { replicas } = counts;
    const fenceposts = resolveFenceposts(maxSurge, maxUnavailable, replicas);
    const surge = fenceposts.surge;
    // MaxUnavailable: never more than the replicas.
    const unavailable = Math.min(fenceposts.unavailable, replicas);
    // reconcileNewReplicaSet -> NewRSNewReplicas.
    const maxTotalPods = replicas + surge;
    const current = counts.oldReplicas + counts.newReplicas;
    if (counts.newReplicas < replicas && current < maxTotalPods) {
        return {
            oldReplicas: counts.oldReplicas,
            newReplicas: counts.newReplicas + Math.min(maxTotalPods - current, replicas - counts.newReplicas),
        };
    }
    if (counts.newReplicas > replicas) return { oldReplicas: counts.oldReplicas, newReplicas: replicas };
    // reconcileOldReplicaSets.
    let oldReplicas = counts.oldReplicas;
    if (oldReplicas === 0) return { oldReplicas, newReplicas: counts.newReplicas };
    const all = oldReplicas + counts.newReplicas;
    const minAvailable = replicas - unavailable;
    const newUnavailable = counts.newReplicas - counts.newAvailable;
    const maxScaledDown = all - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return { oldReplicas, newReplicas: counts.newReplicas };
    // cleanupUnhealthyReplicas: old pods that are not available go first, up to maxScaledDown.
    oldReplicas -= Math.min(oldReplicas - counts.oldAvailable, maxScaledDown);
    // scaleDownOldReplicaSetsForRollingUpdate: available pods above minAvailable.
    const totalScaleDown = counts.oldAvailable + counts.newAvailable - minAvailable;
    if (totalScaleDown > 0) oldReplicas -= Math.min(totalScaleDown, oldReplicas);
    return { oldReplicas, newReplicas: counts.newReplicas };
}
