// Config schema of the infrastructure: `cluster`, `network`, `nodeGroups` and `namespace`.
import { z } from "zod";
import {
    checkedString,
    dnsLabel,
    labelValueProblem,
    memoryQuantity,
    memoryProblem,
    positiveInt,
    qualifiedNameProblem,
    quantity,
    requestsWithinLimits,
} from "./common";

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

/** An IPv4 CIDR block's network address and prefix length (the text must match `CIDR`). */
export function parseCidr(value: string): { address: number; prefix: number } {
    const [address, prefix] = value.split("/");
    return { address: address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0), prefix: Number(prefix) };
}

export function formatAddress(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The block with its host bits cleared: `10.40.0.1/16` -> `10.40.0.0/16`. */
export function networkOf(value: string): string {
    const { address, prefix } = parseCidr(value);
    const size = 2 ** (32 - prefix);
    return `${formatAddress(Math.floor(address / size) * size)}/${prefix}`;
}

/**
 * An IPv4 CIDR block whose address is its network address. EC2 refuses a block with host bits set
 * (CreateVpc, CreateSubnet and security group rules; the AWS provider validates
 * `ValidIPv4CIDRNetworkAddress`), and a VPC given one would be split into subnets AWS refuses.
 */
const cidr = z
    .string()
    .regex(CIDR, { error: "must be an IPv4 CIDR block such as 203.0.113.0/24" })
    .check((ctx) => {
        if (CIDR.test(ctx.value) && networkOf(ctx.value) !== ctx.value) {
            ctx.issues.push({
                code: "custom",
                input: ctx.value,
                message: `must not have host bits set: AWS refuses it; the network is ${networkOf(ctx.value)}`,
            });
        }
    });

/**
 * RFC 5737's three documentation ranges (TEST-NET-1..3): no real network uses them, so a stack file
 * ships one as the placeholder of a CIDR only its deployer knows.
 */
export const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;

/** Whether a block lies inside one of the RFC 5737 documentation ranges. */
export function isDocumentationRange(value: string): boolean {
    const block = parseCidr(value);
    return DOCUMENTATION_RANGES.some((range) => {
        const { address, prefix } = parseCidr(range);
        const size = 2 ** (32 - prefix);
        return block.prefix >= prefix && Math.floor(block.address / size) * size === address;
    });
}

/**
 * The most addresses an access list may open the API endpoint to, together: 2^24, one /8 (1/256 of
 * IPv4). Offices, VPNs, CI runners and peered VPCs (a VPC is at most a /16) fit many times over; a
 * list past it is the internet in pieces (0.0.0.0/1 plus 128.0.0.0/1), not a set of deployers.
 */
export const MAX_ACCESS_ADDRESSES = 2 ** 24;

/** How many distinct IPv4 addresses the blocks cover together (overlaps counted once). */
export function addressesCovered(blocks: readonly string[]): number {
    const ranges = blocks
        .map(parseCidr)
        .map(({ address, prefix }) => {
            const size = 2 ** (32 - prefix);
            const start = Math.floor(address / size) * size;
            return [start, start + size];
        })
        .sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let end = 0;
    for (const [start, stop] of ranges) {
        covered += Math.max(0, stop - Math.max(start, end));
        end = Math.max(end, stop);
    }
    return covered;
}

/**
 * A list of CIDRs given the API endpoint (443): each a network address, together at most
 * {@link MAX_ACCESS_ADDRESSES} addresses.
 */
function accessCidrs(fix: string) {
    return z.array(cidr).check((ctx) => {
        if (!ctx.value.every((value) => CIDR.test(value))) return;
        const covered = addressesCovered(ctx.value);
        if (covered > MAX_ACCESS_ADDRESSES) {
            ctx.issues.push({
                code: "custom",
                input: ctx.value,
                message:
                    `must cover at most ${MAX_ACCESS_ADDRESSES} addresses (a /8), not ${covered} (${Number(((covered / 2 ** 32) * 100).toPrecision(3))}% of IPv4)\n` +
                    `that opens the API endpoint to almost everyone; ${fix}`,
            });
        }
    });
}

/** CloudWatch Logs' allowed retention periods in days (PutRetentionPolicy, `retentionInDays`). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** An EC2 security group ID: `sg-` and 8 or 17 hex digits. */
const securityGroupId = z
    .string()
    .regex(/^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, { error: "must be a security group ID such as sg-0123456789abcdef0" });

/** An availability zone ID (the same physical zone in every account), e.g. `use1-az1`. */
const zoneId = z.string().regex(/^[a-z]{2,4}[0-9]+-az[0-9]+$/, {
    error: "must be an availability zone ID such as use1-az1 (see `aws ec2 describe-availability-zones`)",
});

/** The control-plane log types EKS can send to CloudWatch. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export const clusterSchema = z.strictObject({
    name: z
        .string()
        .regex(/^[0-9A-Za-z][A-Za-z0-9_-]*$/, {
            error: "must start with a letter or digit and hold only letters, digits, '-' and '_'",
        })
        .max(100, { error: "must be at most 100 characters" })
        .optional()
        .meta({
            description:
                "EKS cluster name (cluster-autoscaler discovers the node groups by it); config.ts fills in the default.",
            defaultText: "`berrys-<stack>`",
        }),
    version: z
        .string()
        .regex(/^1\.\d{2}$/, { error: 'must be a Kubernetes minor version such as "1.35"' })
        .default("1.35")
        .describe(
            "Kubernetes minor of the control plane, the node groups and the EKS add-ons. Must have a complete row in `catalog/compatibility.ts` " +
                "(`EKS_ADDON_VERSIONS`: vpc-cni, kube-proxy, coredns, eks-pod-identity-agent, aws-ebs-csi-driver), each version confirmed for the minor " +
                "by its source (a pin taken from another minor or a third party's page is refused), and must not be past its end of " +
                "extended support in EKS's release calendar (`EKS_VERSION_CALENDAR`: EKS creates no cluster of such a minor and upgrades existing " +
                "control planes by itself), even with `addons.clusterAutoscaler.imageTag` set.",
        ),
    publicAccessCidrs: accessCidrs(
        "list the egress CIDRs of your offices and CI runners, or leave the list empty for a private endpoint",
    )
        .default([])
        .describe(
            "CIDRs allowed to reach the public API endpoint; empty means a private endpoint only. Together at most 16,777,216 addresses " +
                "(one /8, overlaps counted once): `0.0.0.0/0`, or `0.0.0.0/1` + `128.0.0.0/1`, is rejected. With `network.mode: create` it must not " +
                'be empty: no deployer could reach a private endpoint of a VPC the same run creates (docs/operations.md "Deployment topologies"). ' +
                "An RFC 5737 documentation range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24: the shipped placeholders) is a warning.",
        ),
    privateAccessCidrs: accessCidrs("list the CIDRs of the VPN, peered VPCs or CI runners' subnets that deploy")
        .default([])
        .describe(
            "CIDRs inside the VPC or peered to it (a VPN, a CI runner's subnet) given 443 on the cluster security group, so they reach " +
                "the private endpoint. Together at most one /8's addresses, like `publicAccessCidrs`. A documentation range is a warning.",
        ),
    privateAccessSecurityGroupIds: z
        .array(securityGroupId)
        .default([])
        .describe(
            "Security groups (`sg-` and 8 or 17 hex digits, EC2's ID format; of CI runners or bastions in the VPC) given 443 on the " +
                "cluster security group. With a private-only endpoint on an existing VPC, this or `privateAccessCidrs` must be set.",
        ),
    logRetentionDays: z
        .number({ error: "must be a number of days" })
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
            error: `must be a retention CloudWatch Logs allows: ${LOG_RETENTION_DAYS.join(", ")}`,
        })
        .default(90)
        .describe(
            "Days CloudWatch keeps the control-plane logs, one of the retentions CloudWatch Logs allows (PutRetentionPolicy). " +
                "The program creates `/aws/eks/<cluster>/cluster` before the cluster (EKS would create it with no retention and leave it behind); " +
                "a stack whose cluster already wrote logs must first `pulumi import aws:cloudwatch/logGroup:LogGroup berrys-cluster-control-plane-logs " +
                "/aws/eks/<cluster>/cluster --parent <EksCluster URN>`.",
        ),
    logTypes: z
        .array(z.enum(CLUSTER_LOG_TYPES))
        .default(["api", "audit", "authenticator"])
        .describe("Control-plane log types sent to CloudWatch."),
    adminRoleArns: z
        .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" }))
        // EKS CreateAccessEntry: one access entry per principal (ResourceInUseException); IAM role names are case-insensitive.
        .refine((arns) => new Set(arns.map((arn) => arn.toLowerCase())).size === arns.length, {
            error: "must not list a role twice: EKS allows one access entry per principal",
        })
        .describe(
            "IAM roles given cluster-admin through EKS access entries, each role once, in any case (EKS allows one access entry per " +
                "principal). The deployer has it already (pulumi-eks sets `bootstrapClusterCreatorAdminPermissions`, so EKS adds the creator's own " +
                "entry); listing the role `pulumi up` runs as is an error at preview (EKS would refuse a second entry with ResourceInUseException), " +
                "found by `aws.getCallerIdentity` (an assumed-role ARN's role, path ignored).",
        )
        .default([]),
    podIdentitySourceArnCondition: z
        .boolean()
        .default(false)
        .describe(
            "Add `ArnLike aws:SourceArn arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/*` to every Pod Identity role's trust policy, " +
                "besides the documented `aws:SourceAccount` and session-tag conditions. Off by default: no AWS page documents a source ARN for `pods.eks.amazonaws.com`, " +
                "a public report (awslabs/mountpoint-s3-csi-driver#781) shows credential delivery failing with this exact condition, and terraform-aws-eks offers it off by default; " +
                "if it fails, aws-node gets no credentials and the nodes never become Ready. Turn it on only after checking on staging that pods still get credentials.",
        ),
    upgradePolicy: z
        .strictObject({
            supportType: z
                .enum(["STANDARD", "EXTENDED"])
                .default("EXTENDED")
                .describe(
                    "What EKS does when `version` leaves standard support (the EKS API's upgradePolicy, passed to eks.Cluster). EXTENDED: the cluster stays on its minor " +
                        "and EKS bills extended support, USD 0.60 instead of 0.10 per cluster-hour (USD 365 more per month); STANDARD: EKS upgrades the control plane itself, " +
                        "leaving `version`, the node groups and the add-on pins behind. EXTENDED by default: the stack stays the one source of the minor, and preview announces " +
                        "the cost from 90 days before. EKS refuses STANDARD for a cluster already in extended support, and so does preview (upgrade first).",
                ),
        })
        .prefault({})
        .describe("The cluster's upgrade policy."),
    kmsKeyDeletionWindowDays: positiveInt
        .min(7, { error: "must be >= 7" })
        .max(30, { error: "must be <= 30" })
        .default(30)
        .describe("Days KMS waits before deleting the secrets key once the stack is destroyed (7-30)."),
    protect: z
        .boolean()
        .default(false)
        .describe(
            "Protect the cluster and its KMS key against `pulumi destroy` and replacement (`true` in production).",
        ),
});

const createNetwork = z
    .strictObject({
        mode: z.literal("create"),
        cidrBlock: cidr
            .refine(
                (value) => {
                    const prefix = Number(value.split("/")[1]);
                    return prefix >= 16 && prefix <= 22;
                },
                {
                    error: "must be a /16 to /22 block: the VPC CNI gives every pod a VPC address, and AWS allows no VPC larger than /16",
                },
            )
            .default("10.0.0.0/16")
            .describe(
                "The new VPC's block, /16 to /22: one private subnet per zone (1/8 of it) and small public subnets. " +
                    "Host bits must be clear (`10.40.0.1/16` is refused, as EC2's CreateVpc refuses it; every CIDR key follows this rule).",
            ),
        availabilityZoneCount: positiveInt
            .min(2, { error: "must be >= 2 (EKS needs subnets in two zones)" })
            .max(6, { error: "must be <= 6" })
            .default(3)
            .describe(
                "Zones to spread the subnets and nodes over (2-6). Unless `availabilityZoneIds` names them, the program takes the region's first zones **by zone ID** (the same physical zones in every account, unlike zone names), only plain availability zones that need no opt-in (Local and Wavelength Zones are left out), and never a zone ID EKS refuses for cluster subnets (`use1-az3`, `usw1-az2`, `cac1-az3`: `catalog/eks-zones.ts`, from the EKS user guide's subnet requirements). More zones than that is an error at preview.",
            ),
        availabilityZoneIds: z
            .array(zoneId)
            .refine((ids) => new Set(ids).size === ids.length, { error: "must not list a zone twice" })
            .optional()
            .describe(
                "The zones by ID, in order, e.g. `[use1-az1, use1-az2, use1-az4]` (`aws ec2 describe-availability-zones --query 'AvailabilityZones[].[ZoneName,ZoneId]'`); as many as `availabilityZoneCount`, no duplicates, none EKS refuses, each one the account has. A stack deployed before zones were chosen by ID should list its current subnets' zone IDs here first: a different zone replaces the subnets, and so the cluster.",
            ),
        natGateways: z
            .enum(["one-per-az", "single"])
            .default("one-per-az")
            .describe("`one-per-az` survives a zone outage; `single` costs less."),
    })
    .superRefine(
        (network, ctx) => {
            const ids = network?.availabilityZoneIds;
            if (
                Array.isArray(ids) &&
                Number.isInteger(network.availabilityZoneCount) &&
                ids.length !== network.availabilityZoneCount
            ) {
                ctx.addIssue({
                    code: "custom",
                    path: ["availabilityZoneIds"],
                    input: ids,
                    message: `must list availabilityZoneCount (${network.availabilityZoneCount}) zones; list that many, or set availabilityZoneCount to ${ids.length}`,
                });
            }
        },
        { when: () => true },
    );

const existingNetwork = z.strictObject({
    mode: z.literal("existing"),
    // EC2 resource IDs are the type's prefix and 8 or 17 hex digits (EC2 API reference, "Resource IDs").
    vpcId: z
        .string()
        .regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, {
            error: "must be a VPC ID: vpc- and 8 or 17 hex digits, such as vpc-0123456789abcdef0",
        })
        .describe("The VPC (`vpc-` and 8 or 17 hex digits)."),
    privateSubnetIds: z
        .array(
            z.string().regex(/^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/, {
                error: "must be a subnet ID: subnet- and 8 or 17 hex digits, such as subnet-0123456789abcdef0",
            }),
        )
        .min(2, { error: "must list at least 2 subnets (EKS needs two availability zones)" })
        .refine((ids) => new Set(ids).size === ids.length, { error: "must not list a subnet twice" })
        .describe(
            "Private subnets for the nodes, each once and (as AWS reports them) in at least two availability zones; the program tags them `kubernetes.io/role/internal-elb`.",
        ),
});

export const networkSchema = z.discriminatedUnion("mode", [createNetwork, existingNetwork], {
    error: 'must have mode "create" (a new VPC) or "existing" (vpcId and privateSubnetIds)',
});

/** Label key domains EKS CreateNodegroup refuses anywhere in a key ("Label cannot contain reserved prefixes"). */
export const EKS_RESERVED_LABEL_PREFIXES = ["kubernetes.io/", "k8s.io/", "eks.amazonaws.com/"] as const;

/** A managed node group's label key: EKS CreateNodegroup `labels` keys are 1-63 characters, Kubernetes label keys, no reserved domain. */
export function nodeGroupLabelKeyProblem(key: string): string | undefined {
    const reserved = EKS_RESERVED_LABEL_PREFIXES.find((prefix) => key.includes(prefix));
    if (reserved !== undefined)
        return `must not contain ${reserved}: EKS refuses its reserved prefixes\nuse a domain of your own, e.g. node.example.com/role (refused: ${EKS_RESERVED_LABEL_PREFIXES.join(", ")})`;
    if (key.length > 63)
        return `must be at most 63 characters with its prefix (EKS CreateNodegroup), has ${key.length}`;
    return qualifiedNameProblem(key);
}

/** A managed node group's label value: 1-63 characters (EKS refuses the empty value Kubernetes allows). */
export function nodeGroupLabelValueProblem(value: string): string | undefined {
    return value === ""
        ? "must not be empty: EKS CreateNodegroup refuses an empty label value"
        : labelValueProblem(value);
}

const nodeGroupLabels = z
    .record(checkedString(nodeGroupLabelKeyProblem), checkedString(nodeGroupLabelValueProblem), {
        error: "must be a map from label key to label value",
    })
    .describe(
        "Node labels, as EKS CreateNodegroup takes them: keys and values of 1-63 characters, no key containing kubernetes.io/, k8s.io/ or eks.amazonaws.com/.",
    );
/** A taint's effect in EKS's spelling (CreateNodegroup `Taint.effect`); Kubernetes spells them NoSchedule, NoExecute, PreferNoSchedule. */
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;
/** EKS CreateNodegroup: at most 50 taints per node group (the AWS provider's NodeGroup `taint` MaxItems). */
export const MAX_TAINTS = 50;

/** One taint, as EKS's Taint takes it: key 1-63 characters, value 0-63 (API_Taint length constraints). */
const taintSchema = z.strictObject({
    key: z
        .string()
        .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
            error: "must be a Kubernetes taint key such as spot or berrys.io/spot",
        })
        .max(63, { error: "must be at most 63 characters (EKS's limit for a taint key)" }),
    value: z
        .string()
        .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, {
            error: "must be a Kubernetes label value such as true",
        })
        .max(63, { error: "must be at most 63 characters" })
        .optional(),
    effect: z.enum(TAINT_EFFECTS, { error: `must be one of ${TAINT_EFFECTS.join(", ")} (EKS's spelling)` }),
});

