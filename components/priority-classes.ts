// The platform's PriorityClasses (values and reasons in catalog/priority-classes.ts): the services'
// two and the monitoring pods' one. Neither is the cluster's global default.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    MONITORING_PRIORITY_CLASS,
    PRIORITY_CLASSES,
    type Priority,
    type PriorityClassSpec,
} from "../catalog/priority-classes";

export { MONITORING_PRIORITY_CLASS, PRIORITY_CLASSES, type Priority, type PriorityClassSpec };

export interface PriorityClassesArgs {
    readonly labels: Readonly<Record<string, string>>;
}

export class PriorityClasses extends pulumi.ComponentResource {
    public readonly names: Readonly<Record<Priority, string>>;

    constructor(name: string, args: PriorityClassesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:PriorityClasses", name, {}, opts);
        const classes: [string, PriorityClassSpec][] = [
            ...Object.entries(PRIORITY_CLASSES),
            ["monitoring", MONITORING_PRIORITY_CLASS],
        ];
        for (const [priority, spec] of classes) {
            new k8s.scheduling.v1.PriorityClass(
                `${name}-${priority}`,
                {
                    metadata: { name: spec.name, labels: { ...args.labels } },
                    value: spec.value,
                    globalDefault: false,
                    preemptionPolicy: spec.preemptionPolicy,
                    description: spec.description,
                },
                { parent: this },
            );
        }
        this.names = { critical: PRIORITY_CLASSES.critical.name, standard: PRIORITY_CLASSES.standard.name };
        this.registerOutputs({ names: this.names, monitoring: MONITORING_PRIORITY_CLASS.name });
    }
}
