// Config schema of the infrastructure: `cluster`, `network`, `nodeGroups` and `namespace`.
import { z } from "zod";
import { dnsLabel, labels, positiveInt, quantity } from "./common";

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

const cidr = z.string().regex(CIDR, { error: "must be an IPv4 CIDR block such as 203.0.113.0/24" });

/** The control-plane log types EKS can send to CloudWatch. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export const clusterSchema = z.strictObject({
    /** EKS cluster name; defaults to `berrys-<stack>` (config.ts fills it in). */
    name: z
        .string()
        .regex(/^[0-9A-Za-z][A-Za-z0-9_-]*$/, { error: "must start with a letter or digit and hold only letters, digits, '-' and '_'" })
        .max(100, { error: "must be at most 100 characters" })
        .optional(),
    /** Kubernetes minor version of the control plane and nodes. */
    version: z.string().regex(/^1\.\d{2}$/, { error: 'must be a Kubernetes minor version such as "1.34"' }).default("1.34"),
    /**
     * CIDRs allowed to reach the public API endpoint. Empty: the endpoint is private only and
     * `pulumi up` must run from inside the VPC (or a peered network / VPN).
     */
    publicAccessCidrs: z
        .array(cidr.refine((value) => !value.endsWith("/0"), {
            error: "must not open the API endpoint to the whole internet; list the CIDRs of your offices and CI runners, or leave the list empty for a private endpoint",
        }))
        .default([]),
    /** Control-plane log types sent to CloudWatch. */
    logTypes: z.array(z.enum(CLUSTER_LOG_TYPES)).default(["api", "audit", "authenticator"]),
    /** IAM role ARNs that get cluster-admin through EKS access entries (the deployer always has it). */
    adminRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" })).default([]),
    /** Days KMS waits before deleting the secrets key once the stack is destroyed (7-30). */
    kmsKeyDeletionWindowDays: positiveInt.min(7, { error: "must be >= 7" }).max(30, { error: "must be <= 30" }).default(30),
    /** Protect the cluster and its KMS key against `pulumi destroy` and replacement. */
    protect: z.boolean().default(false),
});

const createNetwork = z.strictObject({
    mode: z.literal("create"),
    /** CIDR of the new VPC; split into one public and one private subnet per availability zone. */
    cidrBlock: cidr
        .refine((value) => { const prefix = Number(value.split("/")[1]); return prefix >= 16 && prefix <= 22; }, {
            error: "must be a /16 to /22 block: the VPC CNI gives every pod a VPC address, and AWS allows no VPC larger than /16",
        })
        .default("10.0.0.0/16"),
    /** Availability zones to spread the subnets (and so the nodes) over. */
    availabilityZoneCount: positiveInt.min(2, { error: "must be >= 2 (EKS needs subnets in two zones)" }).max(6, { error: "must be <= 6" }).default(3),
    /** One NAT gateway per zone survives a zone outage; one in total costs less. */
    natGateways: z.enum(["one-per-az", "single"]).default("one-per-az"),
});

const existingNetwork = z.strictObject({
    mode: z.literal("existing"),
    vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, { error: "must be a VPC ID such as vpc-0123456789abcdef0" }),
    /** Private subnets for the nodes, in at least two availability zones. */
    privateSubnetIds: z
        .array(z.string().regex(/^subnet-[0-9a-f]+$/, { error: "must be a subnet ID such as subnet-0123456789abcdef0" }))
        .min(2, { error: "must list at least 2 subnets (EKS needs two availability zones)" }),
});

export const networkSchema = z.discriminatedUnion("mode", [createNetwork, existingNetwork], {
    error: 'must have mode "create" (a new VPC) or "existing" (vpcId and privateSubnetIds)',
});

export const nodeGroupSchema = z
    .strictObject({
        instanceTypes: z
            .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "must be an EC2 instance type such as m6i.xlarge" }))
            .min(1, { error: "must list at least one instance type" })
            .default(["m6i.xlarge"]),
        minSize: positiveInt.min(0, { error: "must be >= 0" }),
        maxSize: positiveInt.min(1, { error: "must be >= 1" }),
        /** Nodes at creation only: afterwards cluster-autoscaler owns the desired size. */
        desiredSize: positiveInt.min(0, { error: "must be >= 0" }),
        capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
        amiType: z.enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"]).default("AL2023_x86_64_STANDARD"),
        diskSizeGiB: positiveInt.min(20, { error: "must be >= 20" }).max(16384, { error: "must be <= 16384" }).default(50),
        labels: labels.default({}),
    })
    // Runs even when other keys are invalid (`when`), so every problem is reported at once.
    .superRefine((group, ctx) => {
        if (group === null || typeof group !== "object" || ![group.minSize, group.maxSize, group.desiredSize].every(Number.isInteger)) {
            return;
        }
        if (group.minSize > group.maxSize) {
            ctx.addIssue({ code: "custom", path: ["minSize"], input: group.minSize, message: `must be <= maxSize (${group.maxSize})` });
        } else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
            ctx.addIssue({
                code: "custom", path: ["desiredSize"], input: group.desiredSize,
                message: `must be between minSize (${group.minSize}) and maxSize (${group.maxSize})`,
            });
        }
    }, { when: () => true });

export const nodeGroupsSchema = z
    .record(dnsLabel, nodeGroupSchema)
    .refine((groups) => Object.keys(groups).length > 0, { error: "must define at least one node group" });

/** The ResourceQuota keys the program accepts (a typo such as `limit.cpu` must not pass). */
export const QUOTA_KEYS = [
    "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods",
    "persistentvolumeclaims", "services", "services.loadbalancers", "services.nodeports",
    "requests.storage", "requests.ephemeral-storage", "limits.ephemeral-storage",
    "configmaps", "secrets", "replicationcontrollers", "resourcequotas",
] as const;

export const namespaceSchema = z.strictObject({
    name: dnsLabel,
    /** Pod Security Admission level enforced; `restricted` is always warned and audited. */
    podSecurity: z.enum(["restricted", "baseline"]).default("baseline"),
    /** ResourceQuota hard limits, by the quota's own keys. */
    quota: z.partialRecord(z.enum(QUOTA_KEYS, { error: `must be a ResourceQuota key: ${QUOTA_KEYS.join(", ")}` }), quantity),
    /** Container defaults, so that a container declaring no resources is still admitted by the quota. */
    limitRange: z
        .strictObject({
            defaultRequest: z.strictObject({ cpu: quantity.default("100m"), memory: quantity.default("128Mi") }).prefault({}),
            default: z.strictObject({ cpu: quantity.default("500m"), memory: quantity.default("512Mi") }).prefault({}),
        })
        .prefault({}),
    /** Protect the namespace (and so everything in it) against `pulumi destroy` and replacement. */
    protect: z.boolean().default(false),
});
