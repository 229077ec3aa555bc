// The EKS control plane: KMS key for Kubernetes secrets, the cluster (its API endpoint public to
// the listed CIDRs and/or private, audit logs, access entries, OIDC provider), EKS Pod Identity, and
// the Kubernetes provider every Kubernetes resource of the program uses.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { keyName } from "../config";
import type { ClusterConfig } from "../config";
import { eksAddonVersion } from "./kubernetes-version";
import { PodIdentityRole } from "./pod-identity-role";

export interface EksClusterArgs {
    /** `cluster` in the stack's config (name already defaulted). */
    readonly cluster: ClusterConfig;
    readonly vpcId: pulumi.Input<string>;
    /** Nodes and the control plane's network interfaces go here; no public subnets are used. */
    readonly privateSubnetIds: pulumi.Input<string[]>;
    readonly tags: Readonly<Record<string, string>>;
}

/** The access policy EKS grants cluster administrators (access entries, not aws-auth). */
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/** The endpoint settings for a list of allowed CIDRs: none means a private-only endpoint. */
export function endpointAccess(publicAccessCidrs: readonly string[]) {
    return {
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccessCidrs.length > 0,
        publicAccessCidrs: publicAccessCidrs.length > 0 ? [...publicAccessCidrs] : undefined,
    };
}

/** One ingress rule on the cluster security group: 443 from a CIDR or from a security group. */
export interface ApiIngressRule {
    /** Stable per source (the CIDR or group itself), so reordering the list replaces nothing. */
    readonly key: string;
    readonly description: string;
    readonly cidrBlocks?: string[];
    readonly sourceSecurityGroupId?: string;
}

/**
 * 443 on the cluster security group for each of `privateAccessCidrs` and
 * `privateAccessSecurityGroupIds`: deployers inside or peered to the VPC reach the private endpoint.
 */
export function apiIngressRules(
    cluster: Pick<ClusterConfig, "privateAccessCidrs" | "privateAccessSecurityGroupIds">,
): ApiIngressRule[] {
    return [
        ...cluster.privateAccessCidrs.map((cidr) => ({
            key: `cidr-${cidr.replace(/[./]/g, "-")}`,
            description: `Kubernetes API from ${cidr} (cluster.privateAccessCidrs)`,
            cidrBlocks: [cidr],
        })),
        ...cluster.privateAccessSecurityGroupIds.map((group) => ({
            key: group,
            description: `Kubernetes API from ${group} (cluster.privateAccessSecurityGroupIds)`,
            sourceSecurityGroupId: group,
        })),
    ];
}

/** The log group EKS writes the control-plane logs to (EKS user guide, "Send control plane logs to CloudWatch Logs"). */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/** The cluster name inside a control-plane log group name: the inverse of `controlPlaneLogGroupName`. */
export function clusterNameOfLogGroup(logGroupName: string): string {
    const match = /^\/aws\/eks\/(.+)\/cluster$/.exec(logGroupName);
    if (match === null) {
        throw new pulumi.RunError(
            `${logGroupName} is not an EKS control-plane log group name (/aws/eks/<cluster>/cluster)`,
        );
    }
    return match[1];
}

/**
 * The IAM role behind an STS caller ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`),
 * as account and role name (an assumed-role ARN drops the role's path). Undefined for users.
 */
export function callerRole(callerArn: string): { partition: string; accountId: string; roleName: string } | undefined {
    const match = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
    return match === null ? undefined : { partition: match[1], accountId: match[2], roleName: match[3] };
}

/** What EKS reports about the stack's live cluster, read at preview (`readLiveCluster`). */
export interface LiveCluster {
    /** RFC 3339, as the AWS provider's `aws_eks_cluster` data source reports `created_at`. */
    readonly createdAt: string;
    /** The control plane's Kubernetes minor. */
    readonly version: string;
    /** `upgradePolicy.supportType` (STANDARD or EXTENDED); undefined when EKS reports none. */
    readonly supportType?: string;
    /** The live access entry of each `cluster.adminRoleArns` principal that has one, by principal ARN. */
    readonly adminEntries: Readonly<Record<string, LiveAccessEntry>>;
}

export interface LiveAccessEntry {
    readonly createdAt: string;
    readonly tags: Readonly<Record<string, string>>;
}