export const nodeGroupSchema = z
    .strictObject({
        instanceTypes: z
            .array(
                z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
                    error: "must be an EC2 instance type such as m6i.xlarge",
                }),
            )
            .min(1, { error: "must list at least one instance type" })
            .default(["m6i.xlarge"])
            .describe(
                "EC2 instance types. Each must be in the capacity table (`capacity/instance-types.ts`) or described in " +
                    "`guardrails.instanceTypes`: an unknown type is an error, since its node capacity cannot be checked. Each must have the " +
                    "architecture of `amiType` (Graviton `m7g`, `t4g`... are arm64): EKS's CreateNodegroup refuses a group whose instance types do not match its AMI.",
            ),
        minSize: positiveInt
            .min(0, { error: "must be >= 0" })
            .describe(
                "The least nodes cluster-autoscaler keeps; a change that excludes the live desired size moves it in the same `pulumi up`.",
            ),
        maxSize: positiveInt
            .min(1, { error: "must be >= 1" })
            .describe("The most nodes cluster-autoscaler scales to; at least minSize."),
        desiredSize: positiveInt
            .min(0, { error: "must be >= 0" })
            .describe(
                "Nodes at creation only, between minSize and maxSize: afterwards cluster-autoscaler owns the desired size.",
            ),
        capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND").describe("On-demand or Spot capacity."),
        amiType: z
            .enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64"])
            .default("AL2023_x86_64_STANDARD")
            .describe("EKS AMI family; its architecture must be the instance types'."),
        diskSizeGiB: positiveInt
            .min(20, { error: "must be >= 20" })
            .max(16384, { error: "must be <= 16384" })
            .default(50)
            .describe("Size of the encrypted gp3 root volume, in GiB (20-16384)."),
        labels: nodeGroupLabels.default({}).describe("Kubernetes node labels."),
        taints: z
            .array(taintSchema)
            .max(MAX_TAINTS, { error: `must list at most ${MAX_TAINTS} taints (EKS's limit per node group)` })
            // cluster-autoscaler's node-template tag holds one taint per key (capacity/taints.ts).
            .refine((taints) => new Set(taints.map((taint) => taint.key)).size === taints.length, {
                error: "must not list a key twice: cluster-autoscaler's node-template tag for a group at zero nodes holds one taint per key",
            })
            .default([])
            .describe(
                "Taints EKS puts on the group's nodes (a Spot group kept for workloads that tolerate it), in EKS's spelling; at most 50, a key once. " +
                    "The add-ons and the services tolerate none: they never run on a group with a `NO_SCHEDULE` or `NO_EXECUTE` taint (the capacity " +
                    "check and the simulator count only the other groups), and preview refuses node groups that all have one. The group's auto-scaling " +
                    "group is tagged `k8s.io/cluster-autoscaler/node-template/taint/<key>: <value>:<Effect>`, so cluster-autoscaler knows the taints while the group is at zero nodes.",
            ),
        updateMaxUnavailable: z
            .union(
                [
                    positiveInt.min(1, { error: "must be >= 1" }).max(100, { error: "must be <= 100 (EKS's limit)" }),
                    z.string().regex(/^(100|[1-9]\d?)%$/, {
                        error: 'must be a node count (1-100) or a percentage from "1%" to "100%"',
                    }),
                ],
                { error: 'must be a node count (1-100) or a percentage from "1%" to "100%"' },
            )
            .default(1)
            .describe(
                "Nodes an update (a new AMI or minor, a new launch template version) drains at once: a count (1-100) or a percentage of the group " +
                    "(\"25%\", 1-100%), EKS's updateConfig limits. 1 because the shipped services' PDBs allow one disruption each at minReplicas: with two nodes " +
                    "draining, a second pod of the same service waits for the first, and EKS fails the update after 15 minutes per pod. Preview warns when a group " +
                    "drains more nodes at once than the tightest PDB allows. Set on the node group inside eks.ManagedNodeGroup with a resource transform.",
            ),
    })
    // Runs even when other keys are invalid (`when`), so every problem is reported at once.
    .superRefine(
        (group, ctx) => {
            if (
                group === null ||
                typeof group !== "object" ||
                ![group.minSize, group.maxSize, group.desiredSize].every(Number.isInteger)
            ) {
                return;
            }
            if (group.minSize > group.maxSize) {
                ctx.addIssue({
                    code: "custom",
                    path: ["minSize"],
                    input: group.minSize,
                    message: `must be <= maxSize (${group.maxSize})`,
                });
            } else if (group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
                ctx.addIssue({
                    code: "custom",
                    path: ["desiredSize"],
                    input: group.desiredSize,
                    message: `must be between minSize (${group.minSize}) and maxSize (${group.maxSize})`,
                });
            }
        },
        { when: () => true },
    );

