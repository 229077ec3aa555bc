// Headroom (`addons.clusterAutoscaler.headroom`, docs/headroom.md): a pause Deployment whose pods
// hold spare capacity at a priority below every real pod, in a namespace of their own. A pending
// pod that may preempt evicts one at once; the displaced placeholder, pending in turn, makes
// cluster-autoscaler add a node, so the spare capacity comes back while the service already runs.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HEADROOM } from "../catalog/headroom";
import type { HeadroomPlan } from "../capacity/headroom";
import { podSecurityLabels } from "./namespace-guardrails";

/** The placeholders' PriorityClass: never preempts anything itself (its pods only fill free room). */
export function headroomPriorityClassSpec() {
    return {
        value: HEADROOM.priorityClass.value,
        globalDefault: false,
        preemptionPolicy: "Never",
        description:
            "Placeholder pods that keep spare capacity; any pod that may preempt takes their room (addons.clusterAutoscaler.headroom)",
    };
}

/**
 * The Deployment: `units` pause pods of the unit's requests (limits equal, so that they are
 * Guaranteed and the kubelet never reclaims their room), gone the moment they are preempted
 * (terminationGracePeriodSeconds 0), under the restricted Pod Security profile.
 */
export function headroomDeploymentSpec(plan: HeadroomPlan) {
    const labels = { app: HEADROOM.deployment };
    const amounts = { cpu: plan.unit.cpu, memory: plan.unit.memory };
    return {
        replicas: plan.units,
        selector: { matchLabels: labels },
        template: {
            metadata: { labels },
            spec: {
                priorityClassName: plan.priorityClass,
                terminationGracePeriodSeconds: 0,
                automountServiceAccountToken: false,
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 65535,
                    runAsGroup: 65535,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                containers: [
                    {
                        name: "pause",
                        image: HEADROOM.image,
                        resources: { requests: amounts, limits: amounts },
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            capabilities: { drop: ["ALL"] },
                        },
                    },
                ],
            },
        },
    };
}

export interface HeadroomArgs {
    readonly plan: HeadroomPlan;
    readonly labels: Readonly<Record<string, string>>;
    /** The node groups: the placeholders need nodes (a component's own `dependsOn` does not reach its children). */
    readonly dependsOn?: readonly pulumi.Input<pulumi.Resource>[];
}

export class Headroom extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: HeadroomArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:Headroom", name, {}, opts);
        const labels = { ...args.labels };
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: { name: args.plan.namespace, labels: { ...labels, ...podSecurityLabels("restricted") } },
            },
            { parent: this },
        );
        const priorityClass = new k8s.scheduling.v1.PriorityClass(
            `${name}-priority`,
            {
                metadata: { name: args.plan.priorityClass, labels },
                ...headroomPriorityClassSpec(),
            },
            { parent: this },
        );
        new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                // Placeholders wait for cluster-autoscaler's nodes, minutes or (at maxSize) for good:
                // neither is a failed deploy, so `pulumi up` does not wait for them to run.
                metadata: {
                    name: HEADROOM.deployment,
                    namespace: namespace.metadata.name,
                    labels,
                    annotations: { "pulumi.com/skipAwait": "true" },
                },
                spec: headroomDeploymentSpec(args.plan),
            },
            { parent: this, dependsOn: [priorityClass, ...(args.dependsOn ?? [])] },
        );
        this.namespace = namespace.metadata.name;
        this.registerOutputs({ namespace: this.namespace });
    }
}