/** The tag this stack puts on the access entries it manages; EKS's bootstrap entry never has it. */
export const ADMIN_ENTRY_TAG = "berrys.io/access-entry";

/**
 * How long after the cluster's `createdAt` an untagged entry counts as EKS's bootstrap entry, which
 * EKS makes "during cluster creation time" (EKS API, AccessConfigResponse). This stack's entries
 * can only be made once the cluster is ACTIVE, minutes later.
 */
export const BOOTSTRAP_WINDOW_SECONDS = 300;

/** Whether a live entry is the one EKS made for the cluster's creator, not one this stack manages. */
export function isBootstrapEntry(entry: LiveAccessEntry, clusterCreatedAt: string): boolean {
    if (entry.tags[ADMIN_ENTRY_TAG] !== undefined) {
        return false;
    }
    return (Date.parse(entry.createdAt) - Date.parse(clusterCreatedAt)) / 1000 < BOOTSTRAP_WINDOW_SECONDS;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/**
 * `cluster.adminRoleArns` must not list the principal that holds the access entry EKS made when it
 * created the cluster: pulumi-eks v4.3.0 `createCore` sets `bootstrapClusterCreatorAdminPermissions:
 * true`, and a second entry for that principal fails with ResourceInUseException. Before the cluster
 * exists that principal is the deployer (it will create the cluster); afterwards it is whoever holds
 * the bootstrap entry (`isBootstrapEntry`), so a second admin or a rotated CI role may deploy.
 */
export function bootstrapAdminErrors(
    adminRoleArns: readonly string[],
    callerArn: string,
    live: LiveCluster | undefined,
): string[] {
    const caller = callerRole(callerArn);
    return adminRoleArns.flatMap((arn, index) => {
        const key = `${keyName(["cluster", "adminRoleArns", index])} (${arn})`;
        if (live !== undefined) {
            const entry = live.adminEntries[arn];
            return entry !== undefined && isBootstrapEntry(entry, live.createdAt)
                ? [
                      `${key} must not list the holder of EKS's bootstrap access entry (made with the cluster at ${entry.createdAt})\n` +
                          "A second entry fails with ResourceInUseException; remove it from the list: it keeps cluster-admin through that entry",
                  ]
                : [];
        }
        const match = ROLE_ARN.exec(arn);
        const same =
            caller !== undefined &&
            match !== null &&
            match[1] === caller.partition &&
            match[2] === caller.accountId &&
            match[3] === caller.roleName;
        return same
            ? [
                  `${key} must not be the role creating the cluster (${callerArn})\n` +
                      "EKS gives the cluster's creator an access entry itself (bootstrapClusterCreatorAdminPermissions); remove it from the list",
              ]
            : [];
    });
}

/** EKS's answer for something that does not exist: the API's exception, or the AWS provider's NotFoundError text. */
export function isNotFound(error: unknown): boolean {
    // terraform-plugin-sdk v2 helper/retry `NotFoundError.Error` says "couldn't find resource".
    return /ResourceNotFoundException|couldn't find resource/.test(
        error instanceof Error ? error.message : String(error),
    );
}

/** `fetch`, or undefined when AWS reports that the thing does not exist. */
export async function unlessNotFound<T>(fetch: () => Promise<T>): Promise<T | undefined> {
    try {
        return await fetch();
    } catch (error) {
        if (isNotFound(error)) {
            return undefined;
        }
        throw error;
    }
}

/**
 * The live cluster (undefined before the first deploy) and the access entries of the listed
 * admins, from the `aws.eks.getCluster` and `aws.eks.getAccessEntry` data sources.
 */
export async function readLiveCluster(
    clusterName: string,
    adminRoleArns: readonly string[],
): Promise<LiveCluster | undefined> {
    const cluster = await unlessNotFound(() => aws.eks.getCluster({ name: clusterName }));
    if (cluster === undefined) {
        return undefined;
    }
    const adminEntries: Record<string, LiveAccessEntry> = {};
    for (const principalArn of adminRoleArns) {
        const entry = await unlessNotFound(() => aws.eks.getAccessEntry({ clusterName, principalArn }));
        if (entry !== undefined) {
            adminEntries[principalArn] = { createdAt: entry.createdAt, tags: entry.tags ?? {} };
        }
    }
    return {
        createdAt: cluster.createdAt,
        version: cluster.version,
        supportType: cluster.upgradePolicies?.[0]?.supportType,
        adminEntries,
    };
}