export const nodeGroupsSchema = z
    .record(dnsLabel, nodeGroupSchema, { error: "must be a map from node group name to its settings" })
    .refine((groups) => Object.keys(groups).length > 0, { error: "must define at least one node group" })
    .describe(
        "A map from node group name (a DNS label) to its settings; at least one. cluster-autoscaler finds every group by the cluster's tags.",
    );

/** The ResourceQuota keys the program accepts (a typo such as `limit.cpu` must not pass). */
export const QUOTA_KEYS = [
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
    "pods",
    "persistentvolumeclaims",
    "services",
    "services.loadbalancers",
    "services.nodeports",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.ephemeral-storage",
    "configmaps",
    "secrets",
    "replicationcontrollers",
    "resourcequotas",
] as const;

/** What a ValidatingAdmissionPolicyBinding may do with a failed validation (admissionregistration.k8s.io/v1). */
export const VALIDATION_ACTIONS = ["Deny", "Warn", "Audit"] as const;

/**
 * The services contract enforced at admission (components/services-admission.ts). The API server's
 * own rules for a binding's validationActions (k8s.io/kubernetes
 * pkg/apis/admissionregistration/validation/validation.go `validateValidationActions`, documented on
 * k8s.io/api admissionregistration/v1 `ValidatingAdmissionPolicyBindingSpec.ValidationActions`,
 * v0.34.10): at least one, no duplicates, and not Deny with Warn.
 */
