// The cluster's network: a dedicated VPC over several availability zones with private subnets
// for the nodes, or a team's existing VPC and subnets.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { instanceTypeSpec } from "../capacity/instance-types";
import { addonPodRequests } from "../capacity/system-pods";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../catalog/eks-zones";
import { configCheck, keyName } from "../config";
import type { ConfigCheck, NetworkConfig, PlatformConfig } from "../config";

type CreateNetwork = Extract<NetworkConfig, { mode: "create" }>;

/** An availability zone: its ID (the same physical zone in every account) and this account's name for it. */
export interface AvailabilityZone {
    readonly id: string;
    readonly name: string;
}

/**
 * The `aws.getAvailabilityZones` query: plain availability zones that need no opt-in, in any state.
 * Local and Wavelength Zones are opt-in (DescribeAvailabilityZones lists them once the account opts
 * in), and EKS cannot place a cluster subnet in them. No `state` filter: a zone reported impaired
 * during an incident must not drop out and shift the choice (the subnets are ForceNew on the zone).
 */
export const ZONE_QUERY = {
    allAvailabilityZones: false,
    filters: [
        { name: "opt-in-status", values: ["opt-in-not-required"] },
        { name: "zone-type", values: ["availability-zone"] },
    ],
};

/** The invoke's parallel `names` and `zoneIds` as zones. */
export function zonesOf(result: {
    readonly names: readonly string[];
    readonly zoneIds: readonly string[];
}): AvailabilityZone[] {
    return result.zoneIds.map((id, index) => ({ id, name: result.names[index] }));
}

const byId = (a: AvailabilityZone, b: AvailabilityZone) => a.id.localeCompare(b.id, "en", { numeric: true });

/**
 * The zones the VPC spans. `availabilityZoneIds`, in its order, when set: a change of zones is made
 * on purpose, by key. Otherwise, once the stack has subnets (`live`, in subnet order), their zones,
 * whatever state the region reports for them now; a raised `availabilityZoneCount` adds the next
 * zones by ID, a lowered one drops the last. Before the first deploy, the first
 * `availabilityZoneCount` of the region's zones by ID (so every account gets the same physical
 * zones). The zone IDs EKS refuses are never chosen. Errors name the key.
 */
export function chooseZones(
    network: CreateNetwork,
    region: string,
    available: readonly AvailabilityZone[],
    live: readonly AvailabilityZone[] = [],
): { zones: AvailabilityZone[]; errors: string[] } {
    const refused = EKS_UNSUPPORTED_ZONE_IDS[region] ?? [];
    const usable = available.filter((zone) => !refused.includes(zone.id)).sort(byId);
    const listed = usable.map((zone) => zone.id).join(", ");
    if (network.availabilityZoneIds !== undefined) {
        const errors: string[] = [];
        const zones = network.availabilityZoneIds.flatMap((id, index) => {
            const zone =
                usable.find((candidate) => candidate.id === id) ?? live.find((candidate) => candidate.id === id);
            if (zone === undefined && !refused.includes(id)) {
                errors.push(
                    `${keyName(["network", "availabilityZoneIds", index])} (${id}) must be a zone of ${region} this account can use: ${listed}`,
                );
            }
            return zone === undefined ? [] : [zone];
        });
        return { zones, errors };
    }
    const kept = live.slice(0, network.availabilityZoneCount);
    const added = usable.filter((zone) => !kept.some((keptZone) => keptZone.id === zone.id));
    if (kept.length + added.length < network.availabilityZoneCount) {
        return {
            zones: [],
            errors: [
                `${keyName(["network", "availabilityZoneCount"])} (${network.availabilityZoneCount}) must be <= the ${usable.length} zones of ${region} EKS supports (${listed})`,
            ],
        };
    }
    return { zones: [...kept, ...added.slice(0, network.availabilityZoneCount - kept.length)], errors: [] };
}

/** The zone of each of the stack's private subnets, in subnet order (their `Name` tags end in `-private-<n>`). */
export function liveZonesOf(
    subnets: readonly {
        readonly availabilityZoneId: string;
        readonly availabilityZone: string;
        readonly tags: Readonly<Record<string, string>>;
    }[],
): AvailabilityZone[] {
    const index = (subnet: (typeof subnets)[number]) =>
        Number(/-private-(\d+)$/.exec(subnet.tags.Name ?? "")?.[1] ?? Number.MAX_SAFE_INTEGER);
    return [...subnets]
        .sort((a, b) => index(a) - index(b))
        .map((subnet) => ({ id: subnet.availabilityZoneId, name: subnet.availabilityZone }));
}