/**
 * The VPC CNI add-on's options: the pinned build, and INFO for both of aws-node's logs. pulumi-eks
 * v4.3.0 `computeEnv` (nodejs/eks/addons/cni-addon.ts) sets AWS_VPC_K8S_CNI_LOGLEVEL and
 * AWS_VPC_K8S_PLUGIN_LOG_LEVEL to DEBUG unless told otherwise. Its schema has no `pluginLogLevel`,
 * so that one goes in `configurationValues.env`, which `mergeConfigurationValues` lays over the
 * computed env.
 */
export function vpcCniOptions(minor: string): eks.types.input.VpcCniOptionsArgs {
    return {
        addonVersion: eksAddonVersion(minor, "vpc-cni"),
        logLevel: "INFO",
        configurationValues: { env: { AWS_VPC_K8S_PLUGIN_LOG_LEVEL: "INFO" } },
    };
}

/**
 * Access entries giving each admin role cluster-admin, keyed by a stable name, tagged
 * `ADMIN_ENTRY_TAG` so a later preview tells them from EKS's bootstrap entry.
 */
export function adminAccessEntries(
    adminRoleArns: readonly string[],
    tags: Readonly<Record<string, string>> = {},
): Record<string, eks.types.input.AccessEntryArgs> {
    return Object.fromEntries(
        adminRoleArns.map((principalArn, index) => [
            `admin-${index}`,
            {
                principalArn,
                tags: { ...tags, [ADMIN_ENTRY_TAG]: "cluster.adminRoleArns" },
                accessPolicies: {
                    admin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: "cluster" } },
                },
            },
        ]),
    );
}

/**
 * The pulumi-eks cluster's arguments, given its name (the log group's output when control-plane
 * logs are on, so the EKS cluster inside pulumi-eks waits for the group) and the KMS key.
 */
export function eksClusterArgs(
    args: EksClusterArgs,
    clusterName: pulumi.Input<string>,
    encryptionKeyArn: pulumi.Input<string>,
): eks.ClusterArgs {
    const config = args.cluster;
    return {
        name: clusterName,
        version: config.version,
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        nodeAssociatePublicIpAddress: false,
        ...endpointAccess(config.publicAccessCidrs),
        enabledClusterLogTypes: [...config.logTypes],
        encryptionConfigKeyArn: encryptionKeyArn,
        authenticationMode: eks.AuthenticationMode.Api,
        accessEntries: adminAccessEntries(config.adminRoleArns, args.tags),
        createOidcProvider: true,
        // Node groups are managed by the NodeGroup component: the default self-managed group
        // (and its instance role) would bypass IMDSv2 and cluster-autoscaler settings.
        skipDefaultNodeGroup: true,
        // Pinned add-on versions (catalog/compatibility.ts): without them pulumi-eks v4.3.0 looks each
        // one up with `aws.eks.getAddonVersionOutput({ mostRecent: true })` on every run (`createCore`
        // for kube-proxy, the `VpcCniAddon` constructor for the VPC CNI), so a new AWS build rolls
        // aws-node and kube-proxy over every node during an unrelated `pulumi up`.
        // enableNetworkPolicy: the CNI's network policy agent enforces NetworkPolicies
        // (network-policies.ts); pulumi-eks v4.3.0 `mergeConfigurationValues` passes it to the add-on.
        vpcCniOptions: { ...vpcCniOptions(config.version), enableNetworkPolicy: true },
        kubeProxyAddonOptions: { version: eksAddonVersion(config.version, "kube-proxy") },
        // CoreDNS is a standalone add-on created after the node groups (coredns.ts): inside the
        // cluster component it would wait for nodes that wait for the cluster. With
        // skipDefaultNodeGroup, pulumi-eks v4.3.0 `createCore` would not create it anyway.
        corednsAddonOptions: { enabled: false },
        upgradePolicy: { supportType: config.upgradePolicy.supportType },
        deletionProtection: config.protect,
        tags: args.tags,
    };
}

/** The OIDC issuer as a URL: EKS reports it with or without the scheme. */
export function issuerUrl(issuer: string): string {
    return issuer.startsWith("https://") ? issuer : `https://${issuer}`;
}