export const admissionSchema = z.strictObject({
    enabled: z
        .boolean()
        .default(true)
        .describe(
            "Create the ValidatingAdmissionPolicy and binding `berrys-services-contract`, which check each configured service's " +
                "Deployment in the namespace against its `services` contract (docs/services-contract.md).",
        ),
    validationActions: z
        .array(z.enum(VALIDATION_ACTIONS, { error: `must be one of ${VALIDATION_ACTIONS.join(", ")}` }))
        .min(1, {
            error: "must list at least one action (Deny, Warn, Audit); to turn the policy off set admission.enabled: false",
        })
        .refine((actions) => new Set(actions).size === actions.length, { error: "must not repeat an action" })
        .refine((actions) => !(actions.includes("Deny") && actions.includes("Warn")), {
            error: "must not contain both Deny and Warn: the API server rejects the binding\nuse [Deny] or [Deny, Audit] to refuse, [Warn, Audit] to warn",
        })
        .default(["Deny"])
        .describe(
            "What a Deployment that breaks its contract gets: `Deny` (refused), `Warn` (admitted with a warning), `Audit` (recorded in the audit log). At least one, no repeats, and not `Deny` with `Warn`: the API server rejects that binding (k8s.io/api admissionregistration/v1 types.go). Production: `[Warn, Audit]`; staging: `[Deny, Audit]`.",
        ),
});

