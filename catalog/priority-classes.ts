// The PriorityClasses the platform creates (components/priority-classes.ts registers them): the
// services' two (seed: "Configure Pod Priority and Preemption for critical services") and the one of
// the monitoring pods the services' scaling depends on. Pure data, so the capacity model and the drain
// audit read the same values the cluster gets. None is the global default: other pods keep priority 0.
import { HEADROOM } from "./headroom";

export type Priority = "critical" | "standard";

export interface PriorityClassSpec {
    readonly name: string;
    readonly value: number;
    readonly preemptionPolicy: "PreemptLowerPriority" | "Never";
    readonly description: string;
}

/**
 * Critical services may preempt standard ones when nodes are full (cluster-autoscaler adds nodes
 * for the preempted pods); standard services wait for room instead of preempting. Both stay far
 * below system-cluster-critical (2000000000), which the add-ons use.
 */
export const PRIORITY_CLASSES: Readonly<Record<Priority, PriorityClassSpec>> = {
    critical: {
        name: "berrys-critical",
        value: 100000,
        preemptionPolicy: "PreemptLowerPriority",
        description: "Berrys services that must keep running: agent-orchestrator, model-orchestration, api-gateway",
    },
    standard: {
        name: "berrys-standard",
        value: 10000,
        preemptionPolicy: "Never",
        description: "Berrys services that wait for capacity rather than preempt: web-dashboard",
    },
};

/**
 * Prometheus, the Prometheus operator and kube-state-metrics: every HPA on a custom metric reads
 * Prometheus, and every alert kube-state-metrics. At the services' highest value, a critical service's
 * pod never preempts them at peak (the scheduler preempts only lower priorities: kubernetes v1.34
 * pkg/scheduler/framework/plugins/defaultpreemption `SelectVictimsOnNode`). PreemptLowerPriority, so a
 * Pending Prometheus (its volume pins it to one zone) may take the room of a standard service, a
 * priority-0 pod or a headroom placeholder there; at the same value, never that of a critical service.
 */
export const MONITORING_PRIORITY_CLASS: PriorityClassSpec = {
    name: "berrys-monitoring",
    value: PRIORITY_CLASSES.critical.value,
    preemptionPolicy: "PreemptLowerPriority",
    description: "Prometheus, its operator and kube-state-metrics: the metrics the services' HPAs and alerts read",
};

/** The built-in class the add-ons' charts use (kubernetes pkg/apis/scheduling SystemCriticalPriority). */
export const SYSTEM_CLUSTER_CRITICAL = { name: "system-cluster-critical", value: 2000000000 } as const;

/** The value of a class the platform knows; 0 for none (no global default class exists). */
export function priorityValue(className: string | undefined): number {
    if (className === undefined) return 0;
    const known = [
        ...Object.values(PRIORITY_CLASSES),
        MONITORING_PRIORITY_CLASS,
        SYSTEM_CLUSTER_CRITICAL,
        HEADROOM.priorityClass,
    ].find((spec) => spec.name === className);
    if (known === undefined)
        throw new Error(`unknown PriorityClass ${className}: add it to catalog/priority-classes.ts`);
    return known.value;
}
