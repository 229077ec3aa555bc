// What one EKS node of a given instance type offers to pods: the instance's vCPUs and memory, less
// what the kubelet reserves for itself and the hard eviction threshold. Pure functions and one table.
//
// Source of the formulas: awslabs/amazon-eks-ami, nodeadm/internal/kubelet/config.go (AL2023's
// nodeadm; the AL2 bootstrap.sh computed the same): `getCPUMillicoresToReserve`,
// `GetMemoryMebibytesToReserve` (kubeReserved) and `evictionHard` `memory.available: 100Mi`.
// Max pods: nodeadm reads nodeadm/internal/kubelet/eni-max-pods.txt, which the VPC CNI's formula
// `ENIs x (IPv4 addresses per ENI - 1) + 2` generates from EC2's limits (no prefix delegation).
import { ConfigCheck, configCheck, keyName } from "../config";

/** The CPU architecture of an instance type, as EKS AMI types name it. */
export type Architecture = "x86_64" | "arm64";

/** One instance type, as `guardrails.instanceTypes` takes it. */
export interface InstanceTypeSpec {
    /** CPU architecture; when absent, from the type's name (`architectureFromName`). */
    readonly arch?: Architecture;
    /** vCPUs. */
    readonly vcpu: number;
    /** Memory in MiB as EC2 lists it (16 GiB = 16384). */
    readonly memoryMiB: number;
    /** The kubelet's maxPods for the type. */
    readonly maxPods: number;
}

/** What a node offers to pods (its `status.allocatable`), in base units. */
export interface Allocatable {
    /** Millicores. */
    readonly cpuMillicores: number;
    /** Bytes. */
    readonly memoryBytes: number;
    readonly pods: number;
}

/** The kubelet's `evictionHard` `memory.available` on EKS nodes, in MiB. */
export const EVICTION_HARD_MEMORY_MIB = 100;

const MIB = 2 ** 20;

/** The VPC CNI's max pods: the first IP of each ENI is the node's, and 2 host-network pods (aws-node, kube-proxy) need none. */
export function eniMaxPods(enis: number, ipv4PerEni: number): number {
    return enis * (ipv4PerEni - 1) + 2;
}

/**
 * CPU the kubelet reserves (kubeReserved), in millicores: 6% of the first core, 1% of the second,
 * 0.5% of the third and fourth, 0.25% of every core above four. Integer division per range, as
 * nodeadm's `getResourceToReserveInRange` does.
 */
export function kubeReservedCpuMillicores(vcpu: number): number {
    const total = vcpu * 1000;
    const ranges: readonly (readonly [number, number, number])[] = [
        [0, 1000, 600],
        [1000, 2000, 100],
        [2000, 4000, 50],
        [4000, Number.POSITIVE_INFINITY, 25],
    ];
    return ranges.reduce(
        (reserved, [start, end, basisPoints]) =>
            total <= start ? reserved : reserved + Math.floor(((Math.min(total, end) - start) * basisPoints) / 10000),
        0,
    );
}

/** Memory the kubelet reserves (kubeReserved), in MiB: 255Mi plus 11Mi per pod the node may run. */
export function kubeReservedMemoryMiB(maxPods: number): number {
    return 11 * maxPods + 255;
}

/** A node's allocatable: capacity less kubeReserved, less the hard eviction threshold for memory. */
export function allocatable(spec: InstanceTypeSpec): Allocatable {
    return {
        cpuMillicores: spec.vcpu * 1000 - kubeReservedCpuMillicores(spec.vcpu),
        memoryBytes: (spec.memoryMiB - kubeReservedMemoryMiB(spec.maxPods) - EVICTION_HARD_MEMORY_MIB) * MIB,
        pods: spec.maxPods,
    };
}

/**
 * The architecture a type's name implies, by pulumi-eks's own rule (pulumi-eks v4.3.0
 * nodejs/eks/nodes/nodegroup.ts `isGravitonInstance`): a "g" right after the generation digits means
 * Graviton (m7g, c6gn, t4g, x2gd); anything else is x86_64 (m6i, g5, inf2). `a1` is Graviton too.
 */
export function architectureFromName(type: string): Architecture {
    const match = /^([a-z]+)([0-9]+)([a-z])?/.exec(type);
    return match !== null && (match[3] === "g" || `${match[1]}${match[2]}` === "a1") ? "arm64" : "x86_64";
}

/** One size of a family: vCPUs, memory in GiB, and the EC2 network limits the max-pods formula takes. */
type Row = readonly [size: string, vcpu: number, memoryGiB: number, enis: number, ipv4PerEni: number];

/** Sizes of the general-purpose families (4 GiB per vCPU): m5, m6i, m7i, m6a, m6g, m7g. */
const GENERAL: readonly Row[] = [
    ["large", 2, 8, 3, 10],
    ["xlarge", 4, 16, 4, 15],
    ["2xlarge", 8, 32, 4, 15],
    ["4xlarge", 16, 64, 8, 30],
    ["8xlarge", 32, 128, 8, 30],
];
/** Compute-optimised families (2 GiB per vCPU): c5, c6i, c7i, c6g, c7g. */
const COMPUTE: readonly Row[] = GENERAL.map(
    ([size, vcpu, memory, enis, ips]) => [size, vcpu, memory / 2, enis, ips] as const,
);
/** Memory-optimised families (8 GiB per vCPU): r5, r6i, r7i, r6g, r7g. */
const MEMORY: readonly Row[] = GENERAL.map(
    ([size, vcpu, memory, enis, ips]) => [size, vcpu, memory * 2, enis, ips] as const,
);
/** The Graviton families also come in `medium` (1 vCPU, 2 ENIs of 4 addresses). */
const gravitonMedium = (memoryGiB: number): Row => ["medium", 1, memoryGiB, 2, 4];
/** Burstable t3 / t3a / t4g. */
const BURSTABLE: readonly Row[] = [
    ["medium", 2, 4, 3, 6],
    ["large", 2, 8, 3, 12],
    ["xlarge", 4, 16, 4, 15],
    ["2xlarge", 8, 32, 4, 15],
];