/**
 * The zones of the stack's live private subnets (none before the first deploy), found by the tags
 * `Network` puts on them: the cluster's, the internal load balancers' role, and the stack's.
 */
export async function readLiveZones(clusterName: string, stack: string): Promise<AvailabilityZone[]> {
    const found = await aws.ec2.getSubnets({
        filters: [
            { name: `tag:kubernetes.io/cluster/${clusterName}`, values: ["shared"] },
            { name: "tag:kubernetes.io/role/internal-elb", values: ["1"] },
            { name: "tag:berrys.io/stack", values: [stack] },
        ],
    });
    const subnets = await Promise.all((found.ids ?? []).map((id) => aws.ec2.getSubnet({ id })));
    return liveZonesOf(
        subnets.map((subnet) => ({
            availabilityZoneId: subnet.availabilityZoneId,
            availabilityZone: subnet.availabilityZone,
            tags: subnet.tags ?? {},
        })),
    );
}

/** `network.availabilityZoneIds` must not name a zone EKS refuses (catalog/eks-zones.ts). */
export const availabilityZoneIdsCheck: ConfigCheck = configCheck(
    'network.availabilityZoneIds must not name a zone EKS refuses for cluster subnets (EKS user guide, "networking requirements for VPC and subnets").',
    (config: PlatformConfig) => {
        const network = config.network;
        const refused = EKS_UNSUPPORTED_ZONE_IDS[config.region] ?? [];
        const errors =
            network.mode !== "create" || network.availabilityZoneIds === undefined
                ? []
                : network.availabilityZoneIds.flatMap((id, index) =>
                      refused.includes(id)
                          ? [
                                `${keyName(["network", "availabilityZoneIds", index])} (${id}) must not be a zone EKS refuses for cluster subnets in ${config.region} ` +
                                    `(${refused.join(", ")})\npick another of the region's zone IDs (EKS user guide, "networking requirements for VPC and subnets")`,
                            ]
                          : [],
                  );
        return { errors, warnings: [] };
    },
);

/**
 * EKS CreateCluster needs subnets in at least two availability zones ("Subnets specified must be in
 * at least two different AZs"): checked against the zones AWS reports for the listed subnets.
 * A subnet whose zone is unknown is not counted against the rule.
 */
export function subnetZoneErrors(
    subnetIds: readonly string[],
    zoneOf: Readonly<Record<string, string | undefined>>,
): string[] {
    const zones = subnetIds.map((id) => zoneOf[id]);
    if (zones.some((zone) => zone === undefined) || new Set(zones).size >= 2) return [];
    return [
        `${keyName(["network", "privateSubnetIds"])} (${JSON.stringify(subnetIds)}) must span at least two availability zones: all are in ${zones[0]}, ` +
            "and EKS refuses a cluster in one zone\nadd a private subnet of another zone",
    ];
}

export interface NetworkArgs {
    /** What to create, or which VPC to use: `network` in the stack's config. */
    readonly network: NetworkConfig;
    /** EKS cluster name: subnets carry `kubernetes.io/cluster/<name>` for the load-balancer controller. */
    readonly clusterName: string;
    /** Tags for every AWS resource. */
    readonly tags: Readonly<Record<string, string>>;
    /** (create) The zones to span, one public and one private subnet each (`chooseZones`). */
    readonly zones?: readonly AvailabilityZone[];
}

/** Subnet tags that let AWS load balancers find their subnets (internal ones in private subnets). */
export const LOAD_BALANCER_ROLE_TAGS = {
    private: { "kubernetes.io/role/internal-elb": "1" },
    public: { "kubernetes.io/role/elb": "1" },
} as const;

export interface SubnetPlan {
    readonly privateCidrs: string[];
    readonly publicCidrs: string[];
}

/**
 * Splits the VPC's block: one large private subnet per zone (nodes and pods take their IPs from
 * it with the VPC CNI) and one small public subnet per zone for NAT gateways and internet-facing
 * load balancers. Eight equal slices; the zones' private subnets take the first, the public
 * subnets share the last (cut into eight again), so up to six zones fit in any block.
 */
export function planSubnets(cidrBlock: string, zones: number): SubnetPlan {
    const [address, prefixText] = cidrBlock.split("/");
    const prefix = Number(prefixText);
    const base = address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
    const slice = (start: number, size: number) => `${toAddress(start)}/${32 - Math.log2(size)}`;
    const privateSize = 2 ** (32 - prefix - 3);
    const publicSize = privateSize / 8;
    const lastSlice = base + 7 * privateSize;
    return {
        privateCidrs: Array.from({ length: zones }, (_, zone) => slice(base + zone * privateSize, privateSize)),
        publicCidrs: Array.from({ length: zones }, (_, zone) => slice(lastSlice + zone * publicSize, publicSize)),
    };
}

