// One service's scaling policy: an autoscaling/v2 HorizontalPodAutoscaler on its Deployment and,
// where configured, a PodDisruptionBudget. The Deployment itself belongs to the app team; the
// contract it must meet (labels, resources, priority class, metrics port) is published as output.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MetricConfig, ScalingRulesConfig, ServiceConfig } from "../config";
import { canonicalQuantity } from "../quantity";
import { PRIORITY_CLASSES } from "./priority-classes";

export interface ServiceScalingArgs {
    /** The service's name: the Deployment, the `app` label and the HPA/PDB names derive from it. */
    readonly service: string;
    readonly namespace: pulumi.Input<string>;
    readonly settings: ServiceConfig;
    readonly labels: Readonly<Record<string, string>>;
}

/** The label the HPA's target, the PDB and the PodMonitors select on. */
export function selectorLabels(service: string): Record<string, string> {
    return { app: service };
}

export const hpaName = (service: string) => `${service}-hpa`;
export const pdbName = (service: string) => `${service}-pdb`;

/** One HPA metric in autoscaling/v2 form. */
export function metricSpec(metric: MetricConfig) {
    switch (metric.type) {
        case "Resource":
            return {
                type: "Resource",
                resource: {
                    name: metric.name,
                    target:
                        metric.averageUtilization !== undefined
                            ? { type: "Utilization", averageUtilization: metric.averageUtilization }
                            : { type: "AverageValue", averageValue: metric.averageValue },
                },
            };
        case "Pods":
            return {
                type: "Pods",
                pods: {
                    metric: {
                        name: metric.name,
                        ...(metric.selector ? { selector: { matchLabels: { ...metric.selector } } } : {}),
                    },
                    target: { type: "AverageValue", averageValue: metric.averageValue },
                },
            };
        case "Object":
            return {
                type: "Object",
                object: {
                    metric: { name: metric.name },
                    describedObject: { ...metric.describedObject },
                    target:
                        metric.value !== undefined
                            ? { type: "Value", value: metric.value }
                            : { type: "AverageValue", averageValue: metric.averageValue },
                },
            };
    }
}

function rulesSpec(rules: ScalingRulesConfig | undefined) {
    if (rules === undefined) {
        return undefined;
    }
    return {
        ...(rules.stabilizationWindowSeconds !== undefined
            ? { stabilizationWindowSeconds: rules.stabilizationWindowSeconds }
            : {}),
        ...(rules.selectPolicy !== undefined ? { selectPolicy: rules.selectPolicy } : {}),
        ...(rules.policies !== undefined ? { policies: rules.policies.map((policy) => ({ ...policy })) } : {}),
    };
}

/** The HPA's spec. Unset behavior keeps Kubernetes' defaults (the API server fills them in). */
export function hpaSpec(service: string, settings: ServiceConfig) {
    const behavior = settings.behavior
        ? { scaleUp: rulesSpec(settings.behavior.scaleUp), scaleDown: rulesSpec(settings.behavior.scaleDown) }
        : undefined;
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: service },
        minReplicas: settings.minReplicas,
        maxReplicas: settings.maxReplicas,
        metrics: settings.metrics.map(metricSpec),
        ...(behavior ? { behavior } : {}),
    };
}

/** The PDB's spec, or undefined when the service has none. */
export function pdbSpec(service: string, settings: ServiceConfig) {
    const pdb = settings.pdb;
    if (pdb === undefined) {
        return undefined;
    }
    return {
        selector: { matchLabels: selectorLabels(service) },
        ...(pdb.minAvailable !== undefined
            ? { minAvailable: pdb.minAvailable }
            : { maxUnavailable: pdb.maxUnavailable }),
        unhealthyPodEvictionPolicy: pdb.unhealthyPodEvictionPolicy,
    };
}

/** CPU and memory in the API server's canonical form ("1000m" -> "1"), as admission compares them. */
function canonicalResources(resources: { cpu: string; memory: string }) {
    return { cpu: canonicalQuantity(resources.cpu), memory: canonicalQuantity(resources.memory) };
}

/**
 * What the app team's Deployment must declare for the platform's objects to fit it (the `services`
 * output). Quantities are published in canonical form: the API server stores every spelling of a
 * value that way, and the admission policy (services-admission.ts) compares these strings.
 * `resources` and `metricsPort` belong to the container named after the service; every other
 * container declares its own requests. The service must create every label child of the counter
 * behind its custom metric at start-up (`.labels(...)` once per known label set): a child never
 * incremented exports nothing, and until the first request the HPA gets no value for the new pods.
 */
export function deploymentContract(service: string, settings: ServiceConfig) {
    return {
        deployment: service,
        hpaName: hpaName(service),
        pdbName: settings.pdb ? pdbName(service) : null,
        minReplicas: settings.minReplicas,
        maxReplicas: settings.maxReplicas,
        resources: {
            requests: canonicalResources(settings.resources.requests),
            limits: canonicalResources(settings.resources.limits),
        },
        priorityClassName: PRIORITY_CLASSES[settings.priority].name,
        labels: selectorLabels(service),
        metricsPort: { name: "metrics", containerPort: settings.metricsPort, path: "/metrics" },
        maxSurge: settings.maxSurge,
    };
}
export type DeploymentContract = ReturnType<typeof deploymentContract>;

export class ServiceScaling extends pulumi.ComponentResource {
    public readonly hpa: k8s.autoscaling.v2.HorizontalPodAutoscaler;
    public readonly pdb?: k8s.policy.v1.PodDisruptionBudget;
    public readonly contract: DeploymentContract;

    constructor(name: string, args: ServiceScalingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:ServiceScaling", name, {}, opts);
        const labels = { ...args.labels, ...selectorLabels(args.service) };
        this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-hpa`,
            {
                metadata: { name: hpaName(args.service), namespace: args.namespace, labels },
                spec: hpaSpec(args.service, args.settings),
            },
            { parent: this },
        );
        const pdb = pdbSpec(args.service, args.settings);
        if (pdb) {
            this.pdb = new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                {
                    metadata: { name: pdbName(args.service), namespace: args.namespace, labels },
                    spec: pdb,
                },
                { parent: this },
            );
        }
        this.contract = deploymentContract(args.service, args.settings);
        this.registerOutputs({ contract: this.contract });
    }
}
