// PriorityClasses for the services (seed: "Configure Pod Priority and Preemption for critical
// services"). Neither is the cluster's global default: pods that name no class keep priority 0.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

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

export interface PriorityClassesArgs {
    readonly labels: Readonly<Record<string, string>>;
}

export class PriorityClasses extends pulumi.ComponentResource {
    public readonly names: Readonly<Record<Priority, string>>;

    constructor(name: string, args: PriorityClassesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:PriorityClasses", name, {}, opts);
        for (const [priority, spec] of Object.entries(PRIORITY_CLASSES)) {
            new k8s.scheduling.v1.PriorityClass(`${name}-${priority}`, {
                metadata: { name: spec.name, labels: { ...args.labels } },
                value: spec.value,
                globalDefault: false,
                preemptionPolicy: spec.preemptionPolicy,
                description: spec.description,
            }, { parent: this });
        }
        this.names = { critical: PRIORITY_CLASSES.critical.name, standard: PRIORITY_CLASSES.standard.name };
        this.registerOutputs({ names: this.names });
    }
}
