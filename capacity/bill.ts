// The monthly bill of what the program creates: the nodes beside the control plane, the NAT gateways
// and their addresses, the nodes' root volumes, Prometheus's volumes and the secrets key. Pure: the
// day (for the control plane's support state) is given.
import type { PlatformConfig } from "../config";
import { EKS_VERSION_CALENDAR } from "../catalog/compatibility";
import { HOURS_PER_MONTH, PLATFORM_PRICES, PRICE_TABLE_REGION } from "../catalog/prices";
import { toBytes } from "../quantity";
import { formatUsd, NodeReport, sumOfCosts } from "./model";

/** One line of the bill: USD per month with every node group at minSize and at maxSize. */
export interface BillLine {
    readonly item: string;
    /** What is counted and at what price ("3 x $0.045/h"). */
    readonly basis: string;
    readonly atMin: number | null;
    readonly atMax: number | null;
}

export interface MonthlyBill {
    readonly currency: "USD";
    readonly hoursPerMonth: number;
    readonly priceRegion: string;
    /** EKS bills the control plane by the support state of the cluster's minor (on the day given; not in the output, which would change daily). */
    readonly controlPlane: { readonly support: "standard" | "extended"; readonly pricePerHour: number };
    readonly lines: readonly BillLine[];
    /** The sum of the lines; `null` when a node group has no price. */
    readonly atMin: number | null;
    readonly atMax: number | null;
    /** True when a Spot group is priced at on-demand (Spot never costs more): the totals are an upper bound. */
    readonly upperBound: boolean;
    /** What the figures leave out: charges by usage, with no fixed monthly amount. */
    readonly excludes: readonly string[];
    readonly text: { readonly atMin: string; readonly atMax: string };
}

const GIB = 2 ** 30;

/**
 * The support state EKS bills on `today` (YYYY-MM-DD): extended once the minor's standard support
 * has ended (the calendar in catalog/compatibility.ts) under the EXTENDED upgrade policy; under
 * STANDARD, EKS upgrades the control plane at that date instead, so it never bills extended support.
 * A minor newer than the calendar is standard.
 */
export function controlPlaneSupport(
    minor: string,
    today: string,
    supportType: "STANDARD" | "EXTENDED",
): "standard" | "extended" {
    const dates = EKS_VERSION_CALENDAR[minor];
    const pastStandard = dates !== undefined && today > dates.endOfStandardSupport;
    return pastStandard && supportType === "EXTENDED" ? "extended" : "standard";
}

/** The stack's monthly bill on `today`, from its config and the node report's prices. */
export function monthlyBill(config: PlatformConfig, nodes: NodeReport, today: string): MonthlyBill {
    const support = controlPlaneSupport(config.cluster.version, today, config.cluster.upgradePolicy.supportType);
    const eks = PLATFORM_PRICES.eksPerHour[support];
    const spot = spotGroups(config);
    const lines = billLines(config, nodes, support);
    const atMin = sumOfCosts(lines.map((line) => line.atMin));
    const atMax = sumOfCosts(lines.map((line) => line.atMax));
    return {
        currency: "USD",
        hoursPerMonth: HOURS_PER_MONTH,
        priceRegion: PRICE_TABLE_REGION,
        controlPlane: { support, pricePerHour: eks },
        lines,
        atMin,
        atMax,
        upperBound: spot.length > 0,
        excludes: [
            "NAT data processing (per GB)",
            "CloudWatch Logs (per GB)",
            "data transfer",
            "load balancers the services create",
        ],
        text: { atMin: formatUsd(atMin), atMax: formatUsd(atMax) },
    };
}

function spotGroups(config: PlatformConfig): string[] {
    return Object.entries(config.nodeGroups)
        .filter(([, group]) => group.capacityType === "SPOT")
        .map(([name]) => name);
}

/** A line that costs the same at min and at max size. */
function fixed(item: string, basis: string, amount: number): BillLine {
    return { item, basis, atMin: cents(amount), atMax: cents(amount) };
}

