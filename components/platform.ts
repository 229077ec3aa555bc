// The root component: the whole platform of one stack, from network to the services' scaling
// policies. Its `outputs` are the stack outputs other teams read through StackReference.
import * as pulumi from "@pulumi/pulumi";
import type { NodeGroupConfig, PlatformConfig } from "../config";
import { ScalingAddons } from "./addons";
import { HeadroomPlan, headroomPlan } from "../capacity/headroom";
import { Headroom } from "./headroom";
import { observabilityInput } from "./monitoring/input";
import { ScalingObservability } from "./scaling-observability";
import { Coredns } from "./coredns";
import { EksCluster } from "./eks-cluster";
import { eksAddonVersion } from "./kubernetes-version";
import { NamespaceGuardrails, quotaName } from "./namespace-guardrails";
import { AvailabilityZone, Network } from "./network";
import { NetworkPolicies } from "./network-policies";
import { LiveScaling, NodeGroup } from "./node-group";
import { PriorityClasses } from "./priority-classes";
import { ServicesAdmission } from "./services-admission";
import { DeploymentContract, ServiceScaling } from "./service-scaling";

export interface PlatformArgs {
    /** The stack's parsed and checked config (preflight.ts `runPreflight`). */
    readonly config: PlatformConfig;
    /** Each node group's live desired size (node-group.ts `readLiveScaling`); none before the first deploy. */
    readonly liveScaling?: Readonly<Record<string, LiveScaling>>;
    /** (network.mode create) The zones the VPC spans, as preflight chose them (`runAwsPreflight`). */
    readonly zones?: readonly AvailabilityZone[];
}

/** Tags on every AWS resource: who owns it and which stack made it. */
export function awsTags(config: PlatformConfig): Record<string, string> {
    return {
        "berrys.io/project": "berrys-platform",
        "berrys.io/stack": config.stack,
        "berrys.io/cluster": config.cluster.name,
        "managed-by": "pulumi",
    };
}

/** Labels on every Kubernetes object the platform owns. */
export function kubernetesLabels(config: PlatformConfig): Record<string, string> {
    return {
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "berrys-platform",
        "berrys.io/stack": config.stack,
    };
}

/** The stack outputs: a contract other teams depend on (docs/outputs.md "Stack outputs"). */
export interface PlatformOutputs {
    clusterName: pulumi.Output<string>;
    clusterEndpoint: pulumi.Output<string>;
    clusterVersion: string;
    kubeconfig: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    oidcIssuerUrl: pulumi.Output<string>;
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string[]>;
    nodeGroups: pulumi.Output<
        { name: string; eksName: string; minSize: number; maxSize: number; instanceTypes: string[] }[]
    >;
    namespace: pulumi.Output<string>;
    resourceQuota: { name: string; namespace: string; hard: Record<string, string> };
    services: Record<string, DeploymentContract>;
    /** cluster-autoscaler's IAM role (Pod Identity), null when it is disabled. */
    clusterAutoscalerRoleArn: pulumi.Output<string | null>;
    /** The Prometheus the adapter queries (installed or external), with its port. */
    prometheusUrl: string;
    /** The custom metrics the prometheus-adapter serves, for HPAs' Pods metrics. */
    customMetrics: string[];
    /** The spare capacity cluster-autoscaler keeps (addons.clusterAutoscaler.headroom), null when off. */
    headroom: HeadroomOutput | null;
}

/** The headroom as other teams see it: where its placeholder pods run and what they hold. */
export interface HeadroomOutput {
    namespace: string;
    priorityClass: string;
    /** What the stack asks for, in total. */
    cpu: string;
    memory: string;
    /** Placeholder pods, and each one's requests. */
    units: number;
    unit: { cpu: string; memory: string };
}

/** The headroom as the stack outputs show it; null when there is none. */
export function headroomOutput(plan: HeadroomPlan | null): HeadroomOutput | null {
    if (plan === null) return null;
    return {
        namespace: plan.namespace,
        priorityClass: plan.priorityClass,
        cpu: plan.requested.cpu,
        memory: plan.requested.memory,
        units: plan.units,
        unit: { cpu: plan.unit.cpu, memory: plan.unit.memory },
    };
}

