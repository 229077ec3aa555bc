// CoreDNS as a managed EKS add-on with a pinned version. EKS bootstraps a self-managed copy that
// nothing ever upgrades, and with `skipDefaultNodeGroup` pulumi-eks v4.3.0 `createCore` creates no
// CoreDNS add-on. It is created after the node groups: the add-on only turns ACTIVE once its pods
// run, and inside eks.Cluster it would wait for nodes that wait for the cluster.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where the add-on's Deployment runs and what it is called (the EKS add-on's own names). */
export const COREDNS = { addonName: "coredns", namespace: "kube-system", deployment: "coredns" } as const;

/** What the add-on's configuration is built from: plain values, known before deploy. */
export interface CorednsInput {
    /** CoreDNS replicas; EKS deploys 2 by default, whatever the number of nodes. */
    readonly replicas: number;
}

export const COREDNS_DEFAULTS: CorednsInput = { replicas: 2 };

/**
 * The add-on's `configurationValues`, keys of its configuration schema
 * (`aws eks describe-addon-configuration --addon-name coredns --addon-version <version>`). Replicas
 * spread over zones so that one zone's loss leaves DNS answering; ScheduleAnyway, so that a cluster
 * whose nodes are all in one zone (a small staging group) still runs both replicas.
 */
export function corednsConfigurationValues(input: CorednsInput = COREDNS_DEFAULTS): Record<string, unknown> {
    return {
        replicaCount: input.replicas,
        // Exactly one PDB on the CoreDNS pods, the add-on's own, set here so that it is explicit: a
        // kube-system pod no PDB matches keeps its node from scale-down for an hour after each restart
        // (cluster-autoscaler-1.34.5 simulator/drainability/rules/system `Rule.Drainable`), and a
        // second PDB beside the add-on's makes every eviction fail. The EKS user guide
        // (eks-networking-add-ons.adoc, CoreDNS's configuration values) shows these fields with these defaults.
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        topologySpreadConstraints: [
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
        ],
    };
}

export interface CorednsArgs {
    /** The EKS cluster's name as an output, so the add-on waits for the cluster. */
    readonly clusterName: pulumi.Input<string>;
    /** The coredns add-on version for the cluster's minor (catalog/compatibility.ts). */
    readonly version: string;
    readonly tags: Readonly<Record<string, string>>;
    /** The node groups: CoreDNS pods need a node before the add-on is ACTIVE. */
    readonly nodeGroups: readonly pulumi.Resource[];
    readonly settings?: CorednsInput;
}

export class Coredns extends pulumi.ComponentResource {
    public readonly addon: aws.eks.Addon;

    constructor(name: string, args: CorednsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:Coredns", name, {}, opts);
        this.addon = new aws.eks.Addon(
            `${name}-addon`,
            {
                clusterName: args.clusterName,
                addonName: COREDNS.addonName,
                addonVersion: args.version,
                configurationValues: JSON.stringify(corednsConfigurationValues(args.settings ?? COREDNS_DEFAULTS)),
                // OVERWRITE on create adopts the copy EKS bootstrapped; on update it puts back what this
                // program declares.
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: args.tags,
            },
            { parent: this, dependsOn: [...args.nodeGroups] },
        );
        this.registerOutputs({ addonVersion: this.addon.addonVersion });
    }
}