export class EksCluster extends pulumi.ComponentResource {
    public readonly cluster: eks.Cluster;
    public readonly provider: k8s.Provider;
    public readonly kmsKey: aws.kms.Key;
    public readonly clusterName: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    /** Secret: it lets its holder act on the cluster with the deployer's identity. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    /** Resources the nodes must wait for: Pod Identity (agent and the VPC CNI's role). */
    public readonly nodePrerequisites: pulumi.Resource[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:EksCluster", name, {}, opts);
        const config = args.cluster;
        const stateful = { parent: this, protect: config.protect };
        this.kmsKey = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of Kubernetes secrets in ${config.name}`,
                enableKeyRotation: true,
                deletionWindowInDays: config.kmsKeyDeletionWindowDays,
                tags: args.tags,
            },
            stateful,
        );
        const logGroup = this.createLogGroup(name, args);
        const clusterName = logGroup ? logGroup.name.apply(clusterNameOfLogGroup) : config.name;
        this.cluster = new eks.Cluster(`${name}-eks`, eksClusterArgs(args, clusterName, this.kmsKey.arn), stateful);
        this.createApiIngress(name, config);

        this.clusterName = this.cluster.core.cluster.name;
        this.endpoint = this.cluster.core.endpoint;
        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        this.oidcProviderArn = this.cluster.oidcProviderArn;
        this.oidcIssuerUrl = this.cluster.oidcIssuer.apply(issuerUrl);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this },
        );
        this.nodePrerequisites = this.createPodIdentity(name, args);

        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuerUrl: this.oidcIssuerUrl,
        });
    }

    /**
     * EKS creates `/aws/eks/<cluster>/cluster` itself on first write, with no retention, and leaves it
     * behind when the cluster goes: created here first, it keeps the configured retention and goes
     * with the stack. `dependsOn` on the eks.Cluster component would not reach the EKS cluster inside
     * it, so the cluster takes its name from the group's output instead.
     */
    private createLogGroup(name: string, args: EksClusterArgs): aws.cloudwatch.LogGroup | undefined {
        const config = args.cluster;
        if (config.logTypes.length === 0) return undefined;
        return new aws.cloudwatch.LogGroup(
            `${name}-control-plane-logs`,
            {
                name: controlPlaneLogGroupName(config.name),
                retentionInDays: config.logRetentionDays,
                tags: args.tags,
            },
            { parent: this },
        );
    }

    /**
     * 443 from the configured deployers on the security group pulumi-eks creates for the control
     * plane's network interfaces (`clusterSecurityGroupId`, as skipDefaultSecurityGroups is unset),
     * next to the node group's rule pulumi-eks adds itself.
     */
    private createApiIngress(name: string, config: ClusterConfig): void {
        for (const rule of apiIngressRules(config)) {
            new aws.ec2.SecurityGroupRule(
                `${name}-api-${rule.key}`,
                {
                    type: "ingress",
                    description: rule.description,
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    securityGroupId: this.cluster.clusterSecurityGroupId,
                    cidrBlocks: rule.cidrBlocks,
                    sourceSecurityGroupId: rule.sourceSecurityGroupId,
                },
                { parent: this },
            );
        }
    }

    /** Pod Identity: add-ons get AWS credentials for their own service account, never the node's. */
    private createPodIdentity(name: string, args: EksClusterArgs): pulumi.Resource[] {
        const config = args.cluster;
        const agent = new aws.eks.Addon(
            `${name}-pod-identity-agent`,
            {
                clusterName: this.clusterName,
                addonName: "eks-pod-identity-agent",
                // Pinned: without a version EKS installs its default once and never moves it.
                addonVersion: eksAddonVersion(config.version, "eks-pod-identity-agent"),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "PRESERVE",
                tags: args.tags,
            },
            { parent: this },
        );
        // The VPC CNI gets its ENI permissions here rather than through the node role.
        const cniRole = new PodIdentityRole(
            `${name}-vpc-cni`,
            {
                clusterName: this.clusterName,
                clusterNameValue: config.name,
                sourceArnCondition: config.podIdentitySourceArnCondition,
                namespace: "kube-system",
                serviceAccount: "aws-node",
                managedPolicies: ["AmazonEKS_CNI_Policy"],
                tags: args.tags,
            },
            { parent: this },
        );
        return [agent, cniRole];
    }
}