/** A node group component with the key and settings it was made from. */
interface KeyedNodeGroup {
    readonly groupName: string;
    readonly settings: NodeGroupConfig;
    readonly component: NodeGroup;
}

/** The node groups as the stack outputs list them, each with its name in EKS. */
function nodeGroupsOutput(nodeGroups: readonly KeyedNodeGroup[]): PlatformOutputs["nodeGroups"] {
    return pulumi.all(
        nodeGroups.map(({ groupName, settings, component }) =>
            component.nodeGroupName.apply((eksName) => ({
                name: groupName,
                eksName,
                minSize: settings.minSize,
                maxSize: settings.maxSize,
                instanceTypes: [...settings.instanceTypes],
            })),
        ),
    );
}

/** What every child of the platform shares: its name prefix, config, tags and labels. */
interface Context {
    readonly name: string;
    readonly config: PlatformConfig;
    readonly tags: Record<string, string>;
    readonly labels: Record<string, string>;
}

/** The AWS side: network, control plane, node groups and CoreDNS. */
interface Infrastructure {
    readonly network: Network;
    readonly cluster: EksCluster;
    readonly nodeGroups: KeyedNodeGroup[];
}

/** The services' namespace and what lives in it. */
interface Workloads {
    readonly guardrails: NamespaceGuardrails;
    readonly priorityClasses: PriorityClasses;
    readonly services: ServiceScaling[];
}