export const namespaceSchema = z.strictObject({
    name: dnsLabel.describe("The namespace of the services, e.g. `berrys-production`."),
    podSecurity: z
        .enum(["restricted", "baseline"])
        .default("baseline")
        .describe("Pod Security Admission level enforced; `restricted` is always warned and audited."),
    quota: z
        .partialRecord(
            z.enum(QUOTA_KEYS, { error: `must be a ResourceQuota key: ${QUOTA_KEYS.join(", ")}` }),
            quantity,
            { error: "must be a map from ResourceQuota key to its hard limit (a quantity)" },
        )
        .superRefine(
            (quota, ctx) => {
                for (const key of ["requests.memory", "limits.memory"] as const) {
                    const problem = typeof quota?.[key] === "string" ? memoryProblem(quota[key]) : undefined;
                    if (problem !== undefined)
                        ctx.addIssue({ code: "custom", path: [key], input: quota[key], message: problem });
                }
            },
            { when: () => true },
        )
        .describe(
            "ResourceQuota `<name>-quota` hard limits by the quota's own keys (`requests.cpu`, `limits.memory`, `pods`, ...).",
        ),
    limitRange: z
        .strictObject({
            defaultRequest: z
                .strictObject({
                    cpu: quantity
                        .default("100m")
                        .describe(
                            "CPU request given to a container that declares none (a quota on requests would refuse it).",
                        ),
                    memory: memoryQuantity
                        .default("128Mi")
                        .describe("Memory request given to a container that declares none."),
                })
                .prefault({}),
            default: z
                .strictObject({
                    cpu: quantity
                        .default("500m")
                        .describe(
                            "CPU limit given to a container that declares none; at least defaultRequest.cpu (the API server refuses less).",
                        ),
                    memory: memoryQuantity
                        .default("512Mi")
                        .describe(
                            "Memory limit given to a container that declares none; at least defaultRequest.memory.",
                        ),
                })
                .prefault({}),
        })
        .superRefine(
            (value, ctx) =>
                requestsWithinLimits(value, ctx, {
                    requests: "defaultRequest",
                    limits: "default",
                    what: "a LimitRange",
                }),
            { when: () => true },
        )
        .prefault({}),
    protect: z
        .boolean()
        .default(false)
        .describe("Protect the namespace (and so everything in it) against `pulumi destroy` and replacement."),
    admission: admissionSchema.prefault({}),
});