/** The bill's lines: the nodes, the control plane, the NAT gateways, the volumes and the KMS key. */
function billLines(config: PlatformConfig, nodes: NodeReport, support: "standard" | "extended"): BillLine[] {
    const hours = HOURS_PER_MONTH;
    const eks = PLATFORM_PRICES.eksPerHour[support];
    const nats = natGateways(config);
    const rootGib = (size: "minSize" | "maxSize") =>
        Object.values(config.nodeGroups).reduce((sum, group) => sum + group[size] * group.diskSizeGiB, 0);
    const prometheus = config.addons.prometheus;
    const prometheusGib =
        prometheus.mode === "install" ? prometheus.replicas * Math.ceil(toBytes(prometheus.storageSize) / GIB) : 0;
    const spot = spotGroups(config);
    return [
        {
            item: "nodes",
            basis: `each group's dearest instance type, on-demand${spot.length > 0 ? ` (Spot groups ${spot.join(", ")} too: an upper bound)` : ""}`,
            atMin: nodes.monthlyCost.atMin,
            atMax: nodes.monthlyCost.atMax,
        },
        fixed(
            "EKS control plane",
            `$${eks}/h, Kubernetes ${config.cluster.version} in ${support} support`,
            eks * hours,
        ),
        fixed(
            "NAT gateways",
            `${nats} x ($${PLATFORM_PRICES.natGatewayPerHour}/h + $${PLATFORM_PRICES.publicIpv4PerHour}/h for its public IPv4)`,
            nats * (PLATFORM_PRICES.natGatewayPerHour + PLATFORM_PRICES.publicIpv4PerHour) * hours,
        ),
        {
            item: "node root volumes",
            basis: `gp3 at $${PLATFORM_PRICES.gp3PerGibMonth}/GiB-month: ${rootGib("minSize")} GiB at min size, ${rootGib("maxSize")} GiB at max size`,
            atMin: cents(rootGib("minSize") * PLATFORM_PRICES.gp3PerGibMonth),
            atMax: cents(rootGib("maxSize") * PLATFORM_PRICES.gp3PerGibMonth),
        },
        fixed(
            "Prometheus volumes",
            `gp3 at $${PLATFORM_PRICES.gp3PerGibMonth}/GiB-month: ${prometheusGib} GiB`,
            prometheusGib * PLATFORM_PRICES.gp3PerGibMonth,
        ),
        fixed("secrets KMS key", `$${PLATFORM_PRICES.kmsKeyPerMonth}/month`, PLATFORM_PRICES.kmsKeyPerMonth),
    ];
}

/** NAT gateways the program creates: one, or one per zone; none in an existing network. */
function natGateways(config: PlatformConfig): number {
    if (config.network.mode !== "create") return 0;
    return config.network.natGateways === "single" ? 1 : config.network.availabilityZoneCount;
}

/** The bill as `render` prints it, one line per item and the totals, labelled an upper bound with Spot groups. */
export function formatBill(bill: MonthlyBill): string {
    const width = Math.max(...bill.lines.map((line) => line.item.length));
    const bound = bill.upperBound ? " (an upper bound: Spot nodes priced at on-demand)" : "";
    return [
        `Monthly bill of what the program creates (${bill.priceRegion} prices, ${bill.hoursPerMonth} h; USD at min size / at max size)`,
        ...bill.lines.map(
            (line) =>
                `  ${line.item.padEnd(width)}  ${formatUsd(line.atMin)} / ${formatUsd(line.atMax)}  ${line.basis}`,
        ),
        `  ${"total".padEnd(width)}  ${bill.text.atMin} / ${bill.text.atMax}${bound}`,
        `  not included (priced by usage): ${bill.excludes.join(", ")}`,
    ].join("\n");
}

function cents(value: number): number {
    return Math.round(value * 100) / 100;
}