/** Graviton (arm64) families of the table; the rest are x86_64 (EC2 instance type pages). */
const ARM64_FAMILIES: ReadonlySet<string> = new Set(["m6g", "m7g", "c6g", "c7g", "r6g", "r7g", "t4g"]);

const FAMILIES: Readonly<Record<string, readonly Row[]>> = {
    m5: GENERAL,
    m6i: GENERAL,
    m7i: GENERAL,
    m6a: GENERAL,
    m6g: [gravitonMedium(4), ...GENERAL],
    m7g: [gravitonMedium(4), ...GENERAL],
    // c5 jumps from 4xlarge to 9xlarge: there is no c5.8xlarge (EC2 "Compute optimized instances").
    c5: COMPUTE.filter(([size]) => size !== "8xlarge"),
    c6i: COMPUTE,
    c7i: COMPUTE,
    c6g: [gravitonMedium(2), ...COMPUTE],
    c7g: [gravitonMedium(2), ...COMPUTE],
    r5: MEMORY,
    r6i: MEMORY,
    r7i: MEMORY,
    r6g: [gravitonMedium(8), ...MEMORY],
    r7g: [gravitonMedium(8), ...MEMORY],
    t3: BURSTABLE,
    t3a: BURSTABLE,
    t4g: BURSTABLE,
};

/**
 * Common EKS instance types: vCPUs and memory from EC2's instance type pages, max pods from the ENI
 * formula (the same numbers as amazon-eks-ami's eni-max-pods.txt). `guardrails.instanceTypes` adds more.
 */
export const INSTANCE_TYPES: Readonly<Record<string, InstanceTypeSpec>> = Object.fromEntries(
    Object.entries(FAMILIES).flatMap(([family, rows]) =>
        rows.map(
            ([size, vcpu, memoryGiB, enis, ips]) =>
                [
                    `${family}.${size}`,
                    {
                        arch: ARM64_FAMILIES.has(family) ? "arm64" : "x86_64",
                        vcpu,
                        memoryMiB: memoryGiB * 1024,
                        maxPods: eniMaxPods(enis, ips),
                    },
                ] as const,
        ),
    ),
);

/** The architecture of a type: its spec's (`extra` first, then the table), else its name's. */
export function architectureOf(type: string, extra: Readonly<Record<string, InstanceTypeSpec>> = {}): Architecture {
    return instanceTypeSpec(type, extra)?.arch ?? architectureFromName(type);
}

/** The architecture an EKS AMI type runs on (`AL2023_ARM_64_STANDARD`, `BOTTLEROCKET_x86_64`, ...). */
export function amiArchitecture(amiType: string): Architecture {
    return amiType.includes("ARM_64") ? "arm64" : "x86_64";
}

/** The spec of an instance type: `extra` (guardrails.instanceTypes) first, then the built-in table. */
export function instanceTypeSpec(
    type: string,
    extra: Readonly<Record<string, InstanceTypeSpec>> = {},
): InstanceTypeSpec | undefined {
    return Object.prototype.hasOwnProperty.call(extra, type)
        ? extra[type]
        : Object.prototype.hasOwnProperty.call(INSTANCE_TYPES, type)
          ? INSTANCE_TYPES[type]
          : undefined;
}

/**
 * Config check: every instance type of a node group must run the group's AMI type. A managed node
 * group has one AMI, and EKS's CreateNodegroup refuses instance types of another architecture
 * (an arm64 Graviton type on an x86_64 AMI, say), which today fails only at `pulumi up`.
 */
export const instanceArchitectureCheck: ConfigCheck = configCheck(
    "A node group's instance types must match its amiType's architecture (EKS CreateNodegroup refuses a mix).",
    (config) => {
        const errors: string[] = [];
        for (const [group, settings] of Object.entries(config.nodeGroups)) {
            const wanted = amiArchitecture(settings.amiType);
            const other = settings.instanceTypes.filter(
                (type) => architectureOf(type, config.guardrails.instanceTypes) !== wanted,
            );
            if (other.length > 0) {
                errors.push(
                    `${keyName(["nodeGroups", group, "instanceTypes"])} (${JSON.stringify(other)}) must run the group's amiType ` +
                        `${settings.amiType} (${wanted}): ${other.join(", ")} ${other.length === 1 ? "is" : "are"} ${wanted === "arm64" ? "x86_64" : "arm64 (Graviton)"}\n` +
                        `set ${keyName(["nodeGroups", group, "amiType"])} to an ${wanted === "arm64" ? "x86_64" : "ARM_64"} type or use ${wanted} instance types`,
                );
            }
        }
        return { errors, warnings: [] };
    },
);