export class Platform extends pulumi.ComponentResource {
    public readonly outputs: PlatformOutputs;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:Platform", name, {}, opts);
        const config = args.config;
        const context: Context = { name, config, tags: awsTags(config), labels: kubernetesLabels(config) };
        const infrastructure = this.createInfrastructure(context, args);
        const kubernetes = { parent: this, provider: infrastructure.cluster.provider };
        const workloads = this.createWorkloads(context, kubernetes);
        const addons = this.createAddons(context, infrastructure, workloads, kubernetes);
        const plan = headroomPlan(config);
        if (plan !== null) {
            const dependsOn = infrastructure.nodeGroups.map(({ component }) => component);
            new Headroom(`${name}-headroom`, { plan, labels: context.labels, dependsOn }, kubernetes);
        }
        this.createObservability(context, addons, kubernetes);
        this.outputs = this.platformOutputs(config, infrastructure, workloads, addons, plan);
        this.registerOutputs({ ...this.outputs });
    }

    /** Network, cluster, node groups, then CoreDNS, which needs nodes for its pods. */
    private createInfrastructure({ name, config, tags }: Context, args: PlatformArgs): Infrastructure {
        const parent = { parent: this };
        const network = new Network(
            `${name}-network`,
            { network: config.network, clusterName: config.cluster.name, tags, zones: args.zones },
            parent,
        );
        const cluster = new EksCluster(
            `${name}-cluster`,
            { cluster: config.cluster, vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds, tags },
            parent,
        );
        const nodeGroups = Object.entries(config.nodeGroups).map(([groupName, settings]) => ({
            groupName,
            settings,
            component: new NodeGroup(
                `${name}-${groupName}`,
                {
                    groupName,
                    settings,
                    cluster: cluster.cluster,
                    kubernetesVersion: config.cluster.version,
                    live: args.liveScaling?.[groupName],
                    subnetIds: network.privateSubnetIds,
                    tags,
                    dependsOn: cluster.nodePrerequisites,
                },
                parent,
            ),
        }));
        new Coredns(
            `${name}-coredns`,
            {
                clusterName: cluster.clusterName,
                version: eksAddonVersion(config.cluster.version, "coredns"),
                tags,
                nodeGroups: nodeGroups.map(({ component }) => component),
            },
            parent,
        );
        return { network, cluster, nodeGroups };
    }

    /** The services' namespace with its guardrails, the priority classes, each service's scaling, admission. */
    private createWorkloads({ name, config, labels }: Context, kubernetes: pulumi.ComponentResourceOptions): Workloads {
        const guardrails = new NamespaceGuardrails(
            `${name}-namespace`,
            { namespace: config.namespace, labels },
            kubernetes,
        );
        const priorityClasses = new PriorityClasses(`${name}-priority`, { labels }, kubernetes);
        const services = Object.entries(config.services).map(
            ([service, settings]) =>
                new ServiceScaling(
                    `${name}-${service}`,
                    { service, namespace: guardrails.namespaceName, settings, labels },
                    { ...kubernetes, dependsOn: [guardrails, priorityClasses] },
                ),
        );
        if (config.namespace.admission.enabled) {
            new ServicesAdmission(
                `${name}-admission`,
                {
                    contracts: services.map((scaling) => scaling.contract),
                    namespace: config.namespace.name,
                    validationActions: config.namespace.admission.validationActions,
                    labels,
                },
                kubernetes,
            );
        }
        return { guardrails, priorityClasses, services };
    }

    /** The add-ons, whose pods need nodes (each waits for the node groups), and the network policies. */
    private createAddons(
        { name, config, tags, labels }: Context,
        { network, cluster, nodeGroups }: Infrastructure,
        { guardrails, priorityClasses }: Workloads,
        kubernetes: pulumi.ComponentResourceOptions,
    ): ScalingAddons {
        const addons = new ScalingAddons(
            `${name}-addons`,
            {
                config,
                clusterName: cluster.clusterName,
                servicesNamespace: guardrails.namespaceName,
                labels,
                tags,
                nodeGroups: nodeGroups.map(({ component }) => component),
                priorityClasses,
                kubeconfig: cluster.kubeconfig,
            },
            kubernetes,
        );
        new NetworkPolicies(
            `${name}-network-policies`,
            {
                config,
                controlPlaneCidrs: network.privateSubnetCidrs,
                labels,
                dependsOn: [guardrails, addons.namespaces],
            },
            kubernetes,
        );
        return addons;
    }

    private createObservability(
        { name, config, labels }: Context,
        addons: ScalingAddons,
        kubernetes: pulumi.ComponentResourceOptions,
    ): void {
        const monitoring = config.addons.monitoring;
        new ScalingObservability(
            `${name}-observability`,
            {
                namespace: addons.monitoringNamespace,
                ruleLabels: addons.ruleLabels,
                labels,
                // Without prometheus-operator there is no PrometheusRule kind: keep only the dashboard.
                input: observabilityInput(
                    config,
                    addons.monitoringObjectsEnabled ? monitoring : { ...monitoring, rules: false },
                ),
            },
            { ...kubernetes, dependsOn: [addons.crdsReady] },
        );
    }

    private platformOutputs(
        config: PlatformConfig,
        { network, cluster, nodeGroups }: Infrastructure,
        { guardrails, services }: Workloads,
        addons: ScalingAddons,
        plan: HeadroomPlan | null,
    ): PlatformOutputs {
        return {
            clusterName: cluster.clusterName,
            clusterEndpoint: cluster.endpoint,
            clusterVersion: config.cluster.version,
            kubeconfig: cluster.kubeconfig,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuerUrl: cluster.oidcIssuerUrl,
            vpcId: network.vpcId,
            privateSubnetIds: network.privateSubnetIds,
            nodeGroups: nodeGroupsOutput(nodeGroups),
            namespace: guardrails.namespaceName,
            resourceQuota: {
                name: quotaName(config.namespace.name),
                namespace: config.namespace.name,
                hard: { ...config.namespace.quota } as Record<string, string>,
            },
            services: Object.fromEntries(services.map((scaling) => [scaling.contract.deployment, scaling.contract])),
            clusterAutoscalerRoleArn: addons.clusterAutoscalerRoleArn,
            prometheusUrl: addons.prometheusUrl,
            customMetrics: addons.customMetrics,
            headroom: headroomOutput(plan),
        };
    }
}