function toAddress(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Addresses AWS keeps in every subnet: the first four and the last (VPC user guide, "Subnet CIDR blocks"). */
export const AWS_RESERVED_ADDRESSES = 5;

/**
 * The private subnets a created VPC gets must hold, per zone, the nodes at maxSize and the pods they
 * run: the VPC CNI gives every pod a VPC address. Fewer addresses than nodes and pods is an error;
 * fewer than every node holding its maxPods' addresses (the CNI's default WARM_ENI_TARGET=1 keeps a
 * spare ENI's addresses on each node, so busy nodes hold all of theirs) is a warning.
 */
export const subnetSizeCheck = configCheck(
    "A created VPC's private subnets (network.cidrBlock split per zone) must hold each zone's share of the nodes at maxSize and their pods: the VPC CNI gives each pod a VPC address.",
    (config: PlatformConfig) => {
        const network = config.network;
        if (network.mode !== "create") return { errors: [], warnings: [] };
        const zones = network.availabilityZoneCount;
        const usable =
            2 ** (32 - Number(planSubnets(network.cidrBlock, zones).privateCidrs[0].split("/")[1])) -
            AWS_RESERVED_ADDRESSES;
        const groups = Object.values(config.nodeGroups);
        const perZone = (count: number) => Math.ceil(count / zones);
        const nodes = groups.reduce((total, group) => total + group.maxSize, 0);
        const pods =
            Object.values(config.services).reduce((total, service) => total + service.maxReplicas, 0) +
            addonPodRequests(config).reduce((total, pod) => total + Math.max(0, Math.floor(pod.replicas)), 0);
        const key = keyName(["network", "cidrBlock"]);
        if (perZone(nodes) + perZone(pods) > usable) {
            return {
                errors: [
                    `${key} (${network.cidrBlock}) must give each zone more than ${usable} usable addresses: ${perZone(nodes)} nodes and ${perZone(pods)} pods ` +
                        "per zone at max need one each\nuse a larger block (a /16 gives each zone's private subnet 8190), or fewer zones' worth of nodes",
                ],
                warnings: [],
            };
        }
        const held = groups.reduce(
            (total, group) =>
                total +
                group.maxSize *
                    Math.max(
                        0,
                        ...group.instanceTypes.map(
                            (type) => instanceTypeSpec(type, config.guardrails.instanceTypes)?.maxPods ?? 0,
                        ),
                    ),
            0,
        );
        return {
            errors: [],
            warnings:
                perZone(held) > usable
                    ? [
                          `${key} (${network.cidrBlock}) leaves ${usable} addresses per zone, fewer than the ${perZone(held)} its busy nodes hold at maxSize\n` +
                              "the VPC CNI keeps a warm ENI's addresses on every node (WARM_ENI_TARGET=1); use a larger block",
                      ]
                    : [],
        };
    },
);

/** Where a zone's subnets go: the component's name and args, the VPC, the zone's index and ID. */
interface ZoneSubnet {
    readonly name: string;
    readonly args: NetworkArgs;
    readonly vpc: aws.ec2.Vpc;
    readonly zone: number;
    readonly availabilityZoneId: string;
}

export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The private subnets' CIDRs: the control plane's network interfaces are there (NetworkPolicy ipBlocks). */
    public readonly privateSubnetCidrs: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:Network", name, {}, opts);
        const network = args.network;
        if (network.mode === "existing") {
            // Tag the team's subnets so internal load balancers land in them; the subnets stay theirs.
            network.privateSubnetIds.forEach((subnetId, index) => {
                for (const [key, value] of Object.entries(LOAD_BALANCER_ROLE_TAGS.private)) {
                    new aws.ec2.Tag(
                        `${name}-private-${index}-lb-role`,
                        { resourceId: subnetId, key, value },
                        { parent: this },
                    );
                }
            });
            this.vpcId = pulumi.output(network.vpcId);
            this.privateSubnetIds = pulumi.output(network.privateSubnetIds);
            this.privateSubnetCidrs = pulumi.all(
                network.privateSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }).cidrBlock),
            );
        } else {
            const created = this.createVpc(name, network, args);
            this.vpcId = created.vpcId;
            this.privateSubnetIds = created.privateSubnetIds;
            this.privateSubnetCidrs = pulumi.output(
                planSubnets(network.cidrBlock, network.availabilityZoneCount).privateCidrs,
            );
        }
        this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
    }

    private createVpc(name: string, network: CreateNetwork, args: NetworkArgs) {
        const zones = args.zones ?? [];
        if (zones.length !== network.availabilityZoneCount) {
            throw new pulumi.InputPropertiesError({
                message: `the network needs ${network.availabilityZoneCount} zones, was given ${zones.length}`,
                errors: [{ propertyPath: "zones", reason: "pass chooseZones(...).zones for the stack's network" }],
            });
        }
        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: network.cidrBlock,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { ...args.tags, Name: `${args.clusterName}-vpc` },
            },
            { parent: this },
        );
        const gateway = new aws.ec2.InternetGateway(
            `${name}-igw`,
            { vpcId: vpc.id, tags: args.tags },
            { parent: this },
        );
        const publicRoutes = new aws.ec2.RouteTable(
            `${name}-public`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
                tags: { ...args.tags, Name: `${args.clusterName}-public` },
            },
            { parent: this },
        );
        const plan = planSubnets(network.cidrBlock, network.availabilityZoneCount);
        const natCount = network.natGateways === "single" ? 1 : network.availabilityZoneCount;
        const natGateways: aws.ec2.NatGateway[] = [];
        const privateSubnets: aws.ec2.Subnet[] = [];
        for (let zone = 0; zone < network.availabilityZoneCount; zone++) {
            // By ID: the same physical zone in every account, unlike the zone's name.
            const at: ZoneSubnet = { name, args, vpc, zone, availabilityZoneId: zones[zone].id };
            const publicSubnet = this.createPublicSubnet(at, plan.publicCidrs[zone], publicRoutes);
            if (zone < natCount) {
                natGateways.push(this.createNatGateway(at, publicSubnet, gateway));
            }
            privateSubnets.push(this.createPrivateSubnet(at, plan.privateCidrs[zone], natGateways[zone % natCount]));
        }
        return { vpcId: vpc.id, privateSubnetIds: pulumi.all(privateSubnets.map((subnet) => subnet.id)) };
    }

    /** A zone's subnet: tagged for the cluster, with its role for load balancers. */
    private createSubnet(at: ZoneSubnet, role: "public" | "private", cidrBlock: string): aws.ec2.Subnet {
        const { name, args } = at;
        return new aws.ec2.Subnet(
            `${name}-${role}-${at.zone}`,
            {
                vpcId: at.vpc.id,
                availabilityZoneId: at.availabilityZoneId,
                cidrBlock,
                ...(role === "public" ? { mapPublicIpOnLaunch: false } : {}),
                tags: {
                    ...args.tags,
                    [`kubernetes.io/cluster/${args.clusterName}`]: "shared",
                    ...LOAD_BALANCER_ROLE_TAGS[role],
                    Name: `${args.clusterName}-${role}-${at.zone}`,
                },
            },
            { parent: this },
        );
    }

    private createPublicSubnet(at: ZoneSubnet, cidrBlock: string, routes: aws.ec2.RouteTable): aws.ec2.Subnet {
        const subnet = this.createSubnet(at, "public", cidrBlock);
        new aws.ec2.RouteTableAssociation(
            `${at.name}-public-${at.zone}`,
            { subnetId: subnet.id, routeTableId: routes.id },
            { parent: this },
        );
        return subnet;
    }

    private createNatGateway(
        at: ZoneSubnet,
        publicSubnet: aws.ec2.Subnet,
        gateway: aws.ec2.InternetGateway,
    ): aws.ec2.NatGateway {
        const { name, args, zone } = at;
        const address = new aws.ec2.Eip(`${name}-nat-${zone}`, { domain: "vpc", tags: args.tags }, { parent: this });
        return new aws.ec2.NatGateway(
            `${name}-nat-${zone}`,
            {
                allocationId: address.id,
                subnetId: publicSubnet.id,
                tags: { ...args.tags, Name: `${args.clusterName}-nat-${zone}` },
            },
            { parent: this, dependsOn: [gateway] },
        );
    }

    /** A private subnet whose traffic out leaves through `nat`. */
    private createPrivateSubnet(at: ZoneSubnet, cidrBlock: string, nat: aws.ec2.NatGateway): aws.ec2.Subnet {
        const { name, args, zone } = at;
        const subnet = this.createSubnet(at, "private", cidrBlock);
        const routes = new aws.ec2.RouteTable(
            `${name}-private-${zone}`,
            {
                vpcId: at.vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: { ...args.tags, Name: `${args.clusterName}-private-${zone}` },
            },
            { parent: this },
        );
        new aws.ec2.RouteTableAssociation(
            `${name}-private-${zone}`,
            { subnetId: subnet.id, routeTableId: routes.id },
            { parent: this },
        );
        return subnet;
    }
}
